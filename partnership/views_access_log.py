"""Searching the access log (SEC-2): "who looked at this person?" and "what did this user
open this month?", for managers and the data protection officer.

A plain GET form (django-filter), so a search can be bookmarked and works without
JavaScript. Nothing personal goes in the query string: a person's reference, a referral
reference, a username and dates. Newest first, 50 a page, the same number of queries at any
size.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable

import django_filters
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Button, Field, Fixed, Fluid, Layout
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from common.forms.dates import TextDateField
from partnership import registry
from partnership.access import can_search_access_log
from partnership.models import AccessLog, AccessLogSubject

PAGE_SIZE = 50
DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%d %m %Y", "%d-%m-%Y", "%Y-%m-%d"]
REFERENCE_PATTERN = re.compile(r"^R-[0-9A-Z]{8}$")
PERSON_PATTERN = re.compile(r"^P-[0-9A-Z]{8}$")

PERSON_INVALID = _("Enter a person reference in the form P-7K3M9QAB")
REFERENCE_INVALID = _("Enter a referral reference in the form R-7K3M9QAB")
USERNAME_TOO_LONG = _("The username must be 150 characters or fewer")
DATE_INVALID = _("Enter a real date, for example 27/3/2026")
DATE_RANGE_BACKWARDS = _("The “to” date must be the same as or after the “from” date")
ACTION_INVALID = _("Choose an action from the list")


class AccessLogSearchForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.form_method = "get"
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.text("person", field_width=Fixed.TEN),
            Field.text("reference", field_width=Fixed.TEN),
            Field.text("username", field_width=Fluid.ONE_HALF),
            Field.text("date_from", field_width=Fixed.TEN),
            Field.text("date_to", field_width=Fixed.TEN),
            Field.select("action"),
            HTML('<div class="govuk-button-group">'),
            Button.primary("search", _("Search")),
            HTML('<a class="govuk-link" href="?">{}</a></div>'.format(_("Clear the search"))),
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", DATE_RANGE_BACKWARDS)
        return data

    def error_summary(self) -> list[tuple[str, str]]:
        return [(self[name].auto_id, message) for name in self.fields for message in self.errors.get(name, [])]


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class TextDateFilter(django_filters.DateFilter):
    """A date in one box, in the service's year range (common.forms.dates)."""

    field_class = TextDateField


def _matching(pattern: re.Pattern, message) -> Callable[[str], None]:
    def validate(value: str) -> None:
        if value and not pattern.match(value.strip().upper()):
            raise ValidationError(message)

    return validate


