"""The living assessment (ASM-1 to ASM-4, ASM-7): the overview of its sections, each section's
page (saved on its own, partially), its versions and any earlier version (ASM-2), a child's
details, and the escalation steps after a trigger is recorded (ASM-6)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from assessments.access import can_edit_assessment, can_view_section
from assessments.forms import child_form, section_form
from assessments.models.codes import IMMEDIATE_TRIGGERS, Trigger
from assessments.sections import SECTIONS
from assessments.selectors import (
    children_for,
    section_get,
    section_version,
    section_versions,
    sections_for,
    version_values,
)
from assessments.services import assessment_escalate, assessment_section_save, child_save
from assessments.views.common import data, person_for, render_page, spec_for
from common.forms.errors import add_service_errors
from referrals.converters import PERSON
from referrals.models import TreatmentReferral

NO_ALLOCATED_REFERRAL = gettext_lazy(
    "This person has no allocated referral to refer on from. Ask the SPOC team to refer them to the Treatment Service"
)
# PAR-6: what the escalation page says in place of its button while the person's processing
# is restricted (the service refuses with ProcessingRestricted).
ESCALATION_RESTRICTED = gettext_lazy(
    "Processing of this person's information is restricted, so they cannot be referred to the "
    "Treatment Service from their assessment. Only the data protection officer can lift the "
    "restriction: ask them. The safeguarding and crisis steps still apply: if anyone is in "
    "immediate danger call 999, and tell the safeguarding lead today."
)
REVIEW_PROMPTED = gettext_lazy("A review of the person's recovery plan has been prompted")
ALREADY_WITH_TREATMENT = gettext_lazy(
    "The Treatment Service already has a referral for this person. Tell them about the escalation triggers"
)


def overview_url(person) -> str:
    return reverse("assessments:overview", args=[person.reference])


@login_required
@require_GET
def overview(request: HttpRequest, person_ref: str) -> HttpResponse:
    person = person_for(request, person_ref, "Assessment")
    specs = tuple(spec for spec in SECTIONS if can_view_section(request.user, spec.label))
    rows = sections_for(person=person, specs=specs)
    sections = [{"spec": spec, "row": rows[spec.key]} for spec in specs]
    substances = rows.get("substances")
    return render_page(
        request,
        "assessments/overview.html",
        {
            "person": person,
            "sections": sections,
            "reporting_group": substances.reporting_group if substances else None,
            "can_edit": can_edit_assessment(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def section_edit(request: HttpRequest, person_ref: str, section: str) -> HttpResponse:
    spec = spec_for(request, section)
    person = person_for(request, person_ref, f"Assessment: {spec.key}", edit=request.method == "POST")
    row = section_get(person=person, spec=spec)
    editing = can_edit_assessment(request.user)
    form = section_form(spec, data(request), section=row) if editing else None
    if request.method == "POST" and form.is_valid():
        try:
            saved = assessment_section_save(
                person=person,
                key=spec.key,
                values=form.values(),
                by=request.user,
                expected_version=form.expected_version,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(section)s saved") % {"section": spec.title})
            if saved.review_prompted:
                messages.info(request, REVIEW_PROMPTED)
            if saved.new_triggers:
                return redirect("assessments:escalation", person.reference)
            return redirect(overview_url(person))
    return render_page(
        request,
        "assessments/section.html",
        {
            "person": person,
            "spec": spec,
            "row": row,
            "form": form,
            "values": version_values(spec, row) if row is not None and form is None else [],
            "children": list(children_for(person=person)) if spec.key == "carers" else [],
            "can_edit": editing,
            "back_url": overview_url(person),
        },
    )


@login_required
@require_GET
def versions(request: HttpRequest, person_ref: str, section: str) -> HttpResponse:
    spec = spec_for(request, section)
    person = person_for(request, person_ref, f"Assessment versions: {spec.key}")
    return render_page(
        request,
        "assessments/versions.html",
        {
            "person": person,
            "spec": spec,
            "entries": section_versions(person=person, spec=spec),
            "back_url": reverse("assessments:section", args=[person.reference, spec.key]),
        },
    )


@login_required
@require_GET
def version(request: HttpRequest, person_ref: str, section: str, history_id: int) -> HttpResponse:
    spec = spec_for(request, section)
    person = person_for(request, person_ref, f"Assessment version: {spec.key}")
    row = section_version(person=person, spec=spec, history_id=history_id)
    if row is None:
        raise Http404
    return render_page(
        request,
        "assessments/version.html",
        {
            "person": person,
            "spec": spec,
            "row": row,
            "values": version_values(spec, row),
            "back_url": reverse("assessments:versions", args=[person.reference, spec.key]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def child_edit(request: HttpRequest, person_ref: str, child_pk: int | None = None) -> HttpResponse:
    person = person_for(request, person_ref, "Assessment: a child's details", edit=True)
    child = None
    if child_pk is not None:
        child = children_for(person=person).filter(pk=child_pk).first()
        if child is None:
            raise Http404
    form = child_form(data(request), child=child)
    back_url = reverse("assessments:section", args=[person.reference, "carers"])
    if request.method == "POST" and form.is_valid():
        try:
            child_save(
                person=person,
                child=child,
                values=form.values(),
                by=request.user,
                expected_version=form.expected_version,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Child's details saved"))
            return redirect(back_url)
    return render_page(
        request, "assessments/child.html", {"person": person, "form": form, "child": child, "back_url": back_url}
    )


@login_required
@require_http_methods(["GET", "POST"])
def escalation(request: HttpRequest, person_ref: str) -> HttpResponse:
    """ASM-6: the triggers recorded, the escalation to the Treatment Service they call for (one
    button: a referral to Treatment waiting to be sent, with the triggers as its reason, then the
    existing page that sends it with the minimum dataset), and, for an immediate risk, the
    safeguarding or crisis steps first (§3.3.4)."""
    spec = spec_for(request, "risks")
    person = person_for(request, person_ref, "Assessment: escalation", edit=True)
    if request.method == "POST":
        try:
            treatment_referral = assessment_escalate(person=person, by=request.user)
        except ValidationError as error:
            # Restricted (PAR-6): the page itself says so, in place of the button.
            if error.code != "processing_restricted":
                messages.error(request, error.messages[0])
            return redirect("assessments:escalation", person.reference)
        if treatment_referral is None:
            messages.error(request, NO_ALLOCATED_REFERRAL)
        elif treatment_referral.status == TreatmentReferral.Status.PENDING:
            return redirect(
                "referrals:treatment_send", treatment_referral.referral.reference, treatment_referral.reference
            )
        else:
            messages.info(request, ALREADY_WITH_TREATMENT)
        return redirect("assessments:escalation", person.reference)
    row = section_get(person=person, spec=spec)
    triggers = [Trigger(code) for code in (row.triggers if row else []) if code in Trigger.values]
    return render_page(
        request,
        "assessments/escalation.html",
        {
            "person": person,
            "triggers": triggers,
            "immediate": [trigger for trigger in triggers if trigger in IMMEDIATE_TRIGGERS],
            "restricted_message": ESCALATION_RESTRICTED,
            "back_url": overview_url(person),
        },
    )


BASE = f"people/<{PERSON}:person_ref>/assessment/"
urlpatterns = [
    path(BASE, overview, name="overview"),
    path(f"{BASE}escalation/", escalation, name="escalation"),
    path(f"{BASE}children/new/", child_edit, name="child_new"),
    path(f"{BASE}children/<int:child_pk>/", child_edit, name="child"),
    path(f"{BASE}section/<slug:section>/", section_edit, name="section"),
    path(f"{BASE}section/<slug:section>/versions/", versions, name="versions"),
    path(f"{BASE}section/<slug:section>/versions/<int:history_id>/", version, name="version"),
]
