"""Sharing between ERS and the Treatment Service and onward referrals (PAR-3, PAR-4, SEC-1).

ERS pages: sending a referral to the Treatment Service with the agreed minimum dataset, and
onward referrals to other services. (Recording consent: ``referrals.views.consent``.)

The Treatment Service's own pages ("People shared with us", the shared record, the outcome
form) are ``referrals.views.shared_record``.

As elsewhere: records load through user-scoped selectors (404 for anything the user may not
see, before any role check, so an unshared person looks exactly like a missing one), a role
that may not use a page gets 403, writes go through services, and every page showing a
person's data writes an access-log row (SEC-2).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import re_path, reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from common.forms.errors import add_service_errors
from partnership.access import (
    can_share_records,
    can_work_front_door,
    sees_safeguarding_detail,
)
from partnership.models import AccessLog, Organisation
from partnership.services import access_log_record
from referrals.forms.sharing import (
    OnwardOutcomeForm,
    OnwardReferralForm,
    TreatmentSendForm,
)
from referrals.models import Consent, Referral, Substance, TreatmentReferral, YesNoUnknown
from referrals.models.people import describe_communication_needs
from referrals.models.references import TREATMENT_REFERRAL_PATTERN
from referrals.selectors import referrals as selectors
from referrals.selectors import sharing as selectors_sharing
from referrals.selectors.consent import (
    bases_allowing,
    consents_for_person,
    sharing_basis,
)
from referrals.services import onward as services_onward
from referrals.services import treatment as services_treatment
from referrals.views.consent import consent_url
from referrals.views.detail import REFERENCE

# --- The minimum dataset as people read it (§3.2.10) --------------------------------------------

DATASET_ROWS = [
    ("ers_reference", gettext_lazy("ERS referral reference")),
    ("name", gettext_lazy("Name")),
    ("preferred_name", gettext_lazy("Preferred name")),
    ("date_of_birth", gettext_lazy("Date of birth")),
    ("nhs_number", gettext_lazy("NHS number")),
    ("address", gettext_lazy("Address")),
    ("postcode", gettext_lazy("Postcode")),
    ("phone", gettext_lazy("Phone")),
    ("substances", gettext_lazy("Substances")),
    ("risk_summary", gettext_lazy("Risk summary")),
    ("reason_for_referral", gettext_lazy("Reason for referral")),
    ("treatment_referral_reason", gettext_lazy("Why referred to the Treatment Service")),
    ("pregnant", gettext_lazy("Pregnant")),
    ("open_to_childrens_services", gettext_lazy("Open to Children's Services")),
    ("communication_needs", gettext_lazy("Communication needs")),
    ("lawful_basis", gettext_lazy("Lawful basis for sharing")),
    ("warm_introduction", gettext_lazy("Warm introduction")),
    ("ers_contact", gettext_lazy("ERS contact")),
]
# Rows the person may not have at all: left out when empty rather than shown as "Not recorded".
OPTIONAL_ROWS = {"preferred_name", "warm_introduction", "communication_needs"}


def _date(value) -> str:
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    return formats.date_format(value, "j F Y")


def _choice(value, choices) -> str:
    return str(dict(choices).get(value, value))


def dataset_rows(dataset: dict) -> list[dict]:
    """The dataset as label and value rows, codes turned into words, in a fixed order."""
    rows = []
    for key, label in DATASET_ROWS:
        value = dataset.get(key)
        if key in OPTIONAL_ROWS and not value:
            continue
        if key == "date_of_birth" and value:
            value = _date(value)
        elif key == "substances":
            value = ", ".join(_choice(v, Substance.choices) for v in value or ())
        elif key in ("pregnant", "open_to_childrens_services") and value:
            value = _choice(value, YesNoUnknown.choices)
        elif key == "communication_needs":
            value = describe_communication_needs(
                value, dataset.get("interpreter_language", ""), dataset.get("communication_needs_other", "")
            )
        elif key == "treatment_referral_reason" and value:
            value = _choice(value, TreatmentReferral.Reason.choices)
        elif key == "lawful_basis" and value:
            value = _choice(value, Consent.LawfulBasis.choices)
            if dataset.get("consent_recorded_on"):
                value = _("%(basis)s, recorded %(when)s") % {
                    "basis": value,
                    "when": _date(dataset["consent_recorded_on"]),
                }
        rows.append({"key": key, "label": str(label), "value": value or "", "multiline": key == "address"})
    return rows


def _log_view(request, obj, person_id, reason: str) -> None:
    access_log_record(user=request.user, action=AccessLog.Action.VIEW, obj=obj, person_id=person_id, reason=reason)


def _data(request: HttpRequest):
    return request.POST if request.method == "POST" else None


# --- Sending a referral to the Treatment Service (PAR-3, §3.2.10) -------------------------------


def _referral_for_sharing(request: HttpRequest, reference: str, purpose: str) -> Referral:
    referral = selectors.referral_get_for(user=request.user, reference=reference, purpose=purpose)
    if not can_share_records(request.user):
        raise PermissionDenied
    return referral


def _detail_url(referral: Referral) -> str:
    return reverse("referrals:detail", args=[referral.reference])


@login_required
@require_http_methods(["GET", "POST"])
def treatment_send(request: HttpRequest, reference: str, treatment_ref: str) -> HttpResponse:
    """Review the pre-filled minimum dataset and send it (PAR-3). The automatic §3.2.11
    referrals (pregnancy, Children's Services) are sent from here too."""
    referral = _referral_for_sharing(request, reference, "Referral to the Treatment Service")
    # Risk ratings and reasons are safeguarding detail: not for peer support workers.
    if not sees_safeguarding_detail(request.user):
        raise PermissionDenied
    treatment_referral = selectors_sharing.treatment_referral_for_sending(referral=referral, reference=treatment_ref)
    person = referral.person
    consents = list(consents_for_person(person_id=person.pk)) if person else []
    basis = sharing_basis(consents, recipient=Consent.Recipient.TREATMENT) if person else None
    pending = treatment_referral.status == TreatmentReferral.Status.PENDING
    form = None
    prefill = None
    if pending:
        prefill = services_treatment.treatment_referral_prefill(treatment_referral=treatment_referral)
        organisations = Organisation.objects.filter(kind=Organisation.Kind.TREATMENT).order_by("name")
        introductions = list(referral.warm_introductions.order_by("introduced_at", "pk"))
        initial = {"reason_for_referral": prefill["reason_for_referral"], "risk_summary": prefill["risk_summary"]}
        treatment_orgs = list(organisations)
        if len(treatment_orgs) == 1:
            initial["organisation"] = treatment_orgs[0].pk
        form = TreatmentSendForm(
            _data(request),
            initial=initial,
            organisations=organisations,
            introductions=introductions,
            version_of=treatment_referral,
        )
        if request.method == "POST" and form.is_valid():
            try:
                services_treatment.treatment_referral_send(
                    treatment_referral=treatment_referral,
                    by=request.user,
                    organisation=form.cleaned_data["organisation"],
                    consent=basis,
                    reason_for_referral=form.cleaned_data["reason_for_referral"],
                    risk_summary=form.cleaned_data["risk_summary"],
                    warm_introduction=form.chosen_introduction(),
                    expected_version=form.expected_version,
                )
            except ValidationError as error:
                add_service_errors(form, error, default=None)
            else:
                messages.success(
                    request,
                    _("Referral sent to %(organisation)s. ERS support carries on as before.")
                    % {"organisation": form.cleaned_data["organisation"].name},
                )
                return redirect(_detail_url(referral))
    fixed_keys = {"reason_for_referral", "risk_summary", "lawful_basis", "warm_introduction", "ers_contact"}
    preview = [row for row in dataset_rows(prefill) if row["key"] not in fixed_keys] if prefill else []
    return render(
        request,
        "referrals/sharing/treatment_send.html",
        {
            "referral": referral,
            "detail_url": _detail_url(referral),
            "treatment_referral": treatment_referral,
            "form": form,
            "pending": pending,
            "preview": preview,
            "basis": basis,
            "no_basis_message": services_treatment.TREATMENT_SEND_NO_BASIS,
            "no_person_message": services_treatment.TREATMENT_SEND_NO_PERSON,
            "consent_url": consent_url(person) if person else None,
            "match_url": reverse("referrals:match", args=[referral.reference])
            if can_work_front_door(request.user)
            else None,
            "sent_rows": dataset_rows(treatment_referral.dataset) if not pending else [],
        },
    )


# --- Onward referrals (PAR-4) ---------------------------------------------------------------------


def _onward_bases(referral: Referral, service_type: str | None) -> list[Consent]:
    if referral.person_id is None:
        return []
    recipients = (
        services_onward.onward_sharing_recipients(service_type)
        if service_type
        else (Consent.Recipient.GP, Consent.Recipient.OTHER_AGENCY)
    )
    return bases_allowing(consents_for_person(person_id=referral.person_id), recipients=recipients)


@login_required
@require_http_methods(["GET", "POST"])
def onward_new(request: HttpRequest, reference: str) -> HttpResponse:
    referral = _referral_for_sharing(request, reference, "Onward referral")
    bases = _onward_bases(referral, None)
    form = OnwardReferralForm(_data(request), bases=bases)
    if request.method == "POST" and form.is_valid():
        try:
            services_onward.onward_referral_record(referral=referral, by=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_errors(
                form, error, field_map={"sent_at": "referred_on", "sharing_basis": "share_personal_data"}, default=None
            )
        else:
            messages.success(request, _("Onward referral saved"))
            return redirect(_detail_url(referral))
    return render(
        request,
        "referrals/sharing/onward_new.html",
        {
            "referral": referral,
            "detail_url": _detail_url(referral),
            "form": form,
            "consent_url": consent_url(referral.person) if referral.person_id else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def onward_outcome(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    referral = _referral_for_sharing(request, reference, "Onward referral outcome")
    onward = selectors_sharing.onward_referral_get(referral=referral, pk=pk)
    initial = {"notes": onward.notes}
    if onward.outcome:
        initial.update({"outcome": onward.outcome, "outcome_on": onward.outcome_on})
    form = OnwardOutcomeForm(_data(request), initial=initial, version_of=onward)
    if request.method == "POST" and form.is_valid():
        try:
            services_onward.onward_referral_record_outcome(
                onward_referral=onward,
                by=request.user,
                outcome=form.cleaned_data["outcome"],
                outcome_on=form.cleaned_data["outcome_on"],
                notes=form.cleaned_data["notes"],
                expected_version=form.expected_version,
            )
        except ValidationError as error:
            add_service_errors(form, error, default="outcome")
        else:
            messages.success(request, _("Outcome saved: %(outcome)s") % {"outcome": onward.get_outcome_display()})
            return redirect(_detail_url(referral))
    return render(
        request,
        "referrals/sharing/onward_outcome.html",
        {"referral": referral, "detail_url": _detail_url(referral), "form": form, "onward": onward},
    )


urlpatterns = [
    re_path(
        rf"^{REFERENCE}/treatment/(?P<treatment_ref>{TREATMENT_REFERRAL_PATTERN})/send/$",
        treatment_send,
        name="treatment_send",
    ),
    re_path(rf"^{REFERENCE}/onward/new/$", onward_new, name="onward_new"),
    re_path(rf"^{REFERENCE}/onward/(?P<pk>[0-9]+)/outcome/$", onward_outcome, name="onward_outcome"),
]
