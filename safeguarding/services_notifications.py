"""Writes for notifications to councils (SAF-1, SAF-3, SAF-6, §3.15.4, §3.23.8, §3.29.3): raising
them with their clocks, recording them as sent, and the escalation of overdue ones.

Notifications, escalations and the incidents they are about are safeguarding (UK GDPR Article
18(2): the protection of another person; the council's notification is the service's duty), so
they are saved with ``Exemption.VITAL_INTERESTS``: a restriction of processing does not stop
the service telling the council about a death or a serious incident.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from common.audit import Exemption, ExpectedVersion, audited_save
from common.tasks import enqueue_on_commit
from partnership.access import can_raise_council_notifications, can_record_notifications_sent
from partnership.models import COUNCILS_IN_AREA
from safeguarding import clocks
from safeguarding.models import Escalation, Notification

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# §3.23.8 (UK GDPR Article 33): fixed by law, not a setting.
DATA_SECURITY_HOURS = 72

SENT_AT_REQUIRED = gettext_lazy("Enter when the notification was sent")
SENT_AT_IN_FUTURE = gettext_lazy("The time sent must be now or in the past")
SENT_AT_BEFORE_START = gettext_lazy("The time sent must be after the clock started")
SENT_HOW_REQUIRED = gettext_lazy("Select how the notification was sent")
ALREADY_SENT = gettext_lazy("This notification has already been recorded as sent")
NO_COUNCIL = gettext_lazy("Select at least one council to notify")
UNKNOWN_COUNCIL = gettext_lazy("Notifications go to Cumberland or Westmorland and Furness Council only")

V = Exemption.VITAL_INTERESTS


def notification_hours(kind: str) -> int:
    """How many calendar hours the service has to notify, by kind (see config.settings.base)."""
    return {
        Notification.Kind.SAFEGUARDING: settings.NOTIFY_SAFEGUARDING_HOURS,
        Notification.Kind.SERIOUS_INCIDENT: settings.NOTIFY_SERIOUS_INCIDENT_HOURS,
        Notification.Kind.DEATH: settings.NOTIFY_DEATH_HOURS,
        Notification.Kind.DATA_SECURITY: DATA_SECURITY_HOURS,
    }[Notification.Kind(kind)]


def councils_for(person) -> list[str]:
    """Who to notify about something to do with ``person``: their council of residence, or
    both councils when there is no person (service-wide) or they are not known to live in
    either (outside the area, or not recorded), so the notification reaches someone."""
    council = getattr(person, "council_of_residence", "") if person is not None else ""
    if council in COUNCILS_IN_AREA:
        return [council]
    return [c.value for c in COUNCILS_IN_AREA]


@transaction.atomic
def notification_raise(
    *,
    kind: str,
    subject: Any,
    councils: Iterable[str] | None,
    starts_at: dt.datetime,
    by: User,
    as_duty: bool = False,
) -> list[Notification]:
    """Raise the notification of ``subject`` to each council; returns one row per council.

    Exact signature (helper A's concerns call it)::

        notification_raise(*, kind: str, subject: Model, councils: Iterable[str] | None,
                           starts_at: datetime, by: User) -> list[Notification]

    - ``kind``: a ``Notification.Kind`` value ("safeguarding", "serious_incident", "death",
      "data_security");
    - ``subject``: the saved record the notification is about: any model instance with a
      ``reference`` (a concern, a serious incident...); its label, pk and reference are kept, and
      its ``person`` (if it has that attribute) is linked;
    - ``councils``: ``partnership.models.Council`` values in the area; ``None`` means
      ``councils_for(subject.person)``: the person's council of residence, else both;
    - ``starts_at``: when the clock starts (when the service knew; discovery for data
      security); the due time is ``starts_at`` plus the kind's hours (``notification_hours``);
    - ``by``: who raises it (a role that may, ``partnership.access.can_raise_council_notifications``);
    - ``as_duty``: raised because another service's rule makes it a duty, whoever acted (a
      concern becoming significant, §3.15.4, even when a peer worker recorded it); that service
      has checked ``by`` may do what they did, so the role check here is not made again.

    Idempotent per subject, kind and council: calling it again returns the rows already raised
    (their clocks unchanged) and adds only a council not yet notified.
    """
    if not as_duty and not can_raise_council_notifications(by):
        raise PermissionDenied
    person = getattr(subject, "person", None)
    wanted = list(dict.fromkeys(councils_for(person) if councils is None else councils))
    if not wanted:
        raise ValidationError(NO_COUNCIL, code="no_council")
    if any(council not in COUNCILS_IN_AREA for council in wanted):
        raise ValidationError(UNKNOWN_COUNCIL, code="unknown_council")
    kind = Notification.Kind(kind)
    subject_type = subject._meta.label_lower
    existing = {
        row.council: row
        for row in Notification.objects.filter(subject_type=subject_type, subject_id=subject.pk, kind=kind)
    }
    due_at = clocks.due_by(starts_at, notification_hours(kind))
    rows = []
    for council in wanted:
        row = existing.get(council)
        if row is None:
            row = Notification(
                kind=kind,
                council=council,
                subject_type=subject_type,
                subject_id=subject.pk,
                subject_reference=str(subject.reference),
                person=person,
                starts_at=starts_at,
                due_at=due_at,
                raised_by=by,
            )
            try:
                with transaction.atomic():
                    audited_save(row, by=by, reason="Notification raised", person_id=person and person.pk, exemption=V)
            except IntegrityError:  # raised a moment ago by another request
                row = Notification.objects.get(
                    subject_type=subject_type, subject_id=subject.pk, kind=kind, council=council
                )
        rows.append(row)
    return rows


@transaction.atomic
def notification_mark_sent(
    *,
    notification: Notification,
    by: User,
    sent_at: dt.datetime,
    sent_how: str,
    council_reference: str = "",
    note: str = "",
    expected_version: ExpectedVersion | None = None,
) -> Notification:
    """Record that the council has been notified: when, how, by whom and the council's
    reference. Once only: a second recording is refused (the first stands in the history)."""
    if not can_record_notifications_sent(by):
        raise PermissionDenied
    errors: dict[str, list] = {}
    if sent_at is None:
        errors["sent_at"] = [SENT_AT_REQUIRED]
    elif sent_at > timezone.now() + dt.timedelta(minutes=1):
        errors["sent_at"] = [SENT_AT_IN_FUTURE]
    elif sent_at < notification.starts_at:
        errors["sent_at"] = [SENT_AT_BEFORE_START]
    if sent_how not in Notification.How.values:
        errors["sent_how"] = [SENT_HOW_REQUIRED]
    if errors:
        raise ValidationError(errors)
    current = Notification.objects.select_for_update().get(pk=notification.pk)
    if current.sent_at is not None:
        raise ValidationError(ALREADY_SENT, code="already_sent")
    notification.sent_at, notification.sent_by, notification.sent_how = sent_at, by, sent_how
    notification.council_reference, notification.note = council_reference.strip(), note.strip()
    audited_save(
        notification,
        by=by,
        reason="Notification sent to the council",
        person_id=notification.person_id,
        exemption=V,
        expected_version=expected_version,
    )
    return notification


def notifications_escalate(*, now: dt.datetime | None = None) -> int:
    """The beat job's work: each unsent notification past its due time is escalated once per
    level it has reached (``clocks.escalation_level``): an ``Escalation`` row, and an e-mail to
    the safeguarding lead and the managers queued when that row commits. The row's unique
    constraint makes two runs at once, or the same message delivered twice, escalate once.
    Acts for no member of staff (history names none). Returns how many escalations it made."""
    from safeguarding.tasks import escalation_email_send

    now = now or timezone.now()
    made = 0
    overdue = Notification.objects.filter(sent_at__isnull=True, due_at__lte=now).order_by("due_at", "pk")
    for notification in overdue.iterator():
        level = clocks.escalation_level(
            due_at=notification.due_at, now=now, repeat_hours=settings.NOTIFY_ESCALATE_AGAIN_HOURS
        )
        if Escalation.objects.filter(notification=notification, level=level).exists():
            continue
        escalation = Escalation(notification=notification, level=level, escalated_at=now)
        try:
            with transaction.atomic():
                audited_save(
                    escalation,
                    by=None,
                    reason="Overdue notification escalated",
                    person_id=notification.person_id,
                    exemption=V,
                )
                enqueue_on_commit(escalation_email_send, escalation.pk)
        except IntegrityError:
            continue  # escalated a moment ago by an overlapping run
        made += 1
    return made
