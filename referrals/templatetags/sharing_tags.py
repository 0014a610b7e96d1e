"""Consent and sharing pieces on the person and referral pages (PAR-2, PAR-3, PAR-4).

Each tag costs at most one query however much is recorded, so the pages that include them keep
a constant query count; and each shows nothing to a role that does not manage sharing.
"""

from __future__ import annotations

from django import template

from partnership.access import can_share_records, sees_safeguarding_detail
from referrals.selectors.consent import consents_for_person, reviews_due
from referrals.selectors.sharing import onward_referrals_for

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None)


@register.inclusion_tag("referrals/sharing/_consent_reminder.html", takes_context=True)
def consent_reminder(context, person, link: bool = True):
    """A prompt where a consent decision is 6 months old or more (TH: ask again every 6 months),
    and on the person page a link to "Consent and sharing"."""
    user = _user(context)
    if person is None or not can_share_records(user):
        return {"show": False}
    return {
        "show": True,
        "person": person,
        "link": link,
        "due": reviews_due(consents_for_person(person_id=person.pk)),
    }


@register.inclusion_tag("referrals/sharing/_onward_referrals.html", takes_context=True)
def onward_referrals(context, referral):
    """Onward referrals and their outcomes, on the referral page (PAR-4)."""
    user = _user(context)
    return {
        "referral": referral,
        "onward_referrals": list(onward_referrals_for(referral=referral)),
        "can_record": can_share_records(user),
    }


@register.simple_tag(takes_context=True)
def can_send_to_treatment(context) -> bool:
    """ERS staff who may share records and see risk detail send referrals to Treatment."""
    user = _user(context)
    return can_share_records(user) and sees_safeguarding_detail(user)
