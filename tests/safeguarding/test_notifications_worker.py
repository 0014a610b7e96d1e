"""The escalation job sent as Celery beat sends it (by name, through Redis) and run by a real
worker, twice: one escalation and one e-mail. Runs where REDIS_URL is set, as in CI
(tests/test_celery_broker.py)."""

import datetime as dt
import time

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.utils import timezone

from safeguarding import services_incidents
from safeguarding.models import Escalation, SeriousIncident
from tests.factories import PersonFactory
from tests.test_celery_broker import celery_worker  # noqa: F401 (the fixture)

pytestmark = pytest.mark.skipif(
    not django_settings.REDIS_URL, reason="needs a Redis broker: set REDIS_URL (CI does) to run a real Celery worker"
)


@pytest.mark.django_db(transaction=True)
def test_the_beat_entry_runs_twice_on_a_worker_and_escalates_once(
    celery_worker,  # noqa: F811
    settings,
    safeguarding_lead,
    manager,
):
    from celery.signals import task_postrun

    from config.celery import app

    safeguarding_lead.email, manager.email = "lead@example.org", "manager@example.org"
    safeguarding_lead.save()
    manager.save()
    known = timezone.now() - dt.timedelta(hours=settings.NOTIFY_SERIOUS_INCIDENT_HOURS + 1)
    services_incidents.incident_record(
        model=SeriousIncident,
        by=safeguarding_lead,
        seriousness="serious",
        category="violence_emergencies",
        incident_type="weapons",
        occurred_at=known,
        known_at=known,
        description="A threat with a weapon at the hub",
        person=PersonFactory(council_of_residence="cumberland"),
    )
    entry = settings.CELERY_BEAT_SCHEDULE["safeguarding-notifications-escalate"]
    finished = []

    def on_postrun(sender=None, retval=None, **kwargs):
        finished.append((sender.name, retval))

    task_postrun.connect(on_postrun, weak=False)
    try:
        # Beat sends the task by its name; the same message delivered twice escalates once.
        app.send_task(entry["task"])
        app.send_task(entry["task"])
        deadline = time.monotonic() + 60
        # Two runs of the job and the one e-mail they queued between them.
        while len(finished) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1)  # anything else queued would have arrived by now
    finally:
        task_postrun.disconnect(on_postrun)

    jobs = sorted(retval for name, retval in finished if name == entry["task"])
    emails = [retval for name, retval in finished if name == "safeguarding.tasks.escalation_email_send"]
    assert jobs == [0, 1]
    assert emails == [2]
    assert Escalation.objects.count() == 1
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["lead@example.org", "manager@example.org"]
