"""Complaints, compliments and a drug alert in the demo (SAF-4, SAF-5), after the concerns.

One complaint or compliment through each channel, in every state the complaints list shows: new
from the online form, a response drafted and waiting for approval, one drafted by the hub manager,
approved by the service manager, sent and closed with its outcome and learning, one escalated to
a formal investigation handled by the service manager, a response sent but not yet closed, one
withdrawn, and compliments (one shared with the team). And a live urgent drug alert, acknowledged
by some of the staff and not yet by others (the manager's follow-up list has names on both sides).

Everything goes through the services, at moments in the past (``clock_at``), as the demo's staff.
It runs only while no complaint is recorded, so a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid

from demo.scenarios import clock_at
from referrals.models import Referral
from safeguarding import services_complaints as services
from safeguarding.alerts_services import drug_alert_acknowledge, drug_alert_issue
from safeguarding.models import Complaint, DrugAlert

K, CH, CAT, F = Complaint.Kind, Complaint.Channel, Complaint.Category, Complaint.From
RESPONSE = (
    "Thank you for telling us about this. We have spoken to the staff involved and looked at the "
    "records. We are sorry that we did not call back when we said we would."
)


def _person(manager):
    referral = (
        Referral.objects.filter(
            allocated_worker__membership__hub=manager.membership.hub, status=Referral.Status.ALLOCATED
        )
        .exclude(allocated_worker__username__startswith="history-")
        .filter(person__processing_restricted=False)
        .select_related("person")
        .order_by("allocated_at", "pk")
        .first()
    )
    return referral.person if referral else None


def seed_complaints(*, now: dt.datetime, manager, service_manager, hub) -> int:
    """Returns how many complaints and compliments were recorded now (0 when any is recorded)."""
    if Complaint.objects.exists():
        return 0
    person = _person(manager)

    def ago(days: float) -> dt.datetime:
        return now - dt.timedelta(days=days)

    def respond(complaint: Complaint, *, drafted: float, sent: float, how: str = "letter") -> None:
        """The hub manager drafts the response, the service manager approves it, it is sent."""
        stage = services.current_stage(complaint)
        with clock_at(ago(drafted)):
            services.complaint_response_draft(stage=stage, by=manager, text=RESPONSE)
        with clock_at(ago(sent)):
            services.complaint_response_approve(stage=stage, by=service_manager)
            services.complaint_response_send(stage=stage, by=manager, sent_on=ago(sent).date(), how=how)

    def record(days: float, **fields) -> Complaint:
        fields.setdefault("complainant_from", F.PERSON_SUPPORTED)
        fields.setdefault("about_hub", hub)
        with clock_at(ago(days)):
            return services.complaint_record(by=manager, received_at=ago(days), **fields)

    with clock_at(ago(1)):
        services.complaint_receive_public(
            data={
                "kind": K.COMPLAINT,
                "category": CAT.ACCESS,
                "summary": "I rang three times to get support for my dad and nobody rang back.",
                "desired_outcome": "A call back this week, and an appointment.",
                "complainant_from": F.FAMILY,
                "complainant_name": "Jo Armstrong",
                "complainant_email": "jo.armstrong@example.com",
                "wants_reply": True,
            },
            submission_token=uuid.UUID(int=2026),
        )
    drafted = record(
        6,
        kind=K.COMPLAINT,
        channel=CH.PHONE,
        category=CAT.COMMUNICATION,
        summary="My appointment letter went to my old address.",
        person=person,
        complainant_name="The person supported",
    )
    with clock_at(ago(3)):
        services.complaint_response_draft(
            stage=services.current_stage(drafted), by=manager, text="We are sorry your letter went astray."
        )

    closed = record(
        24,
        kind=K.COMPLAINT,
        channel=CH.IN_PERSON,
        category=CAT.STAFF,
        summary="A worker did not turn up to two home visits and did not let me know.",
        person=person,
    )
    with clock_at(ago(18)):
        services.complaint_update(
            complaint=closed, by=manager, investigation_notes="Diary checked: both visits were missed during sickness."
        )
    respond(closed, drafted=17.5, sent=16)
    with clock_at(ago(10)):
        services.complaint_close(
            complaint=closed,
            by=manager,
            outcome=Complaint.Outcome.PARTLY_UPHELD,
            learning="Cover for home visits is now arranged by the duty worker on the first day of absence.",
        )

    escalated = record(
        40,
        kind=K.COMPLAINT,
        channel=CH.LETTER,
        category=CAT.QUALITY,
        summary="My son was told he could not be seen until he stopped drinking.",
        complainant_from=F.FAMILY,
        complainant_name="Pat Nixon",
        complainant_address="1 Example Street, Carlisle",
    )
    respond(escalated, drafted=33, sent=32)
    with clock_at(ago(25)):
        services.complaint_escalate(
            complaint=escalated,
            by=manager,
            reason="The family are not satisfied with the first response and asked for an investigation.",
            handler=service_manager,
        )

    responded = record(
        12,
        kind=K.COMPLAINT,
        channel=CH.VIA_PARTNER,
        category=CAT.CONFIDENTIALITY,
        summary="The hostel says our worker discussed a resident's support in the communal kitchen.",
        complainant_from=F.PROFESSIONAL,
        complainant_name="Riverside Hostel manager",
    )
    respond(responded, drafted=8, sent=7, how="email")

    withdrawn = record(
        15,
        kind=K.COMPLAINT,
        channel=CH.VIA_COUNCIL,
        category=CAT.PREMISES,
        summary="The ramp at the hub is too steep for a wheelchair.",
        complainant_from=F.PUBLIC,
    )
    with clock_at(ago(9)):
        services.complaint_withdraw(complaint=withdrawn, by=manager, reason="Resolved directly with the council")

    shared = record(
        20,
        kind=K.COMPLIMENT,
        channel=CH.EMAIL,
        category=CAT.QUALITY,
        summary="Thank you to the Carlisle team for getting me into detox and visiting every week.",
    )
    with clock_at(ago(19)):
        services.complaint_close(complaint=shared, by=manager, outcome=Complaint.Outcome.SHARED)
    record(
        2,
        kind=K.COMPLIMENT,
        channel=CH.FEEDBACK_CARD,
        category=CAT.STAFF,
        summary="The peer support group on Thursdays is the best part of my week.",
    )
    return Complaint.objects.count()


def seed_drug_alert(*, now: dt.datetime, lead, acknowledged_by) -> int:
    """A live urgent alert from three days ago, read by ``acknowledged_by`` (0 when any alert exists)."""
    if DrugAlert.objects.filter(status=DrugAlert.Status.LIVE, expires_on__gte=now.date()).exists():
        return 0
    with clock_at(now - dt.timedelta(days=3)):
        alert = drug_alert_issue(
            by=lead,
            title="Nitazenes found in heroin sold in Carlisle",
            grade=DrugAlert.Grade.URGENT,
            substance="Heroin (brown powder) containing a nitazene",
            area="Carlisle and West Cumbria",
            what_seen="Three overdoses in two days, two needing more than one dose of naloxone.",
            advice="Carry naloxone and give more than one dose if needed. Do not use alone; "
            "try a small amount first. Tell staff about any bad reaction.",
            source=DrugAlert.Source.LDIS,
            expires_on=(now + dt.timedelta(days=25)).date(),
        )
    for index, user in enumerate(acknowledged_by):
        with clock_at(now - dt.timedelta(days=2.5 - index * 0.3)):
            drug_alert_acknowledge(alert=alert, by=user)
    return 1
