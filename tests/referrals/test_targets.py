"""Response targets and working days (REF-5, §4.3.6)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from referrals.models import Referral, ResponseTarget
from referrals.targets import (
    DEFAULT_TARGETS,
    DueStatus,
    TargetBook,
    describe_gap,
    measure_result,
    referral_due,
    working_days_between,
)
from tests.factories import ReferralFactory

LONDON = ZoneInfo("Europe/London")
Measure = ResponseTarget.Measure
Unit = ResponseTarget.Unit
Priority = Referral.Priority


def at(year, month, day, hour=10, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def unsaved_referral(*, received_at, priority=Priority.ROUTINE, **fields):
    return Referral(received_at=received_at, priority=priority, status=Referral.Status.RECEIVED, **fields)


def test_defaults_cover_every_priority_and_measure():
    keys = {(row["priority"], row["measure"]) for row in DEFAULT_TARGETS}
    assert keys == {(p, m) for p in Priority.values for m in Measure.values}


def test_defaults_apply_when_no_target_rows_exist():
    book = TargetBook([])
    target = book.target_for(priority=Priority.URGENT, measure=Measure.FIRST_CONTACT, on=dt.date(2025, 6, 2))
    assert (target.amount, target.unit) == (4, Unit.HOURS)
    target = book.target_for(priority=Priority.CHILDRENS_SERVICES, measure=Measure.TRIAGE, on=dt.date(2025, 6, 2))
    assert (target.amount, target.unit) == (2, Unit.WORKING_DAYS)


@pytest.mark.django_db
def test_a_target_changed_on_1_april_applies_to_referrals_received_from_then():
    ResponseTarget.objects.create(
        priority=Priority.ROUTINE,
        measure=Measure.FIRST_CONTACT,
        amount=3,
        unit=Unit.WORKING_DAYS,
        effective_from=dt.date(2024, 4, 1),
    )
    ResponseTarget.objects.create(
        priority=Priority.ROUTINE,
        measure=Measure.FIRST_CONTACT,
        amount=2,
        unit=Unit.WORKING_DAYS,
        effective_from=dt.date(2025, 4, 1),
    )
    book = TargetBook.load()

    before = book.target_for(priority=Priority.ROUTINE, measure=Measure.FIRST_CONTACT, on=dt.date(2025, 3, 31))
    on_the_day = book.target_for(priority=Priority.ROUTINE, measure=Measure.FIRST_CONTACT, on=dt.date(2025, 4, 1))
    after = book.target_for(priority=Priority.ROUTINE, measure=Measure.FIRST_CONTACT, on=dt.date(2025, 9, 1))
    assert before.amount == 3
    assert on_the_day.amount == 2
    assert after.amount == 2

    # A referral received on 31 March keeps the old target even when looked at later.
    received_31_march = unsaved_referral(received_at=at(2025, 3, 31, 23, 30))
    due, _status = referral_due(received_31_march, book, now=at(2025, 4, 1))
    assert due == at(2025, 4, 3, 23, 30)  # Mon 31 Mar + 3 working days


@pytest.mark.django_db
def test_target_rows_are_loaded_in_one_query(django_assert_num_queries):
    for priority in Priority.values:
        ResponseTarget.objects.create(
            priority=priority,
            measure=Measure.TRIAGE,
            amount=2,
            unit=Unit.WORKING_DAYS,
            effective_from=dt.date(2024, 1, 1),
        )
    with django_assert_num_queries(1):
        book = TargetBook.load()
    referrals = [unsaved_referral(received_at=at(2025, 6, 2), priority=p) for p in Priority.values * 20]
    with django_assert_num_queries(0):
        for referral in referrals:
            referral_due(referral, book, now=at(2025, 6, 2, 11))


def test_working_days_skip_good_friday_and_easter_monday():
    # Thursday 17 April 2025; Good Friday 18th and Easter Monday 21st are bank holidays.
    referral = unsaved_referral(received_at=at(2025, 4, 17))
    book = TargetBook([])
    first_contact = measure_result(referral, book, Measure.FIRST_CONTACT, now=at(2025, 4, 17, 11))
    triage = measure_result(referral, book, Measure.TRIAGE, now=at(2025, 4, 17, 11))
    assert first_contact.due_at == at(2025, 4, 24)  # 3 working days: Tue, Wed, Thu
    assert triage.due_at == at(2025, 4, 28)  # 5 working days: Tue to Fri, then Monday


def test_overdue_over_a_bank_holiday_counts_working_days_only():
    referral = unsaved_referral(received_at=at(2025, 4, 14), priority=Priority.CHILDRENS_SERVICES)
    result = measure_result(referral, TargetBook([]), Measure.FIRST_CONTACT, now=at(2025, 4, 23, 11))
    assert result.due_at == at(2025, 4, 15)
    assert result.status == DueStatus.OVERDUE
    # Wed 16, Thu 17, Tue 22, Wed 23 (Good Friday, the weekend and Easter Monday don't count).
    assert result.text == "Overdue by 4 working days"


def test_urgent_first_contact_is_due_in_clock_hours_even_at_the_weekend():
    saturday_morning = at(2025, 6, 7, 10)
    referral = unsaved_referral(received_at=saturday_morning, priority=Priority.URGENT)
    book = TargetBook([])
    due, status = referral_due(referral, book, now=at(2025, 6, 7, 11))
    assert due == at(2025, 6, 7, 14)
    assert status == DueStatus.ON_TIME
    assert measure_result(referral, book, Measure.FIRST_CONTACT, now=at(2025, 6, 7, 11)).text == "Due in 3 hours"

    _due, status = referral_due(referral, book, now=at(2025, 6, 7, 13, 30))
    assert status == DueStatus.DUE_SOON

    late = measure_result(referral, book, Measure.FIRST_CONTACT, now=at(2025, 6, 7, 16, 5))
    assert late.status == DueStatus.OVERDUE
    assert late.text == "Overdue by 2 hours"


def test_once_a_contact_attempt_is_made_the_triage_target_is_next():
    referral = unsaved_referral(received_at=at(2025, 6, 2), first_contact_attempt_at=at(2025, 6, 2, 12))
    due, status = referral_due(referral, TargetBook([]), now=at(2025, 6, 3))
    assert due == at(2025, 6, 9)  # routine triage: 5 working days
    assert status == DueStatus.ON_TIME


def test_a_working_day_target_is_due_soon_on_the_day_it_falls_due():
    referral = unsaved_referral(received_at=at(2025, 6, 2, 15), priority=Priority.CHILDRENS_SERVICES)
    book = TargetBook([])
    assert referral_due(referral, book, now=at(2025, 6, 2, 16)) == (at(2025, 6, 3, 15), DueStatus.ON_TIME)
    assert referral_due(referral, book, now=at(2025, 6, 3, 8)) == (at(2025, 6, 3, 15), DueStatus.DUE_SOON)
    assert measure_result(referral, book, Measure.FIRST_CONTACT, now=at(2025, 6, 3, 8)).text == "Due in 7 hours"


def test_a_step_done_late_is_shown_as_missed_and_on_time_as_met():
    referral = unsaved_referral(
        received_at=at(2025, 6, 2),
        first_contact_attempt_at=at(2025, 6, 9),
        triage_completed_at=at(2025, 6, 5),
    )
    book = TargetBook([])
    first_contact = measure_result(referral, book, Measure.FIRST_CONTACT, now=at(2025, 6, 10))
    triage = measure_result(referral, book, Measure.TRIAGE, now=at(2025, 6, 10))
    assert first_contact.status == DueStatus.MISSED
    assert first_contact.text == "Missed by 2 working days"
    assert triage.status == DueStatus.MET
    assert triage.text == "Met with 2 working days to spare"


def test_a_referral_received_on_saturday_counts_from_monday():
    referral = unsaved_referral(received_at=at(2025, 6, 7, 15), priority=Priority.CHILDRENS_SERVICES)
    result = measure_result(referral, TargetBook([]), Measure.FIRST_CONTACT, now=at(2025, 6, 7, 16))
    assert result.due_at == at(2025, 6, 10, 9)  # Monday 9:00 plus one working day


def test_gaps_read_as_minutes_hours_then_working_days():
    assert describe_gap(at(2025, 6, 2, 10), at(2025, 6, 2, 10, 20)) == "20 minutes"
    assert describe_gap(at(2025, 6, 2, 10), at(2025, 6, 2, 11, 5)) == "1 hour"
    assert describe_gap(at(2025, 6, 2, 10), at(2025, 6, 4, 11)) == "2 working days"
    # Friday evening to Monday morning: days of clock time, no working day.
    assert describe_gap(at(2025, 6, 6, 17), at(2025, 6, 9, 10)) == "less than 1 working day"
    assert working_days_between(at(2025, 6, 9), at(2025, 6, 2)) == 0


@pytest.mark.django_db
def test_saved_referral_uses_its_priority(spoc_practitioner):
    referral = ReferralFactory(priority=Priority.URGENT, is_urgent=True, received_at=at(2025, 6, 2, 9))
    due, status = referral_due(referral, TargetBook.load(), now=at(2025, 6, 2, 14))
    assert due == at(2025, 6, 2, 13)
    assert status == DueStatus.OVERDUE


# --- The admin edits targets (§4.3.6) ------------------------------------------------------------


def test_targets_are_listed_and_added_in_the_admin_with_history(admin_client):
    # pytest-django's admin_client is a signed-in superuser.
    response = admin_client.post(
        "/admin/referrals/responsetarget/add/",
        {
            "priority": Priority.ROUTINE,
            "measure": Measure.TRIAGE,
            "amount": 4,
            "unit": Unit.WORKING_DAYS,
            "effective_from": "2026-04-01",
        },
    )
    assert response.status_code == 302
    target = ResponseTarget.objects.get()
    assert target.history.get().history_user.username == "admin"  # pytest-django's admin_client
    listing = admin_client.get("/admin/referrals/responsetarget/")
    assert listing.status_code == 200
    assert "Triage completed" in listing.content.decode()


def test_referrals_in_the_admin_are_found_by_reference_and_read_only(admin_client):
    referral = ReferralFactory()
    other = ReferralFactory()
    listing = admin_client.get("/admin/referrals/referral/", {"q": referral.reference}).content.decode()
    assert referral.reference in listing
    assert other.reference not in listing
    change = admin_client.get(f"/admin/referrals/referral/{referral.pk}/change/")
    assert change.status_code == 200
    assert 'type="submit" value="Save"' not in change.content.decode()
    assert admin_client.get("/admin/referrals/referral/add/").status_code == 403
    assert admin_client.get(f"/admin/referrals/referral/{referral.pk}/history/").status_code == 200
