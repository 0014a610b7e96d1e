"""Small deliberate bugs, planted one at a time in the rules, that the suite once missed.

Each test below names the bug it catches. They were planted by hand and each made its test
fail (see the closing note of the hardening issue); ``scripts/mutants`` runs mutmut over the
rule modules to find the next ones.

1. Eligibility not checked for the "Treatment Service only" outcome.
2. The hub caseload losing its hub filter (a manager would list every hub).
3. Due dates worked out without converting to local time (00:30 on a Saturday in British
   Summer Time is 23:30 on Friday in UTC).
4. "Met" meaning ``done < due`` instead of ``done <= due``.
5. Managers given routine access to restricted referrals.
6. Withdrawing sharing with one organisation removing it for every organisation.
7. The matcher's weights and its name-similarity threshold moved by a few points.
8. The access log's append-only guard removed, or delete allowed on it in the admin.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from partnership.models import AccessLog, Organisation
from partnership.services import access_log_record
from referrals import matching
from referrals.models import Referral, ResponseTarget, Triage
from referrals.selectors import referrals as selectors
from referrals.services import grants as referral_grants
from referrals.services import referrals as services
from referrals.services import triage as triage_services
from referrals.targets import DueStatus, Target, TargetBook, measure_result
from tests.factories import OrganisationFactory, ReferralFactory
from tests.states import allocate

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC


# --- 1. Every outcome that commits the service to support checks eligibility ---------------


@pytest.mark.parametrize("outcome", [Triage.Outcome.ERS, Triage.Outcome.BOTH, Triage.Outcome.TREATMENT])
def test_an_outcome_that_commits_support_is_refused_for_someone_not_eligible(spoc_practitioner, outcome):
    referral = ReferralFactory()
    triage_services.triage_save_screening(
        referral=referral, by=spoc_practitioner, substances=["alcohol"], council_of_residence="outside_area"
    )
    with pytest.raises(ValidationError) as caught:
        triage_services.triage_complete(referral=referral, by=spoc_practitioner, outcome=outcome)
    assert "outcome" in caught.value.message_dict
    referral.refresh_from_db()
    assert referral.status != Referral.Status.TRIAGED
    assert not referral.treatment_referrals.exists()


# --- 2. The hub caseload is the user's own hub only -----------------------------------------


def test_a_hub_caseload_lists_only_the_users_own_hub(
    spoc_practitioner, manager, hub, other_hub, hub_worker, other_hub_worker
):
    ours = allocate(ReferralFactory(), spoc=spoc_practitioner, hub=hub, worker=hub_worker)
    theirs = allocate(ReferralFactory(), spoc=spoc_practitioner, hub=other_hub, worker=other_hub_worker)
    for user in (manager, hub_worker):
        listed = set(selectors.hub_caseload_for(user=user).values_list("pk", flat=True))
        assert listed == {ours.pk}, user
    assert set(selectors.hub_caseload_for(user=other_hub_worker).values_list("pk", flat=True)) == {theirs.pk}


# --- 3. Working days count in local time ----------------------------------------------------


def test_a_referral_at_half_past_midnight_on_a_summer_saturday_counts_from_monday_morning():
    # 00:30 on Saturday 13 June 2026 in London is 23:30 on Friday 12 June in UTC.
    received = dt.datetime(2026, 6, 12, 23, 30, tzinfo=UTC)
    due = Target(1, ResponseTarget.Unit.WORKING_DAYS).due_from(received)
    assert due.astimezone(LONDON) == dt.datetime(2026, 6, 16, 9, 0, tzinfo=LONDON)


def test_a_weekend_referral_is_due_at_nine_exactly_not_at_its_own_seconds():
    # Found by mutmut (scripts/mutants): the roll forward to 09:00 kept the seconds.
    received = dt.datetime(2026, 6, 13, 10, 15, 42, 123456, tzinfo=LONDON)  # a Saturday
    due = Target(1, ResponseTarget.Unit.WORKING_DAYS).due_from(received)
    assert due == dt.datetime(2026, 6, 16, 9, 0, 0, 0, tzinfo=LONDON)


# --- 4. Done exactly when due is met, and says so ------------------------------------------


def test_a_step_done_at_the_moment_it_falls_due_is_met_on_time():
    received = dt.datetime(2026, 6, 1, 10, 0, tzinfo=LONDON)  # a Monday
    book = TargetBook([])
    due = measure_result(
        Referral(received_at=received, priority=Referral.Priority.ROUTINE, status=Referral.Status.RECEIVED),
        book,
        ResponseTarget.Measure.FIRST_CONTACT,
    ).due_at
    referral = Referral(
        received_at=received,
        priority=Referral.Priority.ROUTINE,
        status=Referral.Status.CONTACTING,
        first_contact_attempt_at=due,
    )
    result = measure_result(referral, book, ResponseTarget.Measure.FIRST_CONTACT, now=due + dt.timedelta(days=3))
    assert result.status == DueStatus.MET
    assert result.text == "Met on time"
    one_second_late = Referral(
        received_at=received,
        priority=Referral.Priority.ROUTINE,
        status=Referral.Status.CONTACTING,
        first_contact_attempt_at=due + dt.timedelta(seconds=1),
    )
    late = measure_result(one_second_late, book, ResponseTarget.Measure.FIRST_CONTACT)
    assert late.status == DueStatus.MISSED


# --- 5. A manager breaks the glass like everyone else ----------------------------------------


def test_a_manager_has_no_routine_access_to_a_restricted_referral(manager, safeguarding_lead):
    referral = ReferralFactory(access_restricted=True)
    assert not selectors.has_routine_access(user=manager, referral=referral)
    assert selectors.has_routine_access(user=safeguarding_lead, referral=referral)
    listed = selectors.with_routine_access(Referral.objects.filter(pk=referral.pk), user=manager).get()
    assert listed.routine_access is False


# --- 6. Withdrawing from one organisation leaves the others --------------------------------


def test_withdrawing_sharing_from_one_organisation_leaves_the_other(spoc_practitioner, treatment_org):
    referral = ReferralFactory()
    person = services.person_create_from_referral(referral=referral, by=spoc_practitioner)
    second = OrganisationFactory(name="Second Treatment Service", kind=Organisation.Kind.TREATMENT)
    for organisation in (treatment_org, second):
        referral_grants.share_person_with_organisation(
            person=person, organisation=organisation, by=spoc_practitioner, reason="Consent given"
        )
    referral_grants.unshare_person_with_organisation(
        person=person, organisation=treatment_org, by=spoc_practitioner, reason="Consent withdrawn"
    )
    assert referral_grants.organisations_shared_with(person=person) == [second]


# --- 7. The matcher's weights and threshold, pinned ------------------------------------------

KNOWN = {
    "given_name": "Samantha",
    "family_name": "Taylor",
    "preferred_name": "",
    "date_of_birth": dt.date(1985, 4, 12),
    "nhs_number": "9434765919",
    "postcode": "CA1 1AA",
}


def _score(**referral) -> int | None:
    details = {"given_name": "Samantha", "family_name": "Taylor", "date_of_birth": KNOWN["date_of_birth"]}
    details |= {"nhs_number": "", "postcode": ""} | referral
    match = matching.score_candidate(person=SimpleNamespace(**KNOWN), **details)
    return None if match is None else match.score


@pytest.mark.parametrize(
    ("referral", "score"),
    [
        # Same name and date of birth: exactly on the strong-match line.
        ({}, 60),
        ({"postcode": "CA1 1AA"}, 70),
        ({"date_of_birth": None, "postcode": "CA1 1AA"}, 45),
        # Different dates of birth cost 10; a different NHS number 40.
        ({"date_of_birth": dt.date(1985, 4, 13), "postcode": "CA1 1AA"}, 35),
        ({"nhs_number": "4010232137", "postcode": "CA1 1AA"}, 30),
        # Day and month swapped: 15, not 25.
        ({"date_of_birth": dt.date(1985, 12, 4)}, 50),
        # The same NHS number alone is strong, whatever the name.
        (
            {
                "given_name": "Jo",
                "family_name": "Bloggs",
                "date_of_birth": dt.date(1990, 1, 1),
                "nhs_number": "9434765919",
            },
            60,
        ),
        # A name change (married, say): date of birth and postcode together.
        ({"given_name": "Jo", "family_name": "Bloggs", "postcode": "CA1 1AA"}, 35),
        # Similar names score between 20 and 35 by how similar.
        ({"given_name": "Samanta"}, 57),
        ({"family_name": "Tailor"}, 52),
        # Similarity 85.4: just over the threshold of 85, the least a similar name scores.
        ({"given_name": "Samnatha", "family_name": "Tayler"}, 45),
        # Similarity 83.0: under it, and a date of birth alone is a coincidence.
        ({"given_name": "Samanta", "family_name": "Tyler"}, None),
    ],
)
def test_the_matcher_scores_each_kind_of_evidence_exactly(referral, score):
    assert _score(**referral) == score


def test_the_strong_and_possible_lines_sit_where_the_scores_above_expect():
    assert (matching.STRONG_MATCH, matching.POSSIBLE_MATCH) == (60, 40)


# --- 8. The access log is append-only, in the model and in the admin -------------------------


def test_the_access_log_cannot_be_changed_or_deleted(spoc_practitioner):
    referral = ReferralFactory()
    access_log_record(user=spoc_practitioner, action=AccessLog.Action.VIEW, obj=referral, person_id=None, reason="x")
    row = AccessLog.objects.get()
    row.reason = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        row.save()
    with pytest.raises(ValueError, match="append-only"):
        row.delete()
    assert AccessLog.objects.get().reason == "x"


def test_the_admin_offers_no_way_to_change_or_delete_the_access_log(admin_user):
    model_admin = admin.site._registry[AccessLog]
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert "delete_selected" not in model_admin.get_actions(request)
