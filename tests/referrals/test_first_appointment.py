"""Recording the first appointment offered and attended (REF-9 KPI times)."""

import datetime as dt
import html
import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from common.forms import dates
from partnership.models import AccessLog, Role
from referrals.forms import appointments as forms
from referrals.models import Referral, Triage
from referrals.services import allocation as allocation_services
from referrals.services import triage as triage_services
from tests.factories import ReferralFactory, UserFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# Noon on a Tuesday: "this morning" and "tomorrow" never cross midnight.
NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


def url(referral: Referral) -> str:
    return reverse("referrals:appointment", args=[referral.reference])


def detail(referral: Referral) -> str:
    return reverse("referrals:detail", args=[referral.reference])


def page(response) -> str:
    return response.content.decode()


def escaped(text) -> str:
    return html.escape(str(text))


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def moment(when: dt.datetime, prefix: str, time_name: str) -> dict:
    local = when.astimezone(LONDON)
    return {
        f"{prefix}_0": str(local.day),
        f"{prefix}_1": str(local.month),
        f"{prefix}_2": str(local.year),
        time_name: local.strftime("%H:%M"),
    }


def appointment_data(offered: dt.datetime, attended: dt.datetime | None = None, choice: str | None = None) -> dict:
    data = moment(offered, "when_date", "when_time")
    if attended is not None:
        data.update(moment(attended, "attended_date", "attended_time"))
    data["attended"] = choice or (forms.ATTENDED_YES if attended else forms.ATTENDED_NOT_YET)
    return data


def input_value(content: str, name: str) -> str | None:
    for tag in re.findall(r"<input[^>]*>", content, flags=re.S):
        if f'name="{name}"' in tag:
            found = re.search(r'value="([^"]*)"', tag)
            return found.group(1) if found else ""
    return None


def checked(content: str, name: str) -> list[str]:
    return [
        re.search(r'value="([^"]*)"', tag).group(1)
        for tag in re.findall(r"<input[^>]*>", content, flags=re.S)
        if f'name="{name}"' in tag and re.search(r"\bchecked\b", tag)
    ]


def new_referral(*, days_ago: int) -> Referral:
    # An adult on the fixed date, whatever today's real date makes the factory's birthdays.
    return ReferralFactory(received_at=NOW - dt.timedelta(days=days_ago), subject_date_of_birth=dt.date(1980, 5, 4))


def triaged(referral: Referral, by) -> Referral:
    triage_services.contact_attempt_record(
        referral=referral, by=by, attempted_at=NOW - dt.timedelta(hours=1), method="phone", outcome="made_contact"
    )
    triage_services.triage_save_screening(
        referral=referral, by=by, substances=["alcohol"], council_of_residence="cumberland", risk="green"
    )
    triage_services.triage_complete(referral=referral, by=by, outcome=Triage.Outcome.ERS)
    referral.refresh_from_db()
    return referral


def allocated(referral: Referral, *, spoc, hub, worker) -> Referral:
    triaged(referral, spoc)
    allocation_services.referral_allocate(referral=referral, hub=hub, worker=worker, by=spoc)
    referral.refresh_from_db()
    return referral


@pytest.fixture
def referral(spoc_practitioner, hub, hub_worker):
    """Received two days ago, accepted at triage and allocated to the hub worker."""
    return allocated(new_referral(days_ago=2), spoc=spoc_practitioner, hub=hub, worker=hub_worker)


@pytest.fixture
def worker_client(client, hub_worker):
    client.force_login(hub_worker)
    return client


# --- Recording -----------------------------------------------------------------------------


def test_allocated_worker_records_the_offer_and_attendance_and_the_kpi_times_are_set(
    worker_client, hub_worker, referral
):
    offered = NOW - dt.timedelta(days=1, hours=3)
    attended = NOW - dt.timedelta(hours=2)

    response = worker_client.post(url(referral), appointment_data(offered, attended))

    assert response.status_code == 302
    assert response.url == detail(referral)
    assert messages_of(response) == ["First appointment saved"]
    referral.refresh_from_db()
    assert referral.first_appointment_offered_at == offered
    assert referral.first_appointment_attended_at == attended
    latest = referral.history.latest()
    assert latest.history_user == hub_worker
    assert latest.history_change_reason == "First appointment attended"


def test_the_success_message_names_nobody(worker_client, referral):
    response = worker_client.post(url(referral), appointment_data(NOW - dt.timedelta(hours=3)))

    for message in messages_of(response):
        assert referral.subject_given_name not in message
        assert referral.subject_family_name not in message


