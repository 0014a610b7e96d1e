"""The chronology of a person's record (SAF-2, §3.15.9), built from the person's timeline.

It asks the same timeline sources the Timeline tab asks (``referrals.person_record_discovery``:
every app's ``TIMELINE``, each one query however long the history), as the user asking, so it
shows no more than their own timeline would, plus the chronology's own rows (summaries) and the
staff's marks on entries (significant, significance or impact, action taken and outcome).

Councils read a chronology oldest first, while the sources page newest first from a cursor. So
the period is walked in windows, oldest first: each window asks each source for its events
before the window's end (paging on within the window if it has more than one batch), keeps those
inside the window, and yields them oldest first with their marks (one query per window). Rows
are yielded, never gathered, so the memory a chronology takes follows one window, not ten years.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext_lazy

from partnership.access import reads_whole_record_for_chronology
from referrals import person_record_discovery as discovery
from referrals.models import Person, Referral
from safeguarding.models import ChronologyMark, ChronologySummary

SUMMARY_KIND = "summary"
SUMMARY_LABEL = gettext_lazy("Chronology summaries")
WINDOW = dt.timedelta(days=183)
BATCH = 200
ONE_MICROSECOND = dt.timedelta(microseconds=1)


def _micros(at: dt.datetime) -> int:
    return round(at.timestamp() * 1_000_000)


def entry_key(*, kind: str, at: dt.datetime, title: str) -> str:
    """How a timeline entry is named by a mark and in its address, having no row of its own in
    this app: its kind, its time (microseconds since 1970) and a hash of its title, as a slug.
    Nothing in it is about the person (the title is hashed)."""
    digest = hashlib.sha1(f"{kind}|{_micros(at)}|{title}".encode()).hexdigest()[:16]  # noqa: S324 (a name)
    return f"{kind}-{_micros(at)}-{digest}"


def parse_entry_key(key: str) -> tuple[str, dt.datetime] | None:
    """The kind and time a key names, or None for something that is not a key."""
    try:
        kind, micros, _digest = key.rsplit("-", 2)
        at = dt.datetime.fromtimestamp(int(micros) / 1_000_000, tz=dt.UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return kind, at


@dataclass
class Entry:
    at: dt.datetime
    kind: str
    kind_label: str
    agency: str
    author: str
    event: str
    detail: str = ""
    significance: str = ""
    action_outcome: str = ""
    significant: bool = False
    key: str = ""
    marked: bool = False
    summary_id: int | None = None


@dataclass
class Filters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    kinds: list[str] = field(default_factory=list)  # empty: every kind
    significant_only: bool = False


def sources_for(user) -> list[dict]:
    """The timeline sources a chronology reads: the user's own timeline's, or every source for
    the safeguarding lead (``reads_whole_record_for_chronology``; the person has a concern)."""
    if reads_whole_record_for_chronology(user):
        return discovery.every_timeline_source()
    return discovery.timeline_sources_for(user)


def kinds_for(user) -> list[dict]:
    """Every kind the user may filter by: their chronology's sources, then the summaries."""
    sources = [{"key": s["key"], "label": str(s["label"])} for s in sources_for(user)]
    return [*sources, {"key": SUMMARY_KIND, "label": str(SUMMARY_LABEL)}]


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def period_of(*, person: Person, filters: Filters) -> tuple[dt.datetime, dt.datetime]:
    """The period covered: the filter's dates, else from the person's first referral (or their
    record, or the earliest summary, whichever is first) to the end of today."""
    end = _midnight((filters.date_to or timezone.localdate()) + dt.timedelta(days=1))
    if filters.date_from is not None:
        return _midnight(filters.date_from), end
    starts = [person.created_at]
    starts.append(Referral.objects.filter(person=person).aggregate(first=Min("received_at"))["first"])
    starts.append(ChronologySummary.objects.filter(person=person).aggregate(first=Min("occurred_at"))["first"])
    start = min(moment for moment in starts if moment is not None)
    return _midnight(timezone.localtime(start).date()), end


