"""Shared by the protected-characteristic and dashboard tests: a stand-in for
``reporting.disclosure`` while helper A's module is not in this tree, and a small dataset whose
every count is worked out by hand below (no tests of its own here).

The report's quarter is Q3 2025/26 (October to December 2025); its columns are Q3 2024/25 to
Q3 2025/26, so index 4 is the quarter itself and index 3 the one before it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from assessments.models import EqualitySection
from recovery_plans.models import EngagementStatus, EngagementTransition, ReengagementFlag
from referrals.models import Referral, TreatmentReferral
from reporting.periods import Quarter
from tests.factories import PersonFactory, ReferralFactory

QUARTER = Quarter(2025, 3)
LONDON = ZoneInfo("Europe/London")
NAMES = ("Philippa", "Quennell")  # on a person in the dataset: never on a dashboard
POSTCODE = "CA3 9QX"
DATE_OF_BIRTH = dt.date(1990, 11, 15)


def at(year, month, day, hour=12, minute=0, tz=LONDON) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=tz)


@pytest.fixture
def disclosure():
    """The one disclosure step (RPT-4) the tables and dashboards go through."""
    from reporting import disclosure as module

    return module


# --- The dataset -------------------------------------------------------------------------------


@dataclass
class Dataset:
    people: dict
    hubs: tuple


def _person(name, *, dob, council="cumberland", **given):
    return PersonFactory(
        given_name=name, family_name="Example", date_of_birth=dob, council_of_residence=council, **given
    )


def _equality(person, by, **answers):
    return EqualitySection.objects.create(person=person, updated_by=by, **answers)


def _referral(person, *, received, council="cumberland", hub=None, allocated=None, dob=None):
    return ReferralFactory(
        person=person,
        received_at=received,
        council_of_residence=council,
        hub=hub,
        allocated_at=allocated,
        status=Referral.Status.ALLOCATED if allocated else Referral.Status.RECEIVED,
        subject_date_of_birth=dob,
        subject_given_name=NAMES[0],
        subject_family_name=NAMES[1],
        subject_postcode=POSTCODE,
    )


def build_dataset(*, by, hub, other_hub) -> Dataset:
    """Worked by hand (quarter Q3 2025/26, index 4; the one before, index 3; index 0 a year ago):

    Referred in the quarter: P1, P2, P3 (twice), P5 (at 00:30 BST on 1 October), P6 and one
    referral not yet linked to a person (U1) = 6 people.
      Sex: female P1 P5 = 2; male P2 = 1; prefer not to say P6 = 1; not recorded P3 (no
      section), U1 (no person) = 2.
      Ethnicity: white P1 P5 = 2; asian P6 = 1; prefer not to say P2 = 1; not recorded 2.
      Age at referral: P1 34 (25 to 34); P2 24, the day before the 25th birthday (18 to 24);
      P3 no date of birth (not recorded); P5 75 and U1 65 (65 and over: 2); P6 15 (under 18).
      Cumberland only: P1, P3, P5, U1 = 4.
    Began support (allocated) in the quarter: P1 (Carlisle). P2 is allocated in January 2026,
    after the quarter: not counted.
    Referred to Treatment and started treatment in the quarter: P1.
    Recovery goals met in the quarter: P4 (sex "not asked yet": not recorded).
    The quarter before (index 3): P4 referred (not recorded); P7 referred, female, allocated
    to Kendal, became inactive (disengaged) and is flagged for re-engagement.
    A year before (index 0): nine referrals not linked to anyone (not recorded: 9, shown "10").
    """
    people = {}
    people["P1"] = p1 = _person(NAMES[0], dob=DATE_OF_BIRTH, postcode=POSTCODE)
    p1.family_name = NAMES[1]
    p1.save()
    _equality(p1, by, sex="female", ethnicity="white", disability="no")
    r1 = _referral(p1, received=at(2025, 11, 10), hub=hub, allocated=at(2025, 11, 20), dob=DATE_OF_BIRTH)
    TreatmentReferral.objects.create(
        referral=r1,
        reason=TreatmentReferral.Reason.TRIAGE_OUTCOME,
        status=TreatmentReferral.Status.ACCEPTED,
        created_by=by,
        sent_at=at(2025, 11, 25),
        treatment_started_on=dt.date(2025, 12, 5),
    )

    people["P2"] = p2 = _person("P2", dob=dt.date(2000, 10, 20), council="westmorland_and_furness")
    _equality(p2, by, sex="male", ethnicity="prefer_not_to_say")
    _referral(p2, received=at(2025, 10, 19), council="westmorland_and_furness", hub=other_hub, allocated=at(2026, 1, 5))

    people["P3"] = p3 = _person("P3", dob=None)
    _referral(p3, received=at(2025, 10, 2))
    _referral(p3, received=at(2025, 12, 31, 23, 30))  # a re-referral: the same person once

    people["P4"] = p4 = _person("P4", dob=dt.date(1980, 1, 1))
    _equality(p4, by, sex="not_asked")
    _referral(p4, received=at(2025, 8, 1), hub=hub, allocated=at(2025, 8, 10))
    EngagementTransition.objects.create(
        person=p4,
        from_status=EngagementStatus.Status.ACTIVE,
        to_status=EngagementStatus.Status.INACTIVE,
        reason=EngagementStatus.Reason.GOALS_MET,
        at=at(2025, 10, 10),
        by=by,
    )

    people["P5"] = p5 = _person("P5", dob=dt.date(1950, 6, 1))
    _equality(p5, by, sex="female", ethnicity="white")
    # 23:30 UTC on 30 September is 00:30 BST on 1 October: the quarter's first hour.
    _referral(p5, received=dt.datetime(2025, 9, 30, 23, 30, tzinfo=dt.UTC))

    people["P6"] = p6 = _person("P6", dob=dt.date(2010, 3, 3), council="westmorland_and_furness")
    _equality(p6, by, sex="prefer_not_to_say", ethnicity="asian")
    _referral(p6, received=at(2025, 11, 1), council="westmorland_and_furness")

    _referral(None, received=at(2025, 12, 1), dob=dt.date(1960, 1, 1))  # U1

    people["P7"] = p7 = _person("P7", dob=dt.date(1985, 5, 5), council="westmorland_and_furness")
    _equality(p7, by, sex="female")
    _referral(
        p7,
        received=at(2025, 7, 1),
        council="westmorland_and_furness",
        hub=other_hub,
        allocated=at(2025, 7, 3),
    )
    EngagementTransition.objects.create(
        person=p7,
        from_status=EngagementStatus.Status.ACTIVE,
        to_status=EngagementStatus.Status.INACTIVE,
        reason=EngagementStatus.Reason.DISENGAGED,
        at=at(2025, 9, 1),
        by=by,
    )
    ReengagementFlag.objects.create(person=p7, flagged_at=at(2025, 8, 20), last_contact_at=at(2025, 7, 20))

    for _ in range(9):
        _referral(None, received=at(2024, 11, 1))
    return Dataset(people=people, hubs=(hub, other_hub))


@pytest.fixture
def dataset(db, manager, hub, other_hub):
    hub.council = "cumberland"
    hub.save()
    other_hub.council = "westmorland_and_furness"
    other_hub.save()
    return build_dataset(by=manager, hub=hub, other_hub=other_hub)
