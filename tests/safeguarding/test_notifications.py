"""Notifications to councils (SAF-1, SAF-3, SAF-6): who they are addressed to, their due times,
idempotent raising, recording them as sent, and the escalation job (inline here; through a real
worker in test_notifications_worker.py)."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from common.tasks import TaskRun
from safeguarding import services_incidents, services_notifications
from safeguarding.clocks import LONDON
from safeguarding.models import DataSecurityIncident, Escalation, Notification, SeriousIncident
from safeguarding.services_notifications import (
    ALREADY_SENT,
    SENT_AT_BEFORE_START,
    councils_for,
    notification_mark_sent,
    notification_raise,
    notifications_escalate,
)
from safeguarding.tasks import ESCALATION_EMAIL_TASK
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
BOTH = ["cumberland", "westmorland_and_furness"]


def _incident(by, *, person=None, known_at=None, seriousness="serious"):
    now = timezone.now()
    return services_incidents.incident_record(
        model=SeriousIncident,
        by=by,
        seriousness=seriousness,
        category="violence_emergencies",
        incident_type="weapons",
        occurred_at=(known_at or now) - dt.timedelta(hours=1),
        known_at=known_at or now,
        description="A knife was shown in the waiting room",
        person=person,
    )


def test_a_persons_incident_goes_to_their_council_of_residence(safeguarding_lead):
    person = PersonFactory(council_of_residence="westmorland_and_furness")
    incident = _incident(safeguarding_lead, person=person)
    rows = Notification.objects.filter(subject_id=incident.pk)
    assert [(n.council, n.kind, n.person_id) for n in rows] == [
        ("westmorland_and_furness", "serious_incident", person.pk)
    ]


def test_a_service_wide_incident_makes_one_notification_per_council(safeguarding_lead):
    incident = _incident(safeguarding_lead)
    assert sorted(Notification.objects.filter(subject_id=incident.pk).values_list("council", flat=True)) == BOTH


@pytest.mark.parametrize("council", ["outside_area", ""])
def test_someone_not_known_to_live_in_either_council_is_notified_to_both(council):
    assert councils_for(PersonFactory(council_of_residence=council)) == BOTH


def test_a_near_miss_is_not_notified(safeguarding_lead):
    incident = _incident(safeguarding_lead, seriousness="near_miss")
    assert not Notification.objects.filter(subject_id=incident.pk).exists()


def test_the_due_time_is_the_kinds_hours_from_when_the_service_knew(safeguarding_lead, settings):
    settings.NOTIFY_SERIOUS_INCIDENT_HOURS = 36
    known = timezone.now() - dt.timedelta(hours=2)
    incident = _incident(safeguarding_lead, known_at=known)
    notification = Notification.objects.filter(subject_id=incident.pk).first()
    assert notification.starts_at == known
    assert notification.due_at == known + dt.timedelta(hours=36)


def test_a_data_security_incident_is_due_72_hours_from_discovery_whatever_the_settings(manager, settings):
    settings.NOTIFY_SERIOUS_INCIDENT_HOURS = settings.NOTIFY_SAFEGUARDING_HOURS = 1
    found = dt.datetime(2026, 3, 6, 17, 0, tzinfo=LONDON)  # a Friday
    incident = services_incidents.incident_record(
        model=DataSecurityIncident,
        by=manager,
        discovered_at=found,
        description="A letter sent to the wrong address",
        people_affected=1,
        person=PersonFactory(council_of_residence="cumberland"),
    )
    rows = Notification.objects.filter(subject_type="safeguarding.datasecurityincident", subject_id=incident.pk)
    # §3.23.8: each council, whoever is affected; due on the Monday at 17:00.
    assert sorted(rows.values_list("council", flat=True)) == BOTH
    assert {row.due_at.astimezone(LONDON) for row in rows} == {dt.datetime(2026, 3, 9, 17, 0, tzinfo=LONDON)}


def test_raising_twice_returns_the_same_rows_with_their_clocks_unchanged(safeguarding_lead):
    incident = _incident(safeguarding_lead)
    first = Notification.objects.filter(subject_id=incident.pk).order_by("council")
    again = notification_raise(
        kind="serious_incident", subject=incident, councils=None, starts_at=timezone.now(), by=safeguarding_lead
    )
    assert sorted(n.pk for n in again) == sorted(n.pk for n in first)
    assert Notification.objects.count() == 2
    assert {n.due_at for n in again} == {n.due_at for n in first}


def test_any_model_with_a_reference_can_be_notified(hub_worker, safeguarding_lead):
    # Helper A's concerns call the service with a concern; a person's record stands in for one.
    person = PersonFactory(council_of_residence="cumberland")
    rows = notification_raise(
        kind="safeguarding", subject=person, councils=["cumberland"], starts_at=timezone.now(), by=hub_worker
    )
    assert [(r.subject_type, r.subject_reference, r.council) for r in rows] == [
        ("referrals.person", person.reference, "cumberland")
    ]


def test_a_council_outside_the_area_is_refused(safeguarding_lead):
    person = PersonFactory()
    with pytest.raises(ValidationError):
        notification_raise(
            kind="safeguarding",
            subject=person,
            councils=["outside_area"],
            starts_at=timezone.now(),
            by=safeguarding_lead,
        )


def test_peer_workers_and_commissioners_cannot_raise_notifications(peer_worker, commissioner):
    person = PersonFactory()
    for user in (peer_worker, commissioner):
        with pytest.raises(PermissionDenied):
            notification_raise(kind="safeguarding", subject=person, councils=None, starts_at=timezone.now(), by=user)


def test_marking_sent_records_who_when_how_and_the_councils_reference_once(manager, safeguarding_lead):
    incident = _incident(safeguarding_lead)
    notification = Notification.objects.filter(subject_id=incident.pk).first()
    sent = timezone.now()
    notification_mark_sent(
        notification=notification, by=manager, sent_at=sent, sent_how="email", council_reference=" CC-991 "
    )
    notification.refresh_from_db()
    assert (notification.sent_by, notification.sent_at, notification.sent_how, notification.council_reference) == (
        manager,
        sent,
        "email",
        "CC-991",
    )
    assert notification.clock().words == "Sent on time"
    with pytest.raises(ValidationError) as error:
        notification_mark_sent(notification=notification, by=manager, sent_at=sent, sent_how="phone")
    assert error.value.messages == [str(ALREADY_SENT)]


def test_a_sent_time_before_the_clock_started_is_refused(safeguarding_lead):
    incident = _incident(safeguarding_lead)
    notification = Notification.objects.filter(subject_id=incident.pk).first()
    with pytest.raises(ValidationError) as error:
        notification_mark_sent(
            notification=notification,
            by=safeguarding_lead,
            sent_at=notification.starts_at - dt.timedelta(hours=1),
            sent_how="email",
        )
    assert error.value.message_dict == {"sent_at": [str(SENT_AT_BEFORE_START)]}


def test_a_hub_worker_cannot_record_a_notification_as_sent(hub_worker, safeguarding_lead):
    incident = _incident(safeguarding_lead)
    notification = Notification.objects.filter(subject_id=incident.pk).first()
    with pytest.raises(PermissionDenied):
        notification_mark_sent(notification=notification, by=hub_worker, sent_at=timezone.now(), sent_how="email")


# --- The escalation job ---------------------------------------------------------------------


def _overdue(lead, *, hours_ago=49):
    return _incident(
        lead,
        person=PersonFactory(council_of_residence="cumberland"),
        known_at=timezone.now() - dt.timedelta(hours=hours_ago),
    )


def test_the_job_escalates_an_overdue_notification_once_however_often_it_runs(
    safeguarding_lead, manager, other_hub_manager, hub_worker, django_capture_on_commit_callbacks
):
    safeguarding_lead.email, manager.email, hub_worker.email = "lead@example.org", "m@example.org", "hw@example.org"
    other_hub_manager.email = "m2@example.org"
    for user in (safeguarding_lead, manager, hub_worker, other_hub_manager):
        user.save()
    incident = _overdue(safeguarding_lead)
    _incident(safeguarding_lead, person=PersonFactory(council_of_residence="cumberland"))  # not due yet
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications_escalate() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications_escalate() == 0
    escalation = Escalation.objects.get()
    assert (escalation.notification.subject_id, escalation.level) == (incident.pk, 1)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    # The safeguarding lead and every manager; nobody else.
    assert sorted(message.to) == ["lead@example.org", "m2@example.org", "m@example.org"]
    assert escalation.notification.reference in message.subject
    # No personal details in an e-mail: references only.
    assert incident.person.family_name not in message.body
    assert "Overdue by 1 hour" in message.body


def test_a_notification_still_unsent_a_day_later_is_escalated_again_once(safeguarding_lead, settings):
    settings.NOTIFY_ESCALATE_AGAIN_HOURS = 24
    _overdue(safeguarding_lead, hours_ago=49)
    notifications_escalate()
    later = timezone.now() + dt.timedelta(hours=24)
    assert notifications_escalate(now=later) == 1
    assert notifications_escalate(now=later) == 0
    assert sorted(Escalation.objects.values_list("level", flat=True)) == [1, 2]


def test_a_sent_notification_is_never_escalated(safeguarding_lead):
    incident = _overdue(safeguarding_lead)
    notification = Notification.objects.get(subject_id=incident.pk)
    notification_mark_sent(notification=notification, by=safeguarding_lead, sent_at=timezone.now(), sent_how="phone")
    assert notifications_escalate() == 0


def test_the_escalation_email_is_sent_once_when_its_message_comes_twice(safeguarding_lead):
    from safeguarding.tasks import escalation_email_send

    safeguarding_lead.email = "lead@example.org"
    safeguarding_lead.save()
    _overdue(safeguarding_lead)
    notifications_escalate()
    escalation = Escalation.objects.get()
    mail.outbox.clear()
    escalation_email_send(escalation.pk)
    escalation_email_send(escalation.pk)
    assert len(mail.outbox) == 1
    assert TaskRun.objects.get(task_name=ESCALATION_EMAIL_TASK, object_id=escalation.pk).state == "succeeded"


def test_the_beat_schedule_runs_the_job_every_five_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["safeguarding-notifications-escalate"]
    assert entry["task"] == "safeguarding.tasks.notifications_escalate"
    assert entry["schedule"].minute == set(range(0, 60, 5))


def test_notification_hours_come_from_settings_except_data_security(settings):
    settings.NOTIFY_DEATH_HOURS = 5
    assert services_notifications.notification_hours("death") == 5
    assert services_notifications.notification_hours("data_security") == 72


def test_no_email_when_the_notification_was_sent_before_its_escalation_email_went(safeguarding_lead):
    from safeguarding.tasks import escalation_email_send

    safeguarding_lead.email = "lead@example.org"
    safeguarding_lead.save()
    incident = _overdue(safeguarding_lead)
    notifications_escalate()
    notification = Notification.objects.get(subject_id=incident.pk)
    notification_mark_sent(notification=notification, by=safeguarding_lead, sent_at=timezone.now(), sent_how="phone")
    mail.outbox.clear()
    assert escalation_email_send(Escalation.objects.get().pk) == 0
    assert mail.outbox == []
