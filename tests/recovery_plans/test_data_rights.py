"""Contacts, engagement, outreach and attendance in the subject access export (PAR-6) and the
records export for handover (PAR-7)."""

import datetime as dt

import pytest
from django.utils import timezone

from recovery_plans.models import (
    Attendance,
    Contact,
    EngagementStatus,
    EngagementTransition,
    Group,
    GroupSession,
    OutreachContact,
    OutreachSession,
    ReengagementFlag,
)
from recovery_plans.services import contacts as contact_services
from recovery_plans.services import engagement as engagement_services
from recovery_plans.services import groups as group_services
from recovery_plans.services import outreach as outreach_services
from referrals.data_rights import records_export as rx
from referrals.data_rights import records_import as rxi
from referrals.data_rights.subject_access import build_document
from referrals.models import Person, Referral
from tests.referrals.test_records_export import comparable

pytestmark = pytest.mark.django_db


@pytest.fixture
def supported(person, hub_worker):
    contact_services.contact_record(
        person=person,
        by=hub_worker,
        type="harm_reduction",
        setting="outreach",
        duration_minutes=20,
        harm_reduction_topics=["overdose"],
        naloxone_kits_supplied=1,
        note="Talked about overdose risk",
    )
    engagement_services.engagement_set_inactive(person=person, by=hub_worker, reason="disengaged")
    engagement_services.engagement_reenter(person=person, by=hub_worker)
    ReengagementFlag.objects.create(person=person, flagged_at=timezone.now())
    now = timezone.localtime()
    outreach_session = outreach_services.outreach_session_record(
        by=hub_worker,
        date=now.date(),
        started_at=dt.time(9, 0),
        ended_at=dt.time(12, 0),
        area="Carlisle city centre",
        workers=[hub_worker],
    )
    met = outreach_services.outreach_contact_record(
        by=hub_worker, location="Market Square", engaged=True, session=outreach_session
    )
    outreach_services.outreach_contact_link(contact=met, person=person, by=hub_worker)
    group = group_services.group_create(by=hub_worker, name="Pre-detox group", kind="pre_detox")
    session = group_services.group_session_create(
        group=group, by=hub_worker, starts_at=timezone.now(), duration_minutes=60
    )
    group_services.attendance_record(session=session, person=person, by=hub_worker, outcome="attended")
    return person


def test_the_subject_access_export_holds_every_record_of_ongoing_support(supported, data_protection_officer):
    document = build_document(person=supported, generated_by=data_protection_officer)
    by_key = {section["key"]: section for section in document["sections"]}
    for key in (
        "contacts",
        "engagement",
        "engagement_changes",
        "reengagement_flags",
        "outreach_contacts",
        "group_attendance",
    ):
        assert by_key[key]["records"], key
    assert "Talked about overdose risk" in str(by_key["contacts"]["records"])


@pytest.mark.parametrize("group_here", [True, False], ids=["group-kept", "group-made"])
def test_the_handover_export_carries_contacts_and_engagement_and_imports_them_back(
    supported, data_protection_officer, group_here
):
    first = rx.records_export(by=data_protection_officer)
    before, _digest = rxi.read_zip(first.content)
    for label in (
        "recovery_plans.contact",
        "recovery_plans.engagementstatus",
        "recovery_plans.engagementtransition",
        "recovery_plans.reengagementflag",
        # Format version 3: outreach contacts linked to a person, group attendance, and the
        # sessions they belong to (the group itself travels as reference data).
        "recovery_plans.outreachsession",
        "recovery_plans.outreachcontact",
        "recovery_plans.groupsession",
        "recovery_plans.attendance",
    ):
        assert before["records"][label], label
    assert [g["name"] for g in before["reference"]["recovery_plans.group"]] == ["Pre-detox group"]
    models = [Attendance, OutreachContact, ReengagementFlag, EngagementTransition, EngagementStatus, Contact]
    models += [GroupSession, OutreachSession] + ([] if group_here else [Group])
    for model in models:
        model.objects.all().delete()
    Referral.objects.all().delete()
    Person.objects.all().delete()
    rxi.records_import(source=first.content, by=data_protection_officer)
    again, _ = rxi.read_zip(rx.records_export(by=data_protection_officer).content)
    assert comparable(again) == comparable(before)
    assert Contact.objects.get().harm_reduction_topics == ["overdose"]
    attendance = Attendance.objects.select_related("session__group").get()
    assert attendance.session.group.name == "Pre-detox group" and Group.objects.count() == 1
    met = OutreachContact.objects.select_related("session").get()
    assert met.location == "Market Square" and met.person == Person.objects.get()
    assert met.session.area == "Carlisle city centre" and met.session.minutes == 180


def test_an_outreach_contact_linked_to_no_one_is_not_in_the_handover_export(
    supported, hub_worker, data_protection_officer
):
    outreach_services.outreach_contact_record(by=hub_worker, location="Bus station", engaged=False)
    data, _ = rxi.read_zip(rx.records_export(by=data_protection_officer).content)
    assert [row["fields"]["location"] for row in data["records"]["recovery_plans.outreachcontact"]] == ["Market Square"]


def test_the_sessions_are_not_shown_as_held_on_the_person(supported, data_protection_officer):
    document = build_document(person=supported, generated_by=data_protection_officer)
    keys = {section["key"] for section in document["sections"]}
    assert "outreach_sessions" not in keys and "group_sessions" not in keys
