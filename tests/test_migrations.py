"""The committed migrations match the models, and an installed database moves forward with its
data (the suite itself runs with --nomigrations, so these tests turn migrations back on)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import override_settings
from django.utils import timezone

# Before Consent and Disclosure moved from partnership to referrals.
BEFORE_THE_MOVE = [
    ("partnership", "0002_alter_accesslog_action_consent_disclosure_and_more"),
    ("referrals", "0004_hub_caseload_index"),
]

# pytest-django's --nomigrations hides every migration module; an empty mapping shows them again.
with_migrations = override_settings(MIGRATION_MODULES={})


@with_migrations
@pytest.mark.django_db
def test_models_have_no_changes_missing_from_the_migrations():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=StringIO())
    except SystemExit as exit_:
        pytest.fail(f"makemigrations would create new migrations (exit {exit_.code}):\n{out.getvalue()}")


@with_migrations
def test_partnership_migrations_name_no_migration_of_another_app_of_ours():
    """Dependencies point one way: partnership's new migrations never wait for referrals'.
    (0002 predates the rule and is history an installed database has already applied.)"""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    ours = {"referrals", "assessments", "recovery_plans", "safeguarding", "reporting"}
    wrong = [
        f"{name} depends on {dependency}"
        for (app, name), migration in loader.disk_migrations.items()
        if app == "partnership" and int(name[:4]) > 2
        for dependency in migration.dependencies
        if dependency[0] in ours
    ]
    assert wrong == []


def _drop_every_table() -> None:
    """Start from an empty database: the suite built this one from the models."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    with connection.constraint_checks_disabled(), connection.schema_editor(atomic=False) as editor:
        for table in tables:
            editor.execute(editor.sql_delete_table % {"table": editor.quote_name(table)})


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@with_migrations
@pytest.mark.django_db(transaction=True)
def test_consent_and_disclosure_keep_their_rows_when_they_move_to_referrals():
    _drop_every_table()
    old = _migrate(BEFORE_THE_MOVE)
    user = old.get_model("auth", "User").objects.create(username="dpo")
    organisation = old.get_model("partnership", "Organisation").objects.create(name="Treatment", kind="treatment")
    person = old.get_model("referrals", "Person").objects.create(
        given_name="Sam", family_name="Example", search_name="sam example"
    )
    now = timezone.now()
    consent = old.get_model("partnership", "Consent").objects.create(
        person=person,
        recipient="treatment",
        given=True,
        lawful_basis="consent",
        recorded_by=user,
        recorded_at=now,
        review_due=now.date(),
    )
    old.get_model("partnership", "HistoricalConsent").objects.create(
        id=consent.pk,
        person_id=person.pk,
        recipient="treatment",
        given=True,
        lawful_basis="consent",
        recorded_by_id=user.pk,
        recorded_at=now,
        review_due=now.date(),
        history_date=now,
        history_type="+",
        history_user=user,
        history_change_reason="Consent recorded",
    )
    disclosure = old.get_model("partnership", "Disclosure").objects.create(
        person=person,
        to_organisation=organisation,
        to_organisation_name="Treatment",
        dataset="treatment_referral",
        lawful_basis="consent",
        consent=consent,
        by=user,
        at=now,
    )
    treatment_referral_model = old.get_model("referrals", "TreatmentReferral")
    referral = old.get_model("referrals", "Referral").objects.create(
        person=person, channel="phone", source="self", received_at=now
    )
    treatment_referral = treatment_referral_model.objects.create(
        referral=referral, reason="triage_outcome", created_by=user, sharing_basis=consent
    )

    executor = MigrationExecutor(connection)
    _migrate(executor.loader.graph.leaf_nodes())

    from referrals.models import Consent, Disclosure, Person, TreatmentReferral

    moved = Consent.objects.get(pk=consent.pk)
    assert moved.person == Person.objects.get(pk=person.pk)
    assert moved.allows_sharing
    assert list(Person.objects.get(pk=person.pk).consents.all()) == [moved]
    assert [h.history_change_reason for h in moved.history.all()] == ["Consent recorded"]
    assert Disclosure.objects.get(pk=disclosure.pk).consent == moved
    assert TreatmentReferral.objects.get(pk=treatment_referral.pk).sharing_basis == moved


@with_migrations
@pytest.mark.django_db(transaction=True)
def test_two_pending_referrals_to_treatment_become_one_when_the_one_pending_rule_arrives():
    """Before the second pass an outcome of "both" left an automatic and a triage-outcome
    referral to the Treatment Service pending side by side; the migration keeps the first,
    with both reasons, and withdraws the second with a transition row (nothing is deleted)."""
    _drop_every_table()
    old = _migrate(BEFORE_THE_MOVE)
    user = old.get_model("auth", "User").objects.create(username="spoc")
    now = timezone.now()
    referral = old.get_model("referrals", "Referral").objects.create(channel="phone", source="self", received_at=now)
    model = old.get_model("referrals", "TreatmentReferral")
    automatic = model.objects.create(referral=referral, reason="pregnant", automatic=True, created_by=user)
    outcome = model.objects.create(referral=referral, reason="triage_outcome", created_by=user)
    other = old.get_model("referrals", "Referral").objects.create(channel="phone", source="self", received_at=now)
    single = model.objects.create(referral=other, reason="triage_outcome", created_by=user)

    executor = MigrationExecutor(connection)
    _migrate(executor.loader.graph.leaf_nodes())

    from referrals.models import TreatmentReferral

    kept = TreatmentReferral.objects.get(pk=automatic.pk)
    assert (kept.status, kept.reasons) == ("pending", ["pregnant", "triage_outcome"])
    withdrawn = TreatmentReferral.objects.get(pk=outcome.pk)
    assert withdrawn.status == "withdrawn"
    assert [(t.from_status, t.to_status) for t in withdrawn.transitions.all()] == [("pending", "withdrawn")]
    assert TreatmentReferral.objects.get(pk=single.pk).status == "pending"
