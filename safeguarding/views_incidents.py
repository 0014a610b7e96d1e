"""The incident registers (SAF-3, SAF-6, §3.29): list, record, detail and change, for the
safeguarding lead and the managers; a serious incident's actions (§4.4.4). Thin: parse, call a
service, redirect, or re-render with errors. Anyone else gets 403 before any lookup."""

from __future__ import annotations

from crispy_forms_gds.layout import Field
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from common.forms.errors import GovUKFormMixin, add_service_errors
from common.forms.fields import helper, text
from common.pagination import paginate
from partnership.access import can_record_incidents, sees_incidents
from safeguarding import services_incidents as services
from safeguarding.forms_incidents import date_field
from safeguarding.incident_kinds import KINDS, display, summary_rows
from safeguarding.models import IncidentAction, SeriousIncident
from safeguarding.selectors_notifications import incident_get_for, incidents_for, log_list_view, notifications_about

ACTION_REQUIRED = gettext_lazy("Describe the action")
OWNER_REQUIRED = gettext_lazy("Enter who owns the action")
DUE_REQUIRED = gettext_lazy("Enter the date the action is due")
TOO_LONG = gettext_lazy("This must be 500 characters or fewer")
OWNER_TOO_LONG = gettext_lazy("This must be 120 characters or fewer")


def _kind(slug: str, user):
    if not sees_incidents(user):
        raise PermissionDenied
    kind = KINDS.get(slug)
    if kind is None:
        raise Http404
    return kind


@login_required
@require_http_methods(["GET"])
def incident_registers(request: HttpRequest) -> HttpResponse:
    if not sees_incidents(request.user):
        raise PermissionDenied
    return render(request, "safeguarding/incidents/registers.html", {"kinds": KINDS.values()})


@login_required
@require_http_methods(["GET"])
def incident_list(request: HttpRequest, kind: str) -> HttpResponse:
    kind = _kind(kind, request.user)
    page = paginate(request, incidents_for(user=request.user, model=kind.model), per_page=50)
    rows = list(page.page)
    log_list_view(user=request.user, object_type=kind.model._meta.label_lower, rows=rows, purpose=str(kind.title))
    shown = [
        {
            "record": row,
            "when": display(row, kind.when_field),
            "summary": display(row, kind.summary_field),
            "person": row.person.reference if row.person_id else "",
        }
        for row in rows
    ]
    context = {"kind": kind, "page": page, "rows": shown, "may_record": can_record_incidents(request.user)}
    return render(request, "safeguarding/incidents/list.html", context)


def _saved_or_errors(request, form, kind, save, *, done: str) -> HttpResponse | None:
    """Save through the service (``save`` returns the record): on success a message ``done``
    (with %(what)s and %(reference)s) and back to the record; a refusal goes on the form (None)."""
    try:
        record = save()
    except ValidationError as error:
        add_service_errors(form, error, field_map=form.service_field_map())
        return None
    messages.success(request, done % {"what": kind.one, "reference": record.reference})
    return redirect("safeguarding:incident", kind=kind.slug, record_ref=record.reference)


@login_required
@require_http_methods(["GET", "POST"])
def incident_new(request: HttpRequest, kind: str) -> HttpResponse:
    kind = _kind(kind, request.user)
    if not can_record_incidents(request.user):
        raise PermissionDenied
    form = kind.form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = _saved_or_errors(
            request,
            form,
            kind,
            lambda: services.incident_record(model=kind.model, by=request.user, **form.service_fields()),
            done=_("%(what)s %(reference)s recorded"),
        )
        if saved:
            return saved
    title = _("Record: %(what)s") % {"what": str(kind.one).lower()}
    return render(request, "safeguarding/incidents/form.html", {"form": form, "kind": kind, "title": title})


@login_required
@require_http_methods(["GET"])
def incident(request: HttpRequest, kind: str, record_ref: str) -> HttpResponse:
    kind = _kind(kind, request.user)
    record = incident_get_for(user=request.user, model=kind.model, reference=record_ref, purpose=str(kind.one))
    context = {
        "kind": kind,
        "record": record,
        "rows": summary_rows(record),
        "notifications": list(notifications_about(record)),
        "actions": list(record.actions.all()) if isinstance(record, SeriousIncident) else None,
        "may_record": can_record_incidents(request.user),
    }
    return render(request, "safeguarding/incidents/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def incident_edit(request: HttpRequest, kind: str, record_ref: str) -> HttpResponse:
    kind = _kind(kind, request.user)
    if not can_record_incidents(request.user):
        raise PermissionDenied
    record = incident_get_for(user=request.user, model=kind.model, reference=record_ref, purpose=str(kind.one))
    form = kind.form(request.POST or None, record=record)
    if request.method == "POST" and form.is_valid():
        saved = _saved_or_errors(
            request,
            form,
            kind,
            lambda: services.incident_update(
                record=record, by=request.user, expected_version=form.expected_version, **form.service_fields()
            ),
            done=_("%(what)s %(reference)s saved"),
        )
        if saved:
            return saved
    title = _("Change %(what)s %(reference)s") % {"what": str(kind.one).lower(), "reference": record.reference}
    context = {"form": form, "kind": kind, "title": title, "record": record}
    return render(request, "safeguarding/incidents/form.html", context)


class IncidentActionForm(GovUKFormMixin, forms.Form):
    """Adds a new action to a serious incident; changes nothing already saved."""

    description = text(
        gettext_lazy("Action"), max_length=500, too_long=TOO_LONG, required=True, required_message=ACTION_REQUIRED
    )
    owner = text(
        gettext_lazy("Owner"), max_length=120, too_long=OWNER_TOO_LONG, required=True, required_message=OWNER_REQUIRED
    )
    due_on = date_field(gettext_lazy("Due date"), message=DUE_REQUIRED)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Field.text("description"), Field.text("owner"), Field.text("due_on"), submit=gettext_lazy("Add action")
        )


def _serious_incident(request, record_ref: str) -> SeriousIncident:
    if not can_record_incidents(request.user):
        raise PermissionDenied
    return incident_get_for(
        user=request.user, model=SeriousIncident, reference=record_ref, purpose="Serious incident actions"
    )


@login_required
@require_http_methods(["GET", "POST"])
def incident_action_new(request: HttpRequest, record_ref: str) -> HttpResponse:
    incident = _serious_incident(request, record_ref)
    form = IncidentActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.incident_action_add(incident=incident, by=request.user, **form.cleaned_data)
        messages.success(request, _("Action added"))
        return redirect("safeguarding:incident", kind="serious-incidents", record_ref=incident.reference)
    kind = KINDS["serious-incidents"]
    title = _("Add an action to %(reference)s") % {"reference": incident.reference}
    return render(
        request, "safeguarding/incidents/form.html", {"form": form, "kind": kind, "title": title, "record": incident}
    )


@login_required
@require_POST
def incident_action_done(request: HttpRequest, record_ref: str) -> HttpResponse:
    incident = _serious_incident(request, record_ref)
    raw = request.POST.get("action", "")
    action = IncidentAction.objects.filter(incident=incident, pk=int(raw)).first() if raw.isdigit() else None
    if action is None:
        raise Http404
    try:
        services.incident_action_done(action=action, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Action marked as done"))
    return redirect("safeguarding:incident", kind="serious-incidents", record_ref=incident.reference)
