"""Outreach (PLN-3; Tower Hamlets outreach minimum and KPIs): contacts with people not yet
known, sessions with their hours, linking later, and "new contact" (none in six months)."""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from partnership.models import AccessLog
from recovery_plans.models import Contact, OutreachContact
from recovery_plans.selectors.contacts import is_new_contact, new_contacts
from recovery_plans.services import contacts as contact_services
from recovery_plans.services import outreach as services

pytestmark = pytest.mark.django_db


def _met(by, **extra):
    return services.outreach_contact_record(by=by, location="Market Square", engaged=False, **extra)


def test_someone_unknown_is_recorded_with_only_a_place_and_whether_they_engaged(hub_worker, hub):
    contact = _met(hub_worker, not_engaging_reason="not_ready")
    assert (contact.person, contact.hub, contact.name, contact.referral_made) == (None, hub, "", "none")
    assert contact.not_engaging_reason == "not_ready"


def test_the_tower_hamlets_minimum_is_coded(hub_worker):
    contact = services.outreach_contact_record(
        by=hub_worker,
        location="Canal towpath",
        engaged=True,
        name="Sam",
        contact_details="07700 900456",
        age=40,
        age_is_perceived=True,
        ethnicity="white",
        gender="man",
        substance="opiate",
        housing="rough_sleeping",
        known_to_treatment="previous",
        referral_made="treatment",
        not_engaging_reason="not_ready",
    )
    contact.refresh_from_db()
    assert contact.get_substance_display() == "Opiates" and contact.get_housing_display() == "Sleeping rough"
    assert contact.age_is_perceived and contact.engaged
    # Someone who engaged has no reason for not engaging.
    assert contact.not_engaging_reason == ""


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"location": " "}, "location"),
        ({"engaged": None}, "engaged"),
        ({"age": 7}, "age"),
        ({"substance": "cake"}, "substance"),
        ({"housing": "castle"}, "housing"),
        ({"occurred_at": timezone.now() + dt.timedelta(hours=2)}, "occurred_at"),
    ],
)
def test_a_wrong_outreach_contact_is_refused(hub_worker, extra, field):
    fields = {"location": "Market Square", "engaged": False, **extra}
    with pytest.raises(ValidationError) as raised:
        services.outreach_contact_record(by=hub_worker, **fields)
    assert field in raised.value.message_dict
    assert not OutreachContact.objects.exists()


@pytest.mark.parametrize("persona", ["treatment_practitioner", "commissioner", "data_protection_officer", "outsider"])
def test_only_staff_who_meet_people_record_outreach(request, persona):
    with pytest.raises(PermissionDenied):
        _met(request.getfixturevalue(persona))


def test_an_outreach_session_counts_its_hours(hub_worker, peer_worker):
    session = services.outreach_session_record(
        by=hub_worker,
        date=timezone.localdate(),
        started_at=dt.time(9, 30),
        ended_at=dt.time(13, 0),
        area="Town centre",
        workers=[peer_worker],
    )
    assert session.minutes == 210
    assert set(session.workers.all()) == {hub_worker, peer_worker}
    with pytest.raises(ValidationError):
        services.outreach_session_record(
            by=hub_worker, date=timezone.localdate(), started_at=dt.time(13), ended_at=dt.time(9), area="Town"
        )


def test_linking_to_a_person_later_is_logged(person, spoc_practitioner):
    contact = _met(spoc_practitioner)
    services.outreach_contact_link(contact=contact, person=person, by=spoc_practitioner)
    contact.refresh_from_db()
    assert (contact.person, contact.linked_by) == (person, spoc_practitioner)
    assert AccessLog.objects.filter(
        user=spoc_practitioner, person_id=person.pk, reason="Outreach contact linked"
    ).exists()
    with pytest.raises(ValidationError):
        services.outreach_contact_link(contact=contact, person=person, by=spoc_practitioner)


def test_peer_workers_and_other_hubs_do_not_link(person, peer_worker, other_hub_worker, hub_worker):
    contact = _met(hub_worker)
    for by in (peer_worker, other_hub_worker):
        with pytest.raises(PermissionDenied):
            services.outreach_contact_link(contact=contact, person=person, by=by)


def test_linking_on_the_page_with_the_persons_reference(client, person, hub_worker):
    contact = _met(hub_worker)
    client.force_login(hub_worker)
    url = reverse("contacts:outreach_contact", kwargs={"outreach_ref": contact.reference})
    response = client.post(url, {"person_ref": "P-00000000"})
    assert response.context["form"].errors == {"person_ref": ["No person you may see has this reference"]}
    assert client.post(url, {"person_ref": person.reference.lower()}).status_code == 302
    contact.refresh_from_db()
    assert contact.person == person
    page = client.get(url)
    assert person.full_name in page.content.decode() and page.context["form"] is None


def test_outreach_contacts_are_seen_by_their_hub_and_the_front_door(
    client, hub_worker, other_hub_worker, spoc_practitioner
):
    contact = _met(hub_worker)
    url = reverse("contacts:outreach_contact", kwargs={"outreach_ref": contact.reference})
    for user, status in ((hub_worker, 200), (spoc_practitioner, 200), (other_hub_worker, 404)):
        client.force_login(user)
        assert client.get(url).status_code == status


def test_the_outreach_list_has_a_constant_number_of_queries(client, hub_worker, person, django_assert_max_num_queries):
    client.force_login(hub_worker)
    url = reverse("contacts:outreach")
    services.outreach_contact_link(contact=_met(hub_worker), person=person, by=hub_worker)
    client.get(url)
    with django_assert_max_num_queries(25) as few:
        client.get(url)
    for number in range(30):
        contact = _met(hub_worker, name=f"Someone {number}")
        if number % 3 == 0:
            services.outreach_contact_link(contact=contact, person=person, by=hub_worker)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200 and response.context["pages"].count == 31


