"""Forms for allocating a referral to a hub and worker, and for closing and reopening it."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.forms.errors import GovUKFormMixin
from common.forms.fields import helper
from common.forms.versions import VersionedFormMixin
from partnership.access import ALLOCATABLE_ROLES
from partnership.models import Hub
from referrals.models import Referral

HUB_REQUIRED = _("Select a hub")
WORKER_REQUIRED = _("Select a worker")
WORKER_INVALID = _("Select a worker from the list")

CLOSE_REASON_REQUIRED = _("Enter the reason for closing the referral")
REOPEN_REASON_REQUIRED = _("Enter the reason for reopening the referral")
REASON_TOO_LONG = _("The reason must be 500 characters or fewer")


# --- Allocation -------------------------------------------------------------------------


def allocatable_workers():
    """Everyone a referral may be allocated to, with their hub, in one query."""
    return (
        get_user_model()
        .objects.filter(is_active=True, membership__role__in=ALLOCATABLE_ROLES, membership__hub__isnull=False)
        .select_related("membership__hub")
        .order_by("membership__hub__name", "first_name", "last_name", "username")
    )


class WorkerSelect(forms.Select):
    """The worker select: an ``<optgroup>`` per hub (the choices), and each worker's hub on
    their option (``data-hub``), so static/js/allocate.js can show only the chosen hub's
    workers. Without JavaScript the groups say which hub each worker is in, and the service
    refuses a worker from another hub."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.hub_of: dict[int, int] = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        hub_id = self.hub_of.get(value)
        if hub_id is not None:
            option["attrs"] = {"data-hub": str(hub_id), **option["attrs"]}
        return option


class AllocateForm(VersionedFormMixin, GovUKFormMixin, forms.Form):
    """Built with ``version_of=`` the referral (SEC-5)."""

    version_model = Referral

    version_field_map = {"worker": "allocated_worker"}

    hub = forms.ModelChoiceField(
        label=_("Which hub will support the person?"),
        queryset=Hub.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": HUB_REQUIRED, "invalid_choice": HUB_REQUIRED},
    )
    worker = forms.TypedChoiceField(
        label=_("Worker"),
        coerce=int,
        widget=WorkerSelect,
        help_text=_("Workers are grouped by hub. Choose someone from the hub selected above."),
        error_messages={"required": WORKER_REQUIRED, "invalid_choice": WORKER_INVALID},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hubs = list(Hub.objects.all())
        self.fields["hub"].queryset = Hub.objects.all()
        # Evaluated once here, not per option when the radios render.
        self.fields["hub"].choices = [(hub.pk, hub.name) for hub in hubs]
        self.workers = {user.pk: user for user in allocatable_workers()}
        groups: dict[str, list] = {}
        for user in self.workers.values():
            membership = user.membership
            label = f"{user.get_full_name() or user.get_username()} ({membership.get_role_display()})"
            groups.setdefault(membership.hub.name, []).append((user.pk, label))
        self.fields["worker"].choices = [("", _("Select a worker")), *groups.items()]
        self.fields["worker"].widget.hub_of = {user.pk: user.membership.hub_id for user in self.workers.values()}
        self.helper = helper(
            Field.radios("hub", legend_size=Size.SMALL),
            Field.select("worker"),
            submit=_("Allocate"),
        )

    def clean(self):
        cleaned_data = super().clean()
        worker_id = cleaned_data.get("worker")
        if worker_id is not None:
            cleaned_data["worker"] = self.workers[worker_id]
        return cleaned_data


# --- Close and reopen -------------------------------------------------------------------


class ReasonForm(VersionedFormMixin, GovUKFormMixin, forms.Form):
    """Close or reopen, built with ``version_of=`` the referral: refused when its status moved
    on after the page was opened (SEC-5)."""

    version_model = Referral

    version_extra_fields = ("status",)

    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "aria-describedby": ""}),
        error_messages={"max_length": REASON_TOO_LONG},
    )

    def __init__(self, *args, label, required_message, submit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].error_messages["required"] = required_message
        self.helper = helper(Field.textarea("reason", max_characters=500, label_size=Size.SMALL), submit=submit)

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(self.fields["reason"].error_messages["required"], code="required")
        return reason


# --- Priority (REF-5, §3.2.6) -------------------------------------------------------------

PRIORITY_REQUIRED = _("Choose the priority")


class PriorityForm(VersionedFormMixin, GovUKFormMixin, forms.Form):
    """Built with ``version_of=`` the referral (SEC-5)."""

    version_model = Referral

    priority = forms.TypedChoiceField(
        label=_("What priority should this referral have?"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": PRIORITY_REQUIRED, "invalid_choice": PRIORITY_REQUIRED},
    )
    reason = forms.CharField(
        label=_("Why are you changing the priority?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "aria-describedby": ""}),
        error_messages={"max_length": REASON_TOO_LONG},
    )

    def __init__(self, *args, **kwargs):
        from referrals.services.allocation import PRIORITY_REASON_REQUIRED

        super().__init__(*args, **kwargs)
        self.fields["priority"].choices = Referral.Priority.choices
        self.fields["reason"].error_messages["required"] = PRIORITY_REASON_REQUIRED
        self.helper = helper(
            Field.radios("priority", legend_size=Size.SMALL),
            Field.textarea("reason", max_characters=500, label_size=Size.SMALL),
            submit=_("Change priority"),
        )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(self.fields["reason"].error_messages["required"], code="required")
        return reason
