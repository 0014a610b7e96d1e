"""The report pages (RPT-1, RPT-5): managers run, watch, preview and publish; commissioners see
and download published versions only; downloads and previews are in the access log."""

from __future__ import annotations

import pytest
from django.urls import reverse

from partnership.models import AccessLog
from reporting.forms import COUNCIL_REQUIRED, QUARTER_NOT_LISTED, QUARTER_REQUIRED
from reporting.models import ReportRun, ReportVersion
from reporting.periods import Quarter
from reporting.services import report_publish
from tests.reporting.report_fixture import HEADLINE, QUARTER, built_version

pytestmark = pytest.mark.django_db


def _address(version: ReportVersion) -> dict:
    return {"quarter": version.quarter, "scope": version.scope, "number": version.number}


def test_a_manager_runs_a_report_and_is_taken_to_its_progress(
    client, manager, stand_in_build, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting:run_new"), {"quarter": QUARTER.code, "council": "cumberland"})
    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("reporting:run", kwargs={"run_id": run.pk})
    assert (run.quarter, run.council, run.requested_by) == (QUARTER.code, "cumberland", manager)
    page = client.get(response.url).content.decode()
    assert "Finished" in page
    assert reverse("reporting:version", kwargs=_address(run.version)) in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"council": "whole"}, "quarter", QUARTER_REQUIRED),
        ({"quarter": "2099-00-Q1", "council": "whole"}, "quarter", QUARTER_NOT_LISTED),
        ({"quarter": Quarter.last_finished().next().code, "council": "whole"}, "quarter", QUARTER_NOT_LISTED),
        ({"quarter": QUARTER.code}, "council", COUNCIL_REQUIRED),
        ({"quarter": QUARTER.code, "council": "outside_area"}, "council", COUNCIL_REQUIRED),
    ],
)
def test_bad_input_gets_a_specific_message_and_keeps_what_was_chosen(client, manager, data, field, message):
    client.force_login(manager)
    response = client.post(reverse("reporting:run_new"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [str(message)]
    assert "There is a problem" in response.content.decode()
    assert not ReportRun.objects.exists()


def test_a_waiting_run_page_refreshes_itself_and_offers_a_link(client, manager):
    run = ReportRun.objects.create(quarter=QUARTER.code, requested_by=manager, step="Referrals", done=3, total=12)
    client.force_login(manager)
    page = client.get(reverse("reporting:run", kwargs={"run_id": run.pk})).content.decode()
    assert "3 of 12 (25%)" in page
    assert "Refresh now" in page
    assert "window.location.reload" in page


def test_a_failed_run_shows_the_kind_of_error_and_tries_again(client, manager, stand_in_build):
    run = ReportRun.objects.create(
        quarter=QUARTER.code, requested_by=manager, status="failed", error="OperationalError"
    )
    client.force_login(manager)
    page = client.get(reverse("reporting:run", kwargs={"run_id": run.pk})).content.decode()
    assert "OperationalError" in page
    response = client.post(reverse("reporting:run_retry", kwargs={"run_id": run.pk}))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status in {"queued", "succeeded"}


def test_the_preview_shows_the_stored_figures_and_is_logged(client, manager):
    version = built_version(by=manager)
    client.force_login(manager)
    response = client.get(reverse("reporting:version", kwargs=_address(version)))
    page = response.content.decode()
    assert response.status_code == 200
    assert str(HEADLINE) in page
    assert "Referrals by council" in page
    assert "* means 1 to 7; figures rounded to the nearest 5; - means withheld" in page
    assert 'role="img"' in page  # the chart, beside its table
    assert "Publish this report" in page
    log = AccessLog.objects.get(object_type="reporting.reportversion")
    assert (log.user, log.action, log.object_id, log.person_id) == (manager, "view", version.pk, None)


def test_a_manager_publishes_after_a_confirmation(client, manager):
    version = built_version(by=manager)
    client.force_login(manager)
    url = reverse("reporting:version_publish", kwargs=_address(version))
    assert "Publish version 1?" in client.get(url).content.decode()
    version.refresh_from_db()
    assert not version.is_published
    response = client.post(url)
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.published_by == manager


def test_commissioners_see_published_versions_only(client, manager, commissioner):
    published = built_version(by=manager, publish_by=manager)
    draft = built_version(by=manager)
    client.force_login(commissioner)
    page = client.get(reverse("reporting:archive")).content.decode()
    assert reverse("reporting:version_pdf", kwargs=_address(published)) in page
    assert reverse("reporting:version_pdf", kwargs=_address(draft)) not in page
    assert client.get(reverse("reporting:version_pdf", kwargs=_address(draft))).status_code == 404
    name = "referrals_by_council.csv"
    assert client.get(reverse("reporting:version_file", kwargs={**_address(draft), "name": name})).status_code == 404
    # Nothing else: no preview, no runs, no publishing.
    assert client.get(reverse("reporting:version", kwargs=_address(published))).status_code == 403
    assert client.get(reverse("reporting:runs")).status_code == 403


def test_commissioners_download_the_pdf_and_each_csv_and_each_download_is_logged(client, manager, commissioner):
    version = built_version(by=manager, publish_by=manager)
    client.force_login(commissioner)
    pdf = client.get(reverse("reporting:version_pdf", kwargs=_address(version)))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content == bytes(ReportVersion.objects.get(pk=version.pk).pdf)
    assert f'filename="ers-report-{QUARTER.code}-whole-service-v1.pdf"' in pdf["Content-Disposition"]
    csv = client.get(
        reverse("reporting:version_file", kwargs={**_address(version), "name": "referrals_by_council.csv"})
    )
    assert csv.status_code == 200
    lines = csv.content.decode().splitlines()
    assert lines[0] == "kpi_id,period,breakdown,value,suppressed"
    assert f"referrals_by_council,{QUARTER.code},total,{HEADLINE},false" in lines
    assert f"referrals_by_council,{QUARTER.code},council=westmorland_and_furness,*,true" in lines
    missing = reverse("reporting:version_file", kwargs={**_address(version), "name": "nope.csv"})
    assert client.get(missing).status_code == 404
    logs = AccessLog.objects.filter(user=commissioner, object_type="reporting.reportversion")
    assert sorted(log.action for log in logs) == ["export", "export"]
    assert all(log.person_id is None for log in logs)


def test_commissioners_land_on_the_archive(client, commissioner):
    client.force_login(commissioner)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("reporting:archive")
    assert "No reports have been published yet." in client.get(response.url).content.decode()


@pytest.mark.parametrize("address", [("2025-27-Q1", "whole-service"), (QUARTER.code, ""), (QUARTER.code, "nowhere")])
def test_a_malformed_address_is_not_found(client, manager, address):
    client.force_login(manager)
    url = f"/reports/{address[0]}/{address[1]}/v1/pdf/"
    assert client.get(url).status_code == 404


def test_list_pages_take_the_same_queries_however_many_versions(
    client, manager, commissioner, django_assert_max_num_queries
):
    built_version(by=manager, publish_by=manager)
    built_version(by=manager, council="cumberland", publish_by=manager)

    def counts():
        result = {}
        for user, name in ((manager, "reporting:runs"), (commissioner, "reporting:archive")):
            client.force_login(user)
            with django_assert_max_num_queries(50) as captured:
                assert client.get(reverse(name)).status_code == 200
            result[name] = len(captured)
        return result

    before = counts()
    for quarter in (QUARTER.previous(), QUARTER.previous(2)):
        built_version(by=manager, quarter=quarter, publish_by=manager)
        built_version(by=manager, quarter=quarter, council="westmorland_and_furness", publish_by=manager)
    assert counts() == before


def test_the_run_and_preview_pages_take_a_few_queries(client, manager, django_assert_max_num_queries):
    version = built_version(by=manager)
    client.force_login(manager)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("reporting:run", kwargs={"run_id": version.run_id})).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(reverse("reporting:version", kwargs=_address(version))).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(reverse("reporting:version_publish", kwargs=_address(version))).status_code == 200


def test_published_reports_stay_published_in_the_history(manager):
    version = built_version(by=manager)
    report_publish(version=version, by=manager)
    assert ReportVersion.objects.get(pk=version.pk).is_published


def test_the_admin_reads_runs_versions_and_files_and_changes_nothing(admin_client, manager):
    from tests.reporting.report_fixture import stored_version

    version = stored_version(by=manager)
    for name in ("reportrun", "reportversion", "reportfile"):
        assert admin_client.get(reverse(f"admin:reporting_{name}_changelist")).status_code == 200
        assert admin_client.get(reverse(f"admin:reporting_{name}_add")).status_code == 403
    page = admin_client.get(reverse("admin:reporting_reportversion_change", args=[version.pk]))
    assert page.status_code == 200
    assert version.pdf_sha256 in page.content.decode()
