"""Reads for notifications to councils and the incident registers, scoped to the user: the
safeguarding lead and the managers see every one (``partnership.access``); anyone else gets
403 from the views before any lookup. Opening a record linked to a person writes the
access-log row (SEC-2), and a list that shows people's references names each one shown."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Model, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from partnership.access import sees_council_notifications, sees_incidents
from partnership.access_log import access_log_record, access_log_record_list
from partnership.models import AccessLog
from referrals.models import Person
from safeguarding.models import Escalation, Notification, SeriousIncident


def notifications_for(*, user, which: str = "open") -> QuerySet[Notification]:
    """``which``: "open" (not yet sent, soonest due first), "overdue" (open and past due, the
    on-screen list of escalations) or "sent" (newest first)."""
    if not sees_council_notifications(user):
        raise PermissionDenied
    rows = Notification.objects.select_related("person", "raised_by", "sent_by")
    if which == "sent":
        return rows.filter(sent_at__isnull=False).order_by("-sent_at", "-pk")
    rows = rows.filter(sent_at__isnull=True)
    if which == "overdue":
        escalated = Escalation.objects.filter(notification=OuterRef("pk"))
        rows = rows.filter(due_at__lte=timezone.now()).annotate(escalated=Exists(escalated))
    return rows.order_by("due_at", "pk")


def notification_get_for(*, user, reference: str) -> Notification:
    if not sees_council_notifications(user):
        raise PermissionDenied
    notification = (
        Notification.objects.select_related("person", "raised_by", "sent_by")
        .prefetch_related("escalations")
        .filter(reference=reference)
        .first()
    )
    if notification is None:
        raise Http404
    log_view(user=user, obj=notification, person_id=notification.person_id, purpose="Notification to a council")
    return notification


def notifications_about(subject: Model) -> QuerySet[Notification]:
    return Notification.objects.filter(subject_type=subject._meta.label_lower, subject_id=subject.pk).order_by(
        "council"
    )


def incidents_for(*, user, model: type[Model]) -> QuerySet:
    if not sees_incidents(user):
        raise PermissionDenied
    return model.objects.select_related("person", "recorded_by")


def incident_get_for(*, user, model: type[Model], reference: str, purpose: str) -> Model:
    rows = incidents_for(user=user, model=model)
    if model is SeriousIncident:
        rows = rows.prefetch_related("actions")
    record = rows.filter(reference=reference).first()
    if record is None:
        raise Http404
    log_view(user=user, obj=record, person_id=record.person_id, purpose=purpose)
    return record


def log_view(*, user, obj: Model, person_id: int | None, purpose: str) -> None:
    """SEC-2: a record about a person opened; a record about no one logs nothing."""
    if person_id is not None:
        access_log_record(user=user, action=AccessLog.Action.VIEW, obj=obj, person_id=person_id, reason=purpose)


def log_list_view(*, user, object_type: str, rows, purpose: str) -> None:
    """SEC-2: a list page that showed people's references names each person shown."""
    person_ids = [row.person_id for row in rows if row.person_id is not None]
    if person_ids:
        access_log_record_list(user=user, object_type=object_type, person_ids=person_ids, reason=purpose)


def person_by_reference(reference: str) -> Person | None:
    """The person an incident is about, by the reference staff type. The safeguarding lead and
    the managers record incidents for anyone the service supports, so no caseload narrows it."""
    return Person.objects.filter(reference=reference.strip().upper()).first()
