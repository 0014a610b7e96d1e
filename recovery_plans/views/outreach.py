"""Outreach (PLN-3; Tower Hamlets outreach minimum): contacts with people not yet known,
sessions with their hours, naloxone kits to partner agencies, and linking a contact to a
person later (the front door and hub staff; the link is access-logged)."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common.forms.errors import add_service_errors
from common.pagination import paginate
from recovery_plans.access_contacts import can_record_contacts, can_record_outreach
from recovery_plans.forms.contacts import NaloxoneSupplyForm
from recovery_plans.forms.outreach import PERSON_NOT_FOUND, LinkPersonForm, OutreachContactForm, OutreachSessionForm
from recovery_plans.selectors import contacts as selectors
from recovery_plans.services import contacts as contact_services
from recovery_plans.services import outreach as services
from referrals.converters import OUTREACH_CONTACT
from referrals.models.references import PERSON_PATTERN
from referrals.selectors.referrals import person_get_for, record_list_view, record_view

OUTREACH_PAGE_SIZE = 25


def _require_outreach(request: HttpRequest) -> None:
    if not can_record_outreach(request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET"])
def outreach_list(request: HttpRequest) -> HttpResponse:
    _require_outreach(request)
    pages = paginate(request, selectors.outreach_contacts_for(user=request.user), OUTREACH_PAGE_SIZE)
    rows = list(pages.page)
    new = selectors.new_contacts([(row.person_id, row.occurred_at, row) for row in rows])
    # SEC-2: a list naming people linked to a record is a view of each.
    record_list_view(
        user=request.user,
        object_type="recovery_plans.outreachcontact",
        person_ids=[row.person_id for row in rows if row.person_id],
        purpose="Outreach contacts",
    )
    context = {
        "pages": pages,
        "rows": list(zip(rows, new, strict=True)),
        "may_supply_naloxone": can_record_contacts(request.user),
    }
    return render(request, "recovery_plans/outreach/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def outreach_contact_new(request: HttpRequest) -> HttpResponse:
    _require_outreach(request)
    sessions = selectors.recent_outreach_sessions_for(user=request.user, today=timezone.localdate())
    form = OutreachContactForm(request.POST if request.method == "POST" else None, sessions=list(sessions))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.outreach_contact_record(
                by=request.user,
                occurred_at=data["occurred_at"],
                session=data["session"],
                **{
                    name: data[name]
                    for name in (
                        "location",
                        "engaged",
                        "name",
                        "contact_details",
                        "age",
                        "age_is_perceived",
                        "ethnicity",
                        "gender",
                        "substance",
                        "housing",
                        "known_to_treatment",
                        "referral_made",
                        "not_engaging_reason",
                        "note",
                    )
                },
            )
        except ValidationError as error:
            add_service_errors(form, error, field_map={"occurred_at": "occurred_date"}, default="location")
        else:
            messages.success(request, _("Outreach contact saved"))
            return redirect(reverse("contacts:outreach"))
    return render(request, "recovery_plans/outreach/contact_new.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def outreach_contact_detail(request: HttpRequest, outreach_ref: str) -> HttpResponse:
    _require_outreach(request)
    contact = selectors.outreach_contact_get_for(user=request.user, reference=outreach_ref)
    record_view(user=request.user, obj=contact, person_id=contact.person_id, purpose="Outreach contact")
    may_link = contact.person_id is None and services.outreach_contact_may_link(by=request.user)
    form = None
    if may_link:
        form = LinkPersonForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            reference = form.cleaned_data["person_ref"].strip().upper()
            try:
                if not re.fullmatch(PERSON_PATTERN, reference):
                    raise Http404
                person = person_get_for(user=request.user, reference=reference, purpose="Link an outreach contact")
                services.outreach_contact_link(contact=contact, person=person, by=request.user)
            except (Http404, PermissionDenied):
                form.add_error("person_ref", PERSON_NOT_FOUND)
            except ValidationError as error:
                add_service_errors(form, error, default="person_ref")
            else:
                messages.success(request, _("Outreach contact linked"))
                return redirect(reverse("contacts:outreach_contact", kwargs={"outreach_ref": contact.reference}))
    elif request.method == "POST":
        raise PermissionDenied
    is_new = selectors.is_new_contact(person_id=contact.person_id, at=contact.occurred_at, this=contact)
    context = {"contact": contact, "form": form, "is_new": is_new}
    return render(request, "recovery_plans/outreach/contact_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def outreach_session_new(request: HttpRequest) -> HttpResponse:
    _require_outreach(request)
    colleagues = selectors.outreach_colleagues_for(user=request.user)
    form = OutreachSessionForm(request.POST if request.method == "POST" else None, colleagues=colleagues)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.outreach_session_record(
                by=request.user,
                date=data["date"],
                started_at=data["started_at"],
                ended_at=data["ended_at"],
                area=data["area"],
                workers=data["workers"],
            )
        except ValidationError as error:
            add_service_errors(form, error, default="area")
        else:
            messages.success(request, _("Outreach session saved"))
            return redirect(reverse("contacts:outreach"))
    return render(
        request,
        "recovery_plans/form_page.html",
        {"form": form, "title": _("Record an outreach session"), "back": reverse("contacts:outreach")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def naloxone_supply_new(request: HttpRequest) -> HttpResponse:
    if not can_record_contacts(request.user):
        raise PermissionDenied
    form = NaloxoneSupplyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contact_services.naloxone_partner_supply_record(
                by=request.user, agency_name=data["agency_name"], kits=data["kits"], supplied_on=data["supplied_on"]
            )
        except ValidationError as error:
            add_service_errors(form, error, default="agency_name")
        else:
            messages.success(request, _("Naloxone supply saved"))
            return redirect(reverse("contacts:outreach"))
    title = _("Naloxone kits to a partner agency")
    return render(
        request, "recovery_plans/form_page.html", {"form": form, "title": title, "back": reverse("contacts:outreach")}
    )


urlpatterns = [
    path("outreach/", outreach_list, name="outreach"),
    path("outreach/contacts/new/", outreach_contact_new, name="outreach_contact_new"),
    path(f"outreach/contacts/<{OUTREACH_CONTACT}:outreach_ref>/", outreach_contact_detail, name="outreach_contact"),
    path("outreach/sessions/new/", outreach_session_new, name="outreach_session_new"),
    path("outreach/naloxone/new/", naloxone_supply_new, name="naloxone_supply_new"),
]
