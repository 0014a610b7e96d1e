"""The referral page, "Assign" and the referral's history (REF-5, REF-9, SEC-2).

Every page here reads through ``referrals.selectors`` (so a record the user may not see is a
404), and every view of a referral writes one access-log row (the selector does it).
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import re_path, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from common.forms.errors import add_service_errors
from common.forms.versions import VersionedFormMixin
from common.history import KIND_LABELS, Namer, ValueStyle, diff_rows, display_value, field_label
from partnership.access import (
    Detail,
    can_restrict_records,
    can_share_records,
    can_work_front_door,
    may_see,
    sees_detail,
    sees_safeguarding_detail,
)
from partnership.models import Council, staff_display_name
from referrals import rules
from referrals.break_glass import break_glass_url
from referrals.models import ContactMethod, Person, Referral, ReferralFeedback, Substance, TreatmentReferral, Triage
from referrals.selectors import referrals as selectors
from referrals.services import referrals as services
from referrals.services import triage as triage_services
from referrals.targets import TargetBook, referral_next_result, referral_results
from referrals.views.badges import RISK_TAG, referral_badges

# The part of a URL that is a referral reference. A pattern, not a bare string, so that
# "new/", "caseload/" and "people/…" are never taken for a reference.
REFERENCE = r"(?P<reference>R-[0-9A-Z]{8})"

PUBLIC_FORM = gettext_lazy("Public online form")
SYSTEM_ACTOR = gettext_lazy("The system")

ASSIGNEE_REQUIRED = gettext_lazy("Choose who to assign this referral to.")
ASSIGNEE_INVALID = gettext_lazy("Choose someone who works at the front door.")


def staff_name(user) -> str:
    if user is None:
        return str(PUBLIC_FORM)
    return staff_display_name(user)


def _choice_label(value, choices) -> str:
    return str(dict(choices).get(value, value)) if value else ""


def _labels(values, choices) -> list[str]:
    known = dict(choices)
    return [str(known.get(value, value)) for value in values or ()]


# --- The referral page ---------------------------------------------------------------------


class AssignForm(VersionedFormMixin, forms.Form):
    """Built with ``version_of=`` the referral: assigning from a page loaded before someone
    else assigned it is refused (SEC-5)."""

    version_model = Referral

    version_field_map = {"assignee": "assigned_to"}
    version_labels = {"assigned_to": gettext_lazy("Assigned to")}
    assignee = forms.ModelChoiceField(
        label=gettext_lazy("Assign to someone else"),
        queryset=selectors.front_door_staff(),
        empty_label=gettext_lazy("Choose a colleague"),
        error_messages={"required": ASSIGNEE_REQUIRED, "invalid_choice": ASSIGNEE_INVALID},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].label_from_instance = staff_name


# The referral page's next steps, each with the page that records it, in the order a
# practitioner works. Whether each shows is the model's decision (``Referral.STEPS``).
_STEP_PAGES = (
    (Referral.Step.CONTACT, "referrals:contact"),
    (Referral.Step.SCREENING, "referrals:screening"),
    (Referral.Step.OUTCOME, "referrals:outcome"),
    (Referral.Step.ALLOCATE, "referrals:allocate"),
    (Referral.Step.ESCALATE, "referrals:escalation"),
    (Referral.Step.PRIORITISE, "referrals:priority"),
)


def _primary_action(referral: Referral, triage: Triage | None, *, can_send: bool) -> dict | None:
    """The one next step (``rules.next_step``) as the page's primary button, or None.

    Reads the referrals to the Treatment Service the page's selector prefetched: no query."""
    waiting = next(
        (tr for tr in referral.treatment_referrals.all() if tr.status == TreatmentReferral.Status.PENDING), None
    )
    step = rules.next_step(
        referral=referral,
        screened=triage is not None,
        outcome=triage.outcome if triage else "",
        treatment_waiting=waiting is not None,
    )
    if step is None:
        return None
    if step == rules.SEND_TO_TREATMENT:
        # Only those who may share records send to Treatment (``can_send_to_treatment``).
        if not can_send:
            return None
        href = reverse("referrals:treatment_send", args=[referral.reference, waiting.reference])
        return {"step": step, "text": str(rules.SEND_TO_TREATMENT_LABEL), "href": href}
    return {
        "step": step,
        "text": str(Referral.Step(step).label),
        "href": reverse(dict(_STEP_PAGES)[step], args=[referral.reference]),
    }


