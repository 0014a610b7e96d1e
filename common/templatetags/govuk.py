"""GOV.UK Frontend markup that every page repeats, as template tags (GOV.UK Frontend's own
Nunjucks macros play this part; Django templates have no macros)."""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag
def govuk_table_head(*headers) -> str:
    """``<thead>`` with one column header a label: ``{% govuk_table_head _("When") _("Who") %}``."""
    cells = format_html_join("", '<th scope="col" class="govuk-table__header">{}</th>', ((h,) for h in headers))
    return format_html('<thead class="govuk-table__head"><tr class="govuk-table__row">{}</tr></thead>', cells)
