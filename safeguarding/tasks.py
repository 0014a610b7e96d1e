"""Background work for notifications to councils (SAF-1, SAF-3, SAF-6).

- ``notifications_escalate``: run by Celery beat every few minutes
  (``CELERY_BEAT_SCHEDULE["safeguarding-notifications-escalate"]``), never queued from a request.
  Thin: the service makes each escalation once (a unique row), so a second run, or the same
  message delivered twice, escalates nothing again.
- ``escalation_email_send``: one e-mail per escalation to the safeguarding lead(s) and the
  managers, queued when the escalation row commits. A ``recorded_task``: once it has succeeded,
  the same message delivered again sends nothing. The e-mail names the notification's reference,
  kind, council and due time, never the person.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import gettext as _

from common.tasks import recorded_task
from partnership.models import Role
from safeguarding.services_notifications import notifications_escalate as escalate

ESCALATION_EMAIL_TASK = "safeguarding.tasks.escalation_email_send"


@shared_task(name="safeguarding.tasks.notifications_escalate")
def notifications_escalate() -> int:
    return escalate()


def escalation_recipients() -> list[str]:
    """Every active safeguarding lead and manager with an e-mail address."""
    users = (
        get_user_model()
        .objects.filter(is_active=True, membership__role__in=[Role.SAFEGUARDING_LEAD, Role.MANAGER])
        .exclude(email="")
    )
    return sorted(set(users.values_list("email", flat=True)))


@recorded_task(name=ESCALATION_EMAIL_TASK, object_type="safeguarding.escalation")
def escalation_email_send(escalation_id: int) -> int:
    from safeguarding.models import Escalation

    escalation = Escalation.objects.select_related("notification").get(pk=escalation_id)
    notification = escalation.notification
    recipients = escalation_recipients()
    # Sent in the minutes between the escalation and its e-mail: nothing left to chase.
    if not recipients or notification.sent_at is not None:
        return 0
    words = {
        "kind": notification.get_kind_display(),
        "reference": notification.reference,
        "council": notification.get_council_display(),
        "due": notification.due_words,
        "clock": notification.clock(now=escalation.escalated_at).words,
        "about": notification.subject_reference,
        "link": reverse("safeguarding:notifications_overdue"),
    }
    subject = _("Overdue: %(kind)s notification %(reference)s to %(council)s") % words
    body = (
        _(
            "The %(kind)s notification %(reference)s (about %(about)s) to %(council)s Council was due "
            "by %(due)s and has not been recorded as sent. %(clock)s.\n\n"
            "Notify the council, then record it as sent: %(link)s\n"
        )
        % words
    )
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    return len(recipients)
