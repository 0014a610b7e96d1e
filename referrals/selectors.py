"""Reads, always scoped to the user asking (CONVENTIONS: selectors)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from partnership.access import can_work_front_door, sees_allocated_caseload

from .models import Referral


def referrals_visible_to(*, user) -> QuerySet[Referral]:
    """Deny by default: the front door sees every referral, caseworkers those allocated to
    them, everyone else nothing."""
    if can_work_front_door(user):
        return Referral.objects.all()
    if sees_allocated_caseload(user):
        return Referral.objects.filter(allocated_worker=user)
    return Referral.objects.none()


def referral_get_for(*, user, reference: str) -> Referral:
    """The referral, or 404 exactly as if it did not exist when the user may not see it."""
    referral = (
        referrals_visible_to(user=user)
        .select_related("person", "hub", "assigned_to", "allocated_worker", "created_by")
        .filter(reference=reference)
        .first()
    )
    if referral is None:
        raise Http404
    return referral
