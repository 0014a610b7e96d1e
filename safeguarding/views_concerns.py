"""Safeguarding concern pages (SAF-1): the lead's overview, a person's concerns (a tab of their
record), raising one, and a concern's page with its changes, referral to the council, actions
and multi-agency meetings.

Thin views: a role that never sees concerns is refused (403) before anything is looked up; the
selectors decide which records the user may open (404 otherwise) and write the access-log rows;
the services decide and save.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.forms.errors import add_service_errors
from partnership.access import can_raise_concern, can_share_concerns, sees_concerns, sees_every_concern
from referrals.selectors import person_record as record
from safeguarding import selectors_concern_sharing as sharing
from safeguarding import selectors_concerns as selectors
from safeguarding import services_concerns as services
from safeguarding.forms_concerns import (
    ConcernActionDoneForm,
    ConcernActionForm,
    ConcernEditForm,
    ConcernMeetingForm,
    ConcernRaiseForm,
    ConcernStatusForm,
    CouncilReferralForm,
)
from safeguarding.models import ConcernAction


def frame(request, person, tab: str = "safeguarding") -> dict:
    """The person's frame: their record's identity bar and tabs for those who may open the
    record; a plain identity bar for the lead, who reaches people through their concerns."""
    in_record = selectors.in_person_record(user=request.user, person=person)
    context = {
        "person": person,
        "record_tab": "safeguarding" if in_record else tab,
        "in_record": in_record,
        "chronology_open": selectors.chronology_open_to(user=request.user, person=person),
    }
    if in_record:
        context["identity"] = record.person_identity_for(user=request.user, person=person)
    return context


def _concern_url(concern) -> str:
    return reverse("safeguarding:concern", kwargs={"concern_ref": concern.reference})


@login_required
@require_GET
def overview(request):
    """§3.15.8: the safeguarding lead's view over every concern in the service."""
    if not sees_every_concern(request.user):
        raise PermissionDenied
    return render(
        request, "safeguarding/concerns/overview.html", {"overview": selectors.overview_for(user=request.user)}
    )


@login_required
@require_GET
def person_concerns(request, person_ref):
    if not sees_concerns(request.user):
        raise PermissionDenied
    person = selectors.concern_person_get(user=request.user, person_ref=person_ref, purpose="Safeguarding concerns")
    context = frame(request, person)
    context["concerns"] = selectors.concerns_of_person(person=person)
    return render(request, "safeguarding/concerns/person.html", context)


