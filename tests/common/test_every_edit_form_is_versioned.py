"""SEC-5 by construction: every form that changes a record that already exists carries the
version it was loaded from, and every view that saves one hands that version to its service.

``test_every_form_is_versioned_or_says_why_not`` walks every form class in the project: a new
form fails it until it mixes in ``common.forms.versions.VersionedFormMixin`` or is added to
``NOT_EDITS`` with the reason it changes no existing record. ``test_every_view_passes_the_version_on``
reads every view that builds a versioned form and fails if it saves without
``expected_version=form.expected_version``.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import textwrap
from pathlib import Path

import pytest
from django import forms

from common.forms.versions import VERSION_FIELD, VersionedFormMixin

APPS = ("common", "partnership", "referrals", "assessments", "recovery_plans", "safeguarding", "reporting")

# Forms that change no record that already exists, and why.
NOT_EDITS = {
    # RPT-6: the dashboards' filters (GET), which save nothing.
    "reporting.views_dashboards.DashboardFilterForm": "filters a dashboard; saves nothing",
    "reporting.views_dashboards.EquityFilterForm": "filters a dashboard; saves nothing",
    # Safeguarding concerns and the chronology (SAF-1, SAF-2): each adds a new row.
    "safeguarding.forms_concerns.ConcernRaiseForm": "raises a new concern (its edit form is ConcernEditForm)",
    "safeguarding.forms_concerns.ConcernActionForm": "adds a new action to a concern",
    "safeguarding.forms_concerns.ConcernMeetingForm": "records a new multi-agency meeting",
    "safeguarding.forms_concern_sharing.ConcernShareForm": "records a new share of a concern (its withdrawal is versioned)",
    "safeguarding.chronology_forms.ChronologySummaryForm": "adds a new chronology-only summary",
    "safeguarding.chronology_forms.ChronologyExportForm": "produces a PDF; changes no record (logs the export)",
    "safeguarding.chronology_forms.ChronologyFilterForm": "filters the chronology (GET); changes nothing",
    # Generated from an instrument definition: each recording is a new reading (ASM-5).
    "assessments.instruments.forms.InstrumentForm": "adds a new instrument reading",
    # Each adds a new row; nothing already saved is replaced.
    "referrals.forms.triage.ContactAttemptForm": "adds a contact attempt",
    "referrals.forms.triage.EscalationForm": "adds an escalation action",
    "referrals.forms.triage.WarmIntroductionForm": "adds a warm introduction",
    "referrals.forms.intake.StaffReferralForm": "records a new referral",
    "referrals.forms.public.PublicReferralForm": "records a new referral",
    "referrals.forms.sharing.ConsentForm": "records a new consent or other basis",
    "referrals.forms.sharing.OnwardReferralForm": "records a new onward referral",
    "referrals.data_rights.forms.SubjectAccessRequestForm": "records a new subject access request",
    "referrals.forms.access.AccessReasonForm": (
        "as itself only the break-glass reason, a new access log row; restricting and lifting use RestrictionReasonForm"
    ),
    "referrals.views.intake.MatchDecisionForm": (
        "links a referral not yet linked to a person; the services refuse once it is linked, and "
        "the page then shows the link"
    ),
    "recovery_plans.forms.contacts.ContactForm": "records a new contact",
    "recovery_plans.forms.contacts.NaloxoneSupplyForm": "records a new supply of kits",
    "recovery_plans.forms.contacts.InactiveForm": (
        "a change of status the service checks against the transition table: a page loaded before "
        "someone else made the change is refused, never applied twice"
    ),
    "recovery_plans.forms.outreach.OutreachContactForm": "records a new outreach contact",
    "recovery_plans.forms.outreach.OutreachSessionForm": "records a new outreach session",
    "recovery_plans.forms.outreach.LinkPersonForm": (
        "links an outreach contact not yet linked; the service refuses once it is linked"
    ),
    "recovery_plans.forms.groups.GroupForm": "sets up a new group",
    "recovery_plans.forms.groups.GroupSessionForm": "adds a new session",
    "recovery_plans.forms.groups.AttendanceForm": "adds attendance; the service refuses a second record for a person",
    "recovery_plans.forms.plans.PlanStartForm": "starts a new plan; the one it replaces is kept as it was, marked replaced",
    "recovery_plans.forms.plans.GoalForm": "adds a goal",
    "recovery_plans.forms.plans.NeedForm": "adds a need",
    "recovery_plans.forms.plans.RiskForm": "adds a risk",
    "recovery_plans.forms.plans.ActionForm": "adds an action",
    "recovery_plans.forms.plans.ReviewForm": "adds a review, which sets the plan's next review date",
    "recovery_plans.forms.directory.DirectoryEntryNewForm": "adds a directory entry",
    "reporting.forms.ReportRunForm": "asks for a new report run (a built report is never edited)",
    # Safeguarding (issue 11): an action added to a serious incident is a new row.
    "safeguarding.views_incidents.IncidentActionForm": "adds an action to a serious incident",
    # Safeguarding (SAF-4, SAF-5): each records a new complaint or compliment, or a new alert.
    "safeguarding.forms_public.PublicComplaintForm": "records a new complaint or compliment",
    "safeguarding.forms_complaints.ComplaintNewForm": "records a new complaint or compliment",
    "safeguarding.alerts_forms.DrugAlertForm": "issues a new drug alert",
    # Searches and filters read.
    "referrals.forms.person_search.PersonSearchForm": "a search",
    "referrals.data_rights.forms.PersonSearchForm": "a search",
    "partnership.views_access_log.AccessLogSearchForm": "a search",
    "referrals.filters.QueueFilterForm": "the queue's filters",
    # Signing in changes no casework record.
    "partnership.auth_forms.SignInForm": "signing in",
    "partnership.auth_forms.PasswordResetRequestForm": "signing in",
    "partnership.auth_forms.NewPasswordForm": "signing in",
    "partnership.auth_forms.SecurityCodeForm": "signing in",
}


def _import_all() -> None:
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in info.name or ".management" in info.name:
                continue
            importlib.import_module(info.name)


def _subclasses(cls) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found.add(sub)
        found |= _subclasses(sub)
    return found


def project_forms() -> dict[str, type]:
    _import_all()
    return {
        f"{cls.__module__}.{cls.__qualname__}": cls
        for cls in _subclasses(forms.BaseForm)
        if cls.__module__.split(".")[0] in APPS and "<locals>" not in cls.__qualname__
    }


def test_every_form_is_versioned_or_says_why_not():
    found = project_forms()
    unclassified = sorted(
        name for name, cls in found.items() if not issubclass(cls, VersionedFormMixin) and name not in NOT_EDITS
    )
    assert not unclassified, (
        "These forms neither carry the version they were loaded from (VersionedFormMixin, SEC-5) "
        f"nor are listed in NOT_EDITS with the reason they change no existing record: {unclassified}"
    )
    assert not sorted(set(NOT_EDITS) - set(found)), "NOT_EDITS names forms that no longer exist"
    versioned_and_excused = sorted(name for name in NOT_EDITS if issubclass(found[name], VersionedFormMixin))
    assert not versioned_and_excused


def test_the_known_edit_forms_are_versioned():
    """The forms of the two reproduced overwrites, and the rest of the edit forms, by name."""
    found = project_forms()
    versioned = {name for name, cls in found.items() if issubclass(cls, VersionedFormMixin)}
    assert {
        "referrals.forms.triage.ScreeningForm",
        "referrals.forms.triage.OutcomeForm",
        "referrals.data_rights.forms.RectifyForm",
        "referrals.data_rights.forms.RestrictionForm",
        "referrals.forms.allocation.AllocateForm",
        "referrals.forms.allocation.PriorityForm",
        "referrals.forms.allocation.ReasonForm",
        "referrals.forms.appointments.FirstAppointmentForm",
        "referrals.forms.feedback.FeedbackForm",
        "referrals.forms.access.RestrictionReasonForm",
        "referrals.forms.sharing.WithdrawConsentForm",
        "referrals.forms.sharing.TreatmentSendForm",
        "referrals.forms.sharing.TreatmentOutcomeForm",
        "referrals.forms.sharing.OnwardOutcomeForm",
        "referrals.views.detail.AssignForm",
    } <= versioned


@pytest.mark.parametrize("name", sorted(n for n, c in project_forms().items() if issubclass(c, VersionedFormMixin)))
def test_a_versioned_form_compares_at_least_one_field_of_its_record(name, db):
    """A versioned form whose fields match nothing on the model would never refuse anything."""
    cls = project_forms()[name]
    assert cls.version_model is not None, f"{name} does not name the model of the record it edits"
    model_fields = {f.name for f in cls.version_model._meta.concrete_fields}
    # A misspelt name here would silently compare nothing.
    named = set(cls.version_field_map.values()) | set(cls.version_extra_fields) | set(cls.version_labels)
    assert named <= model_fields, f"{name}: {sorted(named - model_fields)} are not fields of {cls.version_model}"
    compared = {cls.version_field_map.get(n, n) for n in cls.base_fields} | named
    assert compared & model_fields, f"{name} compares no field of {cls.version_model}"
    assert VERSION_FIELD not in cls.base_fields  # added per instance, never declared


def _view_functions():
    _import_all()
    versioned = {cls.__name__ for cls in project_forms().values() if issubclass(cls, VersionedFormMixin)}
    # Helpers that build a versioned form for a view.
    builders = {"restrict_form", "unrestrict_form"}
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if "views" not in info.name.split(".")[-1] and ".views." not in info.name:
                continue
            text = Path(importlib.import_module(info.name).__file__).read_text()
            tree = ast.parse(text)
            for node in ast.walk(tree):
                if not isinstance(node, ast.FunctionDef):
                    continue
                called = {
                    call.func.id
                    for call in ast.walk(node)
                    if isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
                }
                source = textwrap.dedent(ast.get_source_segment(text, node) or "")
                # A view that builds a versioned form and saves it (it is bound to the post).
                if called & (versioned | builders) and "is_valid()" in source:
                    yield f"{info.name}.{node.name}", source


def test_every_view_passes_the_version_on():
    views = dict(_view_functions())
    assert "referrals.views.triage.screening" in views and "referrals.data_rights.views.rectify" in views
    missing = sorted(name for name, source in views.items() if "expected_version=form.expected_version" not in source)
    assert not missing, f"These views save a versioned form without handing its version to the service: {missing}"
