"""The notification clocks (SAF-1, SAF-3, SAF-6): when a notification to a council is due, and
how long is left (or how late it is), in words, in Europe/London. Pure: no database, no
settings; the caller passes "now", so the tests can stand anywhere in the calendar.

Hours are calendar hours, not working hours. §3.23.8 (and UK GDPR Article 33, which it
follows) gives 72 hours from discovery, and a data-security incident found at 17:00 on a
Friday is due at 17:00 on Monday: weekends and bank holidays count. The other periods are
configured in hours in the same way (settings ``DJANGO_NOTIFY_*_HOURS``).

Hours are elapsed hours. Across the clock change (the last Sunday of March and of October)
72 hours stay 72 hours of real time, so the due time on the wall clock moves by the hour the
clocks moved: found at 10:00 on the Saturday before the clocks go forward, due at 11:00 (BST)
on the Tuesday; before they go back, due at 09:00 (GMT). Arithmetic is done on aware datetimes
in UTC, and only the words shown are in London time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

LONDON = ZoneInfo("Europe/London")
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
# Under this much time left, a clock turns from "due" to "due soon".
DUE_SOON = dt.timedelta(hours=12)


def due_by(starts_at: dt.datetime, hours: int) -> dt.datetime:
    """``hours`` elapsed (calendar) hours after ``starts_at``, which must be aware."""
    if starts_at.tzinfo is None:
        raise ValueError("starts_at must be an aware datetime")
    return (starts_at.astimezone(dt.UTC) + dt.timedelta(hours=hours)).astimezone(LONDON)


def _elapsed(later: dt.datetime, earlier: dt.datetime) -> dt.timedelta:
    """Real time between two aware datetimes. Python subtracts two datetimes that share a
    tzinfo (both in London) by their wall clocks, so across a clock change it would be an hour
    out: both go to UTC first."""
    return later.astimezone(dt.UTC) - earlier.astimezone(dt.UTC)


def in_london(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(LONDON)


def when_words(moment: dt.datetime) -> str:
    """ "Tuesday 1 April 2025 at 11:00 (BST)": the zone named, so a due time across the clock
    change is never ambiguous."""
    local = in_london(moment)
    return f"{local:%A} {local.day} {local:%B %Y} at {local:%H:%M} ({local.tzname()})"


def span_words(span: dt.timedelta) -> str:
    """A length of time, rounded down to the largest unit that matters: "45 minutes",
    "5 hours", "2 days" (two days or more), "1 day 3 hours" (one to two days)."""
    minutes = int(span.total_seconds() // 60)
    if minutes < 60:
        minutes = max(minutes, 1)
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    hours = minutes // 60
    if hours < 24:
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    days, rest = divmod(hours, 24)
    day_words = ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    if days >= 2 or rest == 0:
        return day_words
    return day_words + " " + ngettext("%(n)d hour", "%(n)d hours", rest) % {"n": rest}


@dataclass(frozen=True)
class Clock:
    """What a notification's clock shows: ``state`` is "due", "due_soon", "overdue", "sent"
    or "sent_late"; ``words`` the sentence; ``colour`` the GOV.UK tag colour."""

    state: str
    words: str
    colour: str

    @property
    def is_overdue(self) -> bool:
        return self.state == "overdue"


def clock(*, due_at: dt.datetime, now: dt.datetime, sent_at: dt.datetime | None = None) -> Clock:
    """The clock of a notification due at ``due_at``, as it stands at ``now``."""
    if sent_at is not None:
        if _elapsed(sent_at, due_at) <= dt.timedelta(0):
            return Clock("sent", _("Sent on time"), "green")
        return Clock("sent_late", _("Sent %(late)s late") % {"late": span_words(_elapsed(sent_at, due_at))}, "orange")
    if _elapsed(now, due_at) >= dt.timedelta(0):
        return Clock("overdue", _("Overdue by %(span)s") % {"span": span_words(_elapsed(now, due_at))}, "red")
    left = _elapsed(due_at, now)
    state, colour = ("due_soon", "yellow") if left <= DUE_SOON else ("due", "blue")
    return Clock(state, _("Due in %(span)s") % {"span": span_words(left)}, colour)


def escalation_level(*, due_at: dt.datetime, now: dt.datetime, repeat_hours: int) -> int:
    """Which escalation an unsent notification has reached: 0 while it is not yet due, 1 once
    it is overdue, and one more for every further ``repeat_hours`` it stays unsent."""
    if _elapsed(now, due_at) < dt.timedelta(0):
        return 0
    return 1 + int(_elapsed(now, due_at) // dt.timedelta(hours=max(repeat_hours, 1)))
