"""The report's files (RPT-4, RPT-5): the PDF's text read back with pdftotext holds the figures,
definitions, targets and footnote, and nothing about anyone in the dataset; the charts are
accessible SVG; each CSV is tidy; operators build the same files with a command."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import re
from contextlib import nullcontext

import pytest
from django.core.management import CommandError, call_command

from reporting.charts import table_chart_svg
from reporting.csvs import report_csvs
from reporting.models import ReportRun, ReportVersion
from reporting.pdf import report_pdf
from tests.factories import ReferralFactory
from tests.pdf_text import pdf_text
from tests.reporting.report_fixture import HEADLINE, QUARTER, fake_build, sample_report

# A person in the dataset, whose details must never reach a report.
GIVEN, FAMILY, POSTCODE = "Perpetua", "Thistlewood", "LA9 4ZZ"


def test_the_pdf_holds_the_report_quarter_schedule_tables_targets_and_footnote():
    data = sample_report()
    text = pdf_text(report_pdf(data))
    assert "Quarterly report: July to September 2025 (Q2 2025/26)" in text
    assert "Whole service" in text
    assert "Version 2, effective from 1 April 2025" in text
    for table in data.tables:
        assert table.title in text
        assert table.definition in text
    assert "Target: At least 1000 a quarter. Result: met" in text
    # Periods as columns, oldest first, and the rows' figures in that order.
    assert "Q2 2024/25 Q3 2024/25 Q4 2024/25 Q1 2025/26 Q2 2025/26" in text
    assert f"Total 1200 1210 1220 1230 {HEADLINE}" in text
    assert "Westmorland and Furness 20 * 25 30 *" in text
    assert "Whole service 81% 83% - 79% 88%" in text
    assert "* means 1 to 7; figures rounded to the nearest 5; - means withheld" in text
    assert "Access and outcomes by protected characteristic" in text
    assert "Prefer not to say 0 * 0 * 10" in text


@pytest.mark.django_db
def test_the_pdf_holds_nothing_about_anyone_in_the_dataset(manager):
    """Built the way a run builds it, by the real ``reporting.build`` over a dataset that holds a
    name, a date of birth and a postcode."""
    born = ReferralFactory(
        subject_given_name=GIVEN, subject_family_name=FAMILY, subject_postcode=POSTCODE
    ).subject_date_of_birth
    real = importlib.util.find_spec("reporting.build") is not None
    run = ReportRun.objects.create(quarter=QUARTER.code, requested_by=manager)
    from reporting.services import report_build

    with nullcontext() if real else fake_build():
        version = report_build(run_id=run.pk)
    stored = ReportVersion.objects.get(pk=version.pk)
    text = pdf_text(bytes(stored.pdf)).lower()
    csvs = b"".join(bytes(file.content) for file in stored.files.all()).decode().lower()
    details = [
        GIVEN.lower(),
        FAMILY.lower(),
        POSTCODE.lower(),
        born.isoformat(),
        born.strftime("%d/%m/%Y"),
        born.strftime("%-d %B %Y").lower(),
    ]
    for detail in details:
        assert detail not in text
        assert detail not in csvs
        assert detail not in str(stored.data).lower()


def test_a_chart_is_svg_text_with_a_role_and_a_title_and_ids_of_its_own():
    data = sample_report()
    first, second = (table_chart_svg(table) for table in data.kpi_tables[:2])
    assert first.startswith("<svg ")
    assert 'role="img"' in first
    assert re.search(r'aria-labelledby="([^"]+)"', first).group(1) in first
    assert "<title" in first and "Chart: Referrals by council, Q2 2024/25 to Q2 2025/26" in first
    assert "<text" in first  # words kept as text, so they are searchable and read aloud
    assert "Cumberland" in first
    ids_first = set(re.findall(r'id="([^"]+)"', first))
    ids_second = set(re.findall(r'id="([^"]+)"', second))
    assert ids_first and not ids_first & ids_second


def test_each_table_has_a_tidy_csv():
    data = sample_report()
    files = report_csvs(data)
    assert list(files) == ["referrals_by_council.csv", "first_contact_within_target.csv", "pc_ethnicity.csv"]
    lines = files["referrals_by_council.csv"].decode().splitlines()
    assert lines[0] == "kpi_id,period,breakdown,value,suppressed"
    assert len(lines) == 1 + 3 * 5
    assert "referrals_by_council,2025-26-Q2,council=cumberland,45,false" in lines
    assert (
        "pc_ethnicity,2025-26-Q1,ethnicity=prefer_not_to_say,*,true" in files["pc_ethnicity.csv"].decode().splitlines()
    )


@pytest.mark.django_db
def test_operators_build_a_report_into_a_folder_with_its_checksums(tmp_path):
    out = io.StringIO()
    with fake_build():
        call_command("build_report", quarter=QUARTER.code, council="cumberland", output=tmp_path / "out", stdout=out)
    version = ReportVersion.objects.get()
    assert (version.quarter, version.council, version.run.requested_by) == (QUARTER.code, "cumberland", None)
    lines = out.getvalue().splitlines()
    assert len(lines) == 4  # the PDF and three CSVs
    for line in lines:
        checksum, name = line.split("  ")
        assert hashlib.sha256((tmp_path / "out" / name).read_bytes()).hexdigest() == checksum
    assert (tmp_path / "out" / f"ers-report-{QUARTER.code}-cumberland-v1.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("quarter", "council", "message"),
    [
        ("2025-Q2", "", "Enter a quarter like 2026-27-Q1."),
        (QUARTER.code, "carlisle", "Choose the whole service or one of the two councils"),
    ],
)
def test_the_command_says_what_is_wrong_with_its_arguments(tmp_path, quarter, council, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("build_report", quarter=quarter, council=council, output=tmp_path)
    assert not ReportRun.objects.exists()
