"""The demo's eight quarters of history (issue 10: "a newcomer sees a real report at once"):
every kind of record a quarterly report counts, in every quarter and both councils, with
enough people that most cells are not suppressed; and a second run adds nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from assessments.models import EqualitySection, InstrumentReading, SubstanceSection
from demo.reporting import HISTORY_SPOC
from partnership.models import Council
from recovery_plans.models import (
    Contact,
    EngagementTransition,
    NaloxonePartnerSupply,
    OutreachContact,
    OutreachSession,
    PlanReview,
)
from referrals.models import Person, Referral, ReferralFeedback, TreatmentReferral
from reporting.build import report_data
from reporting.periods import Quarter
from reporting.schedule import schedule_for

pytestmark = pytest.mark.django_db


def _counts() -> tuple:
    models = (Referral, Person, Contact, TreatmentReferral, InstrumentReading, PlanReview, OutreachContact)
    return tuple(model.objects.count() for model in models)


def test_eight_quarters_of_history_in_both_councils_and_a_rerun_adds_nothing(monkeypatch):
    monkeypatch.delenv("DJANGO_DEMO_PASSWORD", raising=False)
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "Eight quarters of history" in out.getvalue()

    quarters = [Quarter.containing(timezone.now()).previous(n) for n in range(8, 0, -1)]
    for quarter in quarters:
        received = Referral.objects.filter(received_at__gte=quarter.starts_at, received_at__lt=quarter.ends_at)
        for council in (Council.CUMBERLAND, Council.WESTMORLAND_AND_FURNESS):
            assert received.filter(council_of_residence=council).count() >= 50, (quarter.code, council)
        contacts = Contact.objects.filter(occurred_at__gte=quarter.starts_at, occurred_at__lt=quarter.ends_at)
        assert contacts.count() >= 200, quarter.code
        sent = TreatmentReferral.objects.filter(sent_at__gte=quarter.starts_at, sent_at__lt=quarter.ends_at)
        assert sent.count() >= 40, quarter.code
        sessions = OutreachSession.objects.filter(date__gte=quarter.start_date, date__lte=quarter.end_date)
        assert sessions.count() >= 50, quarter.code
    last = quarters[-1]
    in_last = Contact.objects.filter(occurred_at__gte=last.starts_at, occurred_at__lt=last.ends_at)
    assert set(in_last.values_list("setting", flat=True)) >= {"hub", "in_reach", "home_visit", "outreach"}
    assert in_last.exclude(harm_reduction_topics=[]).count() >= 50
    assert in_last.filter(naloxone_kits_supplied__gt=0).exists()
    assert NaloxonePartnerSupply.objects.filter(supplied_on__gte=last.start_date).exists()
    assert TreatmentReferral.objects.filter(status="accepted", treatment_started_on__isnull=False).count() >= 100
    assert TreatmentReferral.objects.filter(status="declined").exists()
    assert TreatmentReferral.objects.filter(sent_at__isnull=False).count() == (
        TreatmentReferral.objects.filter(transitions__to_status="sent").count()
    )
    reasons = set(EngagementTransition.objects.filter(to_status="inactive").values_list("reason", flat=True))
    assert reasons >= {"goals_met", "disengaged", "moved_away"}
    assert EngagementTransition.objects.filter(to_status="active").exists()  # re-entries
    assert PlanReview.objects.filter(reviewed_on__gt=F("plan__started_on")).exists()
    assert EqualitySection.objects.count() >= 500 and SubstanceSection.objects.count() >= 500
    assert {"audit", "barc-10"} <= set(InstrumentReading.objects.values_list("instrument", flat=True))
    assert OutreachContact.objects.filter(engaged=False).exclude(not_engaging_reason="").exists()
    assert ReferralFeedback.objects.count() >= 100
    assert Person.objects.exclude(pronouns="").count() >= 100
    # The scenarios' sign-ins are untouched: the history has staff of its own.
    assert not Referral.objects.filter(assigned_to__username=HISTORY_SPOC, allocated_worker__username="hubworker")

    _newest_report_has_safeguarding_figures()

    before = _counts()
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == before


SAFEGUARDING_KPIS = (
    "safeguarding_concerns",
    "safeguarding_council_referrals",
    "complaints_by_category",
    "complaints_by_outcome",
    "complaints_resolved_within_target",
    "compliments",
    "serious_incidents_by_category",
    "deaths_in_service",
    "non_fatal_overdoses",
    "overdoses_with_naloxone",
    "notifications_on_time",
    "drug_alerts_issued",
)


def _newest_report_has_safeguarding_figures():
    """The newest quarter a report counts safeguarding in (schedule version 3 from October 2026:
    the last finished quarter once it is under it, until then the current one) shows figures:
    above nought, or "*" (between one and seven), never "0" or withheld ("-")."""
    now = timezone.now()
    quarter = next(
        q
        for q in (Quarter.last_finished(), Quarter.containing(now))
        if "safeguarding_concerns" in {kpi.id for kpi in schedule_for(q).kpis}
    )
    tables = {table.kpi_id: table for table in report_data(quarter=quarter).kpi_tables}
    for kpi in SAFEGUARDING_KPIS:
        newest = tables[kpi].rows[0].cells[-1]  # the whole service, this quarter
        assert newest.shown not in ("0", "-") and (newest.shown == "*" or newest.value), (kpi, newest)
    assert tables["safeguarding_concerns"].rows[0].cells[-1].value >= 10
    assert {row.label for row in tables["safeguarding_concerns"].rows} >= {"Adult", "Child"}
