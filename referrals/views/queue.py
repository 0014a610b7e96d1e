"""The SPOC queue, "My caseload", the referral page and its history (REF-5, REF-9, SEC-2).

Every page here reads through ``referrals.selectors`` (so a record the user may not see is a
404), loads a page of rows in a fixed number of queries, and every view of a referral writes
one access-log row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.shortcuts import redirect, render
from django.urls import path, re_path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from common.forms.errors import add_service_errors
from partnership.access import (
    can_restrict_records,
    can_work_front_door,
    sees_allocated_caseload,
    sees_hub_caseload,
    sees_safeguarding_detail,
)
from partnership.models import staff_display_name
from referrals.filters import QueueFilter, selected_filters
from referrals.models import ContactMethod, Person, Referral, Substance, TreatmentReferral, Triage
from referrals.selectors import referrals as selectors
from referrals.services import referrals as services
from referrals.services import triage as triage_services
from referrals.targets import TargetBook, referral_next_result, referral_results, time_since_received

QUEUE_PAGE_SIZE = 50
CASELOAD_PAGE_SIZE = 50

# The part of a URL that is a referral reference. A pattern, not a bare string, so that
# "new/", "caseload/" and "people/…" are never taken for a reference.
REFERENCE = r"(?P<reference>R-[0-9A-Z]{8})"

PUBLIC_FORM = gettext_lazy("Public online form")
SYSTEM_ACTOR = gettext_lazy("The system")

PRIORITY_BADGE = {
    Referral.Priority.URGENT: "moj-badge--red",
    Referral.Priority.CHILDRENS_SERVICES: "moj-badge--purple",
    Referral.Priority.ROUTINE: "moj-badge--grey",
}
STATUS_BADGE = {
    Referral.Status.RECEIVED: "moj-badge--blue",
    Referral.Status.CONTACTING: "moj-badge--blue",
    Referral.Status.IN_TRIAGE: "moj-badge--purple",
    Referral.Status.TRIAGED: "moj-badge--bright-purple",
    Referral.Status.ALLOCATED: "moj-badge--green",
    Referral.Status.CLOSED: "moj-badge--grey",
}
RISK_TAG = {
    Triage.Risk.RED: "govuk-tag--red",
    Triage.Risk.AMBER: "govuk-tag--orange",
    Triage.Risk.GREEN: "govuk-tag--green",
}

ASSIGNEE_REQUIRED = gettext_lazy("Choose who to assign this referral to.")
ASSIGNEE_INVALID = gettext_lazy("Choose someone who works at the front door.")


def _history_actor(row, model) -> str:
    """Only the public form writes without a signed-in user; any other row without one came
    from the system (a scheduled task or an administrator's command)."""
    if row.history_user_id is not None:
        return staff_name(row.history_user)
    if model is Referral and row.history_type == "+" and row.channel == Referral.Channel.ONLINE:
        return str(PUBLIC_FORM)
    return str(SYSTEM_ACTOR)


def staff_name(user) -> str:
    if user is None:
        return str(PUBLIC_FORM)
    return staff_display_name(user)


def _require_front_door(user) -> None:
    if not can_work_front_door(user):
        raise PermissionDenied


def _labels(values, choices) -> list[str]:
    known = dict(choices)
    return [str(known.get(value, value)) for value in values or ()]


# --- Pagination ----------------------------------------------------------------------------


@dataclass
class PageLinks:
    page: object
    items: list[dict]
    previous_href: str | None
    next_href: str | None

    @property
    def showing_from(self) -> int:
        return self.page.start_index()

    @property
    def showing_to(self) -> int:
        return self.page.end_index()

    @property
    def count(self) -> int:
        return self.page.paginator.count


def _page_href(request, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return "?" + query.urlencode()


def paginate(request, queryset, per_page: int) -> PageLinks:
    """A page of ``queryset`` (one count(*) and one page query) with GOV.UK pagination links
    that keep the filters in the query string."""
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    items = []
    for number in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
        if number == Paginator.ELLIPSIS:
            items.append({"ellipsis": True})
        else:
            items.append({"number": number, "href": _page_href(request, number), "current": number == page.number})
    return PageLinks(
        page=page,
        items=items,
        previous_href=_page_href(request, page.previous_page_number()) if page.has_previous() else None,
        next_href=_page_href(request, page.next_page_number()) if page.has_next() else None,
    )


# --- The SPOC queue (REF-5) ----------------------------------------------------------------


@login_required
@require_GET
def queue(request):
    _require_front_door(request.user)
    filterset = QueueFilter(request.GET, queryset=selectors.referral_queue_for(user=request.user), request=request)
    pages = paginate(request, filterset.qs, QUEUE_PAGE_SIZE)
    targets = TargetBook.load()  # one query for the whole page
    now = timezone.now()
    # get_FOO_display() translates every choice of the field on each call; a page of 50 rows
    # spent most of its time there. Translate each list once per request instead.
    labels = {
        name: {value: str(label) for value, label in choices}
        for name, choices in (
            ("priority", Referral.Priority.choices),
            ("status", Referral.Status.choices),
            ("source", Referral.Source.choices),
            ("channel", Referral.Channel.choices),
        )
    }
    rows = [
        {
            "referral": referral,
            "priority_label": labels["priority"][referral.priority],
            "status_label": labels["status"][referral.status],
            "source_label": labels["source"][referral.source],
            "channel_label": labels["channel"][referral.channel],
            "priority_badge": PRIORITY_BADGE[referral.priority],
            "waited": time_since_received(referral, now=now),
            "target": referral_next_result(referral, targets, now=now),
            # SEC-1: a restricted referral the user has no routine access to shows no name.
            "restricted": referral.access_restricted and not referral.routine_access,
        }
        for referral in pages.page.object_list
    ]
    return render(
        request,
        "referrals/queue/queue.html",
        {
            "filter": filterset,
            "filter_form": filterset.form,
            "selected_filters": selected_filters(filterset, request.GET),
            "rows": rows,
            "pages": pages,
        },
    )


# --- My caseload -------------------------------------------------------------------------


@login_required
@require_GET
def caseload(request):
    if can_work_front_door(request.user):
        # The front door works from the queue, not a caseload.
        return redirect("referrals:queue")
    if not sees_allocated_caseload(request.user):
        raise PermissionDenied
    pages = paginate(request, selectors.caseload_for(user=request.user), CASELOAD_PAGE_SIZE)
    return render(
        request,
        "referrals/queue/caseload.html",
        {"rows": _caseload_rows(pages), "pages": pages, "hub_view": False, **_caseload_tabs(request.user)},
    )


def _caseload_rows(pages: PageLinks) -> list[dict]:
    return [
        {
            "referral": referral,
            "status_badge": STATUS_BADGE[referral.status],
            "priority_badge": PRIORITY_BADGE[referral.priority],
        }
        for referral in pages.page.object_list
    ]


def _caseload_tabs(user) -> dict:
    """The "Allocated to me" and "Everyone in my hub" tabs, for those who have both."""
    return {"show_tabs": sees_hub_caseload(user) and sees_allocated_caseload(user)}


@login_required
@require_GET
def hub_caseload(request):
    """Everyone allocated to the user's hub (hub workers and managers), so a colleague's
    person can be picked up when they are away."""
    if not sees_hub_caseload(request.user):
        raise PermissionDenied
    pages = paginate(request, selectors.hub_caseload_for(user=request.user), CASELOAD_PAGE_SIZE)
    return render(
        request,
        "referrals/queue/caseload.html",
        {
            "rows": _caseload_rows(pages),
            "pages": pages,
            "hub_view": True,
            **_caseload_tabs(request.user),
        },
    )


# --- The referral page ---------------------------------------------------------------------


class AssignForm(forms.Form):
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
)


def _actions(referral: Referral, triage: Triage | None) -> list[dict]:
    """The next steps the referral's status allows (``Referral.STEPS`` and ``TRANSITIONS``)."""
    ref = referral.reference
    actions = []
    for step, url_name in _STEP_PAGES:
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


def _referral_header(referral: Referral) -> dict:
    return {
        "priority_badge": PRIORITY_BADGE[referral.priority],
        "status_badge": STATUS_BADGE[referral.status],
    }


def _render_detail(request, referral: Referral, triage: Triage | None, *, form: AssignForm | None = None):
    front_door = can_work_front_door(request.user)
    can_restrict = can_restrict_records(request.user)
    restriction_href = reverse("referrals:access_restriction", args=[referral.reference]) if can_restrict else None
    # SEC-1: the allocated worker is told whenever someone broke the glass on their referral;
    # those who restrict referrals see it on a restricted one too (oversight).
    sees_openings = referral.allocated_worker_id == request.user.pk or (can_restrict and referral.access_restricted)
    openings = selectors.referral_break_glass_openings(referral=referral) if sees_openings else []
    targets = TargetBook.load()
    urgent = referral.priority == Referral.Priority.URGENT or referral.is_urgent
    context = {
        "referral": referral,
        "triage": triage,
        **_referral_header(referral),
        "front_door": front_door,
        # Assigning is front-door work: once allocated or closed, the referral has left the queue.
        "queue_statuses": Referral.QUEUE_STATUSES,
        "urgent": urgent,
        "actions": _actions(referral, triage) if front_door else [],
        "escalation_href": reverse("referrals:escalation", args=[referral.reference]) if front_door else None,
        "match_href": reverse("referrals:match", args=[referral.reference]) if front_door else None,
        "person_href": reverse("referrals:person", args=[referral.person_id]) if referral.person_id else None,
        "results": {str(r.measure): r for r in referral_results(referral, targets)},
        "substances": _labels(referral.substances, Substance.choices),
        "contact_methods": _labels(referral.contact_methods, ContactMethod.choices),
        "recorded_by": staff_name(referral.created_by),
        "transitions": list(reversed(referral.transitions.all())),
        "form": form if form is not None else (AssignForm() if front_door else None),
        "assigned_to_me": referral.assigned_to_id == request.user.pk,
        # Peer support workers never see risk reasons and notes, screening notes or
        # escalations (roles table); the template only follows this flag.
        "safeguarding_detail": sees_safeguarding_detail(request.user),
        "restriction_href": restriction_href,
        "break_glass_openings": openings,
    }
    if triage is not None:
        context.update(
            {
                "risk_tag": RISK_TAG.get(triage.risk, ""),
                "risk_reasons": _labels(triage.risk_reasons, Triage.RiskReason.choices),
                "triage_substances": _labels(triage.substances, Substance.choices),
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
    _require_front_door(request.user)
    referral = selectors.referral_get_for(user=request.user, reference=reference, purpose="Assign")
    form = AssignForm(request.POST)
    if form.is_valid():
        assignee = form.cleaned_data["assignee"]
        try:
            services.referral_assign(referral=referral, to=assignee, by=request.user)
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
# JSON lists of coded values, shown by their labels.
LIST_CHOICES = {
    "substances": Substance.choices,
    "contact_methods": ContactMethod.choices,
    "risk_reasons": Triage.RiskReason.choices,
}
# The record's id and its link to the referral never change and say nothing new.
HIDDEN_FIELDS = {"id", "referral"}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    at: dt.datetime
    order: int
    who: str
    record: str
    kind: str
    created: bool
    reason: str
    changes: list[FieldChange] = field(default_factory=list)


def _tracked_fields(record) -> list[str]:
    return [f.name for f in record.tracked_fields if f.editable and f.name not in HIDDEN_FIELDS]


def _format_value(model, name: str, value, related: dict) -> str:
    model_field = model._meta.get_field(name)
    if value in (None, "", [], {}):
        return _("Not recorded")
    if isinstance(model_field, models.ForeignKey):
        obj = related.get(model_field.related_model, {}).get(value)
        if obj is None:
            return _("Record %(id)s (since removed)") % {"id": value}
        return staff_name(obj) if model_field.related_model is get_user_model() else str(obj)
    if name in LIST_CHOICES:
        return ", ".join(_labels(value, LIST_CHOICES[name]))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value), "j M Y, H:i")
    if isinstance(value, dt.date):
        return date_format(value, "j M Y")
    return str(value)


def _field_label(model, name: str) -> str:
    return str(FIELD_LABELS.get(name) or capfirst(model._meta.get_field(name).verbose_name))


def history_entries(records: list) -> list[HistoryEntry]:
    """Turn historical rows into "who changed what" entries, newest first.

    Each row is compared with the row before it for the same record (``diff_against``, which
    compares foreign keys by id and so needs no query). The ids are then named with one
    query per related model, not one per change.
    """
    by_record = defaultdict(list)
    for record in records:
        by_record[(record.instance_type, record.id)].append(record)

    raw = []  # (record, [(model, name, old, new)])
    wanted_ids: dict[type, set] = defaultdict(set)
    for (model, _pk), rows in by_record.items():
        previous = None
        for row in rows:
            if previous is None or row.history_type == "+":
                pairs = [
                    (name, None, getattr(row, model._meta.get_field(name).attname)) for name in _tracked_fields(row)
                ]
                pairs = [(n, o, v) for n, o, v in pairs if v not in (None, "", [], {})]
            elif row.history_type == "-":
                pairs = []
            else:
                delta = row.diff_against(previous, excluded_fields=HIDDEN_FIELDS)
                pairs = [(c.field, c.old, c.new) for c in delta.changes]
            for name, old, new in pairs:
                model_field = model._meta.get_field(name)
                if isinstance(model_field, models.ForeignKey):
                    wanted_ids[model_field.related_model].update(v for v in (old, new) if v is not None)
            raw.append((model, row, pairs, previous is None))
            previous = row

    related = {
        related_model: related_model._default_manager.in_bulk(ids) for related_model, ids in wanted_ids.items() if ids
    }
    kinds = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}
    entries = []
    for model, row, pairs, first in raw:
        kind = kinds["+"] if first and row.history_type != "-" else kinds[row.history_type]
        changes = [
            FieldChange(
                label=_field_label(model, name),
                old="" if first else _format_value(model, name, old, related),
                new=_format_value(model, name, new, related),
            )
            for name, old, new in pairs
        ]
        entries.append(
            HistoryEntry(
                at=row.history_date,
                order=row.history_id,
                who=_history_actor(row, model),
                record=str(RECORD_LABELS.get(model) or capfirst(model._meta.verbose_name)),
                kind=str(kind),
                created=first and row.history_type != "-",
                reason=row.history_change_reason or "",
                changes=changes,
            )
        )
    entries.sort(key=lambda e: (e.at, e.order), reverse=True)
    return entries


@login_required
@require_GET
def history(request, reference: str):
    referral = selectors.referral_get_for(user=request.user, reference=reference, purpose="History")
    records = selectors.referral_history_records(
        referral=referral, safeguarding_detail=sees_safeguarding_detail(request.user)
    )
    entries = history_entries(records)
    return render(
        request,
        "referrals/detail/history.html",
        {"referral": referral, "entries": entries, **_referral_header(referral)},
    )


urlpatterns = [
    path("", queue, name="queue"),
    path("caseload/", caseload, name="caseload"),
    path("caseload/hub/", hub_caseload, name="hub_caseload"),
    re_path(rf"^{REFERENCE}/$", detail, name="detail"),
    re_path(rf"^{REFERENCE}/history/$", history, name="history"),
    re_path(rf"^{REFERENCE}/assign/$", assign, name="assign"),
]