def _actions(referral: Referral, triage: Triage | None, *, primary: dict | None = None) -> list[dict]:
    """The other steps the referral's status allows (``Referral.STEPS`` and ``TRANSITIONS``),
    for the Actions menu: every one but the primary action, which has its own button."""
    ref = referral.reference
    actions = []
    for step, url_name in _STEP_PAGES:
        if primary is not None and primary["step"] == step:
            continue
        if referral.allows(step):
            text = Referral.Step(step).label
            if step == Referral.Step.SCREENING and triage:
                text = _("Update screening and risk")
            actions.append({"text": text, "href": reverse(url_name, args=[ref])})
    actions.append({"text": _("Record a warm introduction"), "href": reverse("referrals:introduction", args=[ref])})
    if referral.can_move_to(Referral.Status.CLOSED):
        actions.append({"text": _("Close the referral"), "href": reverse("referrals:close", args=[ref])})
    if referral.can_move_to(Referral.Status.RECEIVED):
        actions.append({"text": _("Reopen the referral"), "href": reverse("referrals:reopen", args=[ref])})
    return actions


def _render_detail(request, referral: Referral, triage: Triage | None, *, form: AssignForm | None = None):
    front_door = can_work_front_door(request.user)
    can_restrict = can_restrict_records(request.user)
    restriction_href = reverse("referrals:access_restriction", args=[referral.reference]) if can_restrict else None
    # SEC-1: the allocated worker is told whenever someone broke the glass on their referral;
    # those who restrict referrals see it on a restricted one too (oversight).
    sees_openings = referral.allocated_worker_id == request.user.pk or (can_restrict and referral.access_restricted)
    openings = selectors.referral_break_glass_openings(referral=referral) if sees_openings else []
    targets = TargetBook.load()
    primary = (
        _primary_action(
            referral, triage, can_send=can_share_records(request.user) and sees_safeguarding_detail(request.user)
        )
        if front_door
        else None
    )
    urgent = referral.priority == Referral.Priority.URGENT or referral.is_urgent
    # SEC-1: linked to someone behind a restriction this user has given no reason for: not
    # named here; the way in is the break-glass page, as on the person page.
    blocking = selectors.people_needing_a_reason_for(user=request.user, person_ids=[referral.person_id]).get(
        referral.person_id
    )
    here = reverse("referrals:detail", args=[referral.reference])
    context = {
        "referral": referral,
        "triage": triage,
        **referral_badges(referral),
        "front_door": front_door,
        # Assigning is front-door work: once allocated or closed, the referral has left the queue.
        "queue_statuses": Referral.QUEUE_STATUSES,
        "urgent": urgent,
        "primary_action": primary,
        "actions": _actions(referral, triage, primary=primary) if front_door else [],
        "escalation_href": reverse("referrals:escalation", args=[referral.reference]) if front_door else None,
        "match_href": reverse("referrals:match", args=[referral.reference]) if front_door else None,
        "person_href": reverse("referrals:person", args=[referral.person.reference]) if referral.person_id else None,
        "person_needs_reason_href": break_glass_url(blocking, next_url=here) if blocking else None,
        "results": {str(r.measure): r for r in referral_results(referral, targets)},
        # The identity bar's target: first contact until an attempt is made, then triage.
        "next_target": referral_next_result(referral, targets),
        "substances": _labels(referral.substances, Substance.choices),
        "cared_for_substances": _labels(referral.cared_for_substances, Substance.choices),
        # §3.1.1.c: a young carer is flagged at the top of the page.
        "young_carer": rules.is_young_carer(
            support_for=referral.support_for,
            age=rules.age_on(
                (referral.person.date_of_birth if referral.person_id else None) or referral.subject_date_of_birth,
                timezone.localdate(),
            ),
        ),
        "contact_methods": _labels(referral.contact_methods, ContactMethod.choices),
        "recorded_by": staff_name(referral.created_by),
        "transitions": list(reversed(referral.transitions.all())),
        "form": form if form is not None else (AssignForm(version_of=referral) if front_door else None),
        "assigned_to_me": referral.assigned_to_id == request.user.pk,
        # Peer support workers never see risk reasons and notes, screening notes or
        # escalations (roles table); the template only follows this flag.
        "safeguarding_detail": sees_detail(request.user, Detail.SAFEGUARDING),
        "restriction_href": restriction_href,
        "break_glass_openings": openings,
        # Coded for the reports: as recorded, or worked out from the postcode.
        "council": _choice_label(triage_services.referral_council(referral), Council.choices),
        "feedback": ReferralFeedback.objects.filter(referral=referral).select_related("recorded_by").first(),
    }
    if triage is not None:
        context.update(
            {
                "risk_tag": RISK_TAG.get(triage.risk, ""),
                "risk_reasons": _labels(triage.risk_reasons, Triage.RiskReason.choices),
                "triage_substances": _labels(triage.substances, Substance.choices),
                "triage_cared_for_substances": _labels(triage.cared_for_substances, Substance.choices),
                "eligibility": triage_services.triage_eligibility(referral=referral, triage=triage),
            }
        )
    return render(request, "referrals/detail/detail.html", context)


