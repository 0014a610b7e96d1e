"""Reads for the directory of local services (PLN-5)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from partnership.access import can_manage_directory, sees_directory
from recovery_plans.models import DirectoryEntry


def directory_for(*, user, kind: str = "", include_inactive: bool = False) -> QuerySet[DirectoryEntry]:
    if not sees_directory(user):
        raise PermissionDenied
    entries = DirectoryEntry.objects.all()
    if not include_inactive:
        entries = entries.filter(active=True)
    if kind:
        entries = entries.filter(kind=kind)
    return entries.order_by("name", "pk")


def directory_entry_for_edit(*, user, pk: int) -> DirectoryEntry:
    if not can_manage_directory(user):
        raise PermissionDenied
    return get_object_or_404(DirectoryEntry, pk=pk)


def partners_to_own_actions() -> QuerySet[DirectoryEntry]:
    return DirectoryEntry.objects.filter(active=True).order_by("name", "pk")
