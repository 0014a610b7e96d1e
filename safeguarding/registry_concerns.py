"""What the concerns part of safeguarding adds to other apps' pages (navigation, home destinations,
person-record alerts, access-log types), called from ``SafeguardingConfig.ready()``.

The person record's tab, timeline source and identity-bar alert are in
``safeguarding/person_record_concerns.py`` (found by ``referrals.person_record_discovery``)."""

from django.utils.translation import gettext_lazy as _

from partnership import registry
from partnership.access import Detail, detail_register, sees_every_concern, shared_detail_register

SAFEGUARDING_DETAIL_MODELS = (
    "safeguarding.concern",
    "safeguarding.concerntransition",
    "safeguarding.concernaction",
    "safeguarding.concernmeeting",
    "safeguarding.chronologymark",
    "safeguarding.chronologysummary",
    "safeguarding.concernshare",
)

# What a Treatment organisation sees of a concern shared with it (the shared record page and a
# records export for it): what the concern is, who is at risk and how much, the referral to the
# council, the actions agreed and the outcome. Never the multi-agency meetings (other agencies'
# minutes), the status changes, the child's row, the council's reference or the outcome note.
SHARED_CONCERN_FIELDS = (
    "reference",
    "person",
    "about",
    "category",
    "at_risk",
    "at_risk_detail",
    "risk_level",
    "summary",
    "status",
    "raised_at",
    "raised_by",
    "council",
    "referred_on",
    "outcome",
    "closed_at",
    "closed_by",
)
SHARED_ACTION_FIELDS = (
    "concern",
    "description",
    "owner",
    "owner_other",
    "due_on",
    "created_at",
    "created_by",
    "done_at",
    "done_by",
)


def _describe_concerns(ids: set[int]) -> dict[int, str]:
    from safeguarding.models import Concern

    return {
        pk: f"Safeguarding concern {ref}"
        for pk, ref in Concern.objects.filter(pk__in=ids).values_list("pk", "reference")
    }


def _find_concern(reference: str):
    from safeguarding.models import Concern

    return Concern.objects.filter(reference=reference.strip().upper()).values("pk")


def _concerns_shared_with(organisation):
    from safeguarding.concern_grants import concerns_shared_with
    from safeguarding.models import Concern

    return Concern.objects.filter(pk__in=concerns_shared_with(organisation.pk)).values("pk")


def _actions_shared_with(organisation):
    from safeguarding.concern_grants import concerns_shared_with
    from safeguarding.models import ConcernAction

    return ConcernAction.objects.filter(concern__in=concerns_shared_with(organisation.pk)).values("pk")


def _withdraw_with_record(**kwargs) -> None:
    from safeguarding.services_concern_sharing import share_withdraw_with_record

    share_withdraw_with_record(**kwargs)


def register() -> None:
    # §3.15.8: the safeguarding lead's work is the overview of every concern.
    registry.navigation_item_register(
        label=_("Safeguarding"), url_name="safeguarding:overview", shown_to=sees_every_concern, order=26
    )
    registry.home_destination_register(url_name="safeguarding:overview", applies_to=sees_every_concern, order=50)
    registry.access_log_type_register(
        object_type="safeguarding.concern", describe=_describe_concerns, find_by_reference=_find_concern
    )
    # SAF-1: every concern, its actions and meetings, and the chronology's own rows are
    # safeguarding detail: never for peer support workers, volunteers or another organisation.
    for model in SAFEGUARDING_DETAIL_MODELS:
        detail_register(model=model, kind=Detail.SAFEGUARDING)
    shared_detail_register(model="safeguarding.concern", fields=SHARED_CONCERN_FIELDS)
    shared_detail_register(model="safeguarding.concernaction", fields=SHARED_ACTION_FIELDS)
    registry.shared_records_register(model="safeguarding.concern", shared_with=_concerns_shared_with)
    registry.shared_records_register(model="safeguarding.concernaction", shared_with=_actions_shared_with)
    registry.person_unshared_register(key="safeguarding.concerns", hook=_withdraw_with_record)
