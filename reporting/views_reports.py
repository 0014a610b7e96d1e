"""Report runs, preview and publishing for managers; the archive for commissioners (RPT-1, RPT-5).

Thin views: the selectors decide who sees what (403 for roles that never use a page, 404 for a
version a commissioner may not see), the services do every write. Files are served from the
database after the check, never by a URL of their own, and every preview and download writes
an access-log row.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.forms.errors import add_service_errors
from partnership.access import can_run_reports
from reporting import selectors, services
from reporting.forms import ReportRunForm
from reporting.models import ReportVersion


def _version_kwargs(version: ReportVersion) -> dict:
    return {"quarter": version.quarter, "scope": version.scope, "number": version.number}


@login_required
@require_GET
def archive(request: HttpRequest) -> HttpResponse:
    """RPT-5: published reports by quarter, with their PDF and CSV downloads."""
    quarters = selectors.published_reports_for(user=request.user)
    return render(
        request,
        "reporting/archive.html",
        {"quarters": quarters, "can_run_reports": can_run_reports(request.user)},
    )


@login_required
@require_GET
def runs(request: HttpRequest) -> HttpResponse:
    """RPT-1: the latest runs and every version, by quarter (managers)."""
    latest_runs, quarters = selectors.report_runs_for(user=request.user)
    return render(request, "reporting/runs.html", {"runs": latest_runs, "quarters": quarters})


@login_required
@require_http_methods(["GET", "POST"])
def run_new(request: HttpRequest) -> HttpResponse:
    if not can_run_reports(request.user):
        raise PermissionDenied
    form = ReportRunForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.report_run_request(
                quarter=form.cleaned_data["quarter"], council=form.cleaned_data["council"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("reporting:run", run_id=run.pk)
    return render(request, "reporting/run_new.html", {"form": form})


@login_required
@require_GET
def run(request: HttpRequest, run_id: int) -> HttpResponse:
    """Which step, how far; refreshes itself while the run is waiting or running."""
    report_run = selectors.report_run_get(user=request.user, run_id=run_id)
    return render(
        request,
        "reporting/run.html",
        {"run": report_run, "version": selectors.run_version(report_run)},
    )


@login_required
@require_POST
def run_retry(request: HttpRequest, run_id: int) -> HttpResponse:
    report_run = selectors.report_run_get(user=request.user, run_id=run_id)
    try:
        report_run = services.report_run_retry(run=report_run, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("reporting:run", run_id=report_run.pk)


def _manager_version(request: HttpRequest, **address) -> ReportVersion:
    if not can_run_reports(request.user):
        raise PermissionDenied
    return selectors.report_version_get(user=request.user, **address)


@login_required
@require_GET
def version(request: HttpRequest, quarter: str, scope: str, number: int) -> HttpResponse:
    """The preview: the stored version drawn as a page, the same figures as its PDF."""
    from reporting.pdf import report_context
    from reporting.storage import report_data_from_json

    report = _manager_version(request, quarter=quarter, scope=scope, number=number, with_content=True)
    services.report_access_record(version=report, by=request.user, what="Preview", download=False)
    context = report_context(report_data_from_json(report.data))
    context["version"] = selectors.report_files_prefetch(report)
    return render(request, "reporting/preview.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def version_publish(request: HttpRequest, quarter: str, scope: str, number: int) -> HttpResponse:
    report = _manager_version(request, quarter=quarter, scope=scope, number=number)
    if request.method == "POST" and not report.is_published:
        report = services.report_publish(version=report, by=request.user)
        messages.success(
            request,
            _("%(report)s is published. Commissioners can now download it.")
            % {"report": f"{report.quarter_obj.short_label}, {report.council_label}, version {report.number}"},
        )
        return redirect("reporting:version", **_version_kwargs(report))
    return render(request, "reporting/publish.html", {"version": report})


def _download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(bytes(content), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def version_pdf(request: HttpRequest, quarter: str, scope: str, number: int) -> HttpResponse:
    report = selectors.report_version_get(user=request.user, quarter=quarter, scope=scope, number=number)
    pdf = ReportVersion.objects.filter(pk=report.pk).values_list("pdf", flat=True).get()
    filename = f"{report.file_stem}.pdf"
    services.report_access_record(version=report, by=request.user, what=f"Downloaded {filename}", download=True)
    return _download(pdf, filename=filename, content_type="application/pdf")


@login_required
@require_GET
def version_file(request: HttpRequest, quarter: str, scope: str, number: int, name: str) -> HttpResponse:
    report = selectors.report_version_get(user=request.user, quarter=quarter, scope=scope, number=number)
    found = selectors.report_file_get(version=report, name=name)
    filename = f"{report.file_stem}-{found.name}"
    services.report_access_record(version=report, by=request.user, what=f"Downloaded {filename}", download=True)
    return _download(found.content, filename=filename, content_type="text/csv; charset=utf-8")