@login_required
@require_GET
def detail(request, reference: str):
    referral, triage = selectors.referral_detail_for(user=request.user, reference=reference)
    return _render_detail(request, referral, triage)


@login_required
@require_POST
def assign(request, reference: str):
    """Assign the referral to the SPOC practitioner handling it: "Assign to me", or a colleague."""
    if not can_work_front_door(request.user):
        raise PermissionDenied
    referral = selectors.referral_get_for(user=request.user, reference=reference, purpose="Assign")
    form = AssignForm(request.POST, version_of=referral)
    if form.is_valid():
        assignee = form.cleaned_data["assignee"]
        try:
            services.referral_assign(
                referral=referral, to=assignee, by=request.user, expected_version=form.expected_version
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if assignee == request.user:
                messages.success(request, _("Referral %(ref)s is assigned to you.") % {"ref": referral.reference})
            else:
                messages.success(
                    request,
                    _("Referral %(ref)s is assigned to %(name)s.")
                    % {"ref": referral.reference, "name": staff_name(assignee)},
                )
            return redirect("referrals:detail", reference=referral.reference)
    referral, triage = selectors.referral_detail_for(user=request.user, reference=reference)
    return _render_detail(request, referral, triage, form=form)


# --- History (SEC-2) -------------------------------------------------------------------------

RECORD_LABELS = {
    Referral: gettext_lazy("Referral"),
    Triage: gettext_lazy("Triage"),
    Person: gettext_lazy("Person record"),
    TreatmentReferral: gettext_lazy("Referral to the Treatment Service"),
}
# Fields whose verbose name is the bare field name, said the way a member of staff would.
FIELD_LABELS = {
    "is_urgent": gettext_lazy("Urgent"),
    "referrer_type": gettext_lazy("Who referred"),
    "open_to_childrens_services": gettext_lazy("Open to Children's Services"),
    "pregnant": gettext_lazy("Pregnant"),
    "consent_to_contact": gettext_lazy("Consent to be contacted"),
    "contact_methods": gettext_lazy("How they can be contacted"),
    "safe_to_leave_message": gettext_lazy("Safe to leave a message"),
    "preferred_language": gettext_lazy("Preferred language"),
    "received_at": gettext_lazy("Received"),
    "first_contact_attempt_at": gettext_lazy("First contact attempt"),
    "first_contact_made_at": gettext_lazy("First contact made"),
    "triage_completed_at": gettext_lazy("Triage completed"),
    "allocated_at": gettext_lazy("Allocated"),
    "first_appointment_offered_at": gettext_lazy("First appointment offered"),
    "first_appointment_attended_at": gettext_lazy("First appointment attended"),
    "closed_at": gettext_lazy("Closed"),
    "assigned_to": gettext_lazy("Assigned to"),
    "allocated_worker": gettext_lazy("Allocated worker"),
    "person": gettext_lazy("Linked person record"),
    "lives_in_area": gettext_lazy("Lives in the area"),
    "under_18_commissioner_agreement": gettext_lazy("Under 18: commissioner agreement"),
    "commissioner_agreement_reference": gettext_lazy("Commissioner agreement reference"),
    "mental_health_concern": gettext_lazy("Mental health concern"),
    "homeless": gettext_lazy("Homeless or at risk"),
    "risk": gettext_lazy("Initial risk"),
    "risk_reasons": gettext_lazy("Risk reasons"),
    "done_by_name": gettext_lazy("Done by"),
    "done_at": gettext_lazy("Done at"),
}
# The record's id and its link to the referral never change and say nothing new.
HIDDEN_FIELDS = {"id", "referral"}
HISTORY_STYLE = ValueStyle(
    date_format="j M Y",
    datetime_format="j M Y, H:i",
    # JSON lists of coded values, shown by their labels.
    list_choices={
        "substances": Substance.choices,
        "cared_for_substances": Substance.choices,
        "contact_methods": ContactMethod.choices,
        "risk_reasons": Triage.RiskReason.choices,
    },
    structured=False,
)


def _tracked_fields(row) -> list:
    return [f for f in row.tracked_fields if f.editable and f.name not in HIDDEN_FIELDS]


def _history_actor(row, model) -> str:
    """Only the public form writes without a signed-in user; any other row without one came
    from the system (a scheduled task or an administrator's command)."""
    if row.history_user_id is not None:
        return staff_name(row.history_user)
    if model is Referral and row.history_type == "+" and row.channel == Referral.Channel.ONLINE:
        return str(PUBLIC_FORM)
    return str(SYSTEM_ACTOR)


WITHHELD_PERSON = gettext_lazy("A person record you need a reason to open")


def history_entries(records: list, *, viewer, withheld_people: Iterable[int] = ()) -> list[dict]:
    """The referral's "who changed what" entries, newest first (``common.history``), less
    every field ``viewer`` may not see (``partnership.access.may_see``: safeguarding and
    restriction detail). A row that changed such a field keeps its place, but not its change
    reason, which explains that change ("Restriction lifted: ..."). People in
    ``withheld_people`` (behind a restriction the viewer has given no reason for) are not named."""
    diffs = diff_rows(records, fields=_tracked_fields)
    for diff in diffs:
        label = diff.model._meta.label_lower
        shown = [change for change in diff.changes if may_see(viewer, label, change.field.name)]
        diff.hid_something = len(shown) < len(diff.changes)
        diff.changes = shown
    namer = Namer(user_name=staff_name)
    namer.withhold(Person, withheld_people, label=str(WITHHELD_PERSON))
    namer.want_changes(diffs)
    namer.load()
    entries = [
        {
            "at": diff.row.history_date,
            "order": diff.row.history_id,
            "who": _history_actor(diff.row, diff.model),
            "record": str(RECORD_LABELS.get(diff.model) or capfirst(diff.model._meta.verbose_name)),
            "kind": str(KIND_LABELS[diff.kind]),
            "created": diff.first and diff.kind == "+",
            "reason": "" if diff.hid_something else (diff.row.history_change_reason or ""),
            "changes": [
                {
                    "label": field_label(diff.model, change.field.name, FIELD_LABELS),
                    "old": "" if diff.first else _show(diff.model, change.field, change.old, namer),
                    "new": _show(diff.model, change.field, change.new, namer),
                }
                for change in diff.changes
            ],
        }
        for diff in diffs
    ]
    entries.sort(key=lambda e: (e["at"], e["order"]), reverse=True)
    return entries


def _show(model, model_field, value, namer: Namer) -> str:
    return display_value(model, model_field, value, namer=namer, style=HISTORY_STYLE)


@login_required
@require_GET
def history(request, reference: str):
    referral = selectors.referral_get_for(user=request.user, reference=reference, purpose="History")
    withheld = selectors.people_needing_a_reason_for(user=request.user, person_ids=[referral.person_id])
    records = selectors.referral_history_records(referral=referral, user=request.user, person_withheld=bool(withheld))
    return render(
        request,
        "referrals/detail/history.html",
        {
            "referral": referral,
            "entries": history_entries(records, viewer=request.user, withheld_people=withheld),
            **referral_badges(referral),
        },
    )


urlpatterns = [
    re_path(rf"^{REFERENCE}/$", detail, name="detail"),
    re_path(rf"^{REFERENCE}/history/$", history, name="history"),
    re_path(rf"^{REFERENCE}/assign/$", assign, name="assign"),
]