class AccessLogFilter(django_filters.FilterSet):
    person = django_filters.CharFilter(
        method="filter_person",
        label=_("Person reference"),
        help_text=_("Shown on the person's page, for example P-7K3M9QAB. Finds every view of their record."),
        max_length=12,
        error_messages={"max_length": PERSON_INVALID},
    )
    reference = django_filters.CharFilter(
        label=_("Referral reference"),
        method="filter_reference",
        max_length=12,
        error_messages={"max_length": REFERENCE_INVALID},
    )
    username = django_filters.CharFilter(
        field_name="user__username",
        lookup_expr="iexact",
        label=_("Username of the member of staff"),
        max_length=150,
        error_messages={"max_length": USERNAME_TOO_LONG},
    )
    date_from = TextDateFilter(
        label=_("From"),
        help_text=_("For example, 1/3/2026"),
        method="filter_from",
        input_formats=DATE_FORMATS,
        widget=forms.TextInput,
        error_messages={"invalid": DATE_INVALID},
    )
    date_to = TextDateFilter(
        label=_("To"),
        help_text=_("For example, 31/3/2026"),
        method="filter_to",
        input_formats=DATE_FORMATS,
        widget=forms.TextInput,
        error_messages={"invalid": DATE_INVALID},
    )
    action = django_filters.ChoiceFilter(
        label=_("Action"),
        choices=AccessLog.Action.choices,
        empty_label=_("Any action"),
        error_messages={"invalid_choice": ACTION_INVALID},
    )

    class Meta:
        model = AccessLog
        fields = ["person", "reference", "username", "date_from", "date_to", "action"]
        form = AccessLogSearchForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["reference"].validators.append(_matching(REFERENCE_PATTERN, REFERENCE_INVALID))
        self.form.fields["person"].validators.append(_matching(PERSON_PATTERN, PERSON_INVALID))

    def filter_person(self, queryset, name, value):
        # Views of the person's own record, and list pages (a queue, a caseload, a search)
        # that showed them: subqueries, not joins, so a row is never repeated. The app that
        # owns people says which id a reference names (partnership.registry).
        people = registry.person_references()
        if people is None:
            return queryset.none()
        person_ids = people.find(value.strip().upper())
        listed = AccessLogSubject.objects.filter(person_id__in=person_ids).values("log_id")
        return queryset.filter(Q(person_id__in=person_ids) | Q(pk__in=listed))

    def filter_reference(self, queryset, name, value):
        # The apps that own referenced records register how to find them (partnership.registry):
        # partnership imports none of them. One subquery per kind of record.
        reference = value.strip().upper()
        matches = Q(pk__in=[])
        for kind in registry.access_log_types():
            if kind.find_by_reference is not None:
                matches |= Q(object_type=kind.object_type, object_id__in=kind.find_by_reference(reference))
        return queryset.filter(matches)

    def filter_from(self, queryset, name, value):
        # A range on the indexed timestamp, not a date extracted from every row.
        return queryset.filter(at__gte=_day_start(value))

    def filter_to(self, queryset, name, value):
        return queryset.filter(at__lt=_day_start(value + dt.timedelta(days=1)))


def _describe_rows(rows: list[AccessLog]) -> list[dict]:
    """What each row was about, in words, as the app that owns the object registered it
    (partnership.registry): one call, so at most one query, per kind of object on the page."""
    ids_by_type: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        if not _is_list(row):
            ids_by_type[row.object_type].add(row.object_id)
    words: dict[tuple[str, int], str] = {}
    for object_type, ids in ids_by_type.items():
        kind = registry.access_log_type(object_type)
        if kind is not None:
            words.update({(object_type, pk): what for pk, what in kind.describe(ids).items()})
    people = registry.person_references()
    person_ids = {row.person_id for row in rows if row.person_id is not None}
    references = people.of(person_ids) if people is not None and person_ids else {}
    return [{"row": row, "what": _what(row, words), "person": references.get(row.person_id, "")} for row in rows]


def _is_list(row: AccessLog) -> bool:
    """A list page's row (``access_log_record_list``): about no one record, naming the people
    it showed in its subject rows."""
    return row.object_id == 0 and row.person_id is None


def _what(row: AccessLog, words: dict[tuple[str, int], str]) -> str:
    if _is_list(row):
        count = row.subject_count
        people = ngettext("%(count)d person", "%(count)d people", count) % {"count": count}
        return f"{row.reason} ({people})"
    return words.get((row.object_type, row.object_id), f"{row.object_type} {row.object_id}")


@login_required
@require_GET
def access_log(request):
    if not can_search_access_log(request.user):
        raise PermissionDenied
    queryset = AccessLog.objects.select_related("user").annotate(subject_count=Count("subjects")).order_by("-at", "-pk")
    filterset = AccessLogFilter(request.GET or None, queryset=queryset)
    searched = filterset.is_bound
    valid = not searched or filterset.is_valid()
    results = filterset.qs if valid else AccessLog.objects.none()
    paginator = Paginator(results, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "partnership/access_log.html",
        {
            "form": filterset.form,
            "valid": valid,
            "page": page,
            "rows": _describe_rows(list(page.object_list)),
            "query": query.urlencode(),
        },
    )
