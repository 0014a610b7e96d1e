"""Reading runs and reports, scoped to who asks (RPT-1, RPT-5).

Managers see every run and every version; commissioners see published versions only (an
unpublished one answers 404, exactly as if it did not exist); everyone else nothing (403).
List queries never load a version's PDF or stored data, and take a fixed number of queries
however many versions there are.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404

from partnership.access import can_run_reports, sees_published_reports
from reporting.models import WHOLE_SERVICE_SCOPE, ReportFile, ReportRun, ReportVersion
from reporting.periods import Quarter
from reporting.report_data import WHOLE_SERVICE

# How many of the latest runs the managers' page lists.
RECENT_RUNS = 30


def _files() -> Prefetch:
    return Prefetch("files", queryset=ReportFile.objects.only("id", "version_id", "name", "sha256"))


def _versions() -> QuerySet[ReportVersion]:
    return ReportVersion.objects.defer("data", "pdf").select_related("published_by")


@dataclass
class QuarterReports:
    quarter: Quarter
    versions: list[ReportVersion] = field(default_factory=list)


def _by_quarter(versions) -> list[QuarterReports]:
    grouped: OrderedDict[str, QuarterReports] = OrderedDict()
    for version in versions:
        grouped.setdefault(version.quarter, QuarterReports(quarter=version.quarter_obj)).versions.append(version)
    return sorted(grouped.values(), key=lambda group: group.quarter, reverse=True)


def published_reports_for(*, user) -> list[QuarterReports]:
    """The archive: published versions by quarter, newest quarter first, with their files."""
    if not sees_published_reports(user):
        raise PermissionDenied
    versions = _versions().filter(published_at__isnull=False).prefetch_related(_files())
    return _by_quarter(versions.order_by("-quarter", "council", "-number"))


def report_runs_for(*, user) -> tuple[list[ReportRun], list[QuarterReports]]:
    """The managers' page: the latest runs, and every version by quarter."""
    if not can_run_reports(user):
        raise PermissionDenied
    runs = list(
        ReportRun.objects.select_related("requested_by", "version").defer("version__data", "version__pdf")[:RECENT_RUNS]
    )
    versions = _versions().select_related("run").order_by("-quarter", "council", "-number")
    return runs, _by_quarter(versions)


def report_run_get(*, user, run_id: int) -> ReportRun:
    if not can_run_reports(user):
        raise PermissionDenied
    run = ReportRun.objects.select_related("requested_by").filter(pk=run_id).first()
    if run is None:
        raise Http404
    return run


def run_version(run: ReportRun) -> ReportVersion | None:
    return _versions().filter(run=run).first()


def report_version_get(*, user, quarter: str, scope: str, number: int, with_content: bool = False) -> ReportVersion:
    """One version by its address. Commissioners: published only (404 otherwise)."""
    if not sees_published_reports(user):
        raise PermissionDenied
    try:
        code = Quarter.parse(quarter).code
    except ValueError:
        raise Http404 from None
    council = WHOLE_SERVICE if scope == WHOLE_SERVICE_SCOPE else scope
    if council == WHOLE_SERVICE and scope != WHOLE_SERVICE_SCOPE:
        raise Http404
    versions = ReportVersion.objects.select_related("published_by", "run")
    if not with_content:
        versions = versions.defer("data", "pdf")
    if not can_run_reports(user):
        versions = versions.filter(published_at__isnull=False)
    version = versions.filter(quarter=code, council=council, number=number).first()
    if version is None:
        raise Http404
    return version


def report_file_get(*, version: ReportVersion, name: str) -> ReportFile:
    found = ReportFile.objects.filter(version=version, name=name).first()
    if found is None:
        raise Http404
    return found


def report_files_prefetch(version: ReportVersion) -> ReportVersion:
    """The version's file names (not their content), for its download links."""
    prefetch_related_objects([version], _files())
    return version
