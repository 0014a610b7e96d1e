"""The SPOC queue and "My caseload" (REF-5)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals import filters
from referrals.models import Referral
from referrals.services import allocation as allocation_services
from referrals.services import referrals as services
from referrals.services import triage as triage_services
from tests.factories import ReferralFactory
from tests.states import allocate

QUEUE = reverse("referrals:queue")
CASELOAD = reverse("referrals:caseload")


def references_in(response) -> list[str]:
    return re.findall(r">(R-[0-9A-Z]{8})</a>", response.content.decode())


def hours_ago(hours):
    return timezone.now() - dt.timedelta(hours=hours)


@pytest.fixture
def spoc_client(client, spoc_practitioner):
    client.force_login(spoc_practitioner)
    return client


# --- Order ----------------------------------------------------------------------------------


def test_childrens_services_referral_jumps_the_queue(spoc_client):
    routine = ReferralFactory(received_at=hours_ago(72))
    childrens = ReferralFactory(
        received_at=hours_ago(48),
        source=Referral.Source.CHILDRENS_SERVICES,
        priority=Referral.Priority.CHILDRENS_SERVICES,
    )
    urgent = ReferralFactory(received_at=hours_ago(1), is_urgent=True, priority=Referral.Priority.URGENT)

    response = spoc_client.get(QUEUE)

    assert response.status_code == 200
    assert references_in(response) == [urgent.reference, childrens.reference, routine.reference]


def test_oldest_referral_comes_first_within_a_priority(spoc_client):
    newer = ReferralFactory(received_at=hours_ago(2))
    older = ReferralFactory(received_at=hours_ago(30))
    assert references_in(spoc_client.get(QUEUE)) == [older.reference, newer.reference]


def test_allocated_and_closed_referrals_leave_the_queue(spoc_client, spoc_practitioner, hub, hub_worker):
    waiting = ReferralFactory()
    allocated = allocate(ReferralFactory(), spoc=spoc_practitioner, hub=hub, worker=hub_worker)
    closed = ReferralFactory()
    allocation_services.referral_close(referral=closed, by=spoc_practitioner, reason="Duplicate")

    refs = references_in(spoc_client.get(QUEUE))

    assert waiting.reference in refs
    assert allocated.reference not in refs
    assert closed.reference not in refs


# --- What a row shows -----------------------------------------------------------------------


def test_a_row_shows_the_name_as_referred_priority_and_target_in_words(spoc_client):
    ReferralFactory(
        subject_given_name="Siân",
        subject_family_name="Ó Briain-Nakamura",
        is_urgent=True,
        priority=Referral.Priority.URGENT,
        received_at=hours_ago(6),
        source=Referral.Source.GP,
        channel=Referral.Channel.PHONE,
    )
    html = spoc_client.get(QUEUE).content.decode()

    assert "Siân Ó Briain-Nakamura" in html
    assert 'class="moj-badge moj-badge--red">Urgent<' in html
    # The row itself (the filter panel beside it always lists every source and channel).
    row = re.search(r'<tr class="govuk-table__row[^"]*">(?:(?!</tr>).)*Siân Ó Briain-Nakamura.*?</tr>', html, re.S)
    assert row, "the referral's row"
    cells = [
        re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)
    ]
    assert "GP Phone" in [" ".join(cell.split()) for cell in cells], cells
    # Urgent first contact is due within 4 clock hours: 6 hours on, 2 hours overdue.
    assert "Overdue by 2 hours" in html
    assert "Waiting 6 hours" in html


def test_a_routine_referral_shows_when_it_is_due(spoc_client):
    ReferralFactory(received_at=timezone.now() - dt.timedelta(minutes=30))
    html = spoc_client.get(QUEUE).content.decode()
    assert "Due in" in html
    assert "First contact attempt within 3 working days" in html


def test_a_row_shows_who_it_is_assigned_to_and_when_it_came_in(spoc_client, spoc_practitioner, manager):
    received = timezone.now() - dt.timedelta(days=2)
    mine = ReferralFactory(received_at=received, assigned_to=spoc_practitioner)
    theirs = ReferralFactory(received_at=received, assigned_to=manager)
    # A self-referral may have no source: the row shows it blank, not an error.
    ReferralFactory(received_at=received, source="")
    html = spoc_client.get(QUEUE).content.decode()

    assert "Assigned to you" in html and "Unassigned" in html
    assert f"Assigned to {manager.get_full_name() or manager.username}" in html
    local = timezone.localtime(received)
    assert f'<time datetime="{local.isoformat()}">' in html
    assert f"{local:%H:%M}" in html
    for referral in (mine, theirs):
        assert f'href="{reverse("referrals:detail", args=[referral.reference])}"' in html


def test_the_queue_index_covers_exactly_the_queue_statuses():
    (index,) = [index for index in Referral._meta.indexes if index.name == "referral_open_queue_idx"]
    assert set(index.condition.children[0][1]) == set(Referral.QUEUE_STATUSES)
    assert index.fields == ["priority", "received_at", "id"]  # the queue's order


# --- Filters --------------------------------------------------------------------------------


def test_filters_narrow_the_rows(spoc_client, spoc_practitioner, manager, hub, other_hub):
    phone_gp = ReferralFactory(source=Referral.Source.GP, channel=Referral.Channel.PHONE)
    online_self = ReferralFactory(source=Referral.Source.SELF, channel=Referral.Channel.ONLINE)
    mine = ReferralFactory(source=Referral.Source.HOUSING, channel=Referral.Channel.EMAIL)
    services.referral_assign(referral=mine, to=spoc_practitioner, by=spoc_practitioner)
    theirs = ReferralFactory(source=Referral.Source.HOUSING, channel=Referral.Channel.EMAIL, hub=other_hub)
    services.referral_assign(referral=theirs, to=manager, by=spoc_practitioner)
    contacting = ReferralFactory(channel=Referral.Channel.PHONE)
    triage_services.contact_attempt_record(
        referral=contacting, by=spoc_practitioner, attempted_at=timezone.now(), method="phone", outcome="no_answer"
    )

    def refs(**query):
        return set(references_in(spoc_client.get(QUEUE, query)))

    assert refs(source="gp") == {phone_gp.reference}
    assert refs(channel=["online", "email"]) == {online_self.reference, mine.reference, theirs.reference}
    # Recording a contact attempt on an unassigned referral takes it.
    assert refs(assignee="me") == {mine.reference, contacting.reference}
    assert refs(assignee=str(manager.pk)) == {theirs.reference}
    assert refs(assignee="unassigned") == {phone_gp.reference, online_self.reference}
    assert refs(hub=str(other_hub.pk)) == {theirs.reference}
    assert refs(status="contacting") == {contacting.reference}
    assert refs(source="housing", assignee="me") == {mine.reference}


def test_selected_filters_are_shown_with_a_link_to_remove_each(spoc_client):
    ReferralFactory(source=Referral.Source.GP)
    html = spoc_client.get(QUEUE, {"source": ["gp", "police"], "channel": "phone"}).content.decode()
    assert "Selected filters" in html
    assert 'href="?source=police&amp;channel=phone"' in html
    assert "Remove this filter</span> GP" in html


def test_nonsense_filter_values_are_ignored_not_an_error(spoc_client):
    referral = ReferralFactory()
    response = spoc_client.get(QUEUE, {"status": "nonsense", "hub": "abc", "assignee": "999999", "page": "-4"})
    assert response.status_code == 200
    assert referral.reference in references_in(response)


@pytest.mark.parametrize(
    ("query", "anchor", "message"),
    [
        ({"status": "bogus"}, "id_status_0", filters.STATUS_INVALID),
        ({"priority": "7"}, "id_priority_0", filters.PRIORITY_INVALID),
        ({"source": "<script>"}, "id_source_0", filters.SOURCE_INVALID),
        ({"channel": "carrier pigeon"}, "id_channel_0", filters.CHANNEL_INVALID),
        ({"hub": "abc"}, "id_hub", filters.HUB_INVALID),
        ({"hub": str(2**70)}, "id_hub", filters.HUB_INVALID),
        ({"assignee": "999999"}, "id_assignee", filters.ASSIGNEE_INVALID),
    ],
)
def test_a_hand_edited_filter_shows_a_govuk_error_summary(spoc_client, query, anchor, message):
    referral = ReferralFactory()
    response = spoc_client.get(QUEUE, query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert f'<a href="#{anchor}">{message}</a>' in html
    assert f'id="{anchor}"' in html
    assert "Select a valid choice" not in html
    assert "<title>Error:" in html
    # The queue still shows, without the filter that made no sense.
    assert referral.reference in references_in(response)


def test_good_filters_show_no_error_summary(spoc_client):
    html = spoc_client.get(QUEUE, {"status": "received", "channel": "hub_drop_in"}).content.decode()
    assert "govuk-error-summary" not in html


# --- Paging and query counts ----------------------------------------------------------------


def test_queue_pages_50_at_a_time_with_a_count(spoc_client):
    for hours in range(60):
        ReferralFactory(received_at=hours_ago(hours + 1))

    first = spoc_client.get(QUEUE)
    second = spoc_client.get(QUEUE, {"page": "2"})

    assert len(references_in(first)) == 50
    assert "Showing <b>1</b> to <b>50</b> of <b>60</b> results" in first.content.decode()
    assert len(references_in(second)) == 10
    assert "Showing <b>51</b> to <b>60</b> of <b>60</b> results" in second.content.decode()


def test_page_links_keep_the_filters(spoc_client):
    for hours in range(55):
        ReferralFactory(received_at=hours_ago(hours + 1), channel=Referral.Channel.PHONE)
    html = spoc_client.get(QUEUE, {"channel": "phone"}).content.decode()
    assert 'href="?channel=phone&amp;page=2"' in html


@pytest.mark.parametrize("size", [5, 60])
def test_queue_takes_the_same_number_of_queries_whatever_its_size(
    spoc_client, spoc_practitioner, hub, size, django_assert_max_num_queries
):
    for n in range(size):
        referral = ReferralFactory(received_at=hours_ago(n + 1), hub=hub, priority=n % 3 + 1)
        if n % 2:
            services.referral_assign(referral=referral, to=spoc_practitioner, by=spoc_practitioner)
    # Session, user, membership and organisation (menu), the assignable staff and the chosen
    # hub (filter form), count(*), the page, the targets, the hubs (filter form), the session
    # save, and the savepoints of ATOMIC_REQUESTS: the same at any size. +1: the session's
    # second-factor device (SEC-3). +2: the access-log row and its subject rows (SEC-2).
    with django_assert_max_num_queries(18):
        response = spoc_client.get(QUEUE, {"channel": "online", "hub": str(hub.pk)})
    assert len(references_in(response)) == min(size, 50)


# --- Who may use it -------------------------------------------------------------------------


def test_a_manager_works_the_queue_too(client, manager):
    client.force_login(manager)
    assert client.get(QUEUE).status_code == 200


@pytest.mark.parametrize("persona", ["hub_worker", "peer_worker", "treatment_practitioner", "commissioner", "outsider"])
def test_only_the_front_door_sees_the_queue(client, db, request, persona):
    ReferralFactory()
    client.force_login(request.getfixturevalue(persona))
    assert client.get(QUEUE).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- My caseload ----------------------------------------------------------------------------


def test_caseload_lists_only_referrals_allocated_to_the_worker(
    client, spoc_practitioner, hub, other_hub, hub_worker, other_hub_worker
):
    mine = allocate(ReferralFactory(), spoc=spoc_practitioner, hub=hub, worker=hub_worker)
    theirs = allocate(ReferralFactory(), spoc=spoc_practitioner, hub=other_hub, worker=other_hub_worker)
    waiting = ReferralFactory()

    client.force_login(hub_worker)
    response = client.get(CASELOAD)

    assert response.status_code == 200
    assert references_in(response) == [mine.reference]
    assert theirs.reference not in response.content.decode()
    assert waiting.reference not in response.content.decode()


def test_peer_worker_has_a_caseload_too(client, peer_worker):
    client.force_login(peer_worker)
    response = client.get(CASELOAD)
    assert response.status_code == 200
    assert "Nobody is allocated to you" in response.content.decode()


def test_front_door_is_sent_from_caseload_to_the_queue(client, spoc_practitioner):
    client.force_login(spoc_practitioner)
    response = client.get(CASELOAD)
    assert response.status_code == 302
    assert response.url == QUEUE


@pytest.mark.parametrize("persona", ["treatment_practitioner", "commissioner", "outsider", "safeguarding_lead"])
def test_others_have_no_caseload_here(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(CASELOAD).status_code == 403


@pytest.mark.parametrize("size", [1, 8])
def test_caseload_takes_the_same_number_of_queries_whatever_its_size(
    client, spoc_practitioner, hub, hub_worker, size, django_assert_max_num_queries
):
    for _ in range(size):
        referral = allocate(ReferralFactory(), spoc=spoc_practitioner, hub=hub, worker=hub_worker)
        services.person_create_from_referral(referral=referral, by=spoc_practitioner)
    client.force_login(hub_worker)
    # +1: the session's second-factor device (SEC-3); +2: the access-log row and its subjects.
    with django_assert_max_num_queries(
        15
    ):  # +1: _holds reads the permission id and the user's group ids first (benchmarks/README.md, hub caseload)
        response = client.get(CASELOAD)
    assert len(references_in(response)) == size