def test_recording_again_updates_the_times_and_the_history_keeps_the_old_ones(worker_client, referral, manager):
    first_offer = NOW - dt.timedelta(days=1)
    worker_client.post(url(referral), appointment_data(first_offer, choice=forms.DID_NOT_ATTEND))
    referral.refresh_from_db()
    assert referral.first_appointment_offered_at == first_offer
    assert referral.first_appointment_attended_at is None
    assert referral.history.latest().history_change_reason == "First appointment offered: did not attend"

    attended = NOW - dt.timedelta(minutes=30)
    worker_client.force_login(manager)
    worker_client.post(url(referral), appointment_data(first_offer, attended))

    referral.refresh_from_db()
    assert referral.first_appointment_attended_at == attended
    rows = list(referral.history.order_by("history_date", "history_id"))
    assert [r.first_appointment_attended_at for r in rows[-2:]] == [None, attended]
    assert rows[-1].history_user == manager


def test_the_form_starts_from_what_is_already_recorded(worker_client, hub_worker, referral):
    offered, attended = NOW - dt.timedelta(days=1, hours=1), NOW - dt.timedelta(hours=1)
    allocation_services.referral_first_appointment_record(
        referral=referral, by=hub_worker, offered_at=offered, attended_at=attended
    )

    content = page(worker_client.get(url(referral)))

    assert input_value(content, "when_date_0") == "9"
    assert input_value(content, "when_time") == "11:00"
    assert checked(content, "attended") == [forms.ATTENDED_YES]
    assert input_value(content, "attended_time") == "11:00"
    assert 'id="recorded-so-far"' in content


def test_the_front_door_may_record_a_triaged_referral_before_allocation(client, spoc_practitioner):
    referral = triaged(new_referral(days_ago=1), spoc_practitioner)
    client.force_login(spoc_practitioner)

    response = client.post(url(referral), appointment_data(NOW - dt.timedelta(hours=1)))

    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.first_appointment_offered_at == NOW - dt.timedelta(hours=1)
    assert referral.first_appointment_attended_at is None


def test_opening_the_page_is_access_logged(worker_client, hub_worker, referral):
    before = AccessLog.objects.filter(user=hub_worker).count()

    worker_client.get(url(referral))

    assert AccessLog.objects.filter(user=hub_worker).count() == before + 1


