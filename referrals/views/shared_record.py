"""The Treatment Service's pages (PAR-3, SEC-1): "People shared with us" and a shared-record page
per person showing exactly the dataset that was sent, what consent allows and what else was
shared with the organisation on a recorded basis (a safeguarding concern, from the app that owns
it), plus the outcome form. Nothing else of the ERS record is read by these views at all.

As in ``referrals.views.sharing``: the person loads through ``shared_person_get_for`` (404 for
anyone not shared, before any role check matters), a role other than the Treatment Service's
gets 403, writes go through services, and every page showing a person writes an access-log row.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from common.forms.errors import add_service_errors
from common.pagination import paginate
from partnership.access import membership_of, works_for_treatment_service
from partnership.models import staff_display_name
from referrals import person_record_discovery
from referrals.converters import PERSON, TREATMENT_REFERRAL
from referrals.forms.sharing import TreatmentOutcomeForm
from referrals.models import Consent, Referral, TreatmentReferral
from referrals.selectors import referrals as selectors
from referrals.selectors import sharing as selectors_sharing
from referrals.selectors.consent import consents_for_person, current_consents
from referrals.services import treatment as services_treatment
from referrals.views.sharing import _data, _log_view, dataset_rows

SHARED_PAGE_SIZE = 50

# --- Treatment Service pages (PAR-3, SEC-1) ---------------------------------------------------------


def _require_treatment(request: HttpRequest) -> None:
    if not works_for_treatment_service(request.user):
        raise PermissionDenied


@login_required
@require_GET
def shared_people(request: HttpRequest) -> HttpResponse:
    """ "People shared with us": only the people shared with the practitioner's organisation."""
    _require_treatment(request)
    pages = paginate(request, selectors_sharing.shared_people_list_for(user=request.user), SHARED_PAGE_SIZE)
    status_labels = {value: str(label) for value, label in TreatmentReferral.Status.choices}
    rows = [
        {"person": person, "status_label": status_labels.get(person.last_status, "")}
        for person in pages.page.object_list
    ]
    membership = membership_of(request.user)
    # One row for the list (names and dates of birth on screen), naming each person shown.
    selectors.record_list_view(
        user=request.user,
        object_type="referrals.person",
        person_ids=[person.pk for person in pages.page.object_list],
        purpose=f"People shared with us, page {pages.page.number}",
    )
    return render(
        request,
        "referrals/sharing/shared_people.html",
        {"rows": rows, "pages": pages, "organisation": membership.organisation},
    )


def _consent_summary(consents: list[Consent]) -> list[Consent]:
    # What consent allows, for the Treatment Service: only its own current decisions, and
    # never the note explaining a basis other than consent (that can hold safeguarding detail).
    return [c for c in current_consents(consents) if c.recipient == Consent.Recipient.TREATMENT]


@login_required
@require_GET
def shared_person(request: HttpRequest, person_ref: str) -> HttpResponse:
    """Exactly the minimum dataset sent, what consent allows, and the outcome: nothing else."""
    _require_treatment(request)
    person = selectors_sharing.shared_person_get_for(user=request.user, reference=person_ref, purpose="Shared record")
    sent = selectors_sharing.treatment_referrals_shared_with(user=request.user, person=person)
    items = [
        {
            "treatment_referral": tr,
            "rows": dataset_rows(tr.dataset),
            "outcome_url": reverse("referrals:shared_outcome", args=[person.reference, tr.reference]),
            "outcome_recorded_by": staff_display_name(tr.outcome_recorded_by),
        }
        for tr in sent
    ]
    # What else was shared with the organisation about the person (SAF-1: a concern shared on
    # a recorded basis), from the apps that own it.
    sections = [
        {"template": entry["template"], "context": entry["context"](person=person, user=request.user)}
        for entry in person_record_discovery.shared_record_sections_for(request.user)
    ]
    return render(
        request,
        "referrals/sharing/shared_person.html",
        {
            "person_pk": person.pk,
            "title": sent[0].dataset.get("name", "") if sent else "",
            "items": items,
            "consents": _consent_summary(list(consents_for_person(person_id=person.pk))),
            "sections": sections,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def shared_outcome(request: HttpRequest, person_ref: str, treatment_ref: str) -> HttpResponse:
    """The Treatment Service records the outcome: accepted or not, first appointment, start."""
    _require_treatment(request)
    person = selectors_sharing.shared_person_get_for(
        user=request.user, reference=person_ref, purpose="Treatment outcome"
    )
    sent = {
        tr.reference: tr for tr in selectors_sharing.treatment_referrals_shared_with(user=request.user, person=person)
    }
    treatment_referral = sent.get(treatment_ref)
    if treatment_referral is None:
        raise Http404
    initial = {}
    if treatment_referral.status in (TreatmentReferral.Status.ACCEPTED, TreatmentReferral.Status.DECLINED):
        initial = {
            "outcome": treatment_referral.status,
            "reason": treatment_referral.outcome_reason,
            "first_appointment_on": treatment_referral.first_appointment_on,
            "treatment_started_on": treatment_referral.treatment_started_on,
            "treatment_case_id": treatment_referral.treatment_case_id,
        }
    form = TreatmentOutcomeForm(_data(request), initial=initial, version_of=treatment_referral)
    back_url = reverse("referrals:shared_person", args=[person.reference])
    if request.method == "POST" and form.is_valid():
        # The service needs the referral (for its person); load it without the ERS record.
        treatment_referral.referral = Referral.objects.only("pk", "person_id", "reference").get(
            pk=treatment_referral.referral_id
        )
        try:
            services_treatment.treatment_referral_record_outcome(
                treatment_referral=treatment_referral,
                by=request.user,
                accepted=form.cleaned_data["outcome"] == TreatmentOutcomeForm.ACCEPTED,
                reason=form.cleaned_data["reason"],
                first_appointment_on=form.cleaned_data["first_appointment_on"],
                treatment_started_on=form.cleaned_data["treatment_started_on"],
                treatment_case_id=form.cleaned_data["treatment_case_id"],
                expected_version=form.expected_version,
            )
        except ValidationError as error:
            add_service_errors(form, error, default="outcome")
        else:
            messages.success(request, _("Outcome saved"))
            return redirect(back_url)
    _log_view(request, treatment_referral, person.pk, "Treatment outcome")
    return render(
        request,
        "referrals/sharing/shared_outcome.html",
        {
            "form": form,
            "back_url": back_url,
            "treatment_referral": treatment_referral,
            "title": treatment_referral.dataset.get("name", ""),
        },
    )


urlpatterns = [
    path("shared/", shared_people, name="shared_people"),
    path(f"shared/<{PERSON}:person_ref>/", shared_person, name="shared_person"),
    path(
        f"shared/<{PERSON}:person_ref>/referrals/<{TREATMENT_REFERRAL}:treatment_ref>/outcome/",
        shared_outcome,
        name="shared_outcome",
    ),
]
