"""Background work for ongoing support: the nightly re-engagement check (PLN-4, §3.8.6).

Run by Celery beat (``CELERY_BEAT_SCHEDULE`` in settings), never queued from a request. Thin:
it calls the service, which is safe to run twice (one open flag per person at most).
"""

from __future__ import annotations

from celery import shared_task

from recovery_plans.services.engagement import reengagement_flags_raise


@shared_task
def reengagement_flags_nightly() -> int:
    return reengagement_flags_raise()
