"""Recording referrals taken by SPOC staff (REF-1, REF-2) and the duplicate check that links a
referral to someone already known or confirms someone new (REF-4, §3.2.7). The person page,
where a returning person's earlier referrals are one click away (§3.4.6), is in
``referrals.views.person_record``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, re_path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from common.forms.errors import add_service_errors
from partnership.access import can_record_referral, can_work_front_door
from partnership.models import AccessLog
from partnership.services import access_log_record
from referrals.break_glass import break_glass_url
from referrals.forms.intake import StaffReferralForm
from referrals.forms.person_search import SEARCH_ACTION, PersonSearchForm
from referrals.matching import POSSIBLE_MATCH, STRONG_MATCH, Match
from referrals.models import Person, Referral
from referrals.selectors import referrals as selectors
from referrals.services import referrals as services

# The part of a URL that is a referral reference (see models.new_reference): a pattern, so
# "new/" and "people/…" are never taken for one.
REFERENCE = r"(?P<reference>R-[0-9A-Z]{8})"

MATCH_ACTION_LINK = "link"
MATCH_ACTION_NEW = "new"
CHOOSE_A_PERSON = gettext_lazy("Choose the person this referral is about, or create a new person")
PERSON_NOT_FOUND = gettext_lazy("That person could not be found. Choose someone from the list")


def _require_front_door(user) -> None:
    if not can_work_front_door(user):
        raise PermissionDenied


# --- Recording a referral (REF-1, REF-2) --------------------------------------------------
# No wrong door (§3.2.5, §3.5.2): any member of staff who meets a person records the referral
# here. The front door goes on to the referral; everyone else sees a confirmation page, since
# the referral is the SPOC team's until it is allocated.

# The reference shown on the confirmation page travels in the session, never in the URL.
SESSION_RECORDED_KEY = "recorded_referral_reference"


def _require_can_record(user) -> None:
    if not can_record_referral(user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request):
    _require_can_record(request.user)
    if request.method == "POST":
        form = StaffReferralForm(request.POST)
        if form.is_valid():
            try:
                referral, created = services.referral_create(
                    data=form.referral_data(),
                    channel=form.cleaned_data["channel"],
                    by=request.user,
                    submission_token=form.cleaned_data["submission_token"],
                    received_at=form.cleaned_data["received_at"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                # The reference only: names never go in messages.
                if created:
                    messages.success(request, _("Referral %(reference)s saved.") % {"reference": referral.reference})
                else:
                    messages.info(
                        request,
                        _("This referral was already saved as %(reference)s.") % {"reference": referral.reference},
                    )
                if can_work_front_door(request.user):
                    return redirect("referrals:detail", reference=referral.reference)
                request.session[SESSION_RECORDED_KEY] = referral.reference
                return redirect("referrals:recorded")
    else:
        form = StaffReferralForm()
    return render(
        request, "referrals/intake/new.html", {"form": form, "is_front_door": can_work_front_door(request.user)}
    )


@login_required
@require_GET
def referral_recorded(request):
    """What someone outside the front door sees after recording a referral: its reference and
    what happens next. Nothing about the person is shown, so nothing is access-logged."""
    _require_can_record(request.user)
    reference = request.session.get(SESSION_RECORDED_KEY)
    if not reference:
        return redirect("referrals:new")
    return render(request, "referrals/intake/recorded.html", {"reference": reference})


# --- The duplicate check (REF-4) ----------------------------------------------------------


class MatchDecisionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[(MATCH_ACTION_LINK, MATCH_ACTION_LINK), (MATCH_ACTION_NEW, MATCH_ACTION_NEW)],
        error_messages={"required": CHOOSE_A_PERSON, "invalid_choice": CHOOSE_A_PERSON},
    )
    person = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        error_messages={"invalid": PERSON_NOT_FOUND, "min_value": PERSON_NOT_FOUND, "max_value": PERSON_NOT_FOUND},
    )

    @property
    def error_summary(self) -> list[tuple[str, str]]:
        # The choices are buttons on the page, not inputs: every error links to the list.
        return [("matches", error) for errors in self.errors.values() for error in errors]

    def clean(self):
        data = super().clean()
        if data.get("action") == MATCH_ACTION_LINK and not data.get("person") and "person" not in self.errors:
            self.add_error("person", CHOOSE_A_PERSON)
        return data


@dataclass
class ReferralSummary:
    count: int
    latest_received_at: object
    latest_status: str
    latest_reference: str

    @property
    def latest_status_label(self) -> str:
        return Referral.Status(self.latest_status).label if self.latest_status else ""


def _referral_summaries(person_ids: list[int], *, exclude_referral: Referral) -> dict[int, ReferralSummary]:
    """Each person's other referrals: how many, and the latest one's date and status. One
    query, whatever the number of people."""
    if not person_ids:
        return {}
    others = (
        Referral.objects.filter(person=OuterRef("pk")).exclude(pk=exclude_referral.pk).order_by("-received_at", "-pk")
    )
    rows = (
        Person.objects.filter(pk__in=person_ids)
        .annotate(
            other_referrals=Count("referrals", distinct=True),
            latest_received_at=Subquery(others.values("received_at")[:1]),
            latest_status=Subquery(others.values("status")[:1]),
            latest_reference=Subquery(others.values("reference")[:1]),
        )
        .values("pk", "other_referrals", "latest_received_at", "latest_status", "latest_reference")
    )
    summaries = {}
    for row in rows:
        count = row["other_referrals"]
        # Count() includes this referral when it is already linked to the person.
        if exclude_referral.person_id == row["pk"]:
            count -= 1
        summaries[row["pk"]] = ReferralSummary(
            count=max(count, 0),
            latest_received_at=row["latest_received_at"],
            latest_status=row["latest_status"] or "",
            latest_reference=row["latest_reference"] or "",
        )
    return summaries


@dataclass
class ShownMatch:
    match: Match
    summary: ReferralSummary | None
    # A person the user may not see routinely (SEC-1): shown without their details, with the
    # way in through the break-glass page for this restricted referral of theirs.
    needs_reason_url: str = ""

    @property
    def person(self) -> Person:
        return self.match.person

    @property
    def strength(self) -> str:
        if self.match.score >= STRONG_MATCH:
            return _("Strong match")
        if self.match.score >= POSSIBLE_MATCH:
            return _("Possible match")
        return _("Weak match")


def _shown_matches(request, referral: Referral, *, purpose: str, criteria: dict) -> list[ShownMatch]:
    """The people who may be the one described, best first, each with their other referrals;
    those the user needs a reason to open without their details. Logged as one list view
    (SEC-2); a fixed number of queries however many are shown."""
    matches, hidden = selectors.person_matches_for(user=request.user, purpose=purpose, criteria=criteria)
    visible = [m.person.pk for m in matches if m.person.pk not in hidden]
    summaries = _referral_summaries(visible, exclude_referral=referral)
    here = reverse("referrals:match", kwargs={"reference": referral.reference})
    shown = []
    for match in matches:
        blocking = hidden.get(match.person.pk)
        needs_reason_url = ""
        if blocking:
            needs_reason_url = break_glass_url(blocking, next_url=here)
        shown.append(
            ShownMatch(
                match=match,
                summary=None if blocking else summaries.get(match.person.pk),
                needs_reason_url=needs_reason_url,
            )
        )
    return shown


@login_required
@require_http_methods(["GET", "POST"])
def referral_match(request, reference):
    """REF-4: is the person on this referral someone we already know?"""
    _require_front_door(request.user)
    reason = f"Duplicate check for {reference}"
    referral = selectors.referral_get_for(user=request.user, reference=reference, purpose=reason)
    searching = request.method == "POST" and request.POST.get("action") == SEARCH_ACTION
    search_form = PersonSearchForm(request.POST if searching else None)
    form = MatchDecisionForm(request.POST if request.method == "POST" and not searching else None)
    if request.method == "POST" and not searching and form.is_valid():
        try:
            if form.cleaned_data["action"] == MATCH_ACTION_NEW:
                services.person_create_from_referral(referral=referral, by=request.user)
                notice = _("Referral %(reference)s is now linked to a new person record.")
            else:
                try:
                    person = selectors.person_for_linking(
                        user=request.user, pk=form.cleaned_data["person"], purpose=reason
                    )
                except Http404:
                    raise ValidationError({"person": [PERSON_NOT_FOUND]}) from None
                services.referral_link_person(referral=referral, person=person, by=request.user)
                notice = _("Referral %(reference)s is now linked to an existing person record.")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, notice % {"reference": referral.reference})
            return redirect("referrals:detail", reference=referral.reference)
        # A failed save may have changed the referral in memory: show it as stored.
        referral = selectors.referral_get_for(user=request.user, reference=reference, purpose=reason)

    shown: list[ShownMatch] = []
    found: list[ShownMatch] | None = None
    linked_summary = None
    linked_needs_reason_url = ""
    # SEC-1: a person behind a restriction is not named, counted or logged as viewed here
    # until a reason is given: the way in is the break-glass page, as on the person page.
    blocking = selectors.people_needing_a_reason_for(user=request.user, person_ids=[referral.person_id]).get(
        referral.person_id
    )
    if blocking:
        here = reverse("referrals:match", kwargs={"reference": referral.reference})
        linked_needs_reason_url = break_glass_url(blocking, next_url=here)
    elif referral.person_id is not None:
        linked_summary = _referral_summaries([referral.person_id], exclude_referral=referral).get(referral.person_id)
        access_log_record(
            user=request.user,
            action=AccessLog.Action.VIEW,
            obj=referral.person,
            person_id=referral.person_id,
            reason=reason,
        )
    else:
        shown = _shown_matches(
            request,
            referral,
            purpose=reason,
            criteria={
                "given_name": referral.subject_given_name,
                "family_name": referral.subject_family_name,
                "date_of_birth": referral.subject_date_of_birth,
                "nhs_number": referral.subject_nhs_number,
                "postcode": referral.subject_postcode,
            },
        )
        if searching and search_form.is_valid():
            found = _shown_matches(
                request, referral, purpose=f"Person search for {reference}", criteria=search_form.criteria()
            )
    return render(
        request,
        "referrals/intake/match.html",
        {
            "referral": referral,
            "matches": shown,
            "linked_summary": linked_summary,
            "linked_needs_reason_url": linked_needs_reason_url,
            "form": form,
            "search_form": search_form,
            "found": found,
            "action_link": MATCH_ACTION_LINK,
            "action_new": MATCH_ACTION_NEW,
        },
    )


urlpatterns = [
    path("new/", referral_new, name="new"),
    path("new/recorded/", referral_recorded, name="recorded"),
    re_path(rf"^{REFERENCE}/person/$", referral_match, name="match"),
]
