"""Routing and eligibility rules (REF-5, REF-6, REF-7; §3.1, §3.2.6, §3.2.11). Pure functions, no database."""

import datetime as dt
import inspect
from zoneinfo import ZoneInfo

import pytest

from referrals import rules
from referrals.models import Referral, Substance, TreatmentReferral, Triage, YesNoUnknown

LONDON = ZoneInfo("Europe/London")


def eligibility(*, age=30, lives_in_area=YesNoUnknown.YES, substances=("alcohol",), agreement=False):
    return rules.assess_eligibility(
        age=age, lives_in_area=lives_in_area, substances=list(substances), under_18_commissioner_agreement=agreement
    )


# --- Eligibility (§3.1) -------------------------------------------------------------------


@pytest.mark.parametrize("age", [18, 19, 45, 90])
def test_adults_living_in_the_area_using_a_substance_are_eligible(age):
    result = eligibility(age=age)
    assert result.eligible
    assert result.reasons == []


def test_a_17_year_old_without_a_commissioner_agreement_is_not_eligible():
    result = eligibility(age=17)
    assert not result.eligible
    assert result.reasons == [rules.NOT_ELIGIBLE_UNDER_18]


def test_a_17_year_old_with_a_commissioner_agreement_is_eligible():
    # §3.1.3: under-18s only by agreement of the commissioners, case by case.
    result = eligibility(age=17, agreement=True)
    assert result.eligible


def test_someone_who_does_not_live_in_the_area_is_not_eligible():
    result = eligibility(lives_in_area=YesNoUnknown.NO)
    assert not result.eligible
    assert result.reasons == [rules.NOT_ELIGIBLE_OUT_OF_AREA]


def test_not_knowing_where_someone_lives_does_not_exclude_them():
    assert eligibility(lives_in_area=YesNoUnknown.UNKNOWN).eligible


def test_not_knowing_someones_age_does_not_exclude_them():
    assert eligibility(age=None).eligible


def test_no_substance_recorded_means_not_eligible():
    result = eligibility(substances=())
    assert not result.eligible
    assert result.reasons == [rules.NOT_ELIGIBLE_NO_SUBSTANCE]


def test_an_unknown_substance_code_is_not_in_scope():
    assert not eligibility(substances=("chocolate",)).eligible


@pytest.mark.parametrize("substance", Substance.values)
def test_every_coded_substance_is_in_scope_including_something_else(substance):
    # §3.1.2: alcohol, any illicit drug, misused medicines, poly-substance use, emerging trends.
    assert eligibility(substances=(substance,)).eligible


def test_every_reason_is_given_when_several_apply():
    result = eligibility(age=16, lives_in_area=YesNoUnknown.NO, substances=())
    assert result.reasons == [
        rules.NOT_ELIGIBLE_UNDER_18,
        rules.NOT_ELIGIBLE_OUT_OF_AREA,
        rules.NOT_ELIGIBLE_NO_SUBSTANCE,
    ]


def test_mental_health_and_homelessness_cannot_exclude_anyone():
    # §3.1.4: the rule has no parameter for either, so there is no way for them to exclude.
    parameters = set(inspect.signature(rules.assess_eligibility).parameters)
    assert parameters == {
        "age",
        "lives_in_area",
        "substances",
        "under_18_commissioner_agreement",
        "support_for",
        "cared_for_substances",
    }
    assert not any("mental" in p or "homeless" in p for p in parameters)
    with pytest.raises(TypeError):
        rules.assess_eligibility(
            age=30,
            lives_in_area=YesNoUnknown.YES,
            substances=["alcohol"],
            under_18_commissioner_agreement=False,
            homeless=YesNoUnknown.YES,
        )


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (dt.date(2008, 6, 15), dt.date(2026, 6, 15), 18),  # 18th birthday today
        (dt.date(2008, 6, 15), dt.date(2026, 6, 14), 17),  # the day before
        (dt.date(2008, 2, 29), dt.date(2026, 2, 28), 17),  # leap-day birthday, not yet
        (dt.date(2008, 2, 29), dt.date(2026, 3, 1), 18),
    ],
)
def test_age_counts_whole_years(born, on, age):
    assert rules.age_on(born, on) == age


