"""Engagement status (PLN-4): inactive with a reason, re-entry in one step, every change a
transition row; and the nightly job flagging people with no contact, once per silence."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from recovery_plans.models import EngagementStatus, EngagementTransition, ReengagementFlag
from recovery_plans.services import contacts as contact_services
from recovery_plans.services import engagement as services
from recovery_plans.tasks import reengagement_flags_nightly
from referrals.data_rights import services as data_rights

pytestmark = pytest.mark.django_db

ACTIVE, INACTIVE = EngagementStatus.Status.ACTIVE, EngagementStatus.Status.INACTIVE


@pytest.mark.parametrize(
    ("from_status", "to_status", "allowed"),
    [(ACTIVE, INACTIVE, True), (INACTIVE, ACTIVE, True), (ACTIVE, ACTIVE, False), (INACTIVE, INACTIVE, False)],
)
def test_every_engagement_transition_allowed_and_forbidden(person, hub_worker, from_status, to_status, allowed):
    if from_status == INACTIVE:
        services.engagement_set_inactive(person=person, by=hub_worker, reason="disengaged")
    assert EngagementStatus.allows(from_status, to_status) is allowed
    change = (
        (lambda: services.engagement_set_inactive(person=person, by=hub_worker, reason="moved_away"))
        if to_status == INACTIVE
        else (lambda: services.engagement_reenter(person=person, by=hub_worker))
    )
    before = EngagementTransition.objects.count()
    if allowed:
        assert change().status == to_status
        assert EngagementTransition.objects.count() == before + 1
    else:
        with pytest.raises(ValidationError):
            change()
        assert EngagementTransition.objects.count() == before


def test_inactive_needs_a_coded_reason_and_re_entry_is_one_step(person, hub_worker):
    with pytest.raises(ValidationError) as raised:
        services.engagement_set_inactive(person=person, by=hub_worker, reason="")
    assert raised.value.message_dict == {"reason": [str(services.ENGAGEMENT_REASON_REQUIRED)]}
    status = services.engagement_set_inactive(person=person, by=hub_worker, reason="goals_met")
    assert (status.status, status.reason) == (INACTIVE, "goals_met")
    status = services.engagement_reenter(person=person, by=hub_worker)
    assert (status.status, status.reason) == (ACTIVE, "")
    rows = list(
        EngagementTransition.objects.order_by("at", "pk").values_list("from_status", "to_status", "reason", "by")
    )
    assert rows == [(ACTIVE, INACTIVE, "goals_met", hub_worker.pk), (INACTIVE, ACTIVE, "", hub_worker.pk)]


def test_peer_workers_do_not_change_engagement(peer_person, peer_worker):
    with pytest.raises(PermissionDenied):
        services.engagement_set_inactive(person=peer_person, by=peer_worker, reason="disengaged")


def test_re_entry_from_the_contacts_page(client, person, hub_worker):
    client.force_login(hub_worker)
    inactive_url = reverse("contacts:inactive", kwargs={"person_ref": person.reference})
    assert client.post(inactive_url, {"reason": "disengaged"}).status_code == 302
    page = client.get(reverse("contacts:list", kwargs={"person_ref": person.reference})).content.decode()
    assert "Re-enter support" in page and "Disengaged" in page
    assert client.post(reverse("contacts:reenter", kwargs={"person_ref": person.reference})).status_code == 302
    assert EngagementStatus.objects.get(person=person).status == ACTIVE


# --- the nightly job ---------------------------------------------------------------------------


def _later(days):
    return timezone.now() + dt.timedelta(days=days)


def test_the_job_flags_someone_with_no_contact_in_the_period_exactly_once(person, hub_worker, settings):
    settings.ERS_REENGAGEMENT_AFTER_DAYS = 28
    contact_services.contact_record(
        person=person, by=hub_worker, type="brief_advice", setting="hub", duration_minutes=5
    )
    assert services.reengagement_flags_raise(now=_later(27)) == 0
    assert services.reengagement_flags_raise(now=_later(29)) == 1
    assert services.reengagement_flags_raise(now=_later(30)) == 0  # the same silence: still one flag
    flag = ReengagementFlag.objects.get()
    assert (
        flag.last_contact_at is not None and flag.history.get().history_change_reason == "Nightly re-engagement check"
    )


def test_a_contact_clears_the_flag_and_a_new_silence_flags_again(person, hub_worker, settings):
    settings.ERS_REENGAGEMENT_AFTER_DAYS = 28
    assert services.reengagement_flags_raise(now=_later(29)) == 1
    contact_services.contact_record(
        person=person, by=hub_worker, type="brief_advice", setting="hub", duration_minutes=5
    )
    assert ReengagementFlag.objects.filter(cleared_at__isnull=True).count() == 0
    assert services.reengagement_flags_raise(now=_later(40)) == 1
    assert ReengagementFlag.objects.count() == 2


def test_the_period_is_a_setting(person, settings):
    settings.ERS_REENGAGEMENT_AFTER_DAYS = 7
    assert services.reengagement_flags_raise(now=_later(8)) == 1


def test_the_job_passes_by_inactive_and_restricted_people(person, peer_person, hub_worker, data_protection_officer):
    services.engagement_set_inactive(person=person, by=hub_worker, reason="moved_away")
    data_rights.processing_restrict(person=peer_person, by=data_protection_officer, reason="Accuracy contested")
    assert services.reengagement_flags_raise(now=_later(60)) == 0


def test_someone_just_re_entered_is_not_flagged_at_once(person, hub_worker, settings):
    settings.ERS_REENGAGEMENT_AFTER_DAYS = 28
    services.engagement_set_inactive(person=person, by=hub_worker, reason="disengaged")
    services.engagement_reenter(person=person, by=hub_worker)
    assert services.reengagement_flags_raise(now=_later(1)) == 0


def test_the_task_runs_the_job(person, settings):
    settings.ERS_REENGAGEMENT_AFTER_DAYS = 0
    assert reengagement_flags_nightly.apply().get() == 1
    assert reengagement_flags_nightly.apply().get() == 0


def test_the_job_is_in_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["reengagement-flags-nightly"]
    assert entry["task"] == reengagement_flags_nightly.name


def test_the_flag_is_visible_to_the_worker(client, person, hub_worker, settings):
    settings.ERS_REENGAGEMENT_AFTER_DAYS = 0
    services.reengagement_flags_raise()
    client.force_login(hub_worker)
    page = client.get(reverse("contacts:list", kwargs={"person_ref": person.reference})).content.decode()
    assert "flagged for re-engagement" in page
