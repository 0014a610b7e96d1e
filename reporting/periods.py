"""The quarters reports are about: UK financial-year quarters (April to June is Q1), as the
councils' contract-monitoring calendar counts them (§4.1.4).

A quarter's bounds are instants in the service's time zone (Europe/London), so a referral at
00:30 BST on 1 July belongs to Q2, not Q1. ``starts_at`` is inclusive, ``ends_at`` exclusive:
filter with ``field__gte=q.starts_at, field__lt=q.ends_at``; for date fields use
``start_date`` and ``end_date`` (both inclusive).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

_CODE = re.compile(r"^(\d{4})-(\d{2})-Q([1-4])$")
_MONTHS = ("April", "July", "October", "January")
_LAST_MONTHS = ("June", "September", "December", "March")


@dataclass(frozen=True, order=True)
class Quarter:
    """``Quarter(2026, 1)`` is April to June 2026, the first quarter of financial year 2026/27."""

    year: int  # the financial year's first calendar year: 2026 for 2026/27
    number: int  # 1 (April to June) to 4 (January to March)

    def __post_init__(self) -> None:
        if self.number not in (1, 2, 3, 4):
            raise ValueError("A quarter is numbered 1 to 4.")

    # --- names -----------------------------------------------------------------------------
    @property
    def code(self) -> str:
        """``2026-27-Q1``: in file names, CSV rows and URLs (no personal data in it)."""
        return f"{self.year}-{(self.year + 1) % 100:02d}-Q{self.number}"

    @property
    def financial_year(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d}"

    @property
    def short_label(self) -> str:
        """``Q1 2026/27``: a table's column heading."""
        return f"Q{self.number} {self.financial_year}"

    @property
    def label(self) -> str:
        """``April to June 2026 (Q1 2026/27)``."""
        first = self.start_date
        last = self.end_date
        return _("%(first)s to %(last)s %(year)s (%(short)s)") % {
            "first": _(_MONTHS[self.number - 1]),
            "last": _(_LAST_MONTHS[self.number - 1]),
            "year": last.year if first.year == last.year else f"{first.year}-{last.year % 100:02d}",
            "short": self.short_label,
        }

    def __str__(self) -> str:
        return self.code

    @classmethod
    def parse(cls, code: str) -> Quarter:
        """The inverse of ``code``; ``ValueError`` with a plain message for anything else."""
        match = _CODE.match((code or "").strip())
        if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
            raise ValueError(_("Enter a quarter like 2026-27-Q1."))
        return cls(int(match.group(1)), int(match.group(3)))

    @classmethod
    def containing(cls, day: date | datetime) -> Quarter:
        if isinstance(day, datetime):
            day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
        if day.month >= 4:
            return cls(day.year, (day.month - 4) // 3 + 1)
        return cls(day.year - 1, 4)

    @classmethod
    def last_finished(cls, today: date | None = None) -> Quarter:
        """The most recent quarter that has ended (the one the scheduled job reports on)."""
        return cls.containing(today or timezone.localdate()).previous()

    # --- arithmetic ------------------------------------------------------------------------
    def previous(self, n: int = 1) -> Quarter:
        index = self.year * 4 + (self.number - 1) - n
        return Quarter(index // 4, index % 4 + 1)

    def next(self, n: int = 1) -> Quarter:
        return self.previous(-n)

    def with_previous(self, n: int = 4) -> tuple[Quarter, ...]:
        """This quarter and the ``n`` before it, oldest first (a report's columns)."""
        return tuple(self.previous(i) for i in range(n, -1, -1))

    # --- bounds ----------------------------------------------------------------------------
    @property
    def start_date(self) -> date:
        month = 3 * (self.number - 1) + 4
        return date(self.year + (month > 12), (month - 1) % 12 + 1, 1)

    @property
    def end_date(self) -> date:
        """The last day of the quarter (inclusive)."""
        return self.next().start_date - timedelta(days=1)

    @property
    def starts_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start_date, time.min))

    @property
    def ends_at(self) -> datetime:
        """The first instant after the quarter (exclusive)."""
        return self.next().starts_at

    def __contains__(self, moment: date | datetime) -> bool:
        return Quarter.containing(moment) == self
