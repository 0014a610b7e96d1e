"""A person's "Consent and sharing" page: record consent or another lawful basis, withdraw
it, see who can see the record and every disclosure (PAR-2, PAR-5).

Records load through user-scoped selectors (404 for a person the user may not see, before any
role check), a role that does not record consent gets 403, writes go through services, and
fetching the person writes the access-log row (SEC-2).
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
from partnership.access import can_share_records
from referrals.converters import PERSON
from referrals.forms.sharing import ConsentForm, WithdrawConsentForm
from referrals.models import Consent, Person
from referrals.selectors import referrals as selectors
from referrals.selectors.consent import (
    consents_for_person,
    current_consents,
    disclosures_for_person,
    reviews_due,
    sharing_basis,
)
from referrals.services import grants
from referrals.services.consent import consent_record, consent_withdraw


def _data(request: HttpRequest):
    return request.POST if request.method == "POST" else None


# --- Consent and sharing (PAR-2, PAR-5) ----------------------------------------------------------


def _person_for_sharing(request: HttpRequest, person_ref: str, purpose: str) -> Person:
    """404 for a person the user may not see (as if they did not exist), then 403 for a role
    that does not record consent. Fetching the person writes the access-log row."""
    person = selectors.person_get_for(user=request.user, reference=person_ref, purpose=purpose)
    if not can_share_records(request.user):
        raise PermissionDenied
    return person


def consent_url(person: Person) -> str:
    return reverse("referrals:consent", args=[person.reference])


@login_required
@require_GET
def consent_page(request: HttpRequest, person_ref: str) -> HttpResponse:
    """A person's "Consent and sharing": current decisions, review prompts, earlier and
    withdrawn decisions, who can see the record now, and every disclosure (PAR-2, PAR-5)."""
    person = _person_for_sharing(request, person_ref, "Consent and sharing")
    consents = list(consents_for_person(person_id=person.pk))
    current = current_consents(consents)
    current_ids = {c.pk for c in current}
    return render(
        request,
        "referrals/sharing/consent.html",
        {
            "person": person,
            "current": current,
            "earlier": [c for c in consents if c.pk not in current_ids],
            "due": reviews_due(consents),
            "treatment_basis": sharing_basis(consents, recipient=Consent.Recipient.TREATMENT),
            "shared_with": grants.organisations_shared_with(person=person),
            "disclosures": list(disclosures_for_person(person_id=person.pk)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_new(request: HttpRequest, person_ref: str) -> HttpResponse:
    person = _person_for_sharing(request, person_ref, "Record consent")
    form = ConsentForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            consent = consent_record(person=person, by=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error, default="recipient")
        else:
            if consent.given:
                message = _("Consent to share with %(who)s recorded") % {"who": consent.recipient_label}
            elif consent.allows_sharing:
                message = _("Lawful basis for sharing with %(who)s recorded") % {"who": consent.recipient_label}
            else:
                message = _("Recorded that the person does not agree to share with %(who)s") % {
                    "who": consent.recipient_label
                }
            messages.success(request, message)
            return redirect(consent_url(person))
    return render(
        request,
        "referrals/sharing/consent_form.html",
        {"person": person, "form": form, "back_url": consent_url(person)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_withdraw_view(request: HttpRequest, person_ref: str, consent_pk: int) -> HttpResponse:
    """PAR-2: withdrawal honoured immediately. For the Treatment Service, access ends in the
    same request when nothing else makes sharing lawful."""
    person = _person_for_sharing(request, person_ref, "Withdraw consent")
    consent = consents_for_person(person_id=person.pk).filter(pk=consent_pk).first()
    if consent is None:
        raise Http404
    form = WithdrawConsentForm(_data(request), version_of=consent) if consent.allows_sharing else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            consent_withdraw(
                consent=consent,
                by=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.expected_version,
            )
        except ValidationError as error:
            add_service_errors(form, error, default="reason")
        else:
            messages.success(request, _("Withdrawn: %(who)s") % {"who": consent.recipient_label})
            return redirect(consent_url(person))
    return render(
        request,
        "referrals/sharing/withdraw.html",
        {"person": person, "consent": consent, "form": form, "back_url": consent_url(person)},
    )


urlpatterns = [
    path(f"people/<{PERSON}:person_ref>/consent/", consent_page, name="consent"),
    path(f"people/<{PERSON}:person_ref>/consent/new/", consent_new, name="consent_new"),
    path(
        f"people/<{PERSON}:person_ref>/consent/<int:consent_pk>/withdraw/",
        consent_withdraw_view,
        name="consent_withdraw",
    ),
]
