"""The person record's frame (identity bar and sub-navigation) for every page about a person,
whichever app's view drew it: ``{% person_record_header %}`` in
``referrals/person_record/_frame.html``. A page extending the frame needs ``person`` (fetched
with ``person_get_for``) and ``record_tab`` (the key of its tab) in its context; ``identity``
too, if the view built it already (``referrals.selectors.person_record.person_identity_for``),
otherwise the tag builds it (a fixed number of queries)."""

from __future__ import annotations

from django import template
from django.urls import reverse

from referrals import person_record_discovery as discovery
from referrals.selectors.person_record import person_identity_for

register = template.Library()


@register.inclusion_tag("referrals/person_record/_header.html", takes_context=True)
def person_record_header(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    person = context["person"]
    identity = context.get("identity") or person_identity_for(user=user, person=person)
    current = context.get("record_tab", "")
    tabs = [
        {
            "key": tab["key"],
            "label": tab["label"],
            "href": reverse(tab["url_name"], kwargs={"person_ref": person.reference}),
            "current": tab["key"] == current,
        }
        for tab in discovery.tabs_for(user)
    ]
    return {"person": person, "identity": identity, "tabs": tabs}
