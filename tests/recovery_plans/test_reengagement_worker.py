"""The nightly re-engagement job sent as Celery beat sends it (by name, through Redis) and run
by a real worker: runs where REDIS_URL is set, as in CI (tests/test_celery_broker.py)."""

import time

import pytest
from django.conf import settings as django_settings

from recovery_plans.models import ReengagementFlag
from referrals.services import referrals as referral_services
from tests.factories import ReferralFactory
from tests.states import allocate
from tests.test_celery_broker import celery_worker  # noqa: F401 (the fixture)

pytestmark = pytest.mark.skipif(
    not django_settings.REDIS_URL, reason="needs a Redis broker: set REDIS_URL (CI does) to run a real Celery worker"
)


@pytest.mark.django_db(transaction=True)
def test_the_beat_entry_runs_on_a_worker_and_flags_once(
    celery_worker,  # noqa: F811
    settings,
    spoc_practitioner,
    hub,
    hub_worker,
):
    from celery.signals import task_postrun

    from config.celery import app

    referral = ReferralFactory()
    referral_services.person_create_from_referral(referral=referral, by=spoc_practitioner)
    allocate(referral, spoc=spoc_practitioner, hub=hub, worker=hub_worker)
    referral.refresh_from_db()
    settings.ERS_REENGAGEMENT_AFTER_DAYS = 0
    entry = settings.CELERY_BEAT_SCHEDULE["reengagement-flags-nightly"]
    finished = []

    def on_postrun(sender=None, retval=None, **kwargs):
        finished.append((sender.name, retval))

    task_postrun.connect(on_postrun, weak=False)
    try:
        # Beat sends the task by its name; the same message delivered twice flags nobody twice.
        app.send_task(entry["task"])
        app.send_task(entry["task"])
        deadline = time.monotonic() + 30
        while len(finished) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        task_postrun.disconnect(on_postrun)

    assert sorted(finished) == [(entry["task"], 0), (entry["task"], 1)]
    assert ReengagementFlag.objects.filter(person=referral.person, cleared_at__isnull=True).count() == 1
