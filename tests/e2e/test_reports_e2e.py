"""Quarterly reports from end to end, in a real browser (RPT-1, RPT-5).

A manager opens Reports, tries to run a report with nothing chosen (a specific message), runs
one, watches it finish, previews it (tables, charts, the disclosure footnote) and publishes it
after a confirmation. A commissioner, in a browser of their own, lands on the published reports
and downloads the PDF and a CSV; both downloads are in the access log. axe-core checks every
page on the way.

The build is a small hand-made report (tests/reporting/report_fixture.py: the journey is about
running, previewing, publishing and downloading, the KPIs have tests of their own); Celery runs
inline in the test server.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from partnership.models import AccessLog
from reporting.forms import QUARTER_REQUIRED
from reporting.models import ReportRun, ReportVersion
from reporting.pdf import report_pdf
from tests.e2e.conftest import checked, own_page, sign_in_on
from tests.reporting.report_fixture import HEADLINE, QUARTER, fake_build, sample_report

pytestmark = pytest.mark.e2e


def heading(page):
    return page.get_by_role("heading", level=1)


@pytest.fixture
def stand_in_build():
    # Drawn once before the browser starts: the first chart and PDF in a process load fonts
    # (matplotlib builds its font cache), which would otherwise land inside a click's timeout.
    report_pdf(sample_report())
    with fake_build():
        yield


@pytest.mark.django_db(transaction=True)
def test_a_manager_runs_previews_and_publishes_and_a_commissioner_downloads(
    browser, live_server, manager, commissioner, stand_in_build, tmp_path
):
    with own_page(browser) as page:
        sign_in_on(page, live_server, manager, check=checked)
        page.get_by_role("navigation").get_by_role("link", name="Reports").click()
        expect(heading(page)).to_have_text("Quarterly reports")
        checked(page)

        page.get_by_role("link", name="Run a report").click()
        expect(heading(page)).to_have_text("Run a report")
        checked(page)
        page.get_by_role("button", name="Run the report").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text(str(QUARTER_REQUIRED))
        checked(page)

        page.get_by_label("Quarter").select_option(QUARTER.code)
        page.get_by_label("Whole service").check()
        page.get_by_role("button", name="Run the report").click()
        expect(heading(page)).to_have_text(f"{QUARTER.label}: Whole service")
        expect(page.locator("#run-status")).to_have_text("Finished")
        expect(page.locator("#run-progress")).to_contain_text("100%")
        checked(page)
        run = ReportRun.objects.get()
        assert (run.status, run.requested_by) == ("succeeded", manager)

        page.get_by_role("link", name="Preview the report").click()
        expect(heading(page)).to_have_text(f"Quarterly report: {QUARTER.label}")
        main = page.get_by_role("main")
        expect(main).to_contain_text("Referrals by council")
        expect(main).to_contain_text(str(HEADLINE))
        expect(main).to_contain_text("* means 1 to 7; figures rounded to the nearest 5; - means withheld")
        expect(main).to_contain_text("Not published: commissioners cannot see it")
        expect(page.get_by_role("img", name="Chart: Referrals by council")).to_be_visible()
        checked(page)

        page.get_by_role("link", name="Publish this report").click()
        expect(heading(page)).to_have_text("Publish version 1?")
        checked(page)
        page.get_by_role("button", name="Publish the report").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("is published")
        checked(page)
    version = ReportVersion.objects.get()
    assert version.published_by == manager

    with own_page(browser) as page:
        sign_in_on(page, live_server, commissioner, check=checked)
        assert page.url.endswith(reverse("reporting:archive"))
        expect(heading(page)).to_have_text("Published reports")
        expect(page.get_by_role("heading", name=QUARTER.label)).to_be_visible()
        checked(page)
        with page.expect_download() as download:
            page.get_by_role("link", name="Download the PDF").click()
        pdf = tmp_path / "report.pdf"
        download.value.save_as(pdf)
        assert download.value.suggested_filename == f"{version.file_stem}.pdf"
        assert pdf.read_bytes() == bytes(ReportVersion.objects.get(pk=version.pk).pdf)
        with page.expect_download() as download:
            page.get_by_role("link", name="referrals_by_council.csv").click()
        csv = tmp_path / "table.csv"
        download.value.save_as(csv)
        assert csv.read_text().splitlines()[0] == "kpi_id,period,breakdown,value,suppressed"
        # Nothing else: the runs and the preview are refused.
        page.goto(f"{live_server.url}{reverse('reporting:runs')}")
        expect(heading(page)).not_to_have_text("Quarterly reports")

    downloads = AccessLog.objects.filter(user=commissioner, object_type="reporting.reportversion")
    assert sorted(log.action for log in downloads) == ["export", "export"]