def test_age_is_unknown_without_a_date_of_birth():
    assert rules.age_on(None, dt.date(2026, 1, 1)) is None


# --- Automatic referral to Treatment (REF-7, §3.2.11) ------------------------------------


def auto(*, pregnant=YesNoUnknown.UNKNOWN, open_to_cs=YesNoUnknown.UNKNOWN, source=Referral.Source.SELF):
    return rules.automatic_treatment_reasons(pregnant=pregnant, open_to_childrens_services=open_to_cs, source=source)


def test_pregnancy_is_an_automatic_treatment_referral():
    assert auto(pregnant=YesNoUnknown.YES) == [TreatmentReferral.Reason.PREGNANT]


def test_being_open_to_childrens_services_is_an_automatic_treatment_referral():
    assert auto(open_to_cs=YesNoUnknown.YES) == [TreatmentReferral.Reason.CHILDRENS_SERVICES]


@pytest.mark.parametrize("source", sorted(Referral.CHILDRENS_SERVICES_SOURCES))
def test_a_referral_from_childrens_services_early_help_youth_justice_or_child_protection_goes_to_treatment(source):
    assert auto(source=source) == [TreatmentReferral.Reason.CHILDRENS_SERVICES]


def test_pregnant_and_open_to_childrens_services_gives_both_reasons():
    assert auto(pregnant=YesNoUnknown.YES, open_to_cs=YesNoUnknown.YES) == [
        TreatmentReferral.Reason.PREGNANT,
        TreatmentReferral.Reason.CHILDRENS_SERVICES,
    ]


@pytest.mark.parametrize("answer", [YesNoUnknown.NO, YesNoUnknown.UNKNOWN])
def test_no_or_not_known_is_not_an_automatic_referral(answer):
    assert auto(pregnant=answer, open_to_cs=answer) == []


# --- Priority (REF-5, §3.2.6, §3.15.5) -----------------------------------------------------


def test_urgent_comes_before_childrens_services_before_routine():
    urgent = rules.priority_for(is_urgent=True, source=Referral.Source.SELF, open_to_childrens_services="unknown")
    childrens = rules.priority_for(is_urgent=False, source=Referral.Source.EARLY_HELP, open_to_childrens_services="no")
    routine = rules.priority_for(is_urgent=False, source=Referral.Source.GP, open_to_childrens_services="unknown")
    assert urgent < childrens < routine
    assert sorted([routine, childrens, urgent]) == [
        Referral.Priority.URGENT,
        Referral.Priority.CHILDRENS_SERVICES,
        Referral.Priority.ROUTINE,
    ]


def test_urgent_wins_over_childrens_services():
    assert (
        rules.priority_for(is_urgent=True, source=Referral.Source.CHILD_PROTECTION, open_to_childrens_services="yes")
        == Referral.Priority.URGENT
    )


def test_someone_open_to_childrens_services_is_priority_whoever_referred_them():
    assert (
        rules.priority_for(is_urgent=False, source=Referral.Source.SELF, open_to_childrens_services=YesNoUnknown.YES)
        == Referral.Priority.CHILDRENS_SERVICES
    )


# --- Working days (targets, §4.3.6) ----------------------------------------------------------


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def test_a_working_day_later_skips_the_weekend():
    friday = at(2026, 6, 5, 14, 0)
    assert rules.add_working_days(friday, 1) == at(2026, 6, 8, 14, 0)  # Monday


def test_working_days_skip_christmas_and_boxing_day_2026():
    # 25 Dec 2026 is a Friday; Boxing Day is a Saturday, so Monday 28th is the bank holiday.
    christmas_eve = at(2026, 12, 24, 10, 0)
    assert rules.add_working_days(christmas_eve, 1) == at(2026, 12, 29, 10, 0)
    assert rules.add_working_days(at(2026, 12, 23, 10, 0), 2) == at(2026, 12, 29, 10, 0)


