"""One test walks every pair of referral statuses, allowed and forbidden (CONVENTIONS: tests)."""

import itertools

import pytest

from referrals.models import Referral, StatusTransition
from referrals.services.referrals import InvalidTransition, referral_transition
from tests.factories import ReferralFactory

STATUS_PAIRS = list(itertools.product(Referral.Status.values, repeat=2))


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status"), STATUS_PAIRS, ids=[f"{a}->{b}" for a, b in STATUS_PAIRS])
def test_a_referral_moves_only_along_the_pipeline(from_status, to_status, spoc_practitioner):
    # The unit under test is the transition table itself, so the starting status is set
    # directly rather than walked to through the other services.
    referral = ReferralFactory(status=from_status)
    allowed = to_status in Referral.TRANSITIONS[from_status]

    if allowed:
        referral_transition(referral=referral, to=to_status, by=spoc_practitioner, reason="Because the test says so")
        assert referral.status == to_status
        row = StatusTransition.objects.get(referral=referral)
        assert (row.from_status, row.to_status, row.by, row.reason) == (
            from_status,
            to_status,
            spoc_practitioner,
            "Because the test says so",
        )
        assert row.at is not None
        if to_status == Referral.Status.CLOSED:
            assert referral.closed_at == row.at
    else:
        with pytest.raises(InvalidTransition):
            referral_transition(referral=referral, to=to_status, by=spoc_practitioner, reason="Not allowed")
        assert referral.status == from_status
        assert not StatusTransition.objects.filter(referral=referral).exists()


def test_the_transition_table_names_every_status():
    # A status missing from the table could never be left: catch it when a status is added.
    assert set(Referral.TRANSITIONS) == set(Referral.Status.values)
    for targets in Referral.TRANSITIONS.values():
        assert targets <= set(Referral.Status.values)


# What each status allows, as the front door works it (REF-6, REF-7, REF-9, §3.2.6): the
# referral page, the triage pages and the services all ask ``Referral.allows``.
S = Referral.Status
EXPECTED_STEPS = {
    Referral.Step.CONTACT: {S.RECEIVED, S.CONTACTING, S.IN_TRIAGE},
    Referral.Step.SCREENING: {S.RECEIVED, S.CONTACTING, S.IN_TRIAGE, S.TRIAGED},
    Referral.Step.OUTCOME: {S.RECEIVED, S.CONTACTING, S.IN_TRIAGE},
    Referral.Step.ALLOCATE: {S.TRIAGED},
    Referral.Step.REALLOCATE: {S.ALLOCATED},
    Referral.Step.ESCALATE: {S.RECEIVED, S.CONTACTING, S.IN_TRIAGE, S.TRIAGED, S.ALLOCATED},
    Referral.Step.FIRST_APPOINTMENT: {S.TRIAGED, S.ALLOCATED},
    # The queue is ordered by priority: it can be changed by hand while the referral waits in it.
    Referral.Step.PRIORITISE: {S.RECEIVED, S.CONTACTING, S.IN_TRIAGE, S.TRIAGED},
}


@pytest.mark.parametrize("step", list(Referral.Step))
@pytest.mark.parametrize("status", list(Referral.Status))
def test_each_status_allows_exactly_its_steps(step, status):
    assert Referral(status=status).allows(step) is (status in EXPECTED_STEPS[step])
