"""Contacts, engagement, outreach and groups in the demo (PLN-3, PLN-4, PLN-6), after the
referrals: a few contacts for each of the Carlisle hub worker's and peer worker's people, one
person inactive, the nightly re-engagement check run once, an outreach session with people met
on it (one linked to a person), naloxone kits to a hostel and a pre-detox group with attendance.

Everything goes through the services. It runs only while no contact is recorded yet, so a
second run adds nothing.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from recovery_plans.models import Contact
from recovery_plans.services import contacts as contact_services
from recovery_plans.services import engagement as engagement_services
from recovery_plans.services import groups as group_services
from recovery_plans.services import outreach as outreach_services
from referrals.models import Referral

CONTACT_PATTERN = (
    # days ago, type, setting, minutes, harm reduction topics, naloxone kits
    (3, Contact.Type.BRIEF_INTERVENTION, Contact.Setting.HUB, 45, [], 0),
    (10, Contact.Type.HARM_REDUCTION, Contact.Setting.OUTREACH, 20, ["overdose", "safer_injecting"], 1),
    (17, Contact.Type.PEER_SUPPORT, Contact.Setting.PHONE, 15, [], 0),
)
HOSTEL = "Riverside Hostel (demo)"


def _people_of(worker, limit: int):
    referrals = (
        Referral.objects.filter(
            allocated_worker=worker, status=Referral.Status.ALLOCATED, person__processing_restricted=False
        )
        .select_related("person")
        .order_by("pk")[:limit]
    )
    return [referral.person for referral in referrals]


def seed_contacts(*, hub_worker, peer_worker, spoc) -> int:
    """Returns how many records were added (0 on a second run)."""
    if Contact.objects.exists():
        return 0
    now = timezone.now()
    added = 0
    people = _people_of(hub_worker, 6)
    for index, person in enumerate(people):
        # The last person has had no contact for two months: the nightly check flags them.
        offset = 60 if index == len(people) - 1 else 0
        for days, type_, setting, minutes, topics, kits in CONTACT_PATTERN[: 1 + index % 3]:
            contact_services.contact_record(
                person=person,
                by=hub_worker,
                type=type_,
                setting=setting,
                duration_minutes=minutes,
                occurred_at=now - dt.timedelta(days=days + offset, hours=index),
                harm_reduction_topics=topics,
                naloxone_kits_supplied=kits,
            )
            added += 1
    if len(people) > 2:
        engagement_services.engagement_set_inactive(person=people[1], by=hub_worker, reason="moved_away")
        added += 1
    peer_people = _people_of(peer_worker, 3)
    for index, person in enumerate(peer_people):
        contact_services.contact_record(
            person=person,
            by=peer_worker,
            type=Contact.Type.PEER_SUPPORT,
            setting=Contact.Setting.HUB,
            duration_minutes=30,
            occurred_at=now - dt.timedelta(days=2 + index),
        )
        added += 1
    contact_services.naloxone_partner_supply_record(by=hub_worker, agency_name=HOSTEL, kits=10)
    session = outreach_services.outreach_session_record(
        by=hub_worker,
        date=timezone.localdate() - dt.timedelta(days=1),
        started_at=dt.time(10, 0),
        ended_at=dt.time(13, 30),
        area="Carlisle city centre",
        workers=[peer_worker],
    )
    met = [
        {
            "location": "Bus station",
            "engaged": False,
            "not_engaging_reason": "not_ready",
            "age": 45,
            "age_is_perceived": True,
            "gender": "man",
            "substance": "alcohol",
            "housing": "rough_sleeping",
        },
        {
            "location": "Market Square",
            "engaged": True,
            "name": "Jo",
            "age": 29,
            "gender": "woman",
            "substance": "opiate",
            "housing": "hostel",
            "known_to_treatment": "previous",
            "referral_made": "ers",
        },
        {"location": "Riverside path", "engaged": True, "substance": "non_opiate", "referral_made": "treatment"},
    ]
    recorded = [
        outreach_services.outreach_contact_record(
            by=hub_worker, session=session, occurred_at=now - dt.timedelta(days=1, hours=2 - i), **fields
        )
        for i, fields in enumerate(met)
    ]
    added += 2 + len(recorded)
    if people:
        outreach_services.outreach_contact_link(contact=recorded[1], person=people[0], by=spoc)
    group = group_services.group_create(by=hub_worker, name="Pre-detox group", kind="pre_detox")
    group_services.group_create(by=hub_worker, name="Tuesday recovery group", kind="recovery")
    group_session = group_services.group_session_create(
        group=group, by=hub_worker, starts_at=now - dt.timedelta(days=4), duration_minutes=90
    )
    for person, outcome in zip(people[:3], ("attended", "attended", "did_not_attend"), strict=False):
        group_services.attendance_record(session=group_session, person=person, by=hub_worker, outcome=outcome)
        added += 1
    added += engagement_services.reengagement_flags_raise()
    return added