def test_working_days_skip_good_friday_and_easter_monday_2027():
    thursday_before_easter = at(2027, 3, 25, 9, 30)
    assert rules.add_working_days(thursday_before_easter, 1) == at(2027, 3, 30, 9, 30)


def test_a_referral_received_on_a_saturday_counts_from_monday_morning():
    saturday = at(2026, 6, 6, 15, 45)
    assert rules.add_working_days(saturday, 0) == at(2026, 6, 8, 9, 0)
    assert rules.add_working_days(saturday, 1) == at(2026, 6, 9, 9, 0)


def test_a_referral_received_on_a_bank_holiday_counts_from_the_next_working_morning():
    easter_monday = at(2027, 3, 29, 11, 0)
    assert rules.add_working_days(easter_monday, 1) == at(2027, 3, 31, 9, 0)


def test_working_days_cross_the_new_year():
    # 31 Dec 2026 (Thursday) + 1: New Year's Day is a bank holiday, then the weekend.
    assert rules.add_working_days(at(2026, 12, 31, 16, 0), 1) == at(2027, 1, 4, 16, 0)


def test_weekends_and_bank_holidays_are_not_working_days():
    assert not rules.is_working_day(dt.date(2026, 12, 25))
    assert not rules.is_working_day(dt.date(2026, 12, 28))  # Boxing Day (substitute)
    assert not rules.is_working_day(dt.date(2026, 6, 6))  # Saturday
    assert rules.is_working_day(dt.date(2026, 12, 29))


# --- The next step on a referral (the referral page's primary action) --------------------------


def next_step(status, *, screened=False, outcome="", treatment_waiting=False):
    return rules.next_step(
        referral=Referral(status=status), screened=screened, outcome=outcome, treatment_waiting=treatment_waiting
    )


def test_a_received_referral_calls_for_a_contact_attempt():
    assert next_step(Referral.Status.RECEIVED) == Referral.Step.CONTACT


@pytest.mark.parametrize("status", [Referral.Status.CONTACTING, Referral.Status.IN_TRIAGE])
def test_contacting_or_in_triage_without_screening_calls_for_screening(status):
    assert next_step(status) == Referral.Step.SCREENING


@pytest.mark.parametrize("status", [Referral.Status.CONTACTING, Referral.Status.IN_TRIAGE])
def test_screened_but_not_triaged_calls_for_the_outcome(status):
    assert next_step(status, screened=True) == Referral.Step.OUTCOME


@pytest.mark.parametrize("outcome", sorted(Triage.ALLOCATING_OUTCOMES))
def test_triaged_for_ers_calls_for_allocation(outcome):
    assert next_step(Referral.Status.TRIAGED, screened=True, outcome=outcome) == Referral.Step.ALLOCATE


@pytest.mark.parametrize("outcome", [Triage.Outcome.TREATMENT, Triage.Outcome.BOTH])
def test_triaged_with_a_treatment_referral_waiting_calls_for_sending_it_first(outcome):
    step = next_step(Referral.Status.TRIAGED, screened=True, outcome=outcome, treatment_waiting=True)
    assert step == rules.SEND_TO_TREATMENT


def test_triaged_for_treatment_only_with_nothing_waiting_calls_for_nothing():
    assert next_step(Referral.Status.TRIAGED, screened=True, outcome=Triage.Outcome.TREATMENT) is None


@pytest.mark.parametrize("status", [Referral.Status.ALLOCATED, Referral.Status.CLOSED])
def test_allocated_or_closed_calls_for_no_primary_action(status):
    assert next_step(status, screened=True, outcome=Triage.Outcome.ERS) is None


@pytest.mark.parametrize("status", list(Referral.Status))
def test_every_next_step_is_one_the_status_allows(status):
    for screened in (False, True):
        step = next_step(status, screened=screened, outcome=Triage.Outcome.ERS)
        assert step is None or Referral(status=status).allows(step)
