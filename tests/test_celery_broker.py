"""A task queued by the app really travels through Redis to a Celery worker.

The rest of the suite runs tasks inline (eager). This test runs only where REDIS_URL is set,
as CI does: scripts/test with REDIS_URL and DATABASE_URL exported.
"""

import threading
import time

import pytest
from django.conf import settings
from django.core import mail
from django.db import connections

pytestmark = pytest.mark.skipif(
    not settings.REDIS_URL, reason="needs a Redis broker: set REDIS_URL (CI does) to run a real Celery worker"
)


@pytest.fixture
def celery_worker():
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = False
    # The worker thread opens its own database connection: close it after each task so it
    # does not outlive the test database.
    db_settings = connections.settings["default"]
    saved_max_age = db_settings.get("CONN_MAX_AGE", 0)
    db_settings["CONN_MAX_AGE"] = 0
    app.control.purge()  # nothing left over from an earlier run on this Redis database
    try:
        with start_worker(app, perform_ping_check=False, shutdown_timeout=30) as worker:
            yield worker
    finally:
        app.conf.task_always_eager = saved
        db_settings["CONN_MAX_AGE"] = saved_max_age


@pytest.mark.django_db(transaction=True)
def test_spoc_notification_is_sent_by_a_worker_through_the_redis_broker(celery_worker):
    from celery.signals import task_received

    from referrals.tasks import notify_spoc_of_referral
    from tests.factories import ReferralFactory

    referral = ReferralFactory()
    received = []

    def on_received(sender=None, request=None, **kwargs):
        # Sent by the worker's consumer only for a message it took off the broker.
        received.append((request.name, threading.current_thread() is not threading.main_thread()))

    task_received.connect(on_received, weak=False)
    try:
        result = notify_spoc_of_referral.delay(referral.pk)
        deadline = time.monotonic() + 30
        while not mail.outbox and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        task_received.disconnect(on_received)

    assert result.id
    assert received == [("referrals.tasks.notify_spoc_of_referral", True)]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert referral.reference in message.subject
    assert message.to == [settings.SPOC_NOTIFICATION_EMAIL]
    # The e-mail carries the reference only, never the person's name.
    assert referral.subject_family_name not in message.body
