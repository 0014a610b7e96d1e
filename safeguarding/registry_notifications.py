"""What the notifications part of safeguarding adds to other apps' pages (navigation, home destinations,
person-record alerts, access-log types), called from ``SafeguardingConfig.ready()``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from partnership import registry
from partnership.access import Detail, detail_register, sees_council_notifications, sees_incidents


def _describer(model, words):
    def describe(ids: set[int]) -> dict[int, str]:
        rows = model.objects.filter(pk__in=ids).values_list("pk", "reference")
        return {pk: f"{words} {reference}" for pk, reference in rows}

    return describe


def _finder(model):
    def find(reference: str):
        return model.objects.filter(reference=reference.strip().upper()).values("pk")

    return find


def register() -> None:
    from safeguarding.models import (
        DataSecurityIncident,
        DeathInService,
        NonFatalOverdose,
        Notification,
        SeriousIncident,
    )

    # After the casework items, before partnership's Access log (60).
    registry.navigation_item_register(
        label=_("Incidents"), url_name="safeguarding:incident_registers", shown_to=sees_incidents, order=55
    )
    registry.navigation_item_register(
        label=_("Notifications"), url_name="safeguarding:notifications", shown_to=sees_council_notifications, order=56
    )
    # Safeguarding detail as a whole: never for peer workers or another organisation (SEC-1),
    # in every page, history view and export that asks ``may_see``.
    for label in (
        "safeguarding.seriousincident",
        "safeguarding.incidentaction",
        "safeguarding.deathinservice",
        "safeguarding.nonfataloverdose",
        "safeguarding.datasecurityincident",
        "safeguarding.notification",
        "safeguarding.escalation",
    ):
        detail_register(model=label, kind=Detail.SAFEGUARDING)
    for model, words in (
        (Notification, "Notification"),
        (SeriousIncident, "Serious incident"),
        (DeathInService, "Death in service"),
        (NonFatalOverdose, "Non-fatal overdose"),
        (DataSecurityIncident, "Data-security incident"),
    ):
        registry.access_log_type_register(
            object_type=model._meta.label_lower, describe=_describer(model, words), find_by_reference=_finder(model)
        )
