"""The one audited write: every service in every app saves a record about a person here.

``audited_save`` does three things no service may forget:

1. Sets the history user and change reason (django-simple-history), so every change is
   attributable to a named member of staff, from a view, a Celery task or a command alike.
2. Refuses the write while the person's processing is restricted (PAR-6, §3.16.4, UK GDPR
   Article 18), reading the flag from the database so a restriction set a moment ago in
   another request counts even when the caller holds an older copy.
3. Names whose record it is: ``person_id`` is a required keyword. ``None`` means "about no
   one yet" (a referral not yet linked to a person, a target table row), never "not checked".
4. Refuses a save made from a form loaded from an older version of the record (SEC-5), when
   given the version the form was loaded from (``expected_version``): see ``version_check``.

Restriction must still allow some writes (Article 18(2) and (3)). They are the members of
``Exemption``, and a caller names the one that applies; nothing else passes:

- ``RESTRICTION``: setting or lifting the restriction itself (the data protection officer).
- ``DATA_SUBJECT_REQUEST``: recording the person's own request or its result: a subject
  access request and its export, a withdrawal of consent (which only narrows processing),
  and the data protection officer's rectification, which is what a restriction for contested
  accuracy waits for (Article 18(1)(a)).
- ``VITAL_INTERESTS``: protecting the person or another person: the urgent escalation
  protocol (§3.2.6) and, when it exists, safeguarding (Article 18(2), "protection of the
  rights of another natural or legal person"; DPA 2018 Schedule 1 paragraph 18).
- ``LEGAL_CLAIMS``: the establishment, exercise or defence of legal claims, such as a court
  chronology (Article 18(2)).
"""

from __future__ import annotations

import enum
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from common.history import diff_rows

PROCESSING_RESTRICTED = _(
    "Processing of this person's information is restricted, so their records cannot be changed. "
    "Ask the data protection officer, who can lift the restriction."
)

EDIT_CONFLICT = _(
    "Your changes have not been saved: someone else changed this after you opened the page. "
    "Check their changes, then save again"
)

# simple-history truncates change reasons to its column width.
CHANGE_REASON_MAX_LENGTH = 100


class Exemption(enum.Enum):
    """The writes restriction of processing must allow (see the module docstring)."""

    RESTRICTION = "restriction"
    DATA_SUBJECT_REQUEST = "data_subject_request"
    VITAL_INTERESTS = "vital_interests"
    LEGAL_CLAIMS = "legal_claims"


class ProcessingRestricted(ValidationError):
    """A write refused under PAR-6. A ``ValidationError``, so forms show it as an error."""

    def __init__(self):
        super().__init__(PROCESSING_RESTRICTED, code="processing_restricted")


def _restricted_person_ids(person_ids: set[int]) -> set[int]:
    """Which of these people are restricted: asked of the app that owns people, named in
    settings (``ERS_RESTRICTED_PEOPLE``) so this module imports no app of ours."""
    return set(import_string(settings.ERS_RESTRICTED_PEOPLE)(person_ids))


# --- Concurrent edits (SEC-5) ------------------------------------------------------------------
#
# The version of a record is the id of its latest django-simple-history row (0: no row, the
# record did not exist yet): every audited model has one, every save writes one, and ids only
# grow, so no column or migration is needed. A form carries the version it was loaded from
# (``common.forms.versions``); the service passes it to the save of the record the form edits.


@dataclass(frozen=True)
class ExpectedVersion:
    """What an edit form was loaded from: the record's latest history id then, and the model
    fields the form edits (None: any change at all counts)."""

    history_id: int
    fields: frozenset[str] | None = None


class EditConflict(ValidationError):
    """SEC-5: a save refused because someone else changed what the form edits after it was
    loaded. ``changes`` are their history rows (``common.history.RowDiff``, oldest first,
    only the edited fields); ``current_version`` is the version to save against next."""

    def __init__(self, *, obj: models.Model, changes: list, current_version: int):
        super().__init__(EDIT_CONFLICT, code="edit_conflict")
        self.obj = obj
        self.changes = changes
        self.current_version = current_version


def current_version(obj: models.Model | None) -> int:
    """The version a form loads ``obj`` at: its latest history id, 0 when it does not exist."""
    if obj is None or obj.pk is None:
        return 0
    return obj.history.order_by("-history_id").values_list("history_id", flat=True).first() or 0


def version_check(obj: models.Model, expected: ExpectedVersion | None) -> None:
    """Raise ``EditConflict`` when a history row newer than ``expected`` changed one of its
    fields. The row is locked first (``select_for_update``, inside the caller's transaction),
    so two saves from the same old version cannot both pass. Newer rows that touch none of
    the form's fields pass: the service saves the rest from the record as it loaded it now."""
    if expected is None or obj.pk is None:
        return
    list(type(obj)._default_manager.select_for_update().filter(pk=obj.pk).values_list("pk", flat=True))
    newer = list(obj.history.filter(history_id__gt=expected.history_id).order_by("history_id"))
    if not newer:
        return
    base = obj.history.filter(history_id=expected.history_id).first() if expected.history_id else None
    wanted = [f for f in obj._meta.concrete_fields if expected.fields is None or f.name in expected.fields]
    diffs = diff_rows([base, *newer] if base is not None else newer, fields=lambda row: wanted)
    changes = [diff for diff in diffs if diff.row.history_id > expected.history_id and diff.changes]
    if changes:
        raise EditConflict(obj=obj, changes=changes, current_version=newer[-1].history_id)


def processing_allowed_check(*, person_id: int | None, exemption: Exemption | None = None) -> None:
    """Raise ``ProcessingRestricted`` when ``person_id`` is restricted and no exemption applies."""
    if person_id is None or exemption is not None:
        return
    if _restricted_person_ids({person_id}):
        raise ProcessingRestricted


def audited_save(
    obj: models.Model,
    *,
    by: Any,
    reason: str,
    person_id: int | None,
    exemption: Exemption | None = None,
    update_fields: list[str] | None = None,
    expected_version: ExpectedVersion | None = None,
) -> None:
    """Save ``obj`` as ``by``, with ``reason`` in its history, unless the person is restricted
    or (given ``expected_version``) someone else changed what the form edits since it loaded.

    ``by`` may be None only for the public self-referral form (nobody signed in); every
    other write names a user.
    """
    processing_allowed_check(person_id=person_id, exemption=exemption)
    obj._history_user = by
    obj._change_reason = (reason or "")[:CHANGE_REASON_MAX_LENGTH]
    # One transaction, so the row locked by the check stays locked until this save is in.
    with transaction.atomic() if expected_version is not None else nullcontext():
        version_check(obj, expected_version)
        obj.save(update_fields=update_fields)


def audited_create(model: type[models.Model], *, by: Any, reason: str, person_id: int | None, exemption=None, **fields):
    """``model(**fields)`` saved through ``audited_save``; returns the new row."""
    obj = model(**fields)
    audited_save(obj, by=by, reason=reason, person_id=person_id, exemption=exemption)
    return obj