def _source_window(source: dict, *, person, user, start: dt.datetime | None, end: dt.datetime) -> Iterator[dict]:
    """The source's events in [start, end) (everything before ``end`` when ``start`` is None),
    newest first, in batches. A batch that ends at a
    moment shared with events beyond it stops short of that moment; the next batch asks from
    just after it, so nothing is lost between batches and nothing is seen twice."""
    cursor, limit = end, BATCH
    while True:
        batch = source["events"](person=person, user=user, before=cursor, limit=limit)
        inside = [event for event in batch if start is None or event["at"] >= start]
        if len(batch) < limit or len(inside) < len(batch):
            yield from inside
            return
        last = batch[-1]["at"]
        earlier = [event for event in batch if event["at"] > last]
        if not earlier:
            limit *= 2  # one moment holds a whole batch: ask for more at once
            continue
        yield from earlier
        cursor, limit = last + ONE_MICROSECOND, BATCH


def _agency() -> str:
    return getattr(settings, "SERVICE_NAME", "") or str(gettext_lazy("The service"))


def _summary_entries(*, person, start, end) -> list[Entry]:
    rows = ChronologySummary.objects.filter(person=person, occurred_at__lt=end)
    if start is not None:
        rows = rows.filter(occurred_at__gte=start)
    return [
        Entry(
            at=row.occurred_at,
            kind=SUMMARY_KIND,
            kind_label=str(SUMMARY_LABEL),
            agency=row.agency,
            author=row.written_by.get_full_name() or row.written_by.get_username(),
            event=row.event,
            significance=row.significance,
            action_outcome=row.action_outcome,
            significant=row.significant,
            summary_id=row.pk,
        )
        for row in rows.select_related("written_by").order_by("occurred_at", "pk")
    ]


def entries(*, person: Person, user, filters: Filters, window: dt.timedelta = WINDOW) -> Iterator[Entry]:
    """Every entry of the chronology, oldest first, as the user may see it (a generator).

    Without a "from" date the first window is open at its start: anything recorded before the
    person's first referral (records brought in from another provider, PAR-7) is still in."""
    start, end = period_of(person=person, filters=filters)
    sources = sources_for(user)
    if filters.kinds:
        sources = [source for source in sources if source["key"] in filters.kinds]
    with_summaries = not filters.kinds or SUMMARY_KIND in filters.kinds
    agency = _agency()
    window_start = start
    while window_start < end:
        window_end = min(window_start + window, end)
        open_start = None if window_start == start and filters.date_from is None else window_start
        marked = ChronologyMark.objects.filter(person=person, event_at__lt=window_end)
        if open_start is not None:
            marked = marked.filter(event_at__gte=open_start)
        marks = {mark.entry_key: mark for mark in marked}
        found: list[Entry] = []
        for source in sources:
            for event in _source_window(source, person=person, user=user, start=open_start, end=window_end):
                key = entry_key(kind=event["kind"], at=event["at"], title=event["title"])
                mark = marks.get(key)
                found.append(
                    Entry(
                        at=event["at"],
                        kind=event["kind"],
                        kind_label=event["kind_label"],
                        agency=agency,
                        author=event.get("by") or "",
                        event=event["title"],
                        detail=event.get("summary") or "",
                        significance=mark.significance if mark else "",
                        action_outcome=mark.action_outcome if mark else "",
                        significant=bool(mark and mark.significant),
                        key=key,
                        marked=mark is not None,
                    )
                )
        if with_summaries:
            found.extend(_summary_entries(person=person, start=open_start, end=window_end))
        found.sort(key=lambda entry: entry.at)
        for entry in found:
            if entry.significant or not filters.significant_only:
                yield entry
        window_start = window_end


def find_entry(*, person: Person, user, key: str) -> Entry | None:
    """The one timeline entry a key names, as the user may see it (one query per source)."""
    parsed = parse_entry_key(key)
    if parsed is None:
        return None
    kind, at = parsed
    for source in sources_for(user):
        for event in source["events"](person=person, user=user, before=at + ONE_MICROSECOND, limit=50):
            if event["kind"] == kind and entry_key(kind=kind, at=event["at"], title=event["title"]) == key:
                return Entry(
                    at=event["at"],
                    kind=kind,
                    kind_label=event["kind_label"],
                    agency=_agency(),
                    author=event.get("by") or "",
                    event=event["title"],
                    detail=event.get("summary") or "",
                    key=key,
                )
    return None
