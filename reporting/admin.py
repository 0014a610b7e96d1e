"""Report runs and versions in the admin: read only (runs, builds and publishing go through
``reporting.services``; a version's content never changes). No PDF or stored data on screen."""

from django.contrib import admin

from common.admin import ReadOnlyAdmin
from reporting.models import ReportFile, ReportRun, ReportVersion


@admin.register(ReportRun)
class ReportRunAdmin(ReadOnlyAdmin):
    list_display = ("quarter", "council", "status", "attempts", "step", "requested_by", "requested_at", "error")
    list_filter = ("status", "council")
    list_select_related = ("requested_by",)


@admin.register(ReportVersion)
class ReportVersionAdmin(ReadOnlyAdmin):
    list_display = ("quarter", "council", "number", "schedule_version", "created_at", "published_at", "pdf_sha256")
    list_filter = ("council",)
    fields = (
        "quarter",
        "council",
        "number",
        "schedule_version",
        "schedule_effective_from",
        "created_at",
        "run",
        "pdf_sha256",
        "published_at",
        "published_by",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).defer("data", "pdf")


@admin.register(ReportFile)
class ReportFileAdmin(ReadOnlyAdmin):
    list_display = ("name", "version", "sha256")
    fields = ("version", "name", "sha256")
    list_select_related = ("version",)

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content", "version__data", "version__pdf")
