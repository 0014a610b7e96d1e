"""What the complaints part of safeguarding adds to other apps' pages (navigation, home destinations,
person-record alerts, access-log types), called from ``SafeguardingConfig.ready()``."""

from django.utils.translation import gettext_lazy as _

# Menu places: after "Local services" (40), before "Access log" (60).
# After Incidents and Notifications (55, 56), before the access log (60): safeguarding together.
DRUG_ALERTS_ORDER, COMPLAINTS_ORDER = 57, 58


def _describe_complaints(ids: set[int]) -> dict[int, str]:
    from safeguarding.models import Complaint

    return {pk: f"Complaint {ref}" for pk, ref in Complaint.objects.filter(pk__in=ids).values_list("pk", "reference")}


def _find_complaint(reference: str):
    from safeguarding.models import Complaint

    return Complaint.objects.filter(reference=reference.strip().upper()).values("pk")


def register() -> None:
    from partnership import registry
    from partnership.access import handles_complaints, receives_drug_alerts

    # SAF-5: everyone who receives alerts can read the live ones again after acknowledging them.
    registry.navigation_item_register(
        label=_("Drug alerts"),
        url_name="safeguarding:drug_alerts",
        shown_to=receives_drug_alerts,
        order=DRUG_ALERTS_ORDER,
    )
    # SAF-4: managers handle complaints (§3.17.4).
    registry.navigation_item_register(
        label=_("Complaints"), url_name="safeguarding:complaints", shown_to=handles_complaints, order=COMPLAINTS_ORDER
    )
    registry.access_log_type_register(
        object_type="safeguarding.complaint", describe=_describe_complaints, find_by_reference=_find_complaint
    )
