"""What the concerns part of safeguarding adds to other apps' pages (navigation, home destinations,
person-record alerts, access-log types), called from ``SafeguardingConfig.ready()``.

The person record's tab, timeline source and identity-bar alert are in
``safeguarding/person_record_concerns.py`` (found by ``referrals.person_record_discovery``)."""

from django.utils.translation import gettext_lazy as _

from partnership import registry
from partnership.access import Detail, detail_register, sees_every_concern

SAFEGUARDING_DETAIL_MODELS = (
    "safeguarding.concern",
    "safeguarding.concerntransition",
    "safeguarding.concernaction",
    "safeguarding.concernmeeting",
    "safeguarding.chronologymark",
    "safeguarding.chronologysummary",
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
