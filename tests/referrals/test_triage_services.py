"""Contact, screening, outcome and allocation services (REF-6 to REF-9, §3.1, §3.2.11)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from partnership.services import membership_save
from referrals import rules
from referrals.models import (
    ContactAttempt,
    Referral,
    StatusTransition,
    TreatmentReferral,
    Triage,
    YesNoUnknown,
)
from referrals.selectors import referrals as selectors
from referrals.services import allocation as allocation_services
from referrals.services import referrals as services
from referrals.services import triage as triage_services
from tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

MADE = ContactAttempt.Outcome.MADE_CONTACT
PHONE = ContactAttempt.Method.PHONE


def years_ago(years: int, days: int = 0) -> dt.date:
    today = timezone.localdate()
    try:
        born = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        born = today.replace(year=today.year - years, day=28)
    return born - dt.timedelta(days=days)


def contact_made(referral, by, *, minutes_ago=60):
    return triage_services.contact_attempt_record(
        referral=referral,
        by=by,
        attempted_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
        method=PHONE,
        outcome=MADE,
    )


def screen(referral, by, **overrides):
    fields = {"substances": ["alcohol"], "council_of_residence": "cumberland", "risk": Triage.Risk.GREEN}
    fields.update(overrides)
    return triage_services.triage_save_screening(referral=referral, by=by, **fields)


def error_messages(excinfo) -> dict:
    return excinfo.value.message_dict


# --- The happy path -------------------------------------------------------------------------


def test_contact_screening_acceptance_and_allocation_are_timed_and_attributed(spoc_practitioner, hub, hub_worker):
    referral = ReferralFactory()
    spoc = spoc_practitioner

    contact_made(referral, spoc)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.IN_TRIAGE
    assert referral.first_contact_attempt_at is not None
    assert referral.first_contact_made_at == referral.first_contact_attempt_at

    screen(referral, spoc)
    triage_services.triage_complete(referral=referral, by=spoc, outcome=Triage.Outcome.ERS)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.TRIAGED
    assert referral.triage_completed_at is not None
    assert referral.triage.completed_by == spoc
    assert referral.triage.outcome == Triage.Outcome.ERS

    allocation_services.referral_allocate(referral=referral, hub=hub, worker=hub_worker, by=spoc)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ALLOCATED
    assert (referral.hub, referral.allocated_worker) == (hub, hub_worker)
    assert referral.allocated_at >= referral.triage_completed_at >= referral.first_contact_made_at

    transitions = list(StatusTransition.objects.filter(referral=referral).values_list("from_status", "to_status", "by"))
    assert transitions == [
        (Referral.Status.RECEIVED, Referral.Status.IN_TRIAGE, spoc.pk),
        (Referral.Status.IN_TRIAGE, Referral.Status.TRIAGED, spoc.pk),
        (Referral.Status.TRIAGED, Referral.Status.ALLOCATED, spoc.pk),
    ]
    # Every history row written on the way (all but the factory's "received" row) is the
    # practitioner's, with a reason.
    changes = referral.history.exclude(history_type="+")
    for history in (changes, referral.triage.history.all(), ContactAttempt.history.all()):
        assert history.exists()
        assert {row.history_user_id for row in history} == {spoc.pk}
        assert all(row.history_change_reason for row in history)


def test_an_unanswered_call_starts_contacting_and_only_spoken_contact_counts_as_made(spoc_practitioner):
    referral = ReferralFactory()
    first = timezone.now() - dt.timedelta(minutes=90)
    triage_services.contact_attempt_record(
        referral=referral, by=spoc_practitioner, attempted_at=first, method=PHONE, outcome="no_answer"
    )
    referral.refresh_from_db()
    assert referral.status == Referral.Status.CONTACTING
    assert referral.first_contact_attempt_at == first
    assert referral.first_contact_made_at is None

    contact_made(referral, spoc_practitioner, minutes_ago=10)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.IN_TRIAGE
    assert referral.first_contact_attempt_at == first  # still the earliest
    assert referral.first_contact_made_at > first


def test_an_attempt_recorded_late_but_made_earlier_becomes_the_first_attempt(spoc_practitioner):
    referral = ReferralFactory(received_at=timezone.now() - dt.timedelta(days=2))
    later = timezone.now() - dt.timedelta(hours=1)
    earlier = timezone.now() - dt.timedelta(days=1)
    for when in (later, earlier):
        triage_services.contact_attempt_record(
            referral=referral, by=spoc_practitioner, attempted_at=when, method=PHONE, outcome="no_answer"
        )
    referral.refresh_from_db()
    assert referral.first_contact_attempt_at == earlier


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (dt.timedelta(hours=1), "cannot be in the future"),
        (-dt.timedelta(days=3), "before the referral was received"),
    ],
)
def test_a_contact_attempt_in_the_future_or_before_the_referral_is_refused(spoc_practitioner, when, message):
    referral = ReferralFactory()
    with pytest.raises(ValidationError, match=message):
        triage_services.contact_attempt_record(
            referral=referral, by=spoc_practitioner, attempted_at=timezone.now() + when, method=PHONE, outcome=MADE
        )
    assert not referral.contact_attempts.exists()


# --- Automatic referral to Treatment (§3.2.11) ------------------------------------------------


def test_pregnancy_adds_one_automatic_treatment_referral_however_often_screening_is_saved(spoc_practitioner):
    referral = ReferralFactory()
    screen(referral, spoc_practitioner, pregnant=YesNoUnknown.YES)
    screen(referral, spoc_practitioner, pregnant=YesNoUnknown.YES, screening_notes="Saved again")

    automatic = TreatmentReferral.objects.get(referral=referral)
    assert automatic.reason == TreatmentReferral.Reason.PREGNANT
    assert automatic.automatic
    assert automatic.created_by == spoc_practitioner
    assert automatic.history.get().history_user == spoc_practitioner


def test_a_referral_from_early_help_adds_an_automatic_treatment_referral(spoc_practitioner):
    referral = ReferralFactory(source=Referral.Source.EARLY_HELP)
    screen(referral, spoc_practitioner)
    assert list(referral.treatment_referrals.values_list("reason", "automatic")) == [
        (TreatmentReferral.Reason.CHILDRENS_SERVICES, True)
    ]


def test_screening_starts_from_what_the_referrer_said(spoc_practitioner):
    referral = ReferralFactory(substances=["opioids", "crack"], pregnant=YesNoUnknown.YES)
    triage = triage_services.triage_save_screening(
        referral=referral, by=spoc_practitioner, council_of_residence="cumberland"
    )
    assert triage.substances == ["opioids", "crack"]
    assert triage.pregnant == YesNoUnknown.YES
    assert referral.treatment_referrals.filter(reason=TreatmentReferral.Reason.PREGNANT).exists()


def test_ers_only_is_refused_for_someone_who_is_pregnant(spoc_practitioner):
    referral = ReferralFactory()
    screen(referral, spoc_practitioner, pregnant=YesNoUnknown.YES)

    with pytest.raises(ValidationError) as excinfo:
        triage_services.triage_complete(referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.ERS)

    assert error_messages(excinfo) == {"outcome": [str(triage_services.OUTCOME_NEEDS_TREATMENT)]}
    referral.refresh_from_db()
    assert referral.status == Referral.Status.IN_TRIAGE
    assert referral.triage_completed_at is None


@pytest.mark.parametrize("outcome", [Triage.Outcome.SIGNPOST, Triage.Outcome.ERS])
def test_someone_open_to_childrens_services_must_go_to_treatment(spoc_practitioner, outcome):
    referral = ReferralFactory()
    screen(referral, spoc_practitioner, open_to_childrens_services=YesNoUnknown.YES)
    with pytest.raises(ValidationError) as excinfo:
        triage_services.triage_complete(
            referral=referral, by=spoc_practitioner, outcome=outcome, signposted_to="Housing"
        )
    assert error_messages(excinfo)["outcome"] == [str(triage_services.OUTCOME_NEEDS_TREATMENT)]


def test_ers_support_and_treatment_for_someone_pregnant_is_accepted_and_referred_on(spoc_practitioner):
    referral = ReferralFactory()
    screen(referral, spoc_practitioner, pregnant=YesNoUnknown.YES)
    triage_services.triage_complete(referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.BOTH)

    referral.refresh_from_db()
    assert referral.status == Referral.Status.TRIAGED
    # One referral to the Treatment Service: the automatic one, noting the outcome too.
    tr = referral.treatment_referrals.get()
    assert (tr.reason, tr.automatic, tr.status) == (TreatmentReferral.Reason.PREGNANT, True, "pending")
    assert tr.reasons == [TreatmentReferral.Reason.PREGNANT, TreatmentReferral.Reason.TRIAGE_OUTCOME]


def test_refer_to_treatment_only_waits_triaged_for_its_treatment_referral(spoc_practitioner):
    referral = ReferralFactory()
    screen(referral, spoc_practitioner)
    triage_services.triage_complete(referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.TREATMENT)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.TRIAGED
    assert referral.closed_at is None
    assert referral.treatment_referrals.get().reason == TreatmentReferral.Reason.TRIAGE_OUTCOME
    assert referral.has_pending_treatment_referral()


# --- Eligibility at the outcome (§3.1) -------------------------------------------------------------


def test_not_eligible_needs_a_reason(spoc_practitioner):
    referral = ReferralFactory()
    screen(referral, spoc_practitioner, council_of_residence="outside_area")
    with pytest.raises(ValidationError) as excinfo:
        triage_services.triage_complete(
            referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.NOT_ELIGIBLE, outcome_reason="   "
        )
    assert error_messages(excinfo) == {"outcome_reason": [str(triage_services.OUTCOME_REASON_REQUIRED)]}

    triage_services.triage_complete(
        referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.NOT_ELIGIBLE, outcome_reason="Lives in Leeds"
    )
    referral.refresh_from_db()
    assert referral.status == Referral.Status.CLOSED
    assert referral.triage.outcome_reason == "Lives in Leeds"


def test_signposting_needs_to_say_where(spoc_practitioner):
    referral = ReferralFactory()
    screen(referral, spoc_practitioner)
    with pytest.raises(ValidationError) as excinfo:
        triage_services.triage_complete(referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.SIGNPOST)
    assert error_messages(excinfo) == {"signposted_to": [str(triage_services.OUTCOME_SIGNPOST_REQUIRED)]}


def test_someone_out_of_area_cannot_be_accepted_for_support(spoc_practitioner):
    referral = ReferralFactory()
    screen(referral, spoc_practitioner, council_of_residence="outside_area")
    with pytest.raises(ValidationError) as excinfo:
        triage_services.triage_complete(referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.ERS)
    assert str(rules.NOT_ELIGIBLE_OUT_OF_AREA) in error_messages(excinfo)["outcome"][0]


def test_an_under_18_without_commissioner_agreement_cannot_be_accepted(spoc_practitioner):
    referral = ReferralFactory(subject_date_of_birth=years_ago(17))
    screen(referral, spoc_practitioner)
    with pytest.raises(ValidationError) as excinfo:
        triage_services.triage_complete(referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.ERS)
    expected = triage_services.OUTCOME_NOT_ELIGIBLE_MISMATCH % {"reasons": rules.NOT_ELIGIBLE_UNDER_18}
    assert error_messages(excinfo) == {"outcome": [str(expected)]}


def test_an_under_18_with_commissioner_agreement_can_be_accepted(spoc_practitioner):
    referral = ReferralFactory(subject_date_of_birth=years_ago(17))
    screen(
        referral,
        spoc_practitioner,
        under_18_commissioner_agreement=True,
        commissioner_agreement_reference="CA-2026-014",
    )
    triage_services.triage_complete(referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.ERS)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.TRIAGED


def test_someone_who_turned_18_today_is_an_adult(spoc_practitioner):
    referral = ReferralFactory(subject_date_of_birth=years_ago(18))
    triage = screen(referral, spoc_practitioner)
    assert triage_services.triage_eligibility(referral=referral, triage=triage).eligible


def test_mental_health_concerns_and_homelessness_never_make_anyone_ineligible(spoc_practitioner):
    # §3.1.4
    referral = ReferralFactory()
    triage = screen(referral, spoc_practitioner, mental_health_concern=YesNoUnknown.YES, homeless=YesNoUnknown.YES)
    assert triage_services.triage_eligibility(referral=referral, triage=triage).eligible
    triage_services.triage_complete(referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.ERS)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.TRIAGED


def test_an_outcome_other_than_unable_to_contact_needs_the_screening_first(spoc_practitioner):
    referral = ReferralFactory()
    with pytest.raises(ValidationError) as excinfo:
        triage_services.triage_complete(referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.ERS)
    assert "outcome" in error_messages(excinfo)


def test_unable_to_contact_needs_an_attempt_and_then_closes_the_referral(spoc_practitioner):
    referral = ReferralFactory()
    with pytest.raises(ValidationError):
        triage_services.triage_complete(
            referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.UNABLE_TO_CONTACT
        )
    triage_services.contact_attempt_record(
        referral=referral,
        by=spoc_practitioner,
        attempted_at=timezone.now() - dt.timedelta(minutes=30),
        method=PHONE,
        outcome="no_answer",
    )
    triage_services.triage_complete(referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.UNABLE_TO_CONTACT)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.CLOSED


def test_a_red_or_amber_risk_needs_reasons(spoc_practitioner):
    referral = ReferralFactory()
    with pytest.raises(ValidationError):
        screen(referral, spoc_practitioner, risk=Triage.Risk.RED, risk_reasons=[], risk_notes="")
    triage = screen(referral, spoc_practitioner, risk=Triage.Risk.AMBER, risk_reasons=[Triage.RiskReason.INJECTING])
    assert triage.risk_reasons == ["injecting"]


# --- Allocation ---------------------------------------------------------------------------------


def triaged(referral, by):
    contact_made(referral, by)
    screen(referral, by)
    triage_services.triage_complete(referral=referral, by=by, outcome=Triage.Outcome.ERS)
    referral.refresh_from_db()
    return referral


def test_allocating_to_a_worker_from_another_hub_is_refused_on_the_worker(spoc_practitioner, hub, other_hub_worker):
    referral = triaged(ReferralFactory(), spoc_practitioner)
    with pytest.raises(ValidationError) as excinfo:
        allocation_services.referral_allocate(referral=referral, hub=hub, worker=other_hub_worker, by=spoc_practitioner)
    assert error_messages(excinfo) == {"worker": ["Choose a worker from the Carlisle hub."]}
    referral.refresh_from_db()
    assert referral.status == Referral.Status.TRIAGED
    assert referral.allocated_worker is None


def test_allocating_to_someone_who_does_not_hold_a_caseload_is_refused(spoc_practitioner, hub, safeguarding_lead):
    referral = triaged(ReferralFactory(), spoc_practitioner)
    safeguarding_lead.membership.hub = hub
    membership_save(membership=safeguarding_lead.membership, by=None)
    with pytest.raises(ValidationError) as excinfo:
        allocation_services.referral_allocate(
            referral=referral, hub=hub, worker=safeguarding_lead, by=spoc_practitioner
        )
    assert error_messages(excinfo) == {"worker": [str(allocation_services.ALLOCATE_NOT_A_WORKER)]}


def test_a_referral_not_yet_triaged_cannot_be_allocated(spoc_practitioner, hub, hub_worker):
    referral = ReferralFactory()
    with pytest.raises(ValidationError):
        allocation_services.referral_allocate(referral=referral, hub=hub, worker=hub_worker, by=spoc_practitioner)


def test_a_manager_can_be_allocated_people_in_their_hub(spoc_practitioner, hub, manager):
    referral = triaged(ReferralFactory(), spoc_practitioner)
    allocation_services.referral_allocate(referral=referral, hub=hub, worker=manager, by=spoc_practitioner)
    assert referral.allocated_worker == manager


# --- Close, reopen, escalation, introduction ---------------------------------------------------


def test_reopening_a_closed_referral_clears_the_outcome_and_keeps_the_contact_history(spoc_practitioner):
    referral = ReferralFactory()
    contact_made(referral, spoc_practitioner)
    screen(referral, spoc_practitioner)
    triage_services.triage_complete(
        referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.SIGNPOST, signposted_to="Housing options"
    )
    referral.refresh_from_db()
    allocation_services.referral_reopen(referral=referral, by=spoc_practitioner, reason="They rang back")

    referral.refresh_from_db()
    assert referral.status == Referral.Status.RECEIVED
    assert referral.closed_at is None
    assert referral.triage_completed_at is None
    assert referral.first_contact_made_at is not None
    assert referral.triage.outcome == ""
    last = referral.transitions.last()
    assert (last.to_status, last.reason, last.by) == (Referral.Status.RECEIVED, "They rang back", spoc_practitioner)


def test_reopening_an_allocated_referral_takes_it_off_the_workers_caseload(spoc_practitioner, hub, hub_worker):
    referral = triaged(ReferralFactory(), spoc_practitioner)
    allocation_services.referral_allocate(referral=referral, hub=hub, worker=hub_worker, by=spoc_practitioner)
    allocation_services.referral_close(referral=referral, by=spoc_practitioner, reason="Moved away")
    allocation_services.referral_reopen(referral=referral, by=spoc_practitioner, reason="Moved back")

    referral.refresh_from_db()
    assert referral.status == Referral.Status.RECEIVED
    assert (referral.hub, referral.allocated_worker, referral.allocated_at) == (None, None, None)
    assert not selectors.referrals_visible_to(user=hub_worker).filter(pk=referral.pk).exists()
    # The allocation is not forgotten: the history still has it.
    assert referral.history.filter(allocated_worker=hub_worker).exists()


def test_closing_records_the_reason_on_the_transition(spoc_practitioner):
    referral = ReferralFactory()
    allocation_services.referral_close(referral=referral, by=spoc_practitioner, reason="Duplicate of another referral")
    referral.refresh_from_db()
    assert referral.status == Referral.Status.CLOSED
    assert referral.transitions.get().reason == "Duplicate of another referral"


def test_escalation_and_warm_introduction_are_recorded_with_who_and_when(spoc_practitioner):
    referral = ReferralFactory(is_urgent=True)
    when = timezone.now() - dt.timedelta(minutes=15)
    escalation = triage_services.escalation_record(
        referral=referral,
        by=spoc_practitioner,
        action="emergency_services",
        done_at=when,
        done_by_name="Siân Ó Briain-Nakamura",
    )
    intro = triage_services.warm_introduction_record(
        referral=referral,
        by=spoc_practitioner,
        introduced_to="Dr Okafor",
        organisation="Treatment Service",
        introduced_at=when,
    )
    assert (escalation.recorded_by, escalation.done_at, escalation.done_by_name) == (
        spoc_practitioner,
        when,
        "Siân Ó Briain-Nakamura",
    )
    assert (intro.introduced_by, intro.introduced_at) == (spoc_practitioner, when)
    with pytest.raises(ValidationError) as excinfo:
        triage_services.escalation_record(
            referral=referral,
            by=spoc_practitioner,
            action="manager",
            done_at=timezone.now() + dt.timedelta(hours=2),
            done_by_name="Someone",
        )
    assert "done_at" in error_messages(excinfo)


@pytest.mark.parametrize("persona", ["hub_worker", "peer_worker", "treatment_practitioner", "commissioner", "outsider"])
def test_only_the_front_door_may_triage(request, persona):
    user = request.getfixturevalue(persona)
    referral = ReferralFactory()
    with pytest.raises(PermissionDenied):
        triage_services.triage_save_screening(referral=referral, by=user, council_of_residence="cumberland")
    with pytest.raises(PermissionDenied):
        triage_services.contact_attempt_record(
            referral=referral, by=user, attempted_at=timezone.now(), method=PHONE, outcome=MADE
        )
    with pytest.raises(PermissionDenied):
        allocation_services.referral_close(referral=referral, by=user, reason="No")


def test_whoever_starts_work_on_an_unassigned_referral_takes_it(spoc_practitioner, manager):
    first = ReferralFactory(received_at=timezone.now())
    # The form's "now" is to the minute, so it can read just before a referral that has only
    # just arrived: the KPI time is never earlier than the referral.
    triage_services.contact_attempt_record(
        referral=first,
        by=spoc_practitioner,
        attempted_at=first.received_at - dt.timedelta(seconds=50),
        method="phone",
        outcome="no_answer",
    )
    first.refresh_from_db()
    assert first.assigned_to == spoc_practitioner
    assert first.first_contact_attempt_at == first.received_at

    already = ReferralFactory()
    services.referral_assign(referral=already, to=manager, by=manager)
    screen(already, spoc_practitioner)
    already.refresh_from_db()
    assert already.assigned_to == manager
