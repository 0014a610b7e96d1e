"""SAF-1: safeguarding concerns through their services: who is at risk, the status pipeline and
its transition rows, the referral to the council, actions and meetings, the plan review prompt,
and the hook that notifies the council of a significant concern."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from assessments.services import child_save
from common.audit import EditConflict, ExpectedVersion, current_version
from recovery_plans.models import ReviewPrompt
from recovery_plans.services import plans as plan_services
from safeguarding import services_concerns as services
from safeguarding.models import Concern, ConcernTransition, Notification
from tests.safeguarding.conftest import allocated_person, raise_concern

Status = Concern.Status


def test_a_concern_about_a_child_in_the_household_is_a_child_concern_waiting_for_a_council_referral(
    person, child, hub_worker
):
    concern = raise_concern(person, hub_worker, at_risk=Concern.AtRisk.CHILD_IN_HOUSEHOLD, child=child)

    assert concern.about == Concern.About.CHILD
    assert concern.child == child
    assert concern.status == Status.AWAITING_REFERRAL
    assert concern.significant_since is not None
    assert concern.reference.startswith("SG-") and len(concern.reference) == 11
    assert concern.history.get().history_user == hub_worker
    assert list(ConcernTransition.objects.values_list("from_status", "to_status")) == [("", Status.AWAITING_REFERRAL)]


def test_a_concern_about_the_person_at_medium_risk_is_an_adult_concern_and_simply_raised(concern):
    assert concern.about == Concern.About.ADULT
    assert concern.status == Status.RAISED
    assert concern.significant_since is None


def test_a_child_in_the_household_must_be_one_from_the_persons_own_assessment(
    person, spoc_practitioner, hub, hub_worker
):
    someone_else = allocated_person(spoc=spoc_practitioner, hub=hub, worker=hub_worker, given="Ffion", family="Other")
    their_child = child_save(person=someone_else, child=None, values={"age": 3}, by=hub_worker)

    with pytest.raises(ValidationError) as error:
        raise_concern(person, hub_worker, at_risk=Concern.AtRisk.CHILD_IN_HOUSEHOLD, child=their_child)
    assert error.value.message_dict == {"child": [str(services.CHILD_NOT_IN_HOUSEHOLD)]}
    with pytest.raises(ValidationError):
        raise_concern(person, hub_worker, at_risk=Concern.AtRisk.CHILD_IN_HOUSEHOLD, child=None)
    assert not Concern.objects.exists()


def test_raising_a_concern_prompts_a_review_of_the_persons_plan(person, hub_worker):
    plan_services.plan_create(person=person, by=hub_worker, review_due=timezone.localdate() + dt.timedelta(days=60))

    concern = raise_concern(person, hub_worker)

    prompt = ReviewPrompt.objects.get()
    assert prompt.trigger == "safeguarding_alert"
    assert concern.reference in prompt.detail


def test_a_significant_concern_notifies_the_council_once(person, hub_worker):
    concern = raise_concern(person, hub_worker, risk_level=Concern.RiskLevel.HIGH)

    (notification,) = Notification.objects.filter(subject_type="safeguarding.concern", subject_id=concern.pk)
    assert (notification.kind, notification.council) == ("safeguarding", "cumberland")
    assert notification.due_at > concern.significant_since
    services.concern_update(
        concern=concern, by=hub_worker, category="neglect", at_risk="person", risk_level="high", summary="More"
    )
    assert Notification.objects.filter(subject_id=concern.pk).count() == 1


def test_a_concern_that_becomes_significant_notifies_the_council_then(concern, hub_worker):
    assert not Notification.objects.exists()
    services.concern_update(
        concern=concern, by=hub_worker, category="cuckooing", at_risk="person", risk_level="high", summary="Worse"
    )
    concern.refresh_from_db()
    assert concern.significant_since is not None
    assert Notification.objects.get().subject_id == concern.pk


def test_a_concern_that_is_not_significant_notifies_no_one(person, hub_worker):
    raise_concern(person, hub_worker, risk_level=Concern.RiskLevel.MEDIUM)
    assert not Notification.objects.exists()


# --- The status pipeline: every move, allowed and refused --------------------------------------


def _reach(status: str, person, by) -> Concern:
    if status == Status.AWAITING_REFERRAL:
        return raise_concern(person, by, risk_level=Concern.RiskLevel.HIGH)
    concern = raise_concern(person, by)
    if status == Status.REFERRED:
        services.concern_council_referral_record(
            concern=concern, by=by, council="cumberland", council_reference="CSC-1", referred_on=timezone.localdate()
        )
    elif status == Status.CLOSED:
        services.concern_move(concern=concern, by=by, to_status=Status.CLOSED, outcome="no_further_action")
    concern.refresh_from_db()
    return concern


@pytest.mark.parametrize("from_status", Status.values)
@pytest.mark.parametrize("to_status", Status.values)
def test_every_move_of_status_is_allowed_or_refused_as_the_table_says(person, hub_worker, from_status, to_status):
    concern = _reach(from_status, person, hub_worker)
    assert concern.status == from_status
    before = ConcernTransition.objects.count()
    kwargs = {"outcome": "risk_reduced", "reason": "New information from the school"}

    if to_status in Concern.TRANSITIONS[from_status] and to_status != Status.REFERRED:
        services.concern_move(concern=concern, by=hub_worker, to_status=to_status, **kwargs)
        concern.refresh_from_db()
        assert concern.status == to_status
        move = ConcernTransition.objects.latest("pk")
        assert (move.from_status, move.to_status, move.by) == (from_status, to_status, hub_worker)
    else:
        # Moving to "referred" takes the council's reference, on its own page.
        with pytest.raises(ValidationError):
            services.concern_move(concern=concern, by=hub_worker, to_status=to_status, **kwargs)
        assert ConcernTransition.objects.count() == before


def test_closing_needs_an_outcome_and_reopening_a_reason(concern, hub_worker):
    with pytest.raises(ValidationError) as error:
        services.concern_move(concern=concern, by=hub_worker, to_status=Status.CLOSED)
    assert error.value.message_dict == {"outcome": [str(services.OUTCOME_NEEDED)]}
    services.concern_move(concern=concern, by=hub_worker, to_status=Status.CLOSED, outcome="early_help")
    assert concern.closed_by == hub_worker and concern.outcome == "early_help"
    with pytest.raises(ValidationError):
        services.concern_move(concern=concern, by=hub_worker, to_status=Status.RAISED)
    services.concern_move(concern=concern, by=hub_worker, to_status=Status.RAISED, reason="Seen again")
    assert concern.closed_at is None and concern.outcome == ""


def test_the_referral_to_the_council_keeps_its_reference_and_a_correction_is_no_second_move(concern, hub_worker):
    today = timezone.localdate()
    services.concern_council_referral_record(
        concern=concern, by=hub_worker, council="cumberland", council_reference="MASH/2026/0042", referred_on=today
    )
    services.concern_council_referral_record(
        concern=concern, by=hub_worker, council="cumberland", council_reference="MASH/2026/0043", referred_on=today
    )
    concern.refresh_from_db()
    assert (concern.status, concern.council_reference) == (Status.REFERRED, "MASH/2026/0043")
    assert list(concern.transitions.values_list("to_status", flat=True)) == [Status.RAISED, Status.REFERRED]


def test_an_action_needs_an_owner_and_is_done_once(concern, hub_worker):
    due = timezone.localdate() + dt.timedelta(days=2)
    with pytest.raises(ValidationError):
        services.concern_action_add(concern=concern, by=hub_worker, description="Home visit", due_on=due)
    action = services.concern_action_add(
        concern=concern, by=hub_worker, description="Joint visit", due_on=due, owner_other="Social worker, CSC"
    )
    services.concern_action_done(action=action, by=hub_worker)
    assert action.done_by == hub_worker
    with pytest.raises(ValidationError):
        services.concern_action_done(action=action, by=hub_worker)


def test_a_meeting_keeps_who_attended_and_what_was_decided(concern, safeguarding_lead):
    meeting = services.concern_meeting_record(
        concern=concern,
        by=safeguarding_lead,
        kind="strategy",
        held_on=timezone.localdate(),
        attendees="Social worker\nPolice",
        decisions="Section 47 enquiry",
    )
    assert meeting.history.get().history_user == safeguarding_lead


def test_a_change_made_from_an_older_version_is_refused(concern, hub_worker, manager):
    loaded = ExpectedVersion(history_id=current_version(concern), fields=frozenset({"risk_level"}))
    services.concern_update(
        concern=concern, by=manager, category="neglect", at_risk="person", risk_level="low", summary="x"
    )
    stale = Concern.objects.get(pk=concern.pk)
    with pytest.raises(EditConflict):
        services.concern_update(
            concern=stale,
            by=hub_worker,
            category="neglect",
            at_risk="person",
            risk_level="medium",
            summary="x",
            expected_version=loaded,
        )


@pytest.mark.parametrize("persona", ["peer_worker", "other_hub_worker", "treatment_practitioner", "commissioner"])
def test_only_those_who_work_on_the_concern_change_it(request, concern, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.concern_move(concern=concern, by=user, to_status=Status.CLOSED, outcome="early_help")


def test_the_lead_works_on_every_concern_and_a_peer_worker_may_raise_one(
    spoc_practitioner, hub, peer_worker, safeguarding_lead
):
    theirs = allocated_person(spoc=spoc_practitioner, hub=hub, worker=peer_worker, given="Robin", family="Peer")
    concern = raise_concern(theirs, peer_worker)
    services.concern_move(concern=concern, by=safeguarding_lead, to_status=Status.CLOSED, outcome="early_help")
    with pytest.raises(PermissionDenied):
        services.concern_move(concern=concern, by=peer_worker, to_status=Status.RAISED, reason="x")
