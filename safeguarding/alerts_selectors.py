"""Reading drug alerts (SAF-5): the list, one alert, and who has and has not acknowledged it."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.http import Http404

from partnership.access import DRUG_ALERT_RECIPIENT_ROLES, can_issue_drug_alerts, receives_drug_alerts
from safeguarding.alerts import live_filter
from safeguarding.models import DrugAlert, DrugAlertAcknowledgement


def drug_alerts_for(*, user, include_past: bool = False) -> QuerySet[DrugAlert]:
    """Live alerts for everyone who receives them, each with whether ``user`` acknowledged it;
    those who issue alerts may see withdrawn and expired ones too, with acknowledgement counts."""
    if not receives_drug_alerts(user):
        return DrugAlert.objects.none()
    mine = DrugAlertAcknowledgement.objects.filter(alert=OuterRef("pk"), user=user)
    queryset = DrugAlert.objects.select_related("issued_by").annotate(acknowledged_by_me=Exists(mine))
    if not (include_past and can_issue_drug_alerts(user)):
        queryset = queryset.filter(live_filter())
    if can_issue_drug_alerts(user):
        queryset = queryset.annotate(acknowledgement_count=Count("acknowledgements"))
    return queryset.order_by("-issued_at", "-pk")


def drug_alert_get_for(*, user, reference: str) -> DrugAlert:
    """One alert: 404 for anyone who does not receive alerts; a past alert (withdrawn or
    expired) only for those who issue them."""
    alert = drug_alerts_for(user=user, include_past=True).filter(reference=reference).first()
    if alert is None:
        raise Http404
    return alert


def drug_alert_readers(*, alert: DrugAlert) -> list:
    """Everyone who receives alerts, each with when they acknowledged this one (None: not yet),
    those who have not first: one query."""
    acknowledged = DrugAlertAcknowledgement.objects.filter(alert=alert, user=OuterRef("pk"))
    users = (
        get_user_model()
        .objects.filter(is_active=True, membership__role__in=DRUG_ALERT_RECIPIENT_ROLES)
        .select_related("membership", "membership__hub")
        .annotate(acknowledged_at=Subquery(acknowledged.values("acknowledged_at")[:1]))
    )
    rows = list(users)
    return sorted(rows, key=lambda u: (u.acknowledged_at is not None, u.last_name, u.first_name, u.pk))
