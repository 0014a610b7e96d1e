"""Triage pages a SPOC (front-door) practitioner uses on a referral (REF-6 to REF-9, §3.1, §3.2).

Every page: signed-in front-door staff only (others get 403), the referral loaded through
the user-scoped selector (404 when they may not see it), writes through ``services`` whose
ValidationErrors go back onto the form, and a success message on the referral page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common.forms.errors import add_service_errors
from partnership.access import can_work_front_door
from referrals import rules
from referrals.forms.allocation import (
    CLOSE_REASON_REQUIRED,
    REOPEN_REASON_REQUIRED,
    AllocateForm,
    PriorityForm,
    ReasonForm,
)
from referrals.forms.triage import (
    ContactAttemptForm,
    EscalationForm,
    OutcomeForm,
    ScreeningForm,
    WarmIntroductionForm,
)
from referrals.models import ContactMethod, Referral, TreatmentReferral, Triage, YesNoUnknown
from referrals.selectors.referrals import referral_get_for, referrals_visible_to
from referrals.services import allocation as allocation_services
from referrals.services import triage as triage_services
from referrals.services.allocation import CLOSE_TREATMENT_PENDING


def _referral_for(request: HttpRequest, reference: str) -> Referral:
    """Front door only (403 for any other role); 404 for a referral the user may not see."""
    if not can_work_front_door(request.user):
        raise PermissionDenied
    return referral_get_for(user=request.user, reference=reference, purpose="")


def _data(request: HttpRequest):
    # A POST with nothing ticked is still a submission: bind it, so "required" errors show.
    return request.POST if request.method == "POST" else None


def detail_url(referral: Referral) -> str:
    return reverse("referrals:detail", args=[referral.reference])


def _triage_of(referral: Referral) -> Triage | None:
    return Triage.objects.filter(referral=referral).first()


def _render(request: HttpRequest, template: str, referral: Referral, context: dict, status: int = 200) -> HttpResponse:
    context = {"referral": referral, "detail_url": detail_url(referral), **context}
    return render(request, template, context, status=status)


def _done(request: HttpRequest, referral: Referral, message: str, *, to: str | None = None) -> HttpResponse:
    messages.success(request, message)
    # Allocated by a manager to another hub, it is that hub's casework now: back to the queue.
    gone = to is None and not referrals_visible_to(user=request.user).filter(pk=referral.pk).exists()
    return redirect(to or (reverse("referrals:queue") if gone else detail_url(referral)))


def _date_of_birth(referral: Referral):
    if referral.person_id and referral.person.date_of_birth:
        return referral.person.date_of_birth
    return referral.subject_date_of_birth


# --- Contact attempt (REF-9) -------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest, reference: str) -> HttpResponse:
    referral = _referral_for(request, reference)
    form = ContactAttemptForm(_data(request), referral=referral)
    if request.method == "POST" and form.is_valid():
        try:
            triage_services.contact_attempt_record(
                referral=referral,
                by=request.user,
                attempted_at=form.cleaned_data["when"],
                method=form.cleaned_data["method"],
                outcome=form.cleaned_data["outcome"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            add_service_errors(form, error, field_map={"attempted_at": "when_date"}, default="when_date")
        else:
            return _done(request, referral, _("Contact attempt saved"))
    method_labels = dict(ContactMethod.choices)
    context = {
        "form": form,
        "attempts": referral.contact_attempts.select_related("by").order_by("-attempted_at", "-pk"),
        "contact_methods": [method_labels.get(m, m) for m in referral.contact_methods],
        "message_safe": referral.safe_to_leave_message == YesNoUnknown.YES,
        "message_unsafe": referral.safe_to_leave_message == YesNoUnknown.NO,
    }
    return _render(request, "referrals/triage/contact.html", referral, context)


# --- Screening and initial risk (REF-6) ----------------------------------------------------


def _screening_initial(referral: Referral, triage: Triage | None) -> dict:
    if triage is None:
        # Pre-filled from what the referrer told us.
        return {
            "substances": list(referral.substances),
            "cared_for_substances": list(referral.cared_for_substances),
            "pregnant": referral.pregnant,
            "open_to_childrens_services": referral.open_to_childrens_services,
            "mental_health_concern": YesNoUnknown.UNKNOWN,
            "homeless": YesNoUnknown.UNKNOWN,
        }
    return {name: getattr(triage, name) for name in triage_services.TRIAGE_SCREENING_FIELDS - {"council_of_residence"}}


def _automatic_treatment(referral: Referral) -> list[str]:
    """Labels of the automatic reasons for referrals to Treatment already made and not
    withdrawn (REF-7, §3.2.11)."""
    made = referral.treatment_referrals.exclude(status=TreatmentReferral.Status.WITHDRAWN).order_by("pk")
    automatic = {TreatmentReferral.Reason.PREGNANT, TreatmentReferral.Reason.CHILDRENS_SERVICES}
    return [TreatmentReferral.Reason(r).label for tr in made for r in tr.reasons if r in automatic]


@login_required
@require_http_methods(["GET", "POST"])
def screening(request: HttpRequest, reference: str) -> HttpResponse:
    referral = _referral_for(request, reference)
    triage = _triage_of(referral)
    date_of_birth = _date_of_birth(referral)
    age = rules.age_on(date_of_birth, timezone.localdate())
    young_carer = rules.is_young_carer(support_for=referral.support_for, age=age)
    # §3.1.1.c: the under-18 rule (commissioners' agreement) does not apply to a carer.
    under_18 = age is not None and age < rules.ADULT_AGE and not referral.is_carer
    finished = not referral.allows(Referral.Step.SCREENING)
    form = None
    if not finished:
        form = ScreeningForm(
            _data(request),
            initial=_screening_initial(referral, triage),
            version_of=triage,
            under_18=under_18,
            carer=referral.is_carer,
            # Asked only when neither the referral nor the postcode can tell (referrals.places).
            ask_council=not triage_services.referral_council(referral),
        )
        if request.method == "POST" and form.is_valid():
            try:
                triage_services.triage_save_screening(
                    referral=referral, by=request.user, expected_version=form.expected_version, **form.service_fields()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                again = None if "save_and_return" in request.POST else reverse("referrals:screening", args=[reference])
                return _done(request, referral, _("Screening saved"), to=again)
    context = {
        "form": form,
        "finished": finished,
        "triage": triage,
        "date_of_birth": date_of_birth,
        "age": age,
        "under_18": under_18,
        "young_carer": young_carer,
        # Server-rendered from what is saved, so the result matches what the outcome will check.
        "eligibility": triage_services.triage_eligibility(referral=referral, triage=triage) if triage else None,
        "automatic_treatment": _automatic_treatment(referral),
        "outcome_open": referral.allows(Referral.Step.OUTCOME),
    }
    return _render(request, "referrals/triage/screening.html", referral, context)


# --- Outcome (REF-7) ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def outcome(request: HttpRequest, reference: str) -> HttpResponse:
    referral = _referral_for(request, reference)
    triage = _triage_of(referral)
    is_open = referral.allows(Referral.Step.OUTCOME)
    form = None
    if is_open:
        form = OutcomeForm(_data(request), carer=referral.is_carer, version_of=triage)
        if request.method == "POST" and form.is_valid():
            try:
                triage = triage_services.triage_complete(
                    referral=referral,
                    by=request.user,
                    outcome=form.cleaned_data["outcome"],
                    outcome_reason=form.cleaned_data["outcome_reason"],
                    signposted_to=form.cleaned_data["signposted_to"],
                    expected_version=form.expected_version,
                )
            except ValidationError as error:
                add_service_errors(form, error, default="outcome")
            else:
                return _done(
                    request,
                    referral,
                    _("Triage outcome saved: %(outcome)s") % {"outcome": triage.get_outcome_display()},
                )
    source = triage or referral
    # REF-7, §3.2.11: say before the choice is made that Treatment is not optional here.
    automatic = [
        TreatmentReferral.Reason(reason).label
        for reason in rules.automatic_treatment_reasons(
            pregnant=source.pregnant,
            open_to_childrens_services=source.open_to_childrens_services,
            source=referral.source,
            support_for=referral.support_for,
        )
    ]
    context = {
        "form": form,
        "is_open": is_open,
        "triage": triage,
        "eligibility": triage_services.triage_eligibility(referral=referral, triage=triage) if triage else None,
        "automatic_treatment": automatic,
    }
    return _render(request, "referrals/triage/outcome.html", referral, context)


# --- Escalation (§3.2.6) ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def escalation(request: HttpRequest, reference: str) -> HttpResponse:
    referral = _referral_for(request, reference)
    form = EscalationForm(_data(request), referral=referral, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            triage_services.escalation_record(
                referral=referral,
                by=request.user,
                action=form.cleaned_data["action"],
                done_at=form.cleaned_data["when"],
                done_by_name=form.cleaned_data["done_by_name"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            add_service_errors(form, error, field_map={"done_at": "when_date"}, default="when_date")
        else:
            again = reverse("referrals:escalation", args=[reference]) if "save_and_add" in request.POST else None
            return _done(request, referral, _("Escalation action recorded"), to=again)
    context = {
        "form": form,
        "escalations": referral.escalations.select_related("recorded_by").order_by("done_at", "pk"),
    }
    return _render(request, "referrals/triage/escalation.html", referral, context)


# --- Warm introduction (REF-8) ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def introduction(request: HttpRequest, reference: str) -> HttpResponse:
    referral = _referral_for(request, reference)
    form = WarmIntroductionForm(_data(request), referral=referral)
    if request.method == "POST" and form.is_valid():
        try:
            triage_services.warm_introduction_record(
                referral=referral,
                by=request.user,
                introduced_to=form.cleaned_data["introduced_to"],
                organisation=form.cleaned_data["organisation"],
                introduced_at=form.cleaned_data["when"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            add_service_errors(form, error, field_map={"introduced_at": "when_date"}, default="when_date")
        else:
            return _done(request, referral, _("Warm introduction saved"))
    context = {
        "form": form,
        "introductions": referral.warm_introductions.select_related("introduced_by").order_by("introduced_at", "pk"),
    }
    return _render(request, "referrals/triage/introduction.html", referral, context)


# --- Allocation ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def allocate(request: HttpRequest, reference: str) -> HttpResponse:
    referral = _referral_for(request, reference)
    can_allocate = referral.allows(Referral.Step.ALLOCATE)
    form = None
    if can_allocate:
        form = AllocateForm(_data(request), version_of=referral)
        if request.method == "POST" and form.is_valid():
            try:
                allocation_services.referral_allocate(
                    referral=referral,
                    by=request.user,
                    hub=form.cleaned_data["hub"],
                    worker=form.cleaned_data["worker"],
                    expected_version=form.expected_version,
                )
            except ValidationError as error:
                add_service_errors(form, error, default="worker")
            else:
                return _done(request, referral, _("Referral allocated to %(hub)s") % {"hub": referral.hub.name})
    return _render(
        request,
        "referrals/triage/allocate.html",
        referral,
        {
            "form": form,
            "can_allocate": can_allocate,
            "outcome_open": referral.allows(Referral.Step.OUTCOME),
        },
    )


# --- Close and reopen ---------------------------------------------------------------------------


def _status_change_page(
    request: HttpRequest,
    reference: str,
    *,
    to: str,
    service,
    label: str,
    required_message,
    submit: str,
    done: str,
    template: str,
    allowed_key: str,
) -> HttpResponse:
    """Close or reopen: the pipeline (``Referral.TRANSITIONS``) says whether the move is
    open; the service records it with the reason."""
    referral = _referral_for(request, reference)
    allowed = referral.can_move_to(to)
    # Closing waits for a referral to the Treatment Service to be sent (Referral.may_close).
    blocked = allowed and to == Referral.Status.CLOSED and not referral.may_close()
    allowed = allowed and not blocked
    form = None
    if allowed:
        form = ReasonForm(
            _data(request), label=label, required_message=required_message, submit=submit, version_of=referral
        )
        if request.method == "POST" and form.is_valid():
            try:
                reason = form.cleaned_data["reason"]
                service(referral=referral, by=request.user, reason=reason, expected_version=form.expected_version)
            except ValidationError as error:
                add_service_errors(form, error, default="reason")
            else:
                return _done(request, referral, done)
    return _render(
        request,
        template,
        referral,
        {"form": form, allowed_key: allowed, "blocked_message": CLOSE_TREATMENT_PENDING if blocked else ""},
    )


@login_required
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, reference: str) -> HttpResponse:
    return _status_change_page(
        request,
        reference,
        to=Referral.Status.CLOSED,
        service=allocation_services.referral_close,
        label=_("Why is this referral being closed?"),
        required_message=CLOSE_REASON_REQUIRED,
        submit=_("Close referral"),
        done=_("Referral closed"),
        template="referrals/triage/close.html",
        allowed_key="can_close",
    )


@login_required
@require_http_methods(["GET", "POST"])
def reopen(request: HttpRequest, reference: str) -> HttpResponse:
    return _status_change_page(
        request,
        reference,
        to=Referral.Status.RECEIVED,
        service=allocation_services.referral_reopen,
        label=_("Why is this referral being reopened?"),
        required_message=REOPEN_REASON_REQUIRED,
        submit=_("Reopen referral"),
        done=_("Referral reopened"),
        template="referrals/triage/reopen.html",
        allowed_key="can_reopen",
    )


# --- Priority by hand (REF-5, §3.2.6, §3.15.5) -----------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def priority(request: HttpRequest, reference: str) -> HttpResponse:
    """Change the priority, with the reason kept; screening only ever raises it afterwards."""
    referral = _referral_for(request, reference)
    open_ = referral.allows(Referral.Step.PRIORITISE)
    form = None
    if open_:
        form = PriorityForm(_data(request), initial={"priority": referral.priority}, version_of=referral)
        if request.method == "POST" and form.is_valid():
            try:
                allocation_services.referral_prioritise(
                    referral=referral,
                    by=request.user,
                    priority=form.cleaned_data["priority"],
                    reason=form.cleaned_data["reason"],
                    expected_version=form.expected_version,
                )
            except ValidationError as error:
                add_service_errors(form, error, default="priority")
            else:
                return _done(request, referral, _("Priority changed"))
    return _render(request, "referrals/triage/priority.html", referral, {"form": form, "can_prioritise": open_})


urlpatterns = [
    path("<str:reference>/contact/", contact, name="contact"),
    path("<str:reference>/triage/", screening, name="screening"),
    path("<str:reference>/outcome/", outcome, name="outcome"),
    path("<str:reference>/escalation/", escalation, name="escalation"),
    path("<str:reference>/introduction/", introduction, name="introduction"),
    path("<str:reference>/allocate/", allocate, name="allocate"),
    path("<str:reference>/close/", close, name="close"),
    path("<str:reference>/reopen/", reopen, name="reopen"),
    path("<str:reference>/priority/", priority, name="priority"),
]
