"""Contacts and interventions (PLN-3): quick to record, coded, per person, by the people who
may; naloxone to partner agencies."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from partnership.models import AccessLog
from recovery_plans.models import Contact, NaloxonePartnerSupply, ReengagementFlag
from recovery_plans.services import contacts as services

pytestmark = pytest.mark.django_db


def _record(person, by, **extra):
    fields = {"type": Contact.Type.BRIEF_ADVICE, "setting": Contact.Setting.HUB, "duration_minutes": 15}
    return services.contact_record(person=person, by=by, **{**fields, **extra})


def test_a_routine_contact_needs_only_type_setting_and_duration_and_defaults_to_now(person, hub_worker):
    before = timezone.now()
    contact = _record(person, hub_worker)
    assert contact.occurred_at >= before
    assert contact.harm_reduction_topics == [] and contact.naloxone_kits_supplied == 0
    row = contact.history.get()
    assert row.history_user == hub_worker and row.history_change_reason == "Contact recorded"


def test_harm_reduction_naloxone_needles_and_family_support_are_coded(person, hub_worker):
    contact = _record(
        person,
        hub_worker,
        type=Contact.Type.HARM_REDUCTION,
        setting=Contact.Setting.OUTREACH,
        harm_reduction_topics=["overdose", "safer_injecting", "overdose"],
        naloxone_kits_supplied=2,
        naloxone_administered=True,
        needle_syringe_provided=True,
        family_support=Contact.FamilySupport.CRAFT,
    )
    contact.refresh_from_db()
    assert contact.harm_reduction_topics == ["overdose", "safer_injecting"]
    assert contact.harm_reduction_topic_labels() == ["Overdose prevention and treatment", "Safer injecting"]
    assert (contact.naloxone_kits_supplied, contact.naloxone_administered, contact.needle_syringe_provided) == (
        2,
        True,
        True,
    )


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"type": "chat"}, "type", services.CONTACT_TYPE_REQUIRED),
        ({"setting": "pub"}, "setting", services.CONTACT_SETTING_REQUIRED),
        ({"duration_minutes": 0}, "duration_minutes", services.CONTACT_DURATION_INVALID),
        ({"duration_minutes": 721}, "duration_minutes", services.CONTACT_DURATION_INVALID),
        ({"harm_reduction_topics": ["juggling"]}, "harm_reduction_topics", services.CONTACT_TOPIC_INVALID),
        ({"naloxone_kits_supplied": 21}, "naloxone_kits_supplied", services.CONTACT_NALOXONE_INVALID),
        ({"occurred_at": timezone.now() + dt.timedelta(hours=1)}, "occurred_at", services.CONTACT_IN_FUTURE),
        ({"note": "x" * 2001}, "note", services.CONTACT_NOTE_TOO_LONG),
    ],
)
def test_a_contact_with_a_wrong_value_is_refused_with_a_message(person, hub_worker, extra, field, message):
    with pytest.raises(ValidationError) as raised:
        _record(person, hub_worker, **extra)
    assert raised.value.message_dict[field] == [str(message)]
    assert not Contact.objects.exists()


def test_peer_workers_record_contacts_for_their_own_people_only(person, peer_person, peer_worker):
    _record(peer_person, peer_worker, type=Contact.Type.PEER_SUPPORT)
    with pytest.raises(PermissionDenied):
        _record(person, peer_worker)


@pytest.mark.parametrize("persona", ["other_hub_worker", "treatment_practitioner", "commissioner", "safeguarding_lead"])
def test_nobody_else_records_a_contact(request, person, persona):
    with pytest.raises(PermissionDenied):
        _record(person, request.getfixturevalue(persona))


def test_a_contact_clears_the_re_engagement_flag(person, hub_worker):
    ReengagementFlag.objects.create(person=person, flagged_at=timezone.now() - dt.timedelta(days=1))
    _record(person, hub_worker)
    flag = ReengagementFlag.objects.get()
    assert flag.cleared_at is not None and flag.cleared_by == hub_worker


def test_naloxone_kits_to_a_partner_agency_belong_to_no_person(hub_worker, hub):
    supply = services.naloxone_partner_supply_record(by=hub_worker, agency_name=" Riverside Hostel ", kits=10)
    assert (supply.agency_name, supply.kits, supply.hub, supply.supplied_on) == (
        "Riverside Hostel",
        10,
        hub,
        timezone.localdate(),
    )
    with pytest.raises(ValidationError):
        services.naloxone_partner_supply_record(by=hub_worker, agency_name="", kits=0)
    assert NaloxonePartnerSupply.objects.count() == 1


def test_commissioners_record_no_naloxone_supply(commissioner):
    with pytest.raises(PermissionDenied):
        services.naloxone_partner_supply_record(by=commissioner, agency_name="Hostel", kits=1)


# --- pages -------------------------------------------------------------------------------------


def test_a_contact_recorded_on_the_page_in_a_few_fields(client, person, hub_worker):
    client.force_login(hub_worker)
    url = reverse("contacts:new", kwargs={"person_ref": person.reference})
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    now = timezone.localtime()
    response = client.post(
        url,
        {
            "type": "brief_advice",
            "setting": "phone",
            "duration_minutes": "10",
            "occurred_date": form["occurred_date"].initial,
            "occurred_time": form["occurred_time"].initial,
            "naloxone_kits_supplied": "0",
            "family_support": "",
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.setting == "phone" and contact.occurred_at.date() == now.date()
    listing = client.get(reverse("contacts:list", kwargs={"person_ref": person.reference}))
    assert "Brief advice" in listing.content.decode()


def test_a_wrong_contact_form_shows_the_errors(client, person, hub_worker):
    client.force_login(hub_worker)
    url = reverse("contacts:new", kwargs={"person_ref": person.reference})
    response = client.post(url, {"duration_minutes": "abc", "occurred_date": "31/2/2026", "occurred_time": "9"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"type", "duration_minutes", "occurred_date", "occurred_time"}
    assert not Contact.objects.exists()


def test_the_contacts_list_is_paginated_with_a_constant_number_of_queries(
    client, person, hub_worker, django_assert_max_num_queries
):
    client.force_login(hub_worker)
    url = reverse("contacts:list", kwargs={"person_ref": person.reference})
    _record(person, hub_worker)
    client.get(url)  # warm the session and content types
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for _ in range(40):
        _record(person, hub_worker)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.context["pages"].count == 41 and len(response.context["pages"].page) == 25


def test_opening_the_contacts_page_is_access_logged(client, person, hub_worker):
    client.force_login(hub_worker)
    client.get(reverse("contacts:list", kwargs={"person_ref": person.reference}))
    assert AccessLog.objects.filter(user=hub_worker, person_id=person.pk, reason="Contacts").exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("hub_worker", 200),
        ("manager", 200),
        ("peer_worker", 404),
        ("other_hub_worker", 404),
        ("spoc_practitioner", 403),
        ("treatment_practitioner", 403),
        ("commissioner", 403),
        ("outsider", 403),
    ],
)
def test_who_opens_a_persons_contacts(request, client, person, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("contacts:list", kwargs={"person_ref": person.reference})).status_code == status
    assert client.get(reverse("contacts:new", kwargs={"person_ref": person.reference})).status_code == status
