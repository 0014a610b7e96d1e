"""Writes for the chronology (SAF-2): marks on timeline entries, chronology-only summaries, and
the record of a chronology produced (the access log; the disclosure log when it leaves the
service, PAR-5).

A chronology is prepared for case conferences and court (§3.15.9): the establishment, exercise
or defence of legal claims, which restriction of processing must allow (Article 18(2),
``Exemption.LEGAL_CLAIMS``), so these writes pass it.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from common.audit import Exemption, audited_save, version_check
from partnership.access import can_produce_chronology
from partnership.access_log import access_log_record
from partnership.models import AccessLog
from referrals.models import Consent, Disclosure, Person
from referrals.services.consent import disclosure_record
from safeguarding.models import ChronologyMark, ChronologySummary

COURT = Exemption.LEGAL_CLAIMS


def _require(by) -> None:
    if not can_produce_chronology(by):
        raise PermissionDenied


@transaction.atomic
def chronology_mark_save(
    *,
    person: Person,
    by,
    entry_key: str,
    kind: str,
    event_at: dt.datetime,
    significant: bool,
    significance: str = "",
    action_outcome: str = "",
    expected_version=None,
) -> ChronologyMark:
    """Mark a timeline entry significant (or not) and say, for the chronology only, what its
    significance or impact was and what action was taken with what outcome."""
    _require(by)
    mark = ChronologyMark.objects.filter(person=person, entry_key=entry_key).first()
    if mark is None:
        mark = ChronologyMark(person=person, entry_key=entry_key, kind=kind[:40], event_at=event_at)
    else:
        version_check(mark, expected_version)
    mark.significant, mark.significance, mark.action_outcome = significant, significance, action_outcome
    mark.marked_at, mark.marked_by = timezone.now(), by
    audited_save(mark, by=by, reason="Chronology entry marked", person_id=person.pk, exemption=COURT)
    return mark


@transaction.atomic
def chronology_summary_add(
    *,
    person: Person,
    by,
    occurred_at: dt.datetime,
    agency: str,
    event: str,
    significance: str = "",
    action_outcome: str = "",
    significant: bool = True,
) -> ChronologySummary:
    """A row written for the chronology alone (a period summarised, another agency's event)."""
    _require(by)
    summary = ChronologySummary(
        person=person,
        occurred_at=occurred_at,
        agency=agency,
        event=event,
        significance=significance,
        action_outcome=action_outcome,
        significant=significant,
        written_at=timezone.now(),
        written_by=by,
    )
    audited_save(summary, by=by, reason="Chronology summary written", person_id=person.pk, exemption=COURT)
    return summary


def chronology_export_record(
    *,
    person: Person,
    by,
    period: str,
    purpose: str,
    recipient: str = "",
    lawful_basis: str = "",
) -> None:
    """SEC-2, PAR-5: a chronology produced writes the access log (an export, with its purpose
    and period); one that leaves the service (``recipient``: the organisation it goes to) also
    writes the disclosure log, on the lawful basis given."""
    _require(by)
    reason = f"Chronology {period}: {purpose}"
    access_log_record(user=by, action=AccessLog.Action.EXPORT, obj=person, person_id=person.pk, reason=reason)
    if recipient:
        disclosure_record(
            person=person,
            by=by,
            dataset=Disclosure.Dataset.SAFEGUARDING_CHRONOLOGY,
            lawful_basis=lawful_basis or Consent.LawfulBasis.SAFEGUARDING,
            to_organisation_name=recipient,
            description=f"{period}: {purpose}",
            obj=person,
            exemption=COURT,
        )
