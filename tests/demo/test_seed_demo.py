"""``manage.py seed_demo``: a demo anyone can sign in to, safe to run twice."""

import sys
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone
from guardian.utils import get_group_obj_perms_model

from demo.management.commands import seed_demo
from demo.management.commands.seed_demo import (
    DEFAULT_DEMO_PASSWORD,
    DEMO_LOGINS,
    PASSWORD_TOO_SHORT,
    SECOND_FACTOR_NOTE,
)
from demo.reporting import HISTORY_SPOC
from partnership.models import AccessLog, Hub, Membership, Organisation, Role
from recovery_plans.models import DirectoryEntry, PlanAction, RecoveryPlan, ReviewPrompt
from referrals.models import (
    Consent,
    ContactAttempt,
    Disclosure,
    OnwardReferral,
    Person,
    Referral,
    StatusTransition,
    TreatmentReferral,
    TreatmentReferralTransition,
    Triage,
)
from referrals.selectors.sharing import shared_people_for, treatment_referrals_shared_with

pytestmark = pytest.mark.django_db


def _seed(*args) -> str:
    """The scenarios only: the eight quarters of history take half a minute (its own test)."""
    out = StringIO()
    call_command("seed_demo", "--without-history", *args, stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    models = (
        Organisation,
        Hub,
        Membership,
        get_user_model(),
        Person,
        Referral,
        StatusTransition,
        ContactAttempt,
        Triage,
        TreatmentReferral,
        TreatmentReferralTransition,
        Consent,
        Disclosure,
        OnwardReferral,
        AccessLog,
        get_group_obj_perms_model(Person),
        RecoveryPlan,
        PlanAction,
        ReviewPrompt,
        DirectoryEntry,
    )
    counts = {model.__name__: model.objects.count() for model in models}
    counts["referral history"] = Referral.history.count()
    counts["treatment referral history"] = TreatmentReferral.history.count()
    counts["person history"] = Person.history.count()
    return counts


@pytest.fixture
def seeded(monkeypatch):
    monkeypatch.delenv("DJANGO_DEMO_PASSWORD", raising=False)
    return _seed()


def test_running_seed_demo_twice_changes_nothing_and_still_prints_the_sign_ins(seeded):
    before = _counts()
    second = _seed()

    assert _counts() == before
    assert "0 referrals added now" in second
    for login in DEMO_LOGINS:
        assert login.username in second
    assert DEFAULT_DEMO_PASSWORD in second
    assert "http://127.0.0.1:8000/" in second
    assert "DEMO ONLY" in second
    assert SECOND_FACTOR_NOTE in second
    assert "0 steps recorded now" in second
    assert "Recovery plans: 0 started now" in second


def test_the_demo_password_is_hashed_once_and_a_rerun_checks_it_once(monkeypatch, db):
    """Each hash or check is a full PBKDF2 run in development: fourteen of them made a
    re-run of seed_demo take ten seconds."""
    monkeypatch.delenv("DJANGO_DEMO_PASSWORD", raising=False)
    calls = []
    real_make, real_check = seed_demo.make_password, seed_demo.check_password
    monkeypatch.setattr(seed_demo, "make_password", lambda *a, **k: calls.append("make") or real_make(*a, **k))
    monkeypatch.setattr(seed_demo, "check_password", lambda *a, **k: calls.append("check") or real_check(*a, **k))

    _seed()
    assert calls == ["make"]
    demo_users = get_user_model().objects.filter(username__in=[login.username for login in DEMO_LOGINS])
    assert demo_users.values("password").distinct().count() == 1

    calls.clear()
    _seed()
    assert calls == ["check"]


def test_every_role_has_a_demo_user_and_the_admin_is_a_superuser(seeded):
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    hub_workers = Membership.objects.filter(role=Role.HUB_WORKER)
    assert hub_workers.values("hub").distinct().count() == 5
    peer = Membership.objects.get(user__username="peer")
    assert peer.hub == Membership.objects.get(user__username="hubworker").hub


def test_organisations_and_the_five_hubs_are_labelled_demo(seeded):
    assert set(Organisation.objects.values_list("name", "kind")) == {
        ("Cumbria Engagement and Recovery Support (demo)", "ers"),
        ("Cumbria Treatment Service (demo)", "treatment"),
        ("Cumberland Council (demo)", "council"),
        ("Westmorland and Furness Council (demo)", "council"),
    }
    assert set(Hub.objects.values_list("name", flat=True)) == {
        "Carlisle",
        "West Cumbria",
        "Barrow-in-Furness",
        "Penrith",
        "Kendal",
    }
    assert {hub.organisation.kind for hub in Hub.objects.all()} == {"ers"}


def test_each_demo_user_can_sign_in_with_the_demo_password(seeded, client):
    for login in DEMO_LOGINS:
        assert client.login(username=login.username, password=DEFAULT_DEMO_PASSWORD), login.username
        client.logout()


def test_demo_referrals_cover_the_front_door_in_every_state(seeded):
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert statuses == set(Referral.Status.values)
    # The scenarios, walked through the services (the eight quarters of history are bulk rows).
    assert 70 <= Referral.objects.exclude(assigned_to__username=HISTORY_SPOC).count() <= 100
    assert set(Triage.objects.exclude(outcome="").values_list("outcome", flat=True)) == set(Triage.Outcome.values)
    assert Referral.objects.filter(priority=Referral.Priority.URGENT).exists()
    assert Referral.objects.filter(priority=Referral.Priority.CHILDRENS_SERVICES).exists()
    assert len(set(Referral.objects.values_list("channel", flat=True))) == len(Referral.Channel.values)
    assert Referral.objects.filter(created_by__isnull=True, channel=Referral.Channel.ONLINE).exists()
    # Reached through the services: every change of status has its transition row.
    moved = Referral.objects.exclude(status=Referral.Status.RECEIVED).exclude(assigned_to__username=HISTORY_SPOC)
    assert all(r.transitions.exists() for r in moved)
    assert TreatmentReferral.objects.filter(automatic=True).exists()
    # Returning people: more than one referral linked to the same person (REF-4).
    returning = [p for p in Person.objects.all() if p.referrals.count() > 1]
    assert len(returning) >= 3
    # Some people have pronouns (the identity bar shows them), given through the services.
    with_pronouns = Person.objects.exclude(pronouns="")
    assert with_pronouns.count() >= 5
    assert all(p.history.filter(pronouns="").exists() for p in with_pronouns)
    # The demo hub worker has a caseload to look at.
    assert Referral.objects.filter(allocated_worker__username="hubworker", status=Referral.Status.ALLOCATED).exists()


def test_the_demo_has_a_carer_and_a_young_carer_with_no_substances_of_their_own(seeded):
    carers = list(Referral.objects.filter(support_for=Referral.SupportFor.CARER))
    assert len(carers) == 2
    assert [r.is_young_carer for r in carers].count(True) == 1
    assert all(r.substances == [] and r.cared_for_substances and r.cared_for_relationship for r in carers)
    allocated = [r for r in carers if r.status == Referral.Status.ALLOCATED]
    assert [r.triage.outcome for r in allocated] == [Triage.Outcome.CARER_SUPPORT]
    assert not TreatmentReferral.objects.filter(referral__in=carers).exists()


def test_steps_happen_after_the_referral_arrived_and_never_in_the_future(seeded):
    from django.utils import timezone

    now = timezone.now()
    for transition in StatusTransition.objects.select_related("referral"):
        assert transition.referral.received_at <= transition.at <= now
    for attempt in ContactAttempt.objects.select_related("referral"):
        assert attempt.referral.received_at <= attempt.attempted_at <= now


def test_a_short_demo_password_is_refused(monkeypatch, db):
    monkeypatch.setenv("DJANGO_DEMO_PASSWORD", "short")
    with pytest.raises(CommandError) as error:
        call_command("seed_demo", stdout=StringIO())
    assert str(error.value) == PASSWORD_TOO_SHORT % {"min": 12}
    assert not Referral.objects.exists()


def test_the_demo_password_can_be_chosen_in_the_environment(monkeypatch, db, client):
    monkeypatch.setenv("DJANGO_DEMO_PASSWORD", "another-demo-password-1")
    output = _seed()
    assert "another-demo-password-1" in output
    assert client.login(username="spoc", password="another-demo-password-1")


def test_seed_demo_works_without_faker_as_in_the_docker_image(monkeypatch, db, client):
    monkeypatch.delenv("DJANGO_DEMO_PASSWORD", raising=False)
    monkeypatch.setitem(sys.modules, "faker", None)  # "import faker" now raises ImportError
    _seed()
    assert set(Referral.objects.values_list("status", flat=True)) == set(Referral.Status.values)
    assert client.login(username="spoc", password=DEFAULT_DEMO_PASSWORD)


def test_the_treatment_demo_user_sees_people_shared_with_consent_and_an_outcome(seeded):
    treatment = get_user_model().objects.get(username="treatment")
    shared = list(shared_people_for(user=treatment))
    assert shared
    for person in shared:
        # Shared because the person agreed, and the referral went with that consent.
        consent = Consent.objects.get(person=person, recipient=Consent.Recipient.TREATMENT)
        assert consent.given and consent.allows_sharing
        sent = treatment_referrals_shared_with(user=treatment, person=person)
        assert sent and all(tr.sharing_basis_id == consent.pk for tr in sent)
        assert all(tr.referral.status == Referral.Status.ALLOCATED for tr in sent)  # ERS support carries on
        assert Disclosure.objects.filter(person=person, dataset=Disclosure.Dataset.TREATMENT_REFERRAL).exists()
    accepted = TreatmentReferral.objects.exclude(referral__assigned_to__username=HISTORY_SPOC).get(
        status=TreatmentReferral.Status.ACCEPTED
    )
    assert accepted.outcome_recorded_by == treatment
    assert accepted.first_appointment_on >= accepted.sent_at.date()
    # Nobody else in the demo sees these people through the Treatment Service's permission.
    assert not shared_people_for(user=get_user_model().objects.get(username="spoc")).exists()


def test_the_demo_has_an_onward_referral_sent_with_consent(seeded):
    onward = OnwardReferral.objects.get()
    assert onward.shared_personal_data
    assert onward.sharing_basis.recipient == Consent.Recipient.OTHER_AGENCY
    assert onward.sharing_basis.agency_name == onward.organisation_name
    assert onward.sent_by == onward.referral.allocated_worker
    assert Disclosure.objects.filter(person=onward.person, dataset=Disclosure.Dataset.ONWARD_REFERRAL).exists()


def test_the_demo_has_contacts_outreach_groups_and_a_flag_and_a_second_run_adds_none(seeded):
    from recovery_plans.models import Attendance, Contact, OutreachContact, ReengagementFlag

    counts = (Contact.objects.count(), OutreachContact.objects.count(), Attendance.objects.count())
    assert all(counts) and ReengagementFlag.objects.exists()
    assert OutreachContact.objects.filter(person__isnull=False).exists()
    _seed()
    assert (Contact.objects.count(), OutreachContact.objects.count(), Attendance.objects.count()) == counts


def test_the_demo_hub_worker_has_plans_with_a_review_due_and_a_prompt(seeded):
    """PLN-1, PLN-2, PLN-5: plans on the demo hub worker's caseload, one review overdue, one
    goal achieved with the review prompt it raised, actions owned by each kind of owner."""
    plans = RecoveryPlan.objects.filter(person__referrals__allocated_worker__username="hubworker").distinct()
    assert plans.count() == 3
    assert any(plan.review_due < timezone.localdate() for plan in plans)
    assert set(PlanAction.objects.values_list("owner", flat=True)) == {"worker", "partner", "person"}
    assert ReviewPrompt.objects.filter(trigger=ReviewPrompt.Trigger.GOAL_COMPLETED).exists()
    assert DirectoryEntry.objects.filter(name__endswith="(demo)").count() == 5
