"""Filters for the SPOC queue (REF-5), shown in the MOJ filter layout.

The form is a plain GET form, so filtering works without JavaScript and a filtered queue can
be bookmarked. Nothing personal goes in the query string: only codes and numeric ids.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from common.forms.errors import GovUKFormMixin
from partnership.models import Hub, staff_display_name
from referrals.models import Referral
from referrals.selectors.referrals import front_door_staff

ASSIGNED_TO_ME = "me"
UNASSIGNED = "unassigned"

# A hand-edited or stale address (?status=bogus) gets these, in the GOV.UK error summary,
# instead of Django's "Select a valid choice"; the queue shows with the other filters applied.
STATUS_INVALID = _("Choose a status from the list")
PRIORITY_INVALID = _("Choose a priority from the list")
SOURCE_INVALID = _("Choose a source from the list")
CHANNEL_INVALID = _("Choose a channel from the list")
HUB_INVALID = _("Choose a hub from the list")
ASSIGNEE_INVALID = _("Choose who the referral is assigned to from the list")


def _invalid(message) -> dict:
    return {"error_messages": {"invalid_choice": message, "invalid_list": message, "invalid_pk_value": message}}


class QueueFilterForm(GovUKFormMixin, forms.Form):
    """The filter form, with the GOV.UK error summary. Its checkboxes are numbered from 0 (see
    templates/referrals/queue/_checkboxes.html), so each error links to the first one."""

    @property
    def error_summary(self) -> list[tuple[str, str]]:
        items = []
        for name, errors in self.errors.items():
            if name not in self.fields:
                continue
            bound = self[name]
            if isinstance(bound.field.widget, forms.CheckboxSelectMultiple) and bound.subwidgets:
                anchor = bound.subwidgets[0].id_for_label
            else:
                anchor = bound.auto_id
            items.extend((anchor, message) for message in errors)
        return items


class QueueFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        **_invalid(STATUS_INVALID),
        choices=[(s.value, s.label) for s in Referral.QUEUE_STATUSES],
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    priority = django_filters.MultipleChoiceFilter(
        label=_("Priority"),
        **_invalid(PRIORITY_INVALID),
        choices=Referral.Priority.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    source = django_filters.MultipleChoiceFilter(
        label=_("Source"),
        **_invalid(SOURCE_INVALID),
        choices=Referral.Source.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    channel = django_filters.MultipleChoiceFilter(
        label=_("Channel"),
        **_invalid(CHANNEL_INVALID),
        choices=Referral.Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    hub = django_filters.ModelChoiceFilter(
        label=_("Hub"), queryset=Hub.objects.all(), empty_label=_("Any hub"), **_invalid(HUB_INVALID)
    )
    assignee = django_filters.ChoiceFilter(
        label=_("Assigned to"),
        method="filter_assignee",
        empty_label=_("Anyone"),
        **_invalid(ASSIGNEE_INVALID),
    )

    class Meta:
        model = Referral
        form = QueueFilterForm
        fields = ["status", "priority", "source", "channel", "hub", "assignee"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One query for the people who can be assigned, whatever the size of the queue.
        self.filters["assignee"].extra["choices"] = [
            (ASSIGNED_TO_ME, _("Assigned to me")),
            (UNASSIGNED, _("Unassigned")),
            *[(str(user.pk), staff_display_name(user)) for user in front_door_staff()],
        ]

    def filter_assignee(self, queryset, name, value):
        if value == ASSIGNED_TO_ME:
            return queryset.filter(assigned_to=self.request.user)
        if value == UNASSIGNED:
            return queryset.filter(assigned_to__isnull=True)
        return queryset.filter(assigned_to_id=int(value))


def selected_filters(filterset: QueueFilter, query: QueryDict) -> list[dict]:
    """The MOJ "Selected filters" tags: one category per filter in use, each value a link to
    the same queue without it."""
    if not filterset.is_bound or not filterset.form.is_valid():
        return []
    categories = []
    for name, field in filterset.form.fields.items():
        values = query.getlist(name)
        values = [v for v in values if v]
        if not values:
            continue
        if isinstance(field, forms.ModelChoiceField):
            # The chosen object is already loaded by validation: no second query for its name.
            chosen = filterset.form.cleaned_data.get(name)
            labels = {str(chosen.pk): str(chosen)} if chosen is not None else {}
        else:
            labels = {str(k): str(v) for k, v in field.choices if k != ""}
        items = []
        for value in values:
            remaining = query.copy()
            remaining.setlist(name, [v for v in values if v != value])
            remaining.pop("page", None)
            items.append({"text": labels.get(value, value), "href": "?" + remaining.urlencode()})
        categories.append({"heading": field.label, "items": items})
    return categories
