"""A person's contacts (PLN-3) and engagement status (PLN-4): the list, recording a contact
(quick, on a phone), marking someone inactive with a reason, and re-entry in one step.

The person comes from ``person_get_for`` (404 if not theirs, the access-log row written);
roles that never record contacts get 403 before anything is looked up.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common.forms.errors import add_service_errors
from common.pagination import paginate
from recovery_plans.access_contacts import can_change_engagement, can_record_contacts
from recovery_plans.forms.contacts import ContactForm, InactiveForm
from recovery_plans.selectors import contacts as selectors
from recovery_plans.services import contacts as services
from recovery_plans.services import engagement as engagement_services
from referrals.converters import PERSON
from referrals.selectors.referrals import person_get_for

CONTACTS_PAGE_SIZE = 25
SERVICE_FIELD_MAP = {"occurred_at": "occurred_date"}


def _person(request: HttpRequest, person_ref: str, purpose: str):
    if not can_record_contacts(request.user):
        raise PermissionDenied
    return person_get_for(user=request.user, reference=person_ref, purpose=purpose)


@login_required
@require_http_methods(["GET"])
def contact_list(request: HttpRequest, person_ref: str) -> HttpResponse:
    person = _person(request, person_ref, "Contacts")
    pages = paginate(request, selectors.person_contacts(person=person), CONTACTS_PAGE_SIZE)
    context = {
        "person": person,
        "pages": pages,
        "engagement": engagement_services.engagement_of(person),
        "flag": selectors.person_open_flag(person=person),
        "may_change_engagement": can_change_engagement(request.user),
    }
    return render(request, "recovery_plans/contacts/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def contact_new(request: HttpRequest, person_ref: str) -> HttpResponse:
    person = _person(request, person_ref, "Record a contact")
    form = ContactForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.contact_record(
                person=person,
                by=request.user,
                type=data["type"],
                setting=data["setting"],
                duration_minutes=data["duration_minutes"],
                occurred_at=data["occurred_at"],
                harm_reduction_topics=data["harm_reduction_topics"],
                naloxone_kits_supplied=data["naloxone_kits_supplied"],
                naloxone_administered=data["naloxone_administered"],
                needle_syringe_provided=data["needle_syringe_provided"],
                family_support=data["family_support"],
                note=data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error, field_map=SERVICE_FIELD_MAP, default="type")
        else:
            messages.success(request, _("Contact saved"))
            return redirect(reverse("contacts:list", kwargs={"person_ref": person.reference}))
    return render(request, "recovery_plans/contacts/new.html", {"person": person, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def engagement_inactive(request: HttpRequest, person_ref: str) -> HttpResponse:
    if not can_change_engagement(request.user):
        raise PermissionDenied
    person = person_get_for(user=request.user, reference=person_ref, purpose="Engagement status")
    engagement = engagement_services.engagement_of(person)
    form = InactiveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            engagement_services.engagement_set_inactive(
                person=person, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error, default="reason")
        else:
            messages.success(request, _("Engagement status saved"))
            return redirect(reverse("contacts:list", kwargs={"person_ref": person.reference}))
    context = {"person": person, "form": form, "engagement": engagement}
    return render(request, "recovery_plans/contacts/inactive.html", context)


@login_required
@require_POST
def engagement_reenter(request: HttpRequest, person_ref: str) -> HttpResponse:
    """§3.4.6: back to active in one step, from a button on the contacts page."""
    if not can_change_engagement(request.user):
        raise PermissionDenied
    person = person_get_for(user=request.user, reference=person_ref, purpose="Re-entry")
    try:
        engagement_services.engagement_reenter(person=person, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The person is active again"))
    return redirect(reverse("contacts:list", kwargs={"person_ref": person.reference}))


urlpatterns = [
    path(f"people/<{PERSON}:person_ref>/contacts/", contact_list, name="list"),
    path(f"people/<{PERSON}:person_ref>/contacts/new/", contact_new, name="new"),
    path(f"people/<{PERSON}:person_ref>/contacts/inactive/", engagement_inactive, name="inactive"),
    path(f"people/<{PERSON}:person_ref>/contacts/re-entry/", engagement_reenter, name="reenter"),
]
