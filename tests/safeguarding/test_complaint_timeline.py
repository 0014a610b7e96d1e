"""Complaints and compliments on the person's timeline (PLN-7, SAF-4): a complaint a manager has
linked to the person appears, newest first, for those who handle complaints only; one query
however many; the timeline page costs the same queries at 2 or 12 complaints."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from referrals.person_record_discovery import timeline_sources_for
from referrals.services import referrals as referral_services
from safeguarding import services_complaints as services
from safeguarding.person_record_complaints import complaint_events
from tests.factories import ReferralFactory
from tests.safeguarding.complaint_state import public_complaint, recorded_complaint
from tests.states import allocate

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(spoc_practitioner, hub, hub_worker):
    """Someone allocated in the manager's hub, so the manager and the hub worker open them."""
    referral = ReferralFactory()
    referral_services.person_create_from_referral(referral=referral, by=spoc_practitioner)
    allocate(referral, spoc=spoc_practitioner, hub=hub, worker=hub_worker)
    referral.refresh_from_db()
    return referral.person


def _timeline(client, person) -> str:
    return client.get(reverse("referrals:person_timeline", kwargs={"person_ref": person.reference})).content.decode()


def _ago(days):
    return timezone.now() - dt.timedelta(days=days)


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("manager", True),
        ("other_hub_manager", True),
        ("hub_worker", False),
        ("peer_worker", False),
        ("spoc_practitioner", False),
        ("safeguarding_lead", False),
        ("commissioner", False),
    ],
)
def test_only_those_who_handle_complaints_get_the_source(request, persona, sees):
    keys = {source["key"] for source in timeline_sources_for(request.getfixturevalue(persona))}
    assert ("complaints" in keys) is sees


def test_a_linked_complaint_is_on_the_timeline_for_the_manager_not_the_hub_worker(client, manager, hub_worker, person):
    linked = recorded_complaint(manager, person=person, received_at=_ago(3), summary="No call back after my review.")
    unlinked = public_complaint(summary="Reception was closed when it should have been open.")
    client.force_login(manager)
    html = _timeline(client, person)
    assert 'data-kind="complaint"' in html
    assert "Complaint received: getting support, waiting times or opening hours" in html
    assert "Stage 1: local resolution, open. No call back after my review." in html
    assert reverse("safeguarding:complaint", kwargs={"complaint_ref": linked.reference}) in html
    assert unlinked.reference not in html and "Reception was closed" not in html
    # The hub worker sees the person's timeline but nothing of the complaint, not even that it exists.
    client.force_login(hub_worker)
    html = _timeline(client, person)
    assert 'data-kind="complaint"' not in html
    assert "No call back" not in html and linked.reference not in html and "Complaints and compliments" not in html


def test_a_complaint_linked_later_shows_where_it_is_now(client, manager, other_hub_manager, person):
    complaint = public_complaint(kind="compliment", summary="Sam was kind and patient.")
    services.complaint_update(complaint=complaint, by=manager, person=person)
    services.complaint_close(complaint=complaint, by=other_hub_manager, outcome="shared")
    client.force_login(manager)
    html = _timeline(client, person)
    assert "Compliment received: how staff behaved or treated someone" in html
    assert "Closed: compliment shared with the team. Sam was kind and patient." in html


def test_newest_first_before_and_limit_in_one_query(manager, person, django_assert_num_queries):
    made = [recorded_complaint(manager, person=person, received_at=_ago(days)) for days in (9, 1, 5, 7, 3)]
    newest_first = sorted(made, key=lambda c: c.received_at, reverse=True)
    with django_assert_num_queries(1):
        events = complaint_events(person=person, user=manager, before=None, limit=50)
    assert [e["at"] for e in events] == [c.received_at for c in newest_first]
    with django_assert_num_queries(1):
        older = complaint_events(person=person, user=manager, before=newest_first[1].received_at, limit=2)
    assert [e["at"] for e in older] == [c.received_at for c in newest_first[2:4]]


def test_the_timeline_costs_the_same_queries_at_2_or_12_complaints(client, manager, person):
    for days in (1, 2):
        recorded_complaint(manager, person=person, received_at=_ago(days))
    client.force_login(manager)
    _timeline(client, person)  # the session and caches warm up
    with CaptureQueriesContext(connection) as few:
        _timeline(client, person)
    for days in range(3, 13):
        recorded_complaint(manager, person=person, received_at=_ago(days))
    with CaptureQueriesContext(connection) as many:
        html = _timeline(client, person)
    assert html.count('data-kind="complaint"') == 12
    assert len(many) == len(few)
