"""A small hand-made report, and a stand-in ``reporting.build`` module that returns it.

TEMPORARY (issue 10, until helper A's ``reporting/build.py`` is merged): the report-run tests
build through ``reporting.services.report_build``, which imports ``reporting.build`` lazily;
``fake_build()`` puts this stand-in in ``sys.modules`` so those tests do not depend on the KPI
calculations. The integrator may keep it for the run tests (they test runs, not KPIs) and run
the PDF test against the real build too (test_report_pdf does when the module exists).
"""

from __future__ import annotations

import contextlib
import sys
import types
from datetime import UTC, date, datetime

from reporting.periods import Quarter
from reporting.report_data import WHOLE_SERVICE, Cell, ReportData, Row, Table, TargetResult

QUARTER = Quarter(2025, 2)
# Figures a test can look for in the PDF, the CSVs and the preview.
HEADLINE = 1234  # exact: a headline count of the whole service
CUMBERLAND_LATEST = 45


def _count(value: int | None) -> Cell:
    if value is None:
        return Cell("-", None, True)
    if 1 <= value <= 7:
        return Cell("*", None, True)
    return Cell(str(value), value, False)


def sample_report(quarter: Quarter = QUARTER, council: str = WHOLE_SERVICE) -> ReportData:
    periods = quarter.with_previous(4)
    referrals = Table(
        kpi_id="referrals_by_council",
        title="Referrals by council",
        definition="Referrals received in the quarter, by the council the person lives in.",
        requirement="RPT-2 (TH KPI 1)",
        unit="count",
        dimensions=("council",),
        periods=periods,
        rows=(
            Row((("council", "cumberland"),), "Cumberland", tuple(_count(v) for v in (30, 35, 40, 40, 45))),
            Row(
                (("council", "westmorland_and_furness"),),
                "Westmorland and Furness",
                tuple(_count(v) for v in (20, 5, 25, 30, 3)),
            ),
            Row((), "Total", tuple(Cell(str(v), v, False) for v in (1200, 1210, 1220, 1230, HEADLINE))),
        ),
        target=TargetResult(text="At least 1000 a quarter", met=True),
        chart=True,
        notes=("Totals are computed from unrounded figures, then rounded.",),
    )
    first_contact = Table(
        kpi_id="first_contact_within_target",
        title="First contact within five working days",
        definition="The share of referrals with a first contact within five working days of the referral.",
        requirement="RPT-2",
        unit="percent",
        dimensions=(),
        periods=periods,
        rows=(
            Row(
                (),
                "Whole service",
                (
                    Cell("81%", 81, False),
                    Cell("83%", 83, False),
                    Cell("-", None, True),
                    Cell("79%", 79, False),
                    Cell("88%", 88, False),
                ),
            ),
        ),
        target=TargetResult(text="At least 80%", met=True),
    )
    ethnicity = Table(
        kpi_id="pc_ethnicity",
        title="Referrals by ethnic group",
        definition="Referrals in the quarter by the person's ethnic group, as they described it.",
        requirement="RPT-3",
        unit="people",
        dimensions=("ethnicity",),
        periods=periods,
        rows=(
            Row((("ethnicity", "white"),), "White", tuple(_count(v) for v in (90, 95, 100, 105, 110))),
            Row((("ethnicity", "prefer_not_to_say"),), "Prefer not to say", tuple(_count(v) for v in (0, 2, 0, 4, 10))),
            Row((("ethnicity", "not_recorded"),), "Not recorded", tuple(_count(v) for v in (15, 10, 10, 5, 5))),
        ),
    )
    return ReportData(
        quarter=quarter,
        council=council,
        schedule_version=2,
        schedule_effective_from=date(2025, 4, 1),
        generated_at=datetime(2025, 10, 5, 4, 30, tzinfo=UTC),
        kpi_tables=(referrals, first_contact),
        equality_tables=(ethnicity,),
    )


def fake_report_data(*, quarter: Quarter, council: str = WHOLE_SERVICE, progress=None) -> ReportData:
    data = sample_report(quarter, council)
    for done, table in enumerate(data.tables, start=1):
        if progress is not None:
            progress(table.title, done, len(data.tables))
    return data


def fake_build_module(report_data=fake_report_data) -> types.ModuleType:
    module = types.ModuleType("reporting.build")
    module.report_data = report_data
    return module


@contextlib.contextmanager
def fake_build(report_data=fake_report_data):
    """``reporting.build`` replaced by the stand-in for the duration (see the module docstring)."""
    saved = sys.modules.get("reporting.build")
    sys.modules["reporting.build"] = fake_build_module(report_data)
    try:
        yield
    finally:
        if saved is None:
            sys.modules.pop("reporting.build", None)
        else:
            sys.modules["reporting.build"] = saved


def built_version(*, by=None, quarter: Quarter = QUARTER, council: str = WHOLE_SERVICE, publish_by=None):
    """A finished version of the sample report, built through the services (no Celery)."""
    from reporting import services
    from reporting.models import ReportRun

    run = ReportRun.objects.create(quarter=quarter.code, council=council, requested_by=by)
    with fake_build():
        version = services.report_build(run_id=run.pk)
    if publish_by is not None:
        version = services.report_publish(version=version, by=publish_by)
    return version


def stored_version(*, by, quarter: Quarter = QUARTER, council: str = WHOLE_SERVICE, publish: bool = True):
    """A finished run and its version of the sample report, written straight to the database
    with a placeholder PDF (quick: for tests about pages and permissions, not about the PDF)."""
    from reporting.csvs import report_csvs
    from reporting.models import ReportFile, ReportRun, ReportVersion
    from reporting.services import sha256
    from reporting.storage import report_data_to_json

    data = sample_report(quarter, council)
    run = ReportRun.objects.create(
        quarter=quarter.code, council=council, requested_by=by, status="succeeded", attempts=1, done=3, total=3
    )
    pdf = b"%PDF-1.7 placeholder"
    version = ReportVersion.objects.create(
        quarter=quarter.code,
        council=council,
        number=ReportVersion.objects.filter(quarter=quarter.code, council=council).count() + 1,
        schedule_version=data.schedule_version,
        schedule_effective_from=data.schedule_effective_from,
        run=run,
        data=report_data_to_json(data),
        pdf=pdf,
        pdf_sha256=sha256(pdf),
    )
    for name, content in report_csvs(data).items():
        ReportFile.objects.create(version=version, name=name, content=content, sha256=sha256(content))
    if publish:
        from reporting.services import report_publish

        version = report_publish(version=version, by=by)
    return version