def test_recording_an_outreach_contact_on_the_page(client, hub_worker):
    client.force_login(hub_worker)
    url = reverse("contacts:outreach_contact_new")
    form = client.get(url).context["form"]
    response = client.post(
        url,
        {
            "location": "Bus station",
            "occurred_date": form["occurred_date"].initial,
            "occurred_time": form["occurred_time"].initial,
            "engaged": "no",
            "not_engaging_reason": "not_ready",
            "age": "35",
            "age_is_perceived": "on",
            "referral_made": "none",
        },
    )
    assert response.status_code == 302
    contact = OutreachContact.objects.get()
    assert (contact.engaged, contact.age, contact.age_is_perceived) == (False, 35, True)


# --- "new contact": no contact in the previous six months (KPI 2a) -----------------------------


def _contact_at(person, by, at):
    return contact_services.contact_record(
        person=person, by=by, type="brief_advice", setting="hub", duration_minutes=5, occurred_at=at
    )


def test_someone_not_linked_to_a_person_is_a_new_contact(hub_worker):
    contact = _met(hub_worker)
    assert is_new_contact(person_id=None, at=contact.occurred_at, this=contact)


def test_a_contact_within_six_months_before_makes_it_not_new(person, hub_worker):
    now = timezone.now()
    _contact_at(person, hub_worker, now - dt.timedelta(days=100))
    assert not is_new_contact(person_id=person.pk, at=now)


def test_six_months_and_a_day_later_it_is_new_again(person, hub_worker):
    now = timezone.now()
    earlier = now - dt.timedelta(days=200)
    _contact_at(person, hub_worker, earlier)
    assert is_new_contact(person_id=person.pk, at=now)
    # The boundary: exactly six calendar months before still counts as "in the previous six months".
    assert not is_new_contact(person_id=person.pk, at=earlier + relativedelta(months=6))
    assert is_new_contact(person_id=person.pk, at=earlier + relativedelta(months=6, seconds=1))


def test_a_contact_does_not_count_against_itself_and_linked_outreach_counts(person, hub_worker):
    now = timezone.now()
    first = _met(hub_worker, occurred_at=now - dt.timedelta(days=30))
    services.outreach_contact_link(contact=first, person=person, by=hub_worker)
    first.refresh_from_db()
    second = _contact_at(person, hub_worker, now)
    assert is_new_contact(person_id=person.pk, at=first.occurred_at, this=first)
    assert not is_new_contact(person_id=person.pk, at=second.occurred_at, this=second)


def test_many_contacts_are_answered_in_two_queries(person, hub_worker, django_assert_num_queries):
    now = timezone.now()
    for days in (500, 300, 100):
        _contact_at(person, hub_worker, now - dt.timedelta(days=days))
    contacts = list(Contact.objects.order_by("occurred_at"))
    with django_assert_num_queries(2):
        answers = new_contacts([(c.person_id, c.occurred_at, c) for c in contacts])
    assert answers == [True, True, True]


def test_a_contact_is_put_in_a_recent_session_the_worker_was_in(client, hub_worker, other_hub_worker):
    session = services.outreach_session_record(
        by=hub_worker, date=timezone.localdate(), started_at=dt.time(0, 0), ended_at=dt.time(23, 59), area="Town centre"
    )
    with pytest.raises(ValidationError) as raised:
        _met(other_hub_worker, session=session)
    assert raised.value.message_dict == {"session": [str(services.SESSION_NOT_YOURS)]}
    client.force_login(hub_worker)
    url = reverse("contacts:outreach_contact_new")
    form = client.get(url).context["form"]
    assert form.fields["session"].initial == str(session.pk)
    response = client.post(
        url,
        {
            "session": str(session.pk),
            "location": "Bus station",
            "occurred_date": form["occurred_date"].initial,
            "occurred_time": form["occurred_time"].initial,
            "engaged": "yes",
            "referral_made": "none",
        },
    )
    assert response.status_code == 302
    contact = OutreachContact.objects.get()
    assert contact.session == session
    page = client.get(reverse("contacts:outreach_contact", kwargs={"outreach_ref": contact.reference})).content.decode()
    assert "Town centre" in page


def test_a_session_names_its_other_workers_from_the_hub(
    client, hub_worker, peer_worker, other_hub_worker, commissioner
):
    with pytest.raises(ValidationError) as raised:
        services.outreach_session_record(
            by=hub_worker,
            date=timezone.localdate(),
            started_at=dt.time(9),
            ended_at=dt.time(12),
            area="Town",
            workers=[commissioner],
        )
    assert raised.value.message_dict == {"workers": [str(services.SESSION_WORKER_INVALID)]}
    client.force_login(hub_worker)
    url = reverse("contacts:outreach_session_new")
    form = client.get(url).context["form"]
    assert [label for _pk, label in form.fields["workers"].choices] == [peer_worker.get_full_name() or "peer"]
    response = client.post(
        url,
        {
            "area": "Town centre",
            "date": form["date"].initial,
            "started_at": "09:00",
            "ended_at": "12:30",
            "workers": [str(peer_worker.pk)],
        },
    )
    assert response.status_code == 302
    from recovery_plans.models import OutreachSession

    session = OutreachSession.objects.get()
    assert set(session.workers.all()) == {hub_worker, peer_worker} and session.minutes == 210
    refused = client.post(
        url,
        {
            "area": "Town",
            "date": form["date"].initial,
            "started_at": "09:00",
            "ended_at": "10:00",
            "workers": [str(other_hub_worker.pk)],
        },
    )
    assert "workers" in refused.context["form"].errors
