"""The directory of local opportunities and partner services (PLN-5): directory/..."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common.forms.errors import add_service_errors
from common.pagination import paginate
from partnership.access import can_manage_directory
from recovery_plans.forms.directory import DirectoryEntryForm, DirectoryEntryNewForm
from recovery_plans.models import DirectoryEntry
from recovery_plans.selectors.directory import directory_entry_for_edit, directory_for
from recovery_plans.services import directory as services


@login_required
@require_http_methods(["GET"])
def directory(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in DirectoryEntry.Kind.values:
        kind = ""
    may_manage = can_manage_directory(request.user)
    entries = directory_for(user=request.user, kind=kind, include_inactive=may_manage)
    page = paginate(request, entries, per_page=50)
    context = {"page": page, "kind": kind, "kinds": DirectoryEntry.Kind.choices, "may_manage": may_manage}
    return render(request, "recovery_plans/directory.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def directory_new(request: HttpRequest) -> HttpResponse:
    if not can_manage_directory(request.user):
        raise PermissionDenied
    form = DirectoryEntryNewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.directory_entry_create(by=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Added to the directory"))
            return redirect("recovery_plans:directory")
    return render(request, "recovery_plans/directory_form.html", {"form": form, "title": _("Add to the directory")})


@login_required
@require_http_methods(["GET", "POST"])
def directory_edit(request: HttpRequest, entry_pk: int) -> HttpResponse:
    entry = directory_entry_for_edit(user=request.user, pk=entry_pk)
    form = DirectoryEntryForm(request.POST or None, entry=entry)
    if request.method == "POST" and form.is_valid():
        try:
            services.directory_entry_update(
                entry=entry, by=request.user, expected_version=form.expected_version, **form.service_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Directory entry saved"))
            return redirect("recovery_plans:directory")
    return render(request, "recovery_plans/directory_form.html", {"form": form, "title": entry.name})
