"""What every assessment page does first: fetch the person through the one selector (404 for
someone the user may not open, exactly as if they did not exist; the access-log row written),
then the role check."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from assessments.access import can_edit_assessment, can_view_assessment, can_view_section
from assessments.sections import BY_KEY, SectionSpec
from referrals.models import Person
from referrals.selectors.referrals import person_get_for


def data(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def person_for(request: HttpRequest, person_ref: str, purpose: str, *, edit: bool = False) -> Person:
    # The role check first: a role that never reads assessments writes no access-log row.
    if not can_view_assessment(request.user):
        raise PermissionDenied
    person = person_get_for(user=request.user, reference=person_ref, purpose=purpose)
    if edit and not can_edit_assessment(request.user):
        raise PermissionDenied
    return person


def spec_for(request: HttpRequest, key: str) -> SectionSpec:
    """The section, or 404 for one that does not exist or holds detail the user may not see
    (peer workers and the risks section). A role that never reads assessments: 403."""
    if not can_view_assessment(request.user):
        raise PermissionDenied
    spec = BY_KEY.get(key)
    if spec is None or not can_view_section(request.user, spec.label):
        raise Http404
    return spec


# The person record's tab these pages sit under (assessments.person_record.TABS).
RECORD_TAB = "assessment"


def render_page(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """An assessment page inside the person record's frame (identity bar and tabs): the frame
    needs ``person`` and the tab to mark as current."""
    return render(request, template, {**context, "record_tab": RECORD_TAB})
