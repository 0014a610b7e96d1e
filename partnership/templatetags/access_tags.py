"""Templates ask the one rule for detail fields (``partnership.access.may_see``)."""

from django import template

from partnership.access import may_see

register = template.Library()


@register.simple_tag(takes_context=True)
def may_see_field(context, obj, field: str) -> bool:
    """``{% may_see_field consent "basis_note" as show_note %}``: whether the signed-in user
    may see this field of ``obj`` (safeguarding and restriction detail are hidden)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return user is not None and may_see(user, obj._meta.label_lower, field)
