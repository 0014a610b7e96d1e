"""Instrument readings (ASM-5): choose an instrument, record a reading on a page generated from
its definition (scores computed, never typed; a positive AUDIT-C offers the full AUDIT with its
three answers carried), and each instrument's readings as a chart with the same numbers in a
table."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from assessments.access import can_edit_assessment
from assessments.instruments import UnknownInstrument, carried_answers, registry, score
from assessments.instruments.charts import Reading, readings_chart_svg, readings_table
from assessments.instruments.forms import instrument_form
from assessments.selectors import reading_get, readings_for
from assessments.services import reading_record
from assessments.views.common import data, person_for, render_page
from common.forms.errors import add_service_errors
from referrals.converters import PERSON


def _definition(instrument: str, version: int | None = None):
    try:
        return registry().get(instrument, version)
    except UnknownInstrument:
        raise Http404 from None


def result_of(reading):
    """A stored reading scored again by the definition version it was taken with."""
    return score(_definition(reading.instrument, reading.instrument_version), reading.answers)


@login_required
@require_GET
def instruments(request: HttpRequest, person_ref: str) -> HttpResponse:
    person = person_for(request, person_ref, "Instrument readings")
    counts: dict[str, int] = {}
    latest: dict[str, object] = {}
    for reading in readings_for(person=person):
        counts[reading.instrument] = counts.get(reading.instrument, 0) + 1
        latest[reading.instrument] = reading
    rows = [
        {"definition": definition, "count": counts.get(definition.id, 0), "latest": latest.get(definition.id)}
        for definition in registry().latest()
    ]
    return render_page(
        request,
        "assessments/instruments.html",
        {"person": person, "rows": rows, "can_edit": can_edit_assessment(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def reading_new(request: HttpRequest, person_ref: str, instrument: str) -> HttpResponse:
    definition = _definition(instrument)
    person = person_for(request, person_ref, f"Record a reading: {definition.id}", edit=True)
    # A positive screen leads here with its reading: its answers open this one.
    carried_from = None
    source = request.GET.get("from") or request.POST.get("carried_from")
    if source and source.isdigit() and definition.carries_answers_from:
        carried_from = reading_get(person=person, pk=int(source))
        if carried_from is not None and carried_from.instrument != definition.carries_answers_from:
            carried_from = None
    initial = carried_answers(result_of(carried_from), definition) if carried_from else {}
    form = instrument_form(definition, data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            reading = reading_record(
                person=person,
                definition=definition,
                answers=form.result.answers,
                by=request.user,
                carried_from=carried_from,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(title)s reading saved") % {"title": definition.title})
            return redirect("assessments:reading", person.reference, reading.pk)
    return render_page(
        request,
        "assessments/reading_form.html",
        {
            "person": person,
            "definition": definition,
            "form": form,
            "carried_from": carried_from,
            "back_url": reverse("assessments:instruments", args=[person.reference]),
        },
    )


@login_required
@require_GET
def reading(request: HttpRequest, person_ref: str, pk: int) -> HttpResponse:
    """One reading and what it scored; a met threshold offers the instrument it leads to."""
    person = person_for(request, person_ref, "Instrument reading")
    found = reading_get(person=person, pk=pk)
    if found is None:
        raise Http404
    definition = _definition(found.instrument, found.instrument_version)
    result = result_of(found)
    leads_to = [registry().get(target) for target in result.leads_to]
    return render_page(
        request,
        "assessments/reading.html",
        {
            "person": person,
            "reading": found,
            "definition": definition,
            "result": result,
            "answers": [
                (item, next((o.label for o in item.options if o.value == found.answers.get(item.id)), ""))
                for item in definition.items
            ],
            "leads_to": leads_to,
            "can_edit": can_edit_assessment(request.user),
        },
    )


@login_required
@require_GET
def readings(request: HttpRequest, person_ref: str, instrument: str) -> HttpResponse:
    definition = _definition(instrument)
    person = person_for(request, person_ref, f"Instrument readings: {definition.id}")
    found = list(readings_for(person=person, instrument=definition.id))
    # Each reading is charted by the definition version it was taken with.
    points = [Reading(taken_on=r.taken_at.date(), result=result_of(r)) for r in found]
    return render_page(
        request,
        "assessments/readings.html",
        {
            "person": person,
            "definition": definition,
            "readings": list(reversed(found)),
            "chart": mark_safe(readings_chart_svg(definition, points)) if points else "",  # noqa: S308 (built, escaped SVG)
            "table": readings_table(definition, points) if points else None,
            "can_edit": can_edit_assessment(request.user),
        },
    )


BASE = f"people/<{PERSON}:person_ref>/assessment/readings/"
urlpatterns = [
    path(BASE, instruments, name="instruments"),
    path(f"{BASE}<int:pk>/", reading, name="reading"),
    path(f"{BASE}<slug:instrument>/", readings, name="readings"),
    path(f"{BASE}<slug:instrument>/new/", reading_new, name="reading_new"),
]
