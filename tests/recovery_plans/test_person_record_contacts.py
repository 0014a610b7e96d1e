"""What contacts add to the person record (the issue 9 contract): the tab, timeline events in
one query each, and the home panels."""

import datetime as dt

import pytest
from django.utils import timezone

from recovery_plans import person_record_contacts as record
from recovery_plans.services import contacts as contact_services
from recovery_plans.services import engagement as engagement_services
from recovery_plans.services import groups as group_services
from recovery_plans.services import outreach as outreach_services

pytestmark = pytest.mark.django_db

EVENT_KEYS = {"at", "kind", "kind_label", "title", "summary", "by", "href", "sensitive"}
ROW_KEYS = {"person_ref", "name", "text", "due", "href", "overdue"}


def _history(person, hub_worker, contacts=3):
    now = timezone.now()
    for days in range(contacts):
        contact_services.contact_record(
            person=person,
            by=hub_worker,
            type="peer_support",
            setting="phone",
            duration_minutes=10,
            occurred_at=now - dt.timedelta(days=days + 1),
        )
    engagement_services.engagement_set_inactive(person=person, by=hub_worker, reason="disengaged")
    engagement_services.engagement_reenter(person=person, by=hub_worker)
    met = outreach_services.outreach_contact_record(by=hub_worker, location="Market Square", engaged=True)
    outreach_services.outreach_contact_link(contact=met, person=person, by=hub_worker)
    group = group_services.group_create(by=hub_worker, name=f"Recovery group {contacts}", kind="recovery")
    session = group_services.group_session_create(group=group, by=hub_worker, starts_at=now, duration_minutes=60)
    group_services.attendance_record(session=session, person=person, by=hub_worker, outcome="attended")


def test_the_contacts_tab_is_for_those_who_record_contacts(hub_worker, commissioner):
    (tab,) = record.TABS
    assert tab["url_name"] == "contacts:list"
    assert tab["visible"](hub_worker) and not tab["visible"](commissioner)


@pytest.mark.parametrize("source", record.TIMELINE, ids=lambda s: s["key"])
def test_each_timeline_source_is_one_query_newest_first(person, hub_worker, source, django_assert_num_queries):
    _history(person, hub_worker)
    with django_assert_num_queries(1):
        events = source["events"](person=person, user=hub_worker, before=None, limit=50)
    assert events and all(set(event) == EVENT_KEYS for event in events)
    times = [event["at"] for event in events]
    assert times == sorted(times, reverse=True)
    with django_assert_num_queries(1):
        older = source["events"](person=person, user=hub_worker, before=times[0], limit=1)
    assert all(event["at"] < times[0] for event in older) and len(older) <= 1


def test_the_contact_events_cover_contacts_status_outreach_and_attendance(person, hub_worker):
    _history(person, hub_worker)
    kinds = {
        event["kind"]
        for source in record.TIMELINE
        for event in source["events"](person=person, user=hub_worker, before=None, limit=10)
    }
    assert kinds == {"contact", "engagement", "outreach_contact", "attendance"}


def test_the_disengaging_panel_lists_flagged_people_of_the_caseload(
    person, peer_person, hub_worker, peer_worker, django_assert_num_queries
):
    engagement_services.reengagement_flags_raise(now=timezone.now() + dt.timedelta(days=60))
    panel = next(p for p in record.HOME_PANELS if p["key"] == "disengaging")
    with django_assert_num_queries(2):  # the grant keys, then the one query of the panel
        rows = panel["rows"](user=peer_worker, limit=10)
    assert [row["person_ref"] for row in rows] == [peer_person.reference]
    assert all(set(row) == ROW_KEYS for row in rows)
    assert {row["person_ref"] for row in panel["rows"](user=hub_worker, limit=10)} == {
        person.reference,
        peer_person.reference,
    }


def test_the_recent_contacts_panel(person, hub_worker, other_hub_worker):
    _history(person, hub_worker)
    panel = next(p for p in record.HOME_PANELS if p["key"] == "recent_contacts")
    assert len(panel["rows"](user=hub_worker, limit=2)) == 2
    assert panel["rows"](user=other_hub_worker, limit=10) == []
