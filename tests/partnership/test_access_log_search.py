"""Searching the access log (SEC-2): who looked at this person, what did this user open."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from partnership.models import AccessLog
from partnership.services import access_log_record
from partnership.views_access_log import DATE_INVALID, DATE_RANGE_BACKWARDS, PERSON_INVALID, REFERENCE_INVALID
from referrals.services import referrals as services
from tests.factories import ReferralFactory

URL = reverse("access_log")


def page(response) -> str:
    return response.content.decode()


def rows_in(response) -> int:
    return page(response).count('<tr class="govuk-table__row">') - 1  # minus the header row


@pytest.fixture
def viewed(client, spoc_practitioner, hub_worker):
    """Two referrals: one linked to a person and viewed by the SPOC; the other viewed by the
    hub worker."""
    first = ReferralFactory()
    services.person_create_from_referral(referral=first, by=spoc_practitioner)
    first.refresh_from_db()
    second = ReferralFactory()
    access_log_record(user=spoc_practitioner, action=AccessLog.Action.VIEW, obj=first, person_id=first.person_id)
    access_log_record(user=spoc_practitioner, action=AccessLog.Action.VIEW, obj=first.person, person_id=first.person_id)
    access_log_record(user=hub_worker, action=AccessLog.Action.VIEW, obj=second, person_id=None)
    return first, second


@pytest.mark.parametrize("persona", ["manager", "data_protection_officer"])
def test_managers_and_the_dpo_see_who_looked_at_a_person(client, request, viewed, spoc_practitioner, persona):
    first, _second = viewed
    client.force_login(request.getfixturevalue(persona))
    response = client.get(URL, {"person": first.person.reference.lower()})
    assert response.status_code == 200
    assert rows_in(response) == 2
    assert spoc_practitioner.username in page(response)
    assert f"Referral {first.reference}" in page(response)
    assert f"Person {first.person.reference}" in page(response)


def test_search_by_referral_reference(client, manager, viewed, hub_worker):
    _first, second = viewed
    client.force_login(manager)
    response = client.get(URL, {"reference": second.reference.lower()})
    assert rows_in(response) == 1
    assert hub_worker.username in page(response)


def test_what_a_user_opened_this_month(client, manager, viewed, hub_worker, spoc_practitioner):
    client.force_login(manager)
    today = timezone.localdate()
    response = client.get(
        URL, {"username": "HUBWORKER", "date_from": today.replace(day=1).strftime("%d/%m/%Y"), "date_to": ""}
    )
    assert rows_in(response) == 1
    tomorrow = today + dt.timedelta(days=1)
    response = client.get(URL, {"username": "hubworker", "date_from": tomorrow.strftime("%d/%m/%Y")})
    assert "No entries match this search." in page(response)


def test_break_glass_entries_can_be_picked_out(client, manager, viewed, spoc_practitioner):
    first, _second = viewed
    access_log_record(
        user=spoc_practitioner,
        action=AccessLog.Action.BREAK_GLASS,
        obj=first,
        person_id=first.person_id,
        reason="Crisis call",
    )
    client.force_login(manager)
    response = client.get(URL, {"action": AccessLog.Action.BREAK_GLASS})
    assert rows_in(response) == 1
    assert "Crisis call" in page(response)
    assert "Opened a restricted record" in page(response)


def test_newest_first(client, manager, viewed):
    client.force_login(manager)
    content = page(client.get(URL))
    assert content.index("hubworker") < content.index("spoc")


@pytest.mark.parametrize(
    "query, message",
    [
        ({"person": "abc"}, PERSON_INVALID),
        ({"person": "-3"}, PERSON_INVALID),
        ({"person": "9" * 30}, PERSON_INVALID),
        ({"person": "12"}, PERSON_INVALID),
        ({"reference": "R-0000"}, REFERENCE_INVALID),
        ({"reference": "x" * 200}, REFERENCE_INVALID),
        ({"date_from": "31/2/2026"}, DATE_INVALID),
        ({"date_from": "2/3/2026", "date_to": "1/3/2026"}, DATE_RANGE_BACKWARDS),
    ],
)
def test_bad_searches_are_explained_and_kept(client, manager, viewed, query, message):
    client.force_login(manager)
    response = client.get(URL, query)
    assert response.status_code == 200
    assert escape(str(message)) in page(response)
    assert "govuk-error-summary" in page(response)
    assert rows_in(response) <= 0


def test_nonsense_never_causes_a_server_error(client, manager, db):
    client.force_login(manager)
    for query in [{"page": "9999"}, {"page": "x"}, {"action": "nope"}, {"username": "\x00"}, {"person": "1e9"}]:
        assert client.get(URL, query).status_code == 200


@pytest.mark.parametrize(
    "persona", ["spoc_practitioner", "hub_worker", "peer_worker", "safeguarding_lead", "commissioner", "outsider"]
)
def test_nobody_else_may_search_the_access_log(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("size", [3, 120])
def test_the_search_takes_the_same_queries_whatever_its_size(
    client, manager, spoc_practitioner, size, django_assert_max_num_queries
):
    referrals = [ReferralFactory() for _ in range(3)]
    for n in range(size):
        referral = referrals[n % 3]
        access_log_record(user=spoc_practitioner, action=AccessLog.Action.VIEW, obj=referral, person_id=None)
    client.force_login(manager)
    # Session, user, second-factor device, membership, count(*), the page (users joined), the
    # referrals' references, the menu's organisation, the session save and four savepoint
    # statements (ATOMIC_REQUESTS): 13 at any size.
    with django_assert_max_num_queries(13):
        response = client.get(URL, {"username": "spoc"})
    assert rows_in(response) == min(size, 50)
