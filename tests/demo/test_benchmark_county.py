"""The county generators behind ``benchmark_report`` and ``benchmark_casework`` (and the demo's
history): casework that hangs together, and the commands' guards."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from demo import benchmark_county as county
from demo.benchmark_data import FrontDoorData
from demo.casework_data import CaseworkData
from demo.management.commands import benchmark_report
from partnership.models import Organisation
from recovery_plans.models import Contact, EngagementStatus, EngagementTransition, PlanReview, RecoveryPlan
from referrals.models import Referral, TreatmentReferral, TreatmentReferralTransition

pytestmark = pytest.mark.django_db


def test_the_casework_follows_each_referral_and_hangs_together(django_user_model):
    now = timezone.now()
    treatment = Organisation.objects.create(name="Treatment", kind=Organisation.Kind.TREATMENT)
    treatment_user = django_user_model.objects.create(username="bench-treatment")
    casework = CaseworkData(seed=1, now=now, treatment_org=treatment, treatment_user=treatment_user)
    data = FrontDoorData(seed=1, now=now, years=2, casework=casework)
    data.add(people=150, referrals=300)
    casework.finish()

    assert Contact.objects.count() > 300
    assert not Contact.objects.filter(occurred_at__gt=now).exists()
    for contact in Contact.objects.order_by("?")[:50]:
        first = Referral.objects.filter(person_id=contact.person_id, allocated_at__isnull=False).order_by(
            "allocated_at"
        )[0]
        assert first.allocated_at <= contact.occurred_at
    # One referral to the Treatment Service per referral; every sent one has its transition row.
    assert TreatmentReferral.objects.values("referral").distinct().count() == TreatmentReferral.objects.count()
    sent = TreatmentReferral.objects.filter(sent_at__isnull=False)
    assert sent.exists()
    assert TreatmentReferralTransition.objects.filter(to_status="sent").count() == sent.count()
    for tr in TreatmentReferral.objects.filter(status__in=("accepted", "declined")):
        assert tr.transitions.filter(to_status=tr.status).exists()
        assert tr.outcome_recorded_at <= now
    # Every person with a plan has exactly one current plan; reviews fall within the plan's life.
    with_plans = RecoveryPlan.objects.values("person").distinct().count()
    assert RecoveryPlan.objects.filter(status="current").count() == with_plans
    assert not PlanReview.objects.filter(reviewed_on__gt=timezone.localdate()).exists()
    # Each person whose engagement changed has a status row matching their latest change.
    for status in EngagementStatus.objects.all()[:50]:
        latest = EngagementTransition.objects.filter(person_id=status.person_id).order_by("-at").first()
        assert (latest.to_status, latest.at) == (status.status, status.since)
    assert not Referral.objects.filter(closed_at__gt=now).exists()


def test_the_one_year_county_is_a_tenth_of_the_ten_year_one():
    one, ten = county.sizes_for("1y", 1.0), county.sizes_for("10y", 1.0)
    assert (ten["people"], ten["referrals"]) == (100_000, 250_000)
    assert (one["people"] * 10, one["referrals"] * 10, one["years"] * 10) == (
        ten["people"],
        ten["referrals"],
        ten["years"],
    )


def test_the_report_benchmark_says_clearly_when_the_report_build_is_missing(monkeypatch, tmp_path):
    monkeypatch.setattr(benchmark_report, "missing_builders", lambda: "No module named 'reporting.build'")
    names = ["--one-year-database", str(tmp_path / "bench_1y"), "--ten-year-database", str(tmp_path / "bench_10y")]
    with pytest.raises(CommandError) as error:
        call_command("benchmark_report", "--allow-sqlite", *names, stdout=StringIO())
    assert "reporting.build.report_data" in str(error.value) and "--seed-only" in str(error.value)


@pytest.mark.parametrize("command", ["benchmark_report", "benchmark_casework"])
def test_the_county_benchmarks_refuse_sqlite_and_databases_not_named_for_benchmarks(command, monkeypatch):
    # As if on SQLite, whatever this run's database is: on PostgreSQL the command would go on
    # and seed (or measure) the real benchmark databases.
    monkeypatch.setattr(county.connection, "vendor", "sqlite")
    with pytest.raises(CommandError) as error:
        call_command(command, stdout=StringIO())
    assert "PostgreSQL" in str(error.value)
    with pytest.raises(CommandError) as error:
        call_command(command, "--allow-sqlite", "--ten-year-database", "ers_kpis", stdout=StringIO())
    assert "ers_kpis" in str(error.value)


def test_the_child_database_url_names_the_benchmark_database():
    url = benchmark_report.database_url("ers_bench_county_10y")
    assert url.endswith("/ers_bench_county_10y")
