"""The chronology's speed and memory (issue 11, "Speed"): a person with one and ten years of
history (200 contacts, 4 assessment versions, 3 reviews and 2 concerns a year), built and turned
into a PDF; the build time and the peak memory of each are printed.

Slow (it writes thousands of rows and renders hundreds of PDF pages), so it runs only when asked:
``ERS_BENCHMARK=1 .venv/bin/pytest tests/safeguarding/test_chronology_speed.py -s``. The rows
stream (``chronology.entries`` is a generator read window by window), so the memory taken by
the entries does not grow with them; WeasyPrint lays out the whole document at once, so its
own memory does.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import tracemalloc

import pytest
from django.utils import timezone

from assessments.services import assessment_section_save
from recovery_plans.models import Contact, PlanReview
from recovery_plans.services import plans as plan_services
from safeguarding import chronology
from safeguarding.chronology_pdf import chronology_html, chronology_pdf
from tests.safeguarding.conftest import raise_concern

pytestmark = pytest.mark.skipif(not os.environ.get("ERS_BENCHMARK"), reason="benchmark: set ERS_BENCHMARK=1")


def _history(person, worker, years: int) -> None:
    now = timezone.now()
    start = now - dt.timedelta(days=365 * years)
    contacts = 200 * years
    step = (now - start) / contacts
    Contact.objects.bulk_create(
        Contact(
            person=person,
            occurred_at=start + step * n,
            type="brief_advice",
            setting="home_visit",
            duration_minutes=30,
            note="Talked about housing and the children's school",
            recorded_by=worker,
        )
        for n in range(contacts)
    )
    plan = plan_services.plan_create(person=person, by=worker, review_due=timezone.localdate())
    PlanReview.objects.bulk_create(
        PlanReview(
            plan=plan,
            reviewed_on=(start + dt.timedelta(days=120 * n)).date(),
            what_changed="Settled in new flat",
            goals_progress="Good",
            next_review=(start + dt.timedelta(days=120 * (n + 1))).date(),
            reviewed_by=worker,
        )
        for n in range(3 * years)
    )
    for n in range(4 * years):
        assessment_section_save(person=person, key="needs", values={"needs": f"Housing {n}"}, by=worker)
    for _ in range(2 * years):
        raise_concern(person, worker)


def _measure(fn):
    """Time one run as it is, then the peak memory of another under tracemalloc (which slows
    Python down many times over, so the two are never measured together)."""
    started = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    fn()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, elapsed, peak / 1_000_000


@pytest.mark.parametrize("years", [1, 10])
def test_chronology_build_time_and_peak_memory(person, hub_worker, years):
    _history(person, hub_worker, years)
    filters = chronology.Filters()

    count, rows_s, rows_mb = _measure(
        lambda: sum(1 for _ in chronology.entries(person=person, user=hub_worker, filters=filters))
    )
    _html, html_s, html_mb = _measure(lambda: chronology_html(person=person, user=hub_worker, filters=filters))
    pdf, pdf_s, pdf_mb = _measure(lambda: chronology_pdf(person=person, user=hub_worker, filters=filters))

    print(
        f"\n{years} year(s): {count} entries; rows {rows_s:.2f}s peak {rows_mb:.1f} MB; "
        f"HTML {html_s:.2f}s peak {html_mb:.1f} MB; PDF {pdf_s:.2f}s peak {pdf_mb:.1f} MB, {len(pdf) // 1024} KB"
    )
    assert count >= 200 * years
