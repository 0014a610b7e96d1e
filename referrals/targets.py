"""Response targets: when each referral is due, and whether it is on time (REF-5, §4.3.6).

Commissioners agree the targets and change them (usually once a year), so they are rows
(``ResponseTarget``), each effective from a date. The target in force for a referral is the
newest row for its priority and measure with ``effective_from`` on or before the day it was
received: a target changed on 1 April applies to referrals received from 1 April, and an
older referral keeps the target it came in under. ``DEFAULT_TARGETS`` applies where no row
does (and seeds the rows in a data migration).

A page of referrals loads every target once (``TargetBook.load()``, one query: they are a
handful of rows) and works out each referral's due time in Python, never a query per row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from referrals.models import Referral, ResponseTarget
from referrals.rules import add_working_days, first_working_moment, is_working_day

Measure = ResponseTarget.Measure
Unit = ResponseTarget.Unit
Priority = Referral.Priority

# §4.3.6: the targets agreed at the start of the contract. A data migration seeds these as
# ResponseTarget rows (effective from DEFAULT_EFFECTIVE_FROM); the admin edits them after.
DEFAULT_EFFECTIVE_FROM = dt.date(2025, 1, 1)
DEFAULT_TARGETS: tuple[dict, ...] = (
    {"priority": Priority.URGENT, "measure": Measure.FIRST_CONTACT, "amount": 4, "unit": Unit.HOURS},
    {"priority": Priority.URGENT, "measure": Measure.TRIAGE, "amount": 1, "unit": Unit.WORKING_DAYS},
    {"priority": Priority.CHILDRENS_SERVICES, "measure": Measure.FIRST_CONTACT, "amount": 1, "unit": Unit.WORKING_DAYS},
    {"priority": Priority.CHILDRENS_SERVICES, "measure": Measure.TRIAGE, "amount": 2, "unit": Unit.WORKING_DAYS},
    {"priority": Priority.ROUTINE, "measure": Measure.FIRST_CONTACT, "amount": 3, "unit": Unit.WORKING_DAYS},
    {"priority": Priority.ROUTINE, "measure": Measure.TRIAGE, "amount": 5, "unit": Unit.WORKING_DAYS},
)

# A measure's KPI timestamp on the referral (REF-9).
MEASURE_TIMESTAMP = {
    Measure.FIRST_CONTACT: "first_contact_attempt_at",
    Measure.TRIAGE: "triage_completed_at",
}


class DueStatus(models.TextChoices):
    ON_TIME = "on_time", _("On time")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    MET = "met", _("Target met")
    MISSED = "missed", _("Target missed")
    NOT_REACHED = "not_reached", _("Closed before this step")


# Tag colours for each status. The tag always carries the words too (no colour-only meaning).
STATUS_TAG_CLASS = {
    DueStatus.ON_TIME: "govuk-tag--blue",
    DueStatus.DUE_SOON: "govuk-tag--yellow",
    DueStatus.OVERDUE: "govuk-tag--red",
    DueStatus.MET: "govuk-tag--green",
    DueStatus.MISSED: "govuk-tag--red",
    DueStatus.NOT_REACHED: "govuk-tag--grey",
}


@dataclass(frozen=True)
class Target:
    amount: int
    unit: str

    def due_from(self, start: dt.datetime) -> dt.datetime:
        if self.unit == Unit.HOURS:
            # Hours are clock hours: an urgent referral on a Saturday is due on Saturday.
            return start + dt.timedelta(hours=self.amount)
        # Working days count in local time, so a referral at 23:30 is not a day out.
        return add_working_days(timezone.localtime(start), self.amount)

    def describe(self) -> str:
        if self.unit == Unit.HOURS:
            return ngettext("within %(n)d hour", "within %(n)d hours", self.amount) % {"n": self.amount}
        return ngettext("within %(n)d working day", "within %(n)d working days", self.amount) % {"n": self.amount}

    def __str__(self) -> str:
        return self.describe()


_DEFAULTS = {(row["priority"], row["measure"]): Target(row["amount"], row["unit"]) for row in DEFAULT_TARGETS}


class TargetBook:
    """Every response target, loaded once, answering "which target applied on this day"."""

    def __init__(self, rows: Iterable[ResponseTarget]):
        self._rows: dict[tuple[int, str], list[ResponseTarget]] = defaultdict(list)
        for row in rows:
            self._rows[(row.priority, row.measure)].append(row)
        for candidates in self._rows.values():
            candidates.sort(key=lambda r: r.effective_from, reverse=True)

    @classmethod
    def load(cls) -> TargetBook:
        """One query for all targets."""
        return cls(ResponseTarget.objects.all())

    def target_for(self, *, priority: int, measure: str, on: dt.date) -> Target:
        for row in self._rows.get((priority, measure), ()):
            if row.effective_from <= on:
                return Target(row.amount, row.unit)
        return _DEFAULTS[(priority, measure)]


def working_days_between(start: dt.datetime, end: dt.datetime) -> int:
    """Whole working days from ``start`` to ``end`` (0 when ``end`` is not after ``start``),
    counted the way ``add_working_days`` adds them."""
    start, end = timezone.localtime(start), timezone.localtime(end)
    if end <= start:
        return 0
    current = first_working_moment(start)
    count = 0
    while True:
        current += dt.timedelta(days=1)
        if current > end:
            return count
        if is_working_day(current.date()):
            count += 1


def describe_gap(start: dt.datetime, end: dt.datetime) -> str:
    """A span of time as a person at the front door thinks of it: minutes or hours within a
    day, working days after that."""
    if end < start:
        start, end = end, start
    seconds = (end - start).total_seconds()
    if seconds < 3600:
        minutes = max(1, int(seconds // 60))
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    if seconds < 24 * 3600:
        hours = int(seconds // 3600)
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    days = working_days_between(start, end)
    if days == 0:
        # More than a day of clock time, but a weekend or bank holiday in the way.
        return str(_("less than 1 working day"))
    return ngettext("%(n)d working day", "%(n)d working days", days) % {"n": days}


@dataclass(frozen=True)
class MeasureResult:
    """One target for one referral: when it is due and how it stands."""

    measure: str
    target: Target
    due_at: dt.datetime
    done_at: dt.datetime | None
    status: str
    now: dt.datetime

    @property
    def measure_label(self) -> str:
        return Measure(self.measure).label

    @property
    def status_label(self) -> str:
        return DueStatus(self.status).label

    @property
    def tag_class(self) -> str:
        return STATUS_TAG_CLASS[self.status]

    @property
    def text(self) -> str:
        """ "Overdue by 2 working days", "Due in 3 hours", "Met with 1 hour to spare".
        Works out only the one gap it states (a queue row asks once per page)."""
        if self.status == DueStatus.NOT_REACHED:
            return str(_("Closed before this step"))
        if self.status == DueStatus.MET and self.done_at == self.due_at:
            return str(_("Met on time"))
        template, start, end = _RESULT_TEXT[self.status]
        return str(template) % {"gap": describe_gap(getattr(self, start), getattr(self, end))}


# Each status's sentence and the span its gap measures (from, to: attributes of the result).
_RESULT_TEXT = {
    DueStatus.ON_TIME: (_("Due in %(gap)s"), "now", "due_at"),
    DueStatus.DUE_SOON: (_("Due in %(gap)s"), "now", "due_at"),
    DueStatus.OVERDUE: (_("Overdue by %(gap)s"), "due_at", "now"),
    DueStatus.MET: (_("Met with %(gap)s to spare"), "done_at", "due_at"),
    DueStatus.MISSED: (_("Missed by %(gap)s"), "due_at", "done_at"),
}


def _is_due_soon(target: Target, due_at: dt.datetime, now: dt.datetime) -> bool:
    # Hours targets are short: the last hour is "due soon". A working-day target is "due
    # soon" on the day it falls due, so the queue shows what must be done today.
    if target.unit == Unit.HOURS:
        return due_at - now <= dt.timedelta(hours=1)
    return timezone.localdate(due_at) <= timezone.localdate(now)


def measure_result(
    referral: Referral, targets: TargetBook, measure: str, *, now: dt.datetime | None = None
) -> MeasureResult:
    now = now or timezone.now()
    target = targets.target_for(
        priority=referral.priority, measure=measure, on=timezone.localdate(referral.received_at)
    )
    due_at = target.due_from(referral.received_at)
    done_at = getattr(referral, MEASURE_TIMESTAMP[measure])
    if done_at is not None:
        status = DueStatus.MET if done_at <= due_at else DueStatus.MISSED
    elif referral.status == Referral.Status.CLOSED:
        status = DueStatus.NOT_REACHED
    elif now > due_at:
        status = DueStatus.OVERDUE
    elif _is_due_soon(target, due_at, now):
        status = DueStatus.DUE_SOON
    else:
        status = DueStatus.ON_TIME
    return MeasureResult(measure=measure, target=target, due_at=due_at, done_at=done_at, status=status, now=now)


def referral_results(referral: Referral, targets: TargetBook, *, now: dt.datetime | None = None) -> list[MeasureResult]:
    """Every measure for the referral page, in the order they happen."""
    now = now or timezone.now()
    return [measure_result(referral, targets, m, now=now) for m in (Measure.FIRST_CONTACT, Measure.TRIAGE)]


def referral_next_result(referral: Referral, targets: TargetBook, *, now: dt.datetime | None = None) -> MeasureResult:
    """The target the front door is working towards now: first contact until an attempt is
    made, then triage. Once both are done, the triage result (met or missed)."""
    measure = Measure.FIRST_CONTACT if referral.first_contact_attempt_at is None else Measure.TRIAGE
    return measure_result(referral, targets, measure, now=now)


def referral_due(referral: Referral, targets: TargetBook, *, now: dt.datetime | None = None) -> tuple[dt.datetime, str]:
    """When the referral's current target falls due, and whether it is on time, due soon or
    overdue (or met/missed once done)."""
    result = referral_next_result(referral, targets, now=now)
    return result.due_at, result.status


def time_since_received(referral: Referral, *, now: dt.datetime | None = None) -> str:
    return describe_gap(referral.received_at, now or timezone.now())
