"""A small hand-built service (factories and plain rows) whose every KPI is worked out by hand in
tests/reporting/test_kpis_reference.py. Four people:

- Ann: referred from Cumberland at 23:30 BST on 30 June 2025 (Q1), moves to Westmorland and
  Furness and is referred again there in October (Q3); inactive (goals met) in December.
- Ben: Westmorland and Furness, referred at 00:30 BST on 1 July 2025 (Q2); triage late; his
  referral is closed in September; referred again from Cumberland at 00:00 on 1 October.
- Cat: a carer, Cumberland, no person record.
- Dan: Cumberland, urgent; inactive (disengaged) in September, re-enters in October.

The report's quarters for Q3 2025-26 are, oldest first: Oct-Dec 2024 (0), Jan-Mar 2025 (1),
Apr-Jun 2025 (2), Jul-Sep 2025 (3), Oct-Dec 2025 (4).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from assessments.models import InstrumentReading, SubstanceSection
from partnership.models import Role
from recovery_plans.models import (
    Contact,
    EngagementTransition,
    NaloxonePartnerSupply,
    OutreachContact,
    OutreachSession,
    PlanReview,
    RecoveryPlan,
)
from referrals.models import Referral, ReferralFeedback, TreatmentReferral
from tests.factories import HubFactory, PersonFactory, ReferralFactory, UserFactory

LONDON = ZoneInfo("Europe/London")
CUMB, WF = "cumberland", "westmorland_and_furness"


def at(y, m, d, h=12, mi=0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=LONDON)


def build_reference(ers=None):
    staff = UserFactory(username="kpi-staff", membership__role=Role.HUB_WORKER)
    carlisle = HubFactory(name="Carlisle", council=CUMB)
    kendal = HubFactory(name="Kendal", council=WF)
    ann = PersonFactory(given_name="Ann", council_of_residence=WF)  # her record says where she lives now
    ben = PersonFactory(given_name="Ben", council_of_residence=WF)
    dan = PersonFactory(given_name="Dan", council_of_residence=CUMB)

    def referral(person, received, council, **fields):
        return ReferralFactory(person=person, received_at=received, council_of_residence=council, **fields)

    r1 = referral(ann, at(2025, 6, 30, 23, 30), CUMB, source="gp", channel="phone", substances=["alcohol"])
    r1.first_contact_attempt_at, r1.triage_completed_at = at(2025, 7, 1, 9), at(2025, 7, 3, 10)
    r1.allocated_at = at(2025, 7, 5)
    r1.save()
    r2 = referral(ben, at(2025, 7, 1, 0, 30), WF, source="self", channel="online", substances=["cannabis"])
    r2.first_contact_attempt_at, r2.triage_completed_at = at(2025, 7, 1, 10, 30), at(2025, 7, 15, 10)
    r2.allocated_at, r2.closed_at, r2.status = at(2025, 7, 16), at(2025, 9, 20), Referral.Status.CLOSED
    r2.save()
    r3 = referral(None, at(2025, 8, 15, 10), CUMB, source="gp", channel="phone", support_for="carer", substances=[])
    r3.first_contact_attempt_at = at(2025, 8, 15, 11)
    r3.save()
    r4 = referral(ann, at(2025, 10, 10, 12), WF, source="self", channel="email")
    r4.first_contact_attempt_at, r4.allocated_at = at(2025, 10, 10, 13), at(2025, 10, 12)
    r4.save()
    r5 = referral(
        dan, at(2025, 8, 5, 12), CUMB, source="hospital", channel="in_person", substances=["opioids"], priority=1
    )
    r5.first_contact_attempt_at, r5.allocated_at = at(2025, 8, 5, 20), at(2025, 8, 6)
    r5.closed_at = at(2026, 1, 15)  # closed after both quarter ends: on the caseload at each
    r5.save()
    # Ben again, from Cumberland, at exactly midnight on 1 October (the first instant of Q3),
    # urgent, contacted exactly 4 hours later (the urgent target, met on the minute).
    r6 = referral(ben, at(2025, 10, 1, 0, 0), CUMB, source="police", channel="phone", priority=1)
    r6.first_contact_attempt_at = at(2025, 10, 1, 4, 0)
    r6.save()

    SubstanceSection.objects.create(
        person=ann, updated_by=staff, primary_substance="alcohol", secondary_substance="cocaine"
    )
    SubstanceSection.objects.create(
        person=ben, updated_by=staff, primary_substance="cannabis", secondary_substance="opioids"
    )

    def treatment(ref, sent, status, started=None):
        return TreatmentReferral.objects.create(
            referral=ref,
            reason="triage_outcome",
            status=status,
            created_by=staff,
            sent_at=sent,
            treatment_started_on=started,
        )

    treatment(r1, at(2025, 7, 2), "accepted", dt.date(2025, 7, 20))
    treatment(r5, at(2025, 9, 30, 23, 30), "accepted", dt.date(2025, 10, 1))
    treatment(r2, at(2025, 10, 1, 0, 10), "sent")
    treatment(r4, at(2025, 10, 15), "declined")
    treatment(r6, at(2025, 10, 1, 1), "declined", dt.date(2025, 10, 2))  # a start then declined: not a start

    def contact(person, when, setting="hub", **fields):
        return Contact.objects.create(
            person=person,
            occurred_at=when,
            type=fields.pop("type", "peer_support"),
            setting=setting,
            duration_minutes=30,
            recorded_by=staff,
            **fields,
        )

    contact(ann, at(2025, 1, 10))
    contact(ann, at(2025, 7, 5), "home_visit")  # 176 days after 10 January: not new
    contact(ann, at(2025, 10, 1), "in_reach")
    contact(ben, at(2025, 1, 18, 11))  # exactly 183 days before his next (11:00 GMT = 12:00 BST - 183 days)
    contact(ben, at(2025, 7, 20), harm_reduction_topics=["overdose", "safer_injecting"], naloxone_kits_supplied=2)
    contact(ben, at(2025, 7, 25), "in_reach", family_support="craft")
    contact(dan, at(2025, 2, 5))
    contact(dan, at(2025, 8, 10), "outreach", harm_reduction_topics=["overdose"], naloxone_kits_supplied=1)  # 186 days

    def change(person, when, to, reason=""):
        EngagementTransition.objects.create(
            person=person,
            from_status="active" if to == "inactive" else "inactive",
            to_status=to,
            reason=reason,
            at=when,
            by=staff,
        )

    change(dan, at(2025, 9, 1), "inactive", "disengaged")
    change(dan, at(2025, 10, 5), "active")
    change(ann, at(2025, 12, 20), "inactive", "goals_met")

    s1 = OutreachSession.objects.create(
        date=dt.date(2025, 7, 10),
        started_at=dt.time(18),
        ended_at=dt.time(21, 30),
        area="Town centre",
        hub=carlisle,
        recorded_by=staff,
    )
    OutreachSession.objects.create(
        date=dt.date(2025, 9, 30),
        started_at=dt.time(20),
        ended_at=dt.time(23),
        area="Station",
        hub=kendal,
        recorded_by=staff,
    )
    OutreachSession.objects.create(
        date=dt.date(2025, 10, 1),
        started_at=dt.time(10),
        ended_at=dt.time(11),
        area="Park",
        hub=kendal,
        recorded_by=staff,
    )
    OutreachContact.objects.create(
        session=s1,
        occurred_at=at(2025, 7, 10, 19),
        location="Town centre",
        substance="opiate",
        engaged=False,
        hub=carlisle,
        recorded_by=staff,
    )
    OutreachContact.objects.create(
        occurred_at=at(2025, 10, 12), location="Park", substance="alcohol", engaged=True, hub=kendal, recorded_by=staff
    )
    NaloxonePartnerSupply.objects.create(
        agency_name="Hostel", kits=5, supplied_on=dt.date(2025, 9, 30), hub=carlisle, supplied_by=staff
    )
    NaloxonePartnerSupply.objects.create(
        agency_name="Hostel", kits=3, supplied_on=dt.date(2025, 10, 1), hub=kendal, supplied_by=staff
    )

    def plan(person, started, due):
        return RecoveryPlan.objects.create(person=person, started_on=started, review_due=due, created_by=staff)

    def review(p, on, next_review):
        PlanReview.objects.create(
            plan=p, reviewed_on=on, what_changed="-", goals_progress="-", next_review=next_review, reviewed_by=staff
        )
        p.review_due = next_review
        p.save()

    p1 = plan(ann, dt.date(2025, 7, 5), dt.date(2025, 8, 5))
    review(p1, dt.date(2025, 8, 5), dt.date(2025, 11, 4))  # on the due day: on time
    p2 = plan(dan, dt.date(2025, 8, 6), dt.date(2025, 9, 20))
    review(p2, dt.date(2025, 9, 25), dt.date(2025, 12, 25))  # late
    review(p2, dt.date(2025, 12, 20), dt.date(2026, 3, 20))  # early: on time

    def reading(person, instrument, when, total):
        InstrumentReading.objects.create(
            person=person, instrument=instrument, instrument_version=1, total=total, taken_at=when, recorded_by=staff
        )

    reading(ann, "audit", at(2025, 1, 10), 22)  # zone IV
    reading(ann, "audit", at(2025, 8, 1), 12)  # zone II: lower
    reading(ben, "audit", at(2025, 7, 1), 9)  # zone II
    reading(ben, "audit", at(2025, 9, 2), 14)  # zone II: not lower
    reading(dan, "audit", at(2025, 8, 3), 25)  # only one: not counted
    reading(ann, "barc-10", at(2025, 1, 10), 30)
    reading(ann, "barc-10", at(2025, 8, 1), 35)  # +5
    reading(ben, "barc-10", at(2025, 7, 1), 40)
    reading(ben, "barc-10", at(2025, 8, 20), 38)
    reading(ben, "barc-10", at(2025, 9, 2), 44)  # +4 (latest minus first)

    def feedback(ref, when, satisfaction):
        ReferralFeedback.objects.create(referral=ref, satisfaction=satisfaction, recorded_at=when, recorded_by=staff)

    feedback(r1, at(2025, 7, 3), "satisfied")
    feedback(r2, at(2025, 7, 16), "dissatisfied")
    feedback(r5, at(2025, 8, 6), "prefer_not_to_say")
    return {"ann": ann, "ben": ben, "dan": dan, "staff": staff}
