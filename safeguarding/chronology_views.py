"""The chronology pages (SAF-2, §3.15.9): the chronology of a person's record on screen, with its
filter; marking an entry; a chronology-only summary; and the PDF, produced after a "for whom and
why" step that writes the access log, and the disclosure log when it leaves the service.

Only the filter's dates and choices go in the query string, and an entry is named in its address
by its kind, time and a hash of its title: nothing about the person.
"""

from __future__ import annotations

import itertools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from common.forms.errors import add_service_errors
from common.forms.fields import YES
from partnership.access import can_produce_chronology
from referrals.converters import PERSON
from safeguarding import chronology, chronology_services
from safeguarding.chronology_forms import (
    LEAVES,
    ChronologyExportForm,
    ChronologyFilterForm,
    ChronologyMarkForm,
    ChronologySummaryForm,
)
from safeguarding.chronology_pdf import chronology_pdf, period_words
from safeguarding.models import ChronologyMark
from safeguarding.selectors_concerns import chronology_person_get
from safeguarding.views_concerns import frame

SCREEN_LIMIT = 300


def _person(request, person_ref: str, purpose: str):
    if not can_produce_chronology(request.user):
        raise PermissionDenied
    return chronology_person_get(user=request.user, person_ref=person_ref, purpose=purpose)


def _filters(request) -> tuple[ChronologyFilterForm, chronology.Filters]:
    form = ChronologyFilterForm(request.GET or None, kinds=chronology.kinds_for(request.user))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return form, chronology.Filters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            kinds=data.get("kind") or [],
            significant_only=bool(data.get("significant")),
        )
    return form, chronology.Filters()


def _chronology_url(person) -> str:
    return reverse("safeguarding:chronology", kwargs={"person_ref": person.reference})


@login_required
@require_GET
def chronology_page(request, person_ref):
    person = _person(request, person_ref, "Chronology")
    form, filters = _filters(request)
    rows = list(
        itertools.islice(chronology.entries(person=person, user=request.user, filters=filters), SCREEN_LIMIT + 1)
    )
    start, end = chronology.period_of(person=person, filters=filters)
    context = frame(request, person, "chronology")
    context.update(
        {
            "form": form,
            "entries": [
                {"entry": entry, "mark_url": _mark_url(person, entry) if entry.key else None}
                for entry in rows[:SCREEN_LIMIT]
            ],
            "more": len(rows) > SCREEN_LIMIT,
            "period": period_words(start, end),
            "pdf_url": reverse("safeguarding:chronology_pdf", kwargs={"person_ref": person.reference})
            + (f"?{request.GET.urlencode()}" if request.GET else ""),
        }
    )
    return render(request, "safeguarding/chronology/page.html", context)


def _mark_url(person, entry: chronology.Entry) -> str:
    return reverse("safeguarding:chronology_mark", kwargs={"person_ref": person.reference, "entry_key": entry.key})


@login_required
@require_http_methods(["GET", "POST"])
def chronology_mark(request, person_ref, entry_key):
    person = _person(request, person_ref, "Mark a chronology entry")
    entry = chronology.find_entry(person=person, user=request.user, key=entry_key)
    if entry is None:
        raise Http404
    mark = ChronologyMark.objects.filter(person=person, entry_key=entry_key).first()
    form = ChronologyMarkForm(request.POST or None, mark=mark)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            chronology_services.chronology_mark_save(
                person=person,
                by=request.user,
                entry_key=entry_key,
                kind=entry.kind,
                event_at=entry.at,
                significant=data["significant"] == YES,
                significance=data.get("significance") or "",
                action_outcome=data.get("action_outcome") or "",
                expected_version=form.expected_version,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Chronology entry saved"))
            return redirect(_chronology_url(person))
    context = frame(request, person, "chronology")
    context.update({"form": form, "entry": entry, "at": timezone.localtime(entry.at), "back": _chronology_url(person)})
    return render(request, "safeguarding/chronology/mark.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def chronology_summary_new(request, person_ref):
    person = _person(request, person_ref, "Add to a chronology")
    form = ChronologySummaryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            chronology_services.chronology_summary_add(
                person=person,
                by=request.user,
                occurred_at=form.occurred_at(),
                agency=data["agency"],
                event=data["event"],
                significance=data.get("significance") or "",
                action_outcome=data.get("action_outcome") or "",
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Added to the chronology"))
            return redirect(_chronology_url(person))
    context = frame(request, person, "chronology")
    context.update({"form": form, "title": _("Add to the chronology"), "back": _chronology_url(person)})
    return render(request, "safeguarding/concerns/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def chronology_export(request, person_ref):
    """The PDF, after saying for whom and why: the access log always; the disclosure log when
    it leaves the service (PAR-5). The filter comes along in the query string."""
    person = _person(request, person_ref, "Produce a chronology")
    _form, filters = _filters(request)
    form = ChronologyExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        start, end = chronology.period_of(person=person, filters=filters)
        leaves = data["leaves"] == LEAVES
        chronology_services.chronology_export_record(
            person=person,
            by=request.user,
            period=period_words(start, end),
            purpose=data["purpose"],
            recipient=data["recipient"].strip() if leaves else "",
            lawful_basis=data.get("lawful_basis") or "" if leaves else "",
        )
        pdf = chronology_pdf(person=person, user=request.user, filters=filters)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="chronology-{person.reference}.pdf"'
        response["Cache-Control"] = "no-store"
        return response
    context = frame(request, person, "chronology")
    context.update({"form": form, "title": _("Produce the chronology as a PDF"), "back": _chronology_url(person)})
    return render(request, "safeguarding/concerns/form.html", context)


_person_path = f"people/<{PERSON}:person_ref>/chronology/"
urlpatterns = [
    path(_person_path, chronology_page, name="chronology"),
    path(f"{_person_path}entries/<slug:entry_key>/", chronology_mark, name="chronology_mark"),
    path(f"{_person_path}summaries/new/", chronology_summary_new, name="chronology_summary_new"),
    path(f"{_person_path}pdf/", chronology_export, name="chronology_pdf"),
]
