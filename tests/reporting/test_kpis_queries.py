"""Building a report aggregates in the database: the number of queries does not grow with the
number of people (no query per person, no rows loaded per person)."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import InstrumentReading, SubstanceSection
from recovery_plans.models import Contact, EngagementTransition, PlanReview, RecoveryPlan
from referrals.models import ReferralFeedback, TreatmentReferral
from reporting.build import report_data
from reporting.periods import Quarter
from tests.factories import PersonFactory, ReferralFactory, UserFactory
from tests.reporting.kpi_reference_data import at

QUARTER = Quarter(2025, 2)


def people(count, staff, start):
    for n in range(start, start + count):
        council = ("cumberland", "westmorland_and_furness")[n % 2]
        person = PersonFactory(council_of_residence=council)
        referral = ReferralFactory(person=person, received_at=at(2025, 7, 1 + n % 28), council_of_residence=council)
        referral.first_contact_attempt_at = referral.received_at + dt.timedelta(hours=n % 30)
        referral.triage_completed_at = referral.received_at + dt.timedelta(days=n % 9)
        referral.allocated_at = referral.received_at + dt.timedelta(days=10)
        referral.save()
        SubstanceSection.objects.create(person=person, updated_by=staff, primary_substance="alcohol")
        TreatmentReferral.objects.create(
            referral=referral,
            reason="triage_outcome",
            status="accepted",
            created_by=staff,
            sent_at=referral.received_at + dt.timedelta(days=2),
            treatment_started_on=dt.date(2025, 8, 20),
        )
        ReferralFeedback.objects.create(
            referral=referral, satisfaction="satisfied", recorded_at=at(2025, 8, 1), recorded_by=staff
        )
        for day in (1, 20):
            Contact.objects.create(
                person=person,
                occurred_at=at(2025, 8, day),
                type="harm_reduction",
                setting="home_visit",
                duration_minutes=20,
                harm_reduction_topics=["overdose"],
                naloxone_kits_supplied=1,
                recorded_by=staff,
            )
        EngagementTransition.objects.create(
            person=person, from_status="active", to_status="inactive", reason="disengaged", at=at(2025, 9, 1), by=staff
        )
        plan = RecoveryPlan.objects.create(
            person=person, started_on=dt.date(2025, 7, 10), review_due=dt.date(2025, 8, 10), created_by=staff
        )
        PlanReview.objects.create(
            plan=plan,
            reviewed_on=dt.date(2025, 8, 9),
            what_changed="-",
            goals_progress="-",
            next_review=dt.date(2025, 9, 9),
            reviewed_by=staff,
        )
        for day, total in ((1, 20), (25, 10)):
            InstrumentReading.objects.create(
                person=person,
                instrument="audit",
                instrument_version=1,
                total=total,
                taken_at=at(2025, 7, day),
                recorded_by=staff,
            )


def queries_to_build():
    with CaptureQueriesContext(connection) as captured:
        report_data(quarter=QUARTER)
    return len(captured)


def test_the_query_count_does_not_grow_with_the_number_of_people(db, django_assert_max_num_queries):
    staff = UserFactory(username="query-staff")
    people(3, staff, 0)
    few = queries_to_build()
    people(27, staff, 3)
    with django_assert_max_num_queries(few):
        data = report_data(quarter=QUARTER)
    assert queries_to_build() == few
    caseload = next(t for t in data.kpi_tables if t.kpi_id == "referrals_by_council")
    assert caseload.rows[0].cells[-1].shown == "30"
