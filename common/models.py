"""Shared models: the run record of a background task (CONVENTIONS: background jobs)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# ``TaskRun.last_error`` of a run given up on: it was started too often without finishing.
GAVE_UP = "GaveUpAfterRepeatedAttempts"


class TaskRun(models.Model):
    """One background job about one object, and how its attempts went.

    Tasks are acknowledged late and given back to the broker when their worker dies
    (config.settings: ``CELERY_TASK_ACKS_LATE``, ``CELERY_TASK_REJECT_ON_WORKER_LOST``), so a
    job that kills its worker every time would otherwise be delivered for ever. Each start is
    counted here, committed before the work begins; once ``max_attempts`` starts have not
    finished, the run is marked failed and staff see it (``common.tasks``).

    ``last_error`` holds the kind of error only (an exception class name), never a message:
    messages can carry personal data.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Finished")
        FAILED = "failed", _("Failed")

    task_name = models.CharField(max_length=200)
    # The object the task works on: a model's ``label_lower`` and its primary key.
    object_type = models.CharField(max_length=100)
    object_id = models.PositiveBigIntegerField()
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["task_name", "object_type", "object_id"], name="one_run_per_task_and_object"
            )
        ]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.task_name} {self.object_type} {self.object_id}: {self.state}"

    @property
    def given_up(self) -> bool:
        return self.state == self.State.FAILED and self.last_error == GAVE_UP
