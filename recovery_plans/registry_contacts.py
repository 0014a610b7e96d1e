"""What the contacts side tells partnership about (called from ``RecoveryPlansConfig.ready``):
its menu items. Kept apart from ``apps.py`` so the plans side adds its own beside it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from partnership import registry
from recovery_plans.access_contacts import can_record_contacts, can_record_outreach


def register_contacts() -> None:
    # After the caseloads (20, 21), before partnership's Access log (60).
    registry.navigation_item_register(
        label=_("Outreach"), url_name="contacts:outreach", shown_to=can_record_outreach, order=30
    )
    registry.navigation_item_register(
        label=_("Groups"), url_name="contacts:groups", shown_to=can_record_contacts, order=31
    )
