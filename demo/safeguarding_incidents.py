"""Incidents and notifications to councils in the demo (SAF-1, SAF-3, SAF-6, §3.29), after the
contacts: a serious incident about one of the Carlisle hub worker's people (its notification
already sent), a near miss in a hub, a non-fatal overdose where a member of staff gave naloxone,
and a data-security incident found three days ago and not yet notified (overdue, so the
escalation job has something to escalate, and the "Overdue notifications" list shows it).

Everything goes through the services. It runs only while no incident is recorded yet, so a
second run adds nothing.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from referrals.models import Referral
from safeguarding import services_incidents as services
from safeguarding.models import DataSecurityIncident, NonFatalOverdose, Notification, SeriousIncident
from safeguarding.services_notifications import notification_mark_sent


def seed_incidents(*, lead, manager, worker) -> int:
    if SeriousIncident.objects.exists():
        return 0
    now = timezone.now()
    people = [
        referral.person
        for referral in Referral.objects.filter(
            allocated_worker=worker, status=Referral.Status.ALLOCATED, person__processing_restricted=False
        )
        .select_related("person")
        .order_by("pk")[:2]
    ]
    incident = services.incident_record(
        model=SeriousIncident,
        by=lead,
        seriousness=SeriousIncident.Seriousness.SERIOUS,
        category="harm_safeguarding",
        incident_type="safeguarding_action",
        occurred_at=now - dt.timedelta(days=6),
        known_at=now - dt.timedelta(days=6),
        description="Told us their children had been left at home overnight.",
        immediate_action="Referred to the council's children's services the same day.",
        person=people[0] if people else None,
        root_cause="No plan for childcare while in hospital.",
        learning="Ask about childcare at every review where someone has children at home.",
    )
    for notification in Notification.objects.filter(
        subject_id=incident.pk, subject_type="safeguarding.seriousincident"
    ):
        notification_mark_sent(
            notification=notification,
            by=lead,
            sent_at=notification.starts_at + dt.timedelta(hours=20),
            sent_how=Notification.How.EMAIL,
            council_reference="CS-DEMO-1",
        )
    services.incident_action_add(
        incident=incident,
        by=lead,
        description="Add a childcare question to reviews",
        owner="Hub manager",
        due_on=now.date(),
    )
    services.incident_record(
        model=SeriousIncident,
        by=manager,
        seriousness=SeriousIncident.Seriousness.NEAR_MISS,
        category="regulatory_safety",
        incident_type="hse_reportable",
        occurred_at=now - dt.timedelta(days=3),
        known_at=now - dt.timedelta(days=3),
        place="Carlisle hub",
        description="A loose stair rod, found before anyone fell.",
    )
    services.incident_record(
        model=NonFatalOverdose,
        by=manager,
        person=people[-1] if people else None,
        occurred_at=now - dt.timedelta(days=2),
        place="Carlisle hub",
        naloxone_by=NonFatalOverdose.NaloxoneBy.STAFF,
        naloxone_doses=2,
        emergency_services_called=True,
        taken_to_hospital=True,
    )
    services.incident_record(
        model=DataSecurityIncident,
        by=manager,
        discovered_at=now - dt.timedelta(hours=75),
        description="A letter sent to the wrong address.",
        people_affected=1,
        person=people[0] if people else None,
    )
    return 4
