"""The safeguarding KPIs (schedule version 3) worked out by hand over a small service: records on
both sides of the 1 October 2026 quarter boundary (midnight in UK time, 23:00 UTC the day before),
a complaint stage ended after midnight UK time on its target day's next day (still the target day
in UTC), and a notification sent one minute late.

The records are made directly, with the times the KPIs count by: the services stamp "now"."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from reporting.build import report_data
from reporting.kpis import safeguarding as kpis
from reporting.kpis.common import Context
from reporting.periods import Quarter
from safeguarding.models import (
    Complaint,
    ComplaintStage,
    Concern,
    DeathInService,
    DrugAlert,
    NonFatalOverdose,
    Notification,
    SeriousIncident,
)
from safeguarding.models.incidents import IncidentCategory, IncidentType
from tests.factories import PersonFactory, UserFactory

LONDON = ZoneInfo("Europe/London")
JUL_SEP, OCT_DEC = Quarter(2026, 2), Quarter(2026, 3)
CUMB, WF, NR = "cumberland", "westmorland_and_furness", "not_recorded"
EXACT = override_settings(REPORT_SUPPRESSION_THRESHOLD=0, REPORT_ROUNDING_BASE=1)


def at(*parts) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=LONDON)


BOUNDARY = at(2026, 10, 1, 0, 0)  # the first moment of October to December (23:00 UTC on 30 September)
JUST_BEFORE = BOUNDARY - dt.timedelta(minutes=1)


@pytest.fixture
def service(db):
    user = UserFactory()
    p_c = PersonFactory(council_of_residence=CUMB)
    p_w = PersonFactory(council_of_residence=WF)

    def complaint(person, category, received, *, kind=Complaint.Kind.COMPLAINT, closed=None, outcome=""):
        return Complaint.objects.create(
            kind=kind,
            channel=Complaint.Channel.PHONE,
            category=category,
            received_at=received,
            summary="S",
            complainant_from=Complaint.From.PERSON_SUPPORTED,
            person=person,
            closed_at=closed,
            outcome=outcome,
        )

    c1 = complaint(p_c, "access", BOUNDARY, closed=at(2026, 12, 31, 23, 59), outcome="partly_upheld")
    c2 = complaint(p_w, "staff", JUST_BEFORE, closed=at(2026, 10, 2, 9), outcome="not_upheld")
    complaint(None, "staff", at(2026, 11, 5, 10), closed=at(2026, 12, 1, 12), outcome="upheld")
    complaint(p_c, "staff", at(2026, 10, 10, 12), kind=Complaint.Kind.COMPLIMENT)
    complaint(p_c, "staff", at(2026, 7, 1, 0, 0), kind=Complaint.Kind.COMPLIMENT)

    def stage(complaint, name, target, ended):
        ComplaintStage.objects.create(
            complaint=complaint,
            stage=name,
            responsible_role="Manager",
            started_at=ended - dt.timedelta(days=5),
            target_date=target,
            ended_at=ended,
        )

    # 00:30 UK time on 16 October is 23:30 UTC on the 15th: a day late, judged in UK time.
    stage(c1, "local_resolution", dt.date(2026, 10, 15), at(2026, 10, 16, 0, 30))
    stage(c1, "formal_investigation", dt.date(2026, 12, 1), at(2026, 12, 1, 17))
    stage(c2, "local_resolution", dt.date(2026, 9, 30), at(2026, 9, 30, 12))

    def incident(person, seriousness, category, kind, occurred):
        SeriousIncident.objects.create(
            seriousness=seriousness,
            category=category,
            incident_type=kind,
            occurred_at=occurred,
            known_at=occurred,
            description="D",
            person=person,
            recorded_by=user,
        )

    harm, violence = IncidentCategory.HARM_SAFEGUARDING, IncidentCategory.VIOLENCE_EMERGENCIES
    incident(p_c, "serious", harm, IncidentType.SAFEGUARDING_ACTION, BOUNDARY)
    incident(None, "near_miss", violence, IncidentType.EMERGENCY_CALL, at(2026, 11, 3, 3))
    incident(p_w, "serious", harm, IncidentType.SAFEGUARDING_ACTION, JUST_BEFORE)

    def concern(person, about, raised, *, council="", referred_on=None):
        Concern.objects.create(
            person=person,
            about=about,
            category=Concern.Category.NEGLECT,
            at_risk=Concern.AtRisk.PERSON,
            risk_level=Concern.RiskLevel.HIGH,
            summary="S",
            raised_at=raised,
            raised_by=user,
            council=council,
            referred_on=referred_on,
        )

    # Referred to the other council than the one the person lives in: counted where referred.
    concern(p_c, "child", BOUNDARY, council=WF, referred_on=dt.date(2026, 10, 2))
    concern(p_w, "adult", JUST_BEFORE, referred_on=dt.date(2026, 10, 1))
    concern(p_c, "adult", at(2026, 12, 31, 23, 59))

    for person, died in ((p_w, dt.date(2026, 10, 1)), (p_c, dt.date(2026, 9, 30))):
        DeathInService.objects.create(
            person=person, died_on=died, known_at=at(2026, 10, 3, 9), cause="not_known", recorded_by=user
        )

    for person, occurred, by, doses in (
        (p_c, BOUNDARY, "staff", 2),
        (p_c, at(2026, 10, 20, 14), "not_given", 0),
        (None, JUST_BEFORE, "peer", 1),
    ):
        NonFatalOverdose.objects.create(
            person=person, occurred_at=occurred, naloxone_by=by, naloxone_doses=doses, recorded_by=user
        )

    for n, (council, due, sent) in enumerate(
        (
            (CUMB, at(2026, 10, 5, 12), at(2026, 10, 5, 12)),  # sent at the very moment due: on time
            (CUMB, at(2026, 10, 6, 12), at(2026, 10, 6, 12, 1)),  # one minute late
            (WF, BOUNDARY, None),  # due at the boundary, never sent
            (WF, JUST_BEFORE, at(2026, 9, 29, 9)),
        )
    ):
        Notification.objects.create(
            kind=Notification.Kind.SERIOUS_INCIDENT,
            council=council,
            subject_type="safeguarding.seriousincident",
            subject_id=n + 1,
            subject_reference=f"SI-{n}",
            starts_at=due - dt.timedelta(days=1),
            due_at=due,
            raised_by=user,
            sent_at=sent,
        )

    for issued in (BOUNDARY, JUST_BEFORE, at(2026, 11, 1, 8)):
        DrugAlert.objects.create(
            title="T",
            grade="warning",
            substance="S",
            area="A",
            what_seen="W",
            advice="A",
            source="ldis",
            issued_at=issued,
            issued_by=user,
        )


CTX = Context(quarters=(JUL_SEP, OCT_DEC))


def test_complaints_and_compliments(service):
    assert kpis.complaints_by_category(CTX) == {(CUMB, "access"): [0, 1], (WF, "staff"): [1, 0], (NR, "staff"): [0, 1]}
    assert kpis.compliments(CTX) == {(CUMB,): [1, 1]}
    assert kpis.complaints_by_outcome(CTX) == {
        (CUMB, "partly_upheld"): [0, 1],
        (WF, "not_upheld"): [0, 1],
        (NR, "upheld"): [0, 1],
    }


def test_complaint_stages_within_target_are_judged_on_the_uk_day(service):
    rates = kpis.complaints_resolved_within_target(CTX)
    assert rates[CUMB] == [(0, 0), (1, 2)]
    assert rates[WF] == [(1, 1), (0, 0)]
    assert rates[""] == [(1, 1), (1, 2)]


def test_serious_incidents_and_near_misses(service):
    assert kpis.serious_incidents_by_category(CTX) == {
        (CUMB, "harm_safeguarding", "serious"): [0, 1],
        (NR, "violence_emergencies", "near_miss"): [0, 1],
        (WF, "harm_safeguarding", "serious"): [1, 0],
    }


def test_concerns_and_referrals_to_councils(service):
    assert kpis.safeguarding_concerns(CTX) == {(CUMB, "child"): [0, 1], (WF, "adult"): [1, 0], (CUMB, "adult"): [0, 1]}
    assert kpis.safeguarding_council_referrals(CTX) == {(WF, "child"): [0, 1], (WF, "adult"): [0, 1]}


def test_deaths_overdoses_and_naloxone(service):
    assert kpis.deaths_in_service(CTX) == {(WF,): [0, 1], (CUMB,): [1, 0]}
    assert kpis.non_fatal_overdoses(CTX) == {(CUMB,): [0, 2], (NR,): [1, 0]}
    assert kpis.overdoses_with_naloxone(CTX) == {(CUMB,): [0, 1], (NR,): [1, 0]}
    assert kpis.naloxone_doses_at_overdoses(CTX) == {(CUMB,): [0, 2], (NR,): [1, 0]}


def test_notifications_on_time_one_minute_late_is_late(service):
    rates = kpis.notifications_on_time(CTX)
    assert rates[CUMB] == [(0, 0), (1, 2)]
    assert rates[WF] == [(1, 1), (0, 1)]
    assert rates[""] == [(1, 1), (1, 3)]


def test_drug_alerts_issued(service):
    assert kpis.drug_alerts_issued(CTX) == {(NR,): [1, 2]}


def table(data, kpi_id):
    return next(t for t in data.kpi_tables if t.kpi_id == kpi_id)


def shown(t, breakdown=()):
    return [c.shown for c in next(r for r in t.rows if r.breakdown == breakdown).cells]


SAFEGUARDING_IDS = {
    "complaints_by_category",
    "compliments",
    "complaints_by_outcome",
    "complaints_resolved_within_target",
    "serious_incidents_by_category",
    "safeguarding_concerns",
    "safeguarding_council_referrals",
    "deaths_in_service",
    "non_fatal_overdoses",
    "overdoses_with_naloxone",
    "naloxone_doses_at_overdoses",
    "notifications_on_time",
    "drug_alerts_issued",
}


def test_the_report_before_october_2026_uses_version_2_and_after_version_3(service):
    before, after = report_data(quarter=JUL_SEP), report_data(quarter=OCT_DEC)
    assert (before.schedule_version, after.schedule_version) == (2, 3)
    assert not SAFEGUARDING_IDS & {t.kpi_id for t in before.kpi_tables}
    assert {t.kpi_id for t in after.kpi_tables} >= SAFEGUARDING_IDS
    # Every KPI of version 2 is still there, in the same order, before the new ones.
    assert [t.kpi_id for t in after.kpi_tables][: len(before.kpi_tables)] == [t.kpi_id for t in before.kpi_tables]


def test_the_tables_pass_through_disclosure_control(service):
    data = report_data(quarter=OCT_DEC)
    # Small counts of people and events are hidden (1 to the threshold is "*").
    assert shown(table(data, "safeguarding_concerns"))[-1] == "*"
    assert shown(table(data, "non_fatal_overdoses"), (("council", CUMB),))[-1] == "*"
    # Drug alerts: a whole-service headline count of activity, exact.
    assert shown(table(data, "drug_alerts_issued"))[-2:] == ["1", "2"]
    # A rate over fewer people than the threshold is withheld.
    assert shown(table(data, "notifications_on_time"))[-1] == "-"


@EXACT
def test_the_tables_with_disclosure_control_off_show_the_hand_worked_figures(service):
    data = report_data(quarter=OCT_DEC)
    assert shown(table(data, "complaints_by_category"))[-2:] == ["1", "2"]
    assert shown(table(data, "complaints_by_category"), (("complaint_category", "staff"),))[-2:] == ["1", "1"]
    assert shown(table(data, "serious_incidents_by_category"), (("incident_category", "harm_safeguarding"),))[-2:] == [
        "1",
        "1",
    ]
    assert shown(table(data, "safeguarding_council_referrals"), (("council", WF),))[-2:] == ["0", "2"]
    assert table(data, "notifications_on_time").rows[0].cells[-1].value == 33  # 1 of 3, as published
    # Every notification is due on time: 1 of 3 misses the target, and the report says so.
    target = table(data, "notifications_on_time").target
    assert (target.text, target.met) == ("At least 100%", False)
    assert table(data, "complaints_resolved_within_target").rows[0].cells[-1].value == 50


@EXACT
def test_a_council_report_is_cut_from_the_whole_service_tables(service):
    data = report_data(quarter=OCT_DEC, council=CUMB)
    assert data.schedule_version == 3
    cumb = (("council", CUMB),)
    assert shown(table(data, "safeguarding_concerns"), cumb)[-2:] == ["0", "2"]
    assert shown(table(data, "compliments"), cumb)[-2:] == ["1", "1"]
    assert table(data, "notifications_on_time").rows[0].cells[-1].value == 50  # on time; a minute late
    # Drug alerts are service-wide: none is counted in a council.
    assert shown(table(data, "drug_alerts_issued"), cumb)[-2:] == ["0", "0"]
