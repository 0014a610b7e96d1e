"""Complaints through their stages (SAF-4, §3.17): the role responsible and the target at each
stage, the written response drafted, approved by another manager and sent, the outcome and
learning, a transition row for every change, and restriction of processing (PAR-6)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from common.audit import ProcessingRestricted, current_version
from referrals.data_rights import services as data_rights
from referrals.rules import add_working_days
from safeguarding import services_complaints as services
from safeguarding.models import Complaint, ComplaintTransition
from tests.factories import PersonFactory
from tests.safeguarding.complaint_state import public_complaint, recorded_complaint


def _respond(complaint, drafter, approver, sent_on=None):
    stage = services.current_stage(complaint)
    services.complaint_response_draft(stage=stage, by=drafter, text="We are sorry. We have changed how we call back.")
    services.complaint_response_approve(stage=stage, by=approver)
    services.complaint_response_send(stage=stage, by=drafter, sent_on=sent_on or timezone.localdate(), how="letter")
    complaint.refresh_from_db()
    return stage


def test_each_stage_has_its_role_and_a_target_in_working_days_from_settings(manager, settings):
    settings.COMPLAINT_STAGES = {
        **settings.COMPLAINT_STAGES,
        "local_resolution": {"role": "Hub manager", "working_days": 5},
    }
    complaint = recorded_complaint(manager)
    stage = services.current_stage(complaint)
    assert stage.responsible_role == "Hub manager"
    expected = add_working_days(timezone.localtime(complaint.received_at), 5).date()
    assert stage.target_date == expected


def test_a_target_skips_weekends_and_bank_holidays(manager):
    friday_before_christmas = timezone.make_aware(dt.datetime(2026, 12, 18, 10, 0))
    complaint = recorded_complaint(manager, received_at=friday_before_christmas)
    # 10 working days: 21-24, 29-31 Dec, 2 Jan is a Saturday; 25, 26 (28 substitute) and 1 Jan are holidays.
    assert services.current_stage(complaint).target_date == dt.date(2027, 1, 6)


def test_a_complaint_goes_from_received_to_responded_to_closed_with_outcome_and_learning(manager, other_hub_manager):
    complaint = public_complaint()
    _respond(complaint, manager, other_hub_manager)
    assert complaint.status == Complaint.Status.RESPONDED
    services.complaint_close(
        complaint=complaint, by=manager, outcome=Complaint.Outcome.PARTLY_UPHELD, learning="Call-back log added"
    )
    complaint.refresh_from_db()
    assert (complaint.status, complaint.outcome, complaint.learning) == (
        "closed",
        "partly_upheld",
        "Call-back log added",
    )
    rows = list(ComplaintTransition.objects.filter(complaint=complaint).values_list("from_status", "to_status"))
    assert rows == [("", "open"), ("open", "responded"), ("responded", "closed")]
    stage = services.current_stage(complaint)
    assert stage.response_drafted_by == manager and stage.response_approved_by == other_hub_manager
    assert stage.response_sent_on == timezone.localdate() and stage.response_sent_by == manager


def test_the_manager_who_drafted_a_response_cannot_approve_it(manager):
    complaint = recorded_complaint(manager)
    stage = services.current_stage(complaint)
    services.complaint_response_draft(stage=stage, by=manager, text="Draft")
    with pytest.raises(ValidationError) as error:
        services.complaint_response_approve(stage=stage, by=manager)
    assert error.value.messages == [str(services.SAME_MANAGER)]


def test_a_response_is_not_sent_before_it_is_approved(manager):
    complaint = recorded_complaint(manager)
    stage = services.current_stage(complaint)
    services.complaint_response_draft(stage=stage, by=manager, text="Draft")
    with pytest.raises(ValidationError) as error:
        services.complaint_response_send(stage=stage, by=manager, sent_on=timezone.localdate(), how="email")
    assert error.value.messages == [str(services.NOT_APPROVED)]


def test_redrafting_an_approved_response_needs_approving_again(manager, other_hub_manager):
    complaint = recorded_complaint(manager)
    stage = services.current_stage(complaint)
    services.complaint_response_draft(stage=stage, by=manager, text="Draft")
    services.complaint_response_approve(stage=stage, by=other_hub_manager)
    services.complaint_response_draft(stage=stage, by=manager, text="Draft, changed")
    assert stage.response_approved_at is None and stage.response_approved_by is None


def test_a_complaint_is_not_closed_before_its_written_response_is_sent(manager):
    complaint = recorded_complaint(manager)
    with pytest.raises(ValidationError) as error:
        services.complaint_close(complaint=complaint, by=manager, outcome=Complaint.Outcome.UPHELD)
    assert error.value.messages == [str(services.NO_RESPONSE_SENT)]


def test_a_compliment_is_closed_as_shared_without_a_response(manager):
    compliment = recorded_complaint(manager, kind=Complaint.Kind.COMPLIMENT)
    services.complaint_close(complaint=compliment, by=manager, outcome=Complaint.Outcome.SHARED)
    assert compliment.status == Complaint.Status.CLOSED
    with pytest.raises(ValidationError):
        services.complaint_escalate(complaint=recorded_complaint(manager, kind="compliment"), by=manager, reason="x")


def test_escalating_starts_the_next_stage_with_its_role_handler_and_target(manager, other_hub_manager):
    complaint = public_complaint()
    _respond(complaint, manager, other_hub_manager)
    services.complaint_close(complaint=complaint, by=manager, outcome=Complaint.Outcome.NOT_UPHELD)
    stage = services.complaint_escalate(
        complaint=complaint, by=manager, reason="Not satisfied with the reply", handler=other_hub_manager
    )
    complaint.refresh_from_db()
    assert (complaint.stage, complaint.status, complaint.outcome) == ("formal_investigation", "open", "")
    assert stage.responsible_role == "Service manager" and stage.handler == other_hub_manager
    assert stage.target_date == add_working_days(timezone.localtime(stage.started_at), 20).date()
    last = complaint.transitions.last()
    assert (last.from_stage, last.to_stage, last.from_status, last.to_status) == (
        "local_resolution",
        "formal_investigation",
        "closed",
        "open",
    )
    services.complaint_escalate(complaint=complaint, by=manager, reason="To the Ombudsman")
    with pytest.raises(ValidationError) as error:
        services.complaint_escalate(complaint=complaint, by=manager, reason="Again")
    assert error.value.messages == [str(services.LAST_STAGE)]


# One test walks every status transition, allowed and forbidden.
ALL = list(Complaint.Status)


@pytest.mark.parametrize("source", ALL)
@pytest.mark.parametrize("target", ALL)
def test_every_status_transition_is_allowed_only_by_the_table(source, target):
    complaint = Complaint(status=source)
    allowed = {
        ("open", "responded"),
        ("open", "closed"),
        ("open", "withdrawn"),
        ("responded", "closed"),
        ("responded", "open"),
        ("closed", "open"),
    }
    assert complaint.can_move_to(target) is ((source, target) in allowed)


def test_a_withdrawn_complaint_goes_nowhere(manager):
    complaint = recorded_complaint(manager)
    services.complaint_withdraw(complaint=complaint, by=manager, reason="Sorted out informally")
    with pytest.raises(ValidationError):
        services.complaint_escalate(complaint=complaint, by=manager, reason="x")
    assert complaint.transitions.last().to_status == "withdrawn"


@pytest.mark.parametrize("persona", ["hub_worker", "spoc_practitioner", "safeguarding_lead", "commissioner"])
def test_only_managers_handle_complaints(request, persona, manager):
    complaint = recorded_complaint(manager)
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.complaint_update(complaint=complaint, by=user, investigation_notes="x")
    with pytest.raises(PermissionDenied):
        recorded_complaint(user)


def test_a_complaint_linked_to_a_restricted_person_is_not_changed(manager, data_protection_officer):
    person = PersonFactory()
    complaint = recorded_complaint(manager, person=person)
    data_rights.processing_restrict(person=person, by=data_protection_officer, reason="Accuracy contested")
    with pytest.raises(ProcessingRestricted):
        services.complaint_update(complaint=complaint, by=manager, investigation_notes="Spoke to the worker")
    with pytest.raises(ProcessingRestricted):
        services.complaint_escalate(complaint=complaint, by=manager, reason="x")
    with pytest.raises(ProcessingRestricted):
        services.complaint_update(complaint=recorded_complaint(manager), by=manager, person=person)


def test_a_stale_edit_is_refused(manager, other_hub_manager):
    complaint = recorded_complaint(manager)
    loaded = current_version(complaint)
    services.complaint_update(complaint=complaint, by=other_hub_manager, investigation_notes="Theirs")
    from common.audit import EditConflict, ExpectedVersion

    with pytest.raises(EditConflict):
        services.complaint_update(
            complaint=Complaint.objects.get(pk=complaint.pk),
            by=manager,
            investigation_notes="Mine",
            expected_version=ExpectedVersion(history_id=loaded, fields=frozenset({"investigation_notes"})),
        )