def test_the_page_takes_a_fixed_number_of_queries(worker_client, referral, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        assert worker_client.get(url(referral)).status_code == 200


# --- Who may --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["other_hub_worker", "peer_worker"])
def test_a_caseworker_the_referral_is_not_allocated_to_gets_not_found(client, request, persona, referral):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(url(referral)).status_code == 404
    assert client.post(url(referral), appointment_data(NOW - dt.timedelta(hours=1))).status_code == 404
    referral.refresh_from_db()
    assert referral.first_appointment_offered_at is None


def test_a_hub_teammate_who_can_read_the_referral_may_not_record_its_appointment(client, hub, referral):
    # The hub team sees its hub's referrals (partnership.grants); the appointment is the
    # allocated worker's, or the front door's.
    teammate = UserFactory(
        username="teammate",
        membership__organisation=hub.organisation,
        membership__hub=hub,
        membership__role=Role.HUB_WORKER,
    )
    client.force_login(teammate)

    assert client.get(detail(referral)).status_code == 200
    assert url(referral) not in page(client.get(detail(referral)))
    assert client.get(url(referral)).status_code == 403
    assert client.post(url(referral), appointment_data(NOW - dt.timedelta(hours=1))).status_code == 403
    referral.refresh_from_db()
    assert referral.first_appointment_offered_at is None


@pytest.mark.parametrize("persona", ["commissioner", "treatment_practitioner", "safeguarding_lead", "outsider"])
def test_roles_that_do_not_work_referrals_are_refused(client, request, persona, referral):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(url(referral)).status_code == 403
    assert client.post(url(referral), appointment_data(NOW - dt.timedelta(hours=1))).status_code == 403
    referral.refresh_from_db()
    assert referral.first_appointment_offered_at is None


def test_signed_out_visitors_are_sent_to_sign_in(client, referral):
    response = client.get(url(referral))

    assert response.status_code == 302
    assert "?next=" in response.url


def test_the_service_refuses_anyone_but_the_front_door_and_the_allocated_worker(
    referral, other_hub_worker, commissioner
):
    for user in (other_hub_worker, commissioner):
        with pytest.raises(PermissionDenied):
            allocation_services.referral_first_appointment_record(
                referral=referral, by=user, offered_at=NOW - dt.timedelta(hours=1)
            )


# --- Mistakes and how they are explained ------------------------------------------------------


def test_attended_before_it_was_offered_is_explained_and_what_was_typed_is_kept(worker_client, referral):
    offered = NOW - dt.timedelta(hours=2)
    attended = NOW - dt.timedelta(days=1)

    response = worker_client.post(url(referral), appointment_data(offered, attended))

    content = page(response)
    assert response.status_code == 200
    expected = forms.ATTENDED_BEFORE_OFFERED % {"offered": "10 March 2026 at 10:00"}
    assert escaped(expected) in content
    assert 'href="#id_attended_date_0"' in content
    assert input_value(content, "attended_date_0") == "9"
    assert input_value(content, "when_time") == "10:00"
    assert checked(content, "attended") == [forms.ATTENDED_YES]
    referral.refresh_from_db()
    assert referral.first_appointment_offered_at is None


def test_an_offer_in_the_future_is_explained_and_what_was_typed_is_kept(worker_client, referral):
    response = worker_client.post(url(referral), appointment_data(NOW + dt.timedelta(days=3)))

    content = page(response)
    assert escaped(forms.OFFERED_IN_FUTURE) in content
    assert 'href="#id_when_date_0"' in content
    assert input_value(content, "when_date_0") == "13"
    assert checked(content, "attended") == [forms.ATTENDED_NOT_YET]
    referral.refresh_from_db()
    assert referral.first_appointment_offered_at is None


def test_an_offer_later_today_points_at_the_time(worker_client, referral):
    content = page(worker_client.post(url(referral), appointment_data(NOW + dt.timedelta(hours=2))))

    assert escaped(forms.OFFERED_IN_FUTURE) in content
    assert 'href="#id_when_time"' in content
    assert input_value(content, "when_time") == "14:00"


def test_attendance_in_the_future_is_explained(worker_client, referral):
    content = page(
        worker_client.post(url(referral), appointment_data(NOW - dt.timedelta(days=1), NOW + dt.timedelta(days=1)))
    )

    assert escaped(forms.ATTENDED_IN_FUTURE) in content


def test_an_offer_before_the_referral_was_received_is_explained(worker_client, referral):
    content = page(worker_client.post(url(referral), appointment_data(NOW - dt.timedelta(days=5))))

    received = allocation_services.local_date_time(referral.received_at)
    assert escaped(forms.OFFERED_BEFORE_RECEIVED % {"received": received}) in content


@pytest.mark.parametrize(
    "field, day, month, year, message",
    [
        ("when_date", "31", "2", "2026", dates.DATE_NOT_REAL),
        ("when_date", "9", "13", "2026", dates.DATE_NOT_REAL),
        ("when_date", "9", "3", "26", dates.DATE_YEAR_FOUR_DIGITS),
        ("when_date", "nine", "3", "2026", dates.DATE_NOT_NUMBERS),
        ("when_date", "9", "3", "0000", dates.DATE_NOT_REAL),
        ("attended_date", "30", "2", "2026", dates.DATE_NOT_REAL),
        ("attended_date", "", "3", "2026", dates.DATE_DAY_MISSING),
    ],
)
def test_impossible_dates_are_explained_and_kept(worker_client, referral, field, day, month, year, message):
    data = appointment_data(NOW - dt.timedelta(days=1), NOW - dt.timedelta(hours=1))
    data.update({f"{field}_0": day, f"{field}_1": month, f"{field}_2": year})

    response = worker_client.post(url(referral), data)

    content = page(response)
    assert response.status_code == 200
    assert escaped(message) in content
    assert input_value(content, f"{field}_0") == day
    assert input_value(content, f"{field}_2") == year
    referral.refresh_from_db()
    assert referral.first_appointment_offered_at is None


@pytest.mark.parametrize("year", ["0001", "9999"])
def test_years_at_the_edge_of_the_calendar_are_explained_not_a_crash(worker_client, referral, year):
    data = appointment_data(NOW - dt.timedelta(days=1), NOW - dt.timedelta(hours=1))
    data.update({"when_date_2": year, "attended_date_2": year})

    response = worker_client.post(url(referral), data)

    assert response.status_code == 200
    assert "There is a problem" in page(response)
    referral.refresh_from_db()
    assert referral.first_appointment_offered_at is None


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"attended": ""}, forms.ATTENDED_REQUIRED),
        ({"attended": "maybe"}, forms.ATTENDED_REQUIRED),
        ({"attended_date_0": "", "attended_date_1": "", "attended_date_2": ""}, forms.ATTENDED_DATE_REQUIRED),
        ({"attended_time": ""}, forms.ATTENDED_TIME_REQUIRED),
        ({"attended_time": "25:00"}, dates.TIME_INVALID),
        ({"when_time": ""}, dates.TIME_REQUIRED),
    ],
)
def test_missing_or_nonsense_answers_are_explained(worker_client, referral, changes, message):
    data = appointment_data(NOW - dt.timedelta(days=1), NOW - dt.timedelta(hours=1))
    data.update(changes)

    response = worker_client.post(url(referral), data)

    assert response.status_code == 200
    assert escaped(message) in page(response)


