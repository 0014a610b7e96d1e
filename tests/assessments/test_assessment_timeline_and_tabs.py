"""The assessment's part of the person record: its tab and its timeline events (PLN-7)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments import person_record
from assessments.services import assessment_section_save, child_save, reading_record
from tests.assessments.instruments import all_scoring, definition

pytestmark = pytest.mark.django_db


def _history(person, by, count):
    audit_c = definition("audit-c")
    for number in range(count):
        assessment_section_save(person=person, key="needs", values={"needs": f"v{number}"}, by=by)
        assessment_section_save(person=person, key="risks", values={"risk_to_self": f"v{number}"}, by=by)
        reading_record(person=person, definition=audit_c, answers=all_scoring(audit_c, 1), by=by)
    child_save(person=person, child=None, values={"age": 4}, by=by)


def test_events_are_newest_first_limited_and_paged_in_one_query(person, hub_worker):
    _history(person, hub_worker, 5)
    with CaptureQueriesContext(connection) as queries:
        events = person_record.events(person=person, user=hub_worker, before=None, limit=7)
    assert len(queries) == 1
    assert len(events) == 7
    assert [e["at"] for e in events] == sorted((e["at"] for e in events), reverse=True)
    assert {"assessment_section", "assessment_reading"} <= {e["kind"] for e in events}
    older = person_record.events(person=person, user=hub_worker, before=events[-1]["at"], limit=100)
    assert all(e["at"] < events[-1]["at"] for e in older)
    assert len(person_record.events(person=person, user=hub_worker, before=None, limit=100)) == 16
    reading = next(e for e in events if e["kind"] == "assessment_reading")
    assert reading["title"] == definition("audit-c").title and reading["summary"].startswith("Score 3")


def test_peer_workers_see_no_risk_events(peer_person, peer_worker, hub_worker):
    _history(peer_person, hub_worker, 2)
    events = person_record.events(person=peer_person, user=peer_worker, before=None, limit=100)
    assert events and not any(e["sensitive"] for e in events)
    assert not any("Risks" in e["title"] for e in events)


def test_roles_without_assessments_see_nothing(person, hub_worker, treatment_practitioner, commissioner):
    _history(person, hub_worker, 1)
    for user in (treatment_practitioner, commissioner):
        assert (
            person_record.events(person=person, user=user, before=timezone.now() + dt.timedelta(days=1), limit=10) == []
        )
        assert not person_record.TABS[0]["visible"](user)
    assert person_record.TABS[0]["visible"](hub_worker)
