"""Data subject rights pages (PAR-6, §3.16.4): find a person, subject access exports,
rectification and restriction of processing.

Only the data protection officer uses these pages, except rectification, which the front door
uses too. Every page showing a person writes an access-log row; the export download writes an
EXPORT row with the request's reference and details. Files are never served by URL: the
download view reads them from storage after checking the role.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.forms.errors import add_service_errors
from partnership.access import can_run_subject_access
from referrals.converters import PERSON, SUBJECT_ACCESS
from referrals.data_rights import selectors, services
from referrals.data_rights.forms import (
    PersonSearchForm,
    RectifyForm,
    RestrictionForm,
    SubjectAccessRequestForm,
)
from referrals.data_rights.subject_access import file_stem
from referrals.selectors import referrals as referral_selectors
from referrals.services import referrals as referral_services

# --- Finding a person (DPO) --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def data_rights_home(request: HttpRequest) -> HttpResponse:
    """Find the person a request is about; the latest subject access requests.

    The search is posted, never put in the address: a name or an NHS number in a URL lands in
    server logs, browser history and proxies. A query string is ignored."""
    if not can_run_subject_access(request.user):
        raise PermissionDenied
    form = PersonSearchForm(request.POST if request.method == "POST" else None)
    people = None
    if form.is_bound and form.is_valid():
        people = selectors.people_search(user=request.user, query=form.cleaned_data["q"])
        # SEC-2: one row for the results, naming each person shown.
        referral_selectors.record_list_view(
            user=request.user,
            object_type="referrals.person",
            person_ids=[person.pk for person in people],
            purpose="Data rights search",
        )
    return render(
        request,
        "referrals/data_rights/home.html",
        {
            "form": form,
            "people": people,
            "requests": selectors.recent_subject_access_requests(user=request.user),
        },
    )


@login_required
@require_GET
def person_data_rights(request: HttpRequest, person_ref: str) -> HttpResponse:
    person = selectors.person_for_data_rights(user=request.user, reference=person_ref, purpose="Data rights page")
    return render(
        request,
        "referrals/data_rights/person.html",
        {
            "person": person,
            "requests": selectors.with_export_runs(selectors.subject_access_requests_for(person=person)),
        },
    )


# --- Subject access (PAR-6) ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def subject_access(request: HttpRequest, person_ref: str) -> HttpResponse:
    person = selectors.person_for_data_rights(
        user=request.user, reference=person_ref, purpose="Subject access request page"
    )
    form = SubjectAccessRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            sar = services.subject_access_request_create(
                person=person,
                by=request.user,
                request_reference=form.cleaned_data["request_reference"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Subject access request %(ref)s recorded. The export is being prepared.") % {"ref": str(sar)},
            )
            return redirect("referrals:subject_access", person_ref=person.reference)
    return render(
        request,
        "referrals/data_rights/subject_access.html",
        {
            "person": person,
            "form": form,
            "requests": selectors.with_export_runs(selectors.subject_access_requests_for(person=person)),
        },
    )


@login_required
@require_GET
def subject_access_download(request: HttpRequest, person_ref: str, sar_ref: str) -> HttpResponse:
    person = selectors.person_for_data_rights(
        user=request.user, reference=person_ref, purpose="Subject access download"
    )
    sar = selectors.subject_access_request_get(person=person, reference=sar_ref)
    try:
        handle = services.subject_access_download(request=sar, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("referrals:subject_access", person_ref=person.reference)
    response = FileResponse(handle, as_attachment=True, filename=f"{file_stem(sar.reference)}.zip")
    response["Content-Type"] = "application/zip"
    # Special category data: never kept by a browser or proxy cache.
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
@require_POST
def subject_access_retry(request: HttpRequest, person_ref: str, sar_ref: str) -> HttpResponse:
    person = selectors.person_for_data_rights(user=request.user, reference=person_ref, purpose="Subject access retry")
    sar = selectors.subject_access_request_get(person=person, reference=sar_ref)
    services.subject_access_retry(request=sar, by=request.user)
    messages.success(request, _("The export for %(ref)s is being prepared again.") % {"ref": str(sar)})
    return redirect("referrals:subject_access", person_ref=person.reference)


# --- Rectification (PAR-6) -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def rectify(request: HttpRequest, person_ref: str) -> HttpResponse:
    person = selectors.person_for_rectification(user=request.user, reference=person_ref, purpose="Correct details page")
    form = RectifyForm(request.POST if request.method == "POST" else None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            referral_services.person_update(
                person=person,
                by=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.expected_version,
                **form.changes(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
            person.refresh_from_db()
        else:
            messages.success(request, _("The correction was saved. The earlier details are kept in the history."))
            if can_run_subject_access(request.user):
                return redirect("referrals:person_data_rights", person_ref=person.reference)
            return redirect("referrals:person", person_ref=person.reference)
    back = "referrals:person_data_rights" if can_run_subject_access(request.user) else "referrals:person"
    return render(
        request,
        "referrals/data_rights/rectify.html",
        {"person": person, "form": form, "back_url_name": back, "dpo_override": can_run_subject_access(request.user)},
    )


# --- Restriction of processing (PAR-6) ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def processing_restriction(request: HttpRequest, person_ref: str) -> HttpResponse:
    person = selectors.person_for_data_rights(user=request.user, reference=person_ref, purpose="Restriction page")
    lifting = person.processing_restricted
    form = RestrictionForm(request.POST if request.method == "POST" else None, lifting=lifting, version_of=person)
    if request.method == "POST" and form.is_valid():
        change = services.processing_lift if lifting else services.processing_restrict
        try:
            change(
                person=person,
                by=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.expected_version,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The restriction was lifted.")
                if lifting
                else _("Processing of this person's information is now restricted."),
            )
            return redirect("referrals:person_data_rights", person_ref=person.reference)
    return render(
        request, "referrals/data_rights/restriction.html", {"person": person, "form": form, "lifting": lifting}
    )


urlpatterns = [
    path("data-rights/", data_rights_home, name="data_rights"),
    path(f"people/<{PERSON}:person_ref>/data-rights/", person_data_rights, name="person_data_rights"),
    path(f"people/<{PERSON}:person_ref>/subject-access/", subject_access, name="subject_access"),
    path(
        f"people/<{PERSON}:person_ref>/subject-access/<{SUBJECT_ACCESS}:sar_ref>/download/",
        subject_access_download,
        name="subject_access_download",
    ),
    path(
        f"people/<{PERSON}:person_ref>/subject-access/<{SUBJECT_ACCESS}:sar_ref>/retry/",
        subject_access_retry,
        name="subject_access_retry",
    ),
    path(f"people/<{PERSON}:person_ref>/rectify/", rectify, name="rectify"),
    path(
        f"people/<{PERSON}:person_ref>/processing-restriction/", processing_restriction, name="processing_restriction"
    ),
]