def test_dates_typed_under_yes_do_not_count_when_not_yet_is_chosen(worker_client, referral):
    data = appointment_data(NOW - dt.timedelta(days=1), choice=forms.ATTENDED_NOT_YET)
    data.update({"attended_date_0": "31", "attended_date_1": "2", "attended_date_2": "2026", "attended_time": "x"})

    response = worker_client.post(url(referral), data)

    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.first_appointment_attended_at is None


def test_the_service_keys_its_errors_by_field(referral, hub_worker):
    with pytest.raises(ValidationError) as caught:
        allocation_services.referral_first_appointment_record(
            referral=referral,
            by=hub_worker,
            offered_at=NOW + dt.timedelta(days=1),
            attended_at=NOW - dt.timedelta(hours=1),
            did_not_attend=True,
        )

    assert caught.value.message_dict == {
        "offered_at": [str(allocation_services.OFFERED_IN_FUTURE)],
        "attended_at": [str(allocation_services.ATTENDED_AND_DID_NOT_ATTEND)],
    }


# --- Only after triage --------------------------------------------------------------------------


def test_a_referral_still_in_the_queue_is_refused_with_the_reason(client, spoc_practitioner):
    referral = new_referral(days_ago=1)
    client.force_login(spoc_practitioner)

    get = client.get(url(referral))
    post = client.post(url(referral), appointment_data(NOW - dt.timedelta(hours=1)))

    for response in (get, post):
        assert response.status_code == 200
        assert escaped(allocation_services.FIRST_APPOINTMENT_NOT_OPEN) in page(response)
        assert 'name="when_date_0"' not in page(response)
    referral.refresh_from_db()
    assert referral.first_appointment_offered_at is None
    with pytest.raises(ValidationError) as caught:
        allocation_services.referral_first_appointment_record(
            referral=referral, by=spoc_practitioner, offered_at=NOW - dt.timedelta(hours=1)
        )
    assert caught.value.messages == [str(allocation_services.FIRST_APPOINTMENT_NOT_OPEN)]


def test_a_closed_referral_is_refused(referral, spoc_practitioner):
    allocation_services.referral_close(referral=referral, by=spoc_practitioner, reason="Moved away")

    with pytest.raises(ValidationError):
        allocation_services.referral_first_appointment_record(
            referral=referral, by=spoc_practitioner, offered_at=NOW - dt.timedelta(hours=1)
        )


# --- The referral page ------------------------------------------------------------------------------


def test_the_referral_page_links_to_the_page_and_shows_the_times(worker_client, hub_worker, referral):
    allocation_services.referral_first_appointment_record(
        referral=referral,
        by=hub_worker,
        offered_at=NOW - dt.timedelta(days=1, hours=1),
        attended_at=NOW - dt.timedelta(hours=1),
    )

    content = page(worker_client.get(detail(referral)))

    assert f'href="{url(referral)}"' in content
    assert "Record first appointment" in content
    assert "9 Mar 2026, 11:00" in content
    assert "10 Mar 2026, 11:00" in content


def test_the_referral_page_offers_no_link_before_triage(client, spoc_practitioner):
    referral = new_referral(days_ago=1)
    client.force_login(spoc_practitioner)

    assert url(referral) not in page(client.get(detail(referral)))


def test_the_referral_page_takes_the_same_queries_with_the_link_whatever_its_size(
    worker_client, spoc_practitioner, referral, django_assert_max_num_queries
):
    def attempts(count: int) -> None:
        for n in range(count):
            triage_services.contact_attempt_record(
                referral=referral,
                by=spoc_practitioner,
                attempted_at=NOW - dt.timedelta(minutes=50 - n),
                method="phone",
                outcome="no_answer",
            )

    worker_client.get(detail(referral))  # warm up sessions and caches
    with CaptureQueriesContext(connection) as small:
        assert url(referral) in page(worker_client.get(detail(referral)))
    attempts(6)

    with django_assert_max_num_queries(len(small)):
        response = worker_client.get(detail(referral))
    assert url(referral) in page(response)
