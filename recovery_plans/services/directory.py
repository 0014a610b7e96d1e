"""Writes for the directory of local services (PLN-5): managers and hub workers keep it.
Entries are about no one person, so they save with ``person_id=None``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from common.audit import ExpectedVersion, audited_create, audited_save
from partnership.access import can_manage_directory
from recovery_plans.models import DirectoryEntry

DIRECTORY_FIELDS = ("name", "kind", "offer", "contact", "area", "council", "active")


def directory_entry_create(*, by, **values) -> DirectoryEntry:
    if not can_manage_directory(by):
        raise PermissionDenied
    values = {name: values[name] for name in DIRECTORY_FIELDS if name in values}
    return audited_create(DirectoryEntry, by=by, reason="Added to the directory", person_id=None, **values)


@transaction.atomic
def directory_entry_update(
    *, entry: DirectoryEntry, by, expected_version: ExpectedVersion | None = None, **values
) -> DirectoryEntry:
    if not can_manage_directory(by):
        raise PermissionDenied
    for name in DIRECTORY_FIELDS:
        if name in values:
            setattr(entry, name, values[name])
    audited_save(entry, by=by, reason="Directory entry changed", person_id=None, expected_version=expected_version)
    return entry