def _form_page(request, person, form, *, title, back, concern=None):
    context = frame(request, person)
    context.update({"form": form, "title": title, "back": back, "concern": concern})
    return render(request, "safeguarding/concerns/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def concern_new(request, person_ref):
    """SAF-1: anyone who works with the person raises a concern (peer workers too: safeguarding
    is everyone's job, §3.15.1), then those who may see its detail take it on."""
    if not can_raise_concern(request.user):
        raise PermissionDenied
    person = selectors.concern_person_get(user=request.user, person_ref=person_ref, purpose="Raise a concern")
    form = ConcernRaiseForm(request.POST or None, children=selectors.children_of_household(person=person))
    if request.method == "POST" and form.is_valid():
        try:
            concern = services.concern_raise(person=person, by=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Safeguarding concern %(ref)s raised") % {"ref": concern.reference})
            if sees_concerns(request.user):
                return redirect(_concern_url(concern))
            # Peer workers see no concern detail: back to the person they work with.
            return redirect(reverse("referrals:person", kwargs={"person_ref": person.reference}))
    back = (
        reverse("safeguarding:person_concerns", kwargs={"person_ref": person.reference})
        if sees_concerns(request.user)
        else reverse("referrals:person", kwargs={"person_ref": person.reference})
    )
    return _form_page(request, person, form, title=_("Raise a safeguarding concern"), back=back)


def _concern(request, concern_ref, purpose: str):
    if not sees_concerns(request.user):
        raise PermissionDenied
    return selectors.concern_get_for(user=request.user, reference=concern_ref, purpose=purpose)


@login_required
@require_GET
def concern_detail(request, concern_ref):
    concern = _concern(request, concern_ref, "Safeguarding concern")
    context = frame(request, concern.person)
    actions = selectors.with_versions(list(concern.actions.all()))
    context.update(
        {
            "concern": concern,
            "actions": actions,
            "meetings": list(concern.meetings.all()),
            "transitions": list(concern.transitions.all()),
            "significant": services.is_significant(concern),
        }
    )
    # With whom the concern is shared, when, by whom and on what basis (SAF-1).
    shares = sharing.shares_of(concern=concern)
    context["shares"] = shares
    context["can_share"] = can_share_concerns(request.user)
    if context["can_share"]:
        context["share_options"] = sharing.share_options(concern=concern, shares=shares)
    return render(request, "safeguarding/concerns/detail.html", context)


def _edit_page(request, concern_ref, *, purpose, title, form_factory, save, saved):
    concern = _concern(request, concern_ref, purpose)
    form = form_factory(concern)
    if request.method == "POST" and form.is_valid():
        try:
            save(concern, form)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, saved)
            return redirect(_concern_url(concern))
    return _form_page(request, concern.person, form, title=title, back=_concern_url(concern), concern=concern)


@login_required
@require_http_methods(["GET", "POST"])
def concern_edit(request, concern_ref):
    def save(concern, form):
        services.concern_update(
            concern=concern, by=request.user, expected_version=form.expected_version, **form.service_fields()
        )

    return _edit_page(
        request,
        concern_ref,
        purpose="Change a concern",
        title=_("Change the concern"),
        form_factory=lambda concern: ConcernEditForm(
            request.POST or None, concern=concern, children=selectors.children_of_household(person=concern.person)
        ),
        save=save,
        saved=_("Concern changed"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def concern_status(request, concern_ref):
    def save(concern, form):
        data = form.cleaned_data
        services.concern_move(
            concern=concern,
            by=request.user,
            to_status=data["to_status"],
            outcome=data.get("outcome") or "",
            outcome_note=data.get("outcome_note") or "",
            reason=data.get("reason") or "",
            expected_version=form.expected_version,
        )

    return _edit_page(
        request,
        concern_ref,
        purpose="Change a concern's status",
        title=_("Change the concern's status"),
        form_factory=lambda concern: ConcernStatusForm(request.POST or None, concern=concern),
        save=save,
        saved=_("Status changed"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def concern_referral(request, concern_ref):
    """§3.15.5: the referral to the council's safeguarding team and its reference."""

    def save(concern, form):
        data = form.cleaned_data
        services.concern_council_referral_record(
            concern=concern,
            by=request.user,
            council=data["council"],
            council_reference=data["council_reference"],
            referred_on=data["referred_on"],
            expected_version=form.expected_version,
        )

    return _edit_page(
        request,
        concern_ref,
        purpose="Referral to the council",
        title=_("Referral to the council's safeguarding team"),
        form_factory=lambda concern: CouncilReferralForm(request.POST or None, concern=concern),
        save=save,
        saved=_("Referral to the council recorded"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def concern_action_new(request, concern_ref):
    def save(concern, form):
        data = form.cleaned_data
        services.concern_action_add(
            concern=concern,
            by=request.user,
            description=data["description"],
            owner=data.get("owner"),
            owner_other=data.get("owner_other") or "",
            due_on=data["due_on"],
        )

    return _edit_page(
        request,
        concern_ref,
        purpose="Add a safeguarding action",
        title=_("Add an action"),
        form_factory=lambda concern: ConcernActionForm(request.POST or None, owners=selectors.action_owners()),
        save=save,
        saved=_("Action added"),
    )


@login_required
@require_POST
def concern_action_done(request, concern_ref, action_pk):
    concern = _concern(request, concern_ref, "Safeguarding action done")
    action = get_object_or_404(ConcernAction, pk=action_pk, concern=concern)
    action.concern = concern
    form = ConcernActionDoneForm(request.POST, version_of=action)
    if form.is_valid():
        try:
            services.concern_action_done(action=action, by=request.user, expected_version=form.expected_version)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Action marked as done"))
    return redirect(_concern_url(concern))


@login_required
@require_http_methods(["GET", "POST"])
def concern_meeting_new(request, concern_ref):
    """§3.15.5: a strategy meeting, case conference, MASH discussion: attendees and decisions."""

    def save(concern, form):
        data = form.cleaned_data
        services.concern_meeting_record(
            concern=concern,
            by=request.user,
            kind=data["kind"],
            held_on=data["held_on"],
            attendees=data["attendees"],
            decisions=data["decisions"],
        )

    return _edit_page(
        request,
        concern_ref,
        purpose="Record a multi-agency meeting",
        title=_("Record a multi-agency meeting"),
        form_factory=lambda concern: ConcernMeetingForm(request.POST or None),
        save=save,
        saved=_("Meeting recorded"),
    )
