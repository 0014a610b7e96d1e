"""Rectification (PAR-6): the front door and the data protection officer correct a person's
details with a reason, and the history keeps the old values, who changed them and why."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from common.forms.dates import DATE_OF_BIRTH_IN_FUTURE
from common.forms.identifiers import NHS_NUMBER_INVALID, POSTCODE_INVALID
from partnership.models import AccessLog
from referrals.data_rights.forms import GIVEN_NAME_TOO_LONG, NOTHING_CHANGED, RECTIFY_REASON_REQUIRED
from referrals.services import referrals as services
from tests.factories import ReferralFactory


@pytest.fixture
def person(spoc_practitioner):
    referral = ReferralFactory(subject_given_name="Jo", subject_family_name="Bloggs", subject_phone="07700900123")
    return services.person_create_from_referral(referral=referral, by=spoc_practitioner)


def url(person):
    return reverse("referrals:rectify", kwargs={"person_ref": person.reference})


def form_data(person, **changes):
    data = {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "preferred_name": person.preferred_name,
        "date_of_birth_0": person.date_of_birth.day if person.date_of_birth else "",
        "date_of_birth_1": person.date_of_birth.month if person.date_of_birth else "",
        "date_of_birth_2": person.date_of_birth.year if person.date_of_birth else "",
        "nhs_number": person.nhs_number,
        "address": person.address,
        "postcode": person.postcode,
        "phone": person.phone,
        "email": person.email,
        "reason": "Person phoned with a new number",
    }
    data.update(changes)
    return data


def test_a_correction_keeps_the_old_value_the_reason_and_who_made_it_in_the_history(client, spoc_practitioner, person):
    client.force_login(spoc_practitioner)
    response = client.post(url(person), form_data(person, phone="07700 900 456"))
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:person", kwargs={"person_ref": person.reference})
    person.refresh_from_db()
    assert person.phone == "07700900456"
    latest, before = person.history.order_by("-history_date", "-history_id")[:2]
    assert latest.history_change_reason == "Person phoned with a new number"
    assert latest.history_user == spoc_practitioner
    assert before.phone == "07700900123"
    delta = latest.diff_against(before)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("phone", "07700900123", "07700900456")]


def test_the_data_protection_officer_corrects_any_persons_details(client, data_protection_officer, person):
    client.force_login(data_protection_officer)
    response = client.post(url(person), form_data(person, given_name="Siân", family_name="Ó Briain-Nakamura"))
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:person_data_rights", kwargs={"person_ref": person.reference})
    person.refresh_from_db()
    assert person.full_name == "Siân Ó Briain-Nakamura"
    assert person.search_name == "sian o briain nakamura"  # the duplicate check finds the corrected name
    assert person.history.latest().history_user == data_protection_officer


def test_the_correction_page_is_a_logged_view_of_the_person(client, spoc_practitioner, person):
    client.force_login(spoc_practitioner)
    response = client.get(url(person))
    assert response.status_code == 200
    assert response.context["form"]["phone"].value() == "07700900123"
    assert AccessLog.objects.filter(user=spoc_practitioner, action=AccessLog.Action.VIEW, person_id=person.pk).exists()


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"reason": "  "}, "reason", RECTIFY_REASON_REQUIRED),
        ({"given_name": "A" * 101}, "given_name", GIVEN_NAME_TOO_LONG),
        (
            {"date_of_birth_0": "1", "date_of_birth_1": "1", "date_of_birth_2": "2999"},
            "date_of_birth",
            DATE_OF_BIRTH_IN_FUTURE,
        ),
        ({"nhs_number": "485 777 3456"}, "nhs_number", NHS_NUMBER_INVALID),
        ({"postcode": "NOT A POSTCODE"}, "postcode", POSTCODE_INVALID),
    ],
)
def test_bad_input_gets_a_specific_message_and_keeps_what_was_typed(
    client, spoc_practitioner, person, changes, field, message
):
    client.force_login(spoc_practitioner)
    data = form_data(person, phone="07700 900 999", **changes)
    response = client.post(url(person), data)
    assert response.status_code == 200
    assert str(message) in [str(m) for m in response.context["form"].errors[field]]
    assert str(message) in response.content.decode()
    assert 'value="07700 900 999"' in response.content.decode()
    person.refresh_from_db()
    assert person.phone == "07700900123"


def test_saving_with_nothing_changed_says_so(client, spoc_practitioner, person):
    client.force_login(spoc_practitioner)
    response = client.post(url(person), form_data(person))
    assert response.status_code == 200
    assert str(NOTHING_CHANGED) in response.content.decode()


@pytest.mark.parametrize("persona", ["hub_worker", "peer_worker", "treatment_practitioner", "commissioner", "outsider"])
def test_others_may_not_correct_a_persons_details(request, client, person, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url(person)).status_code == 403
    assert client.post(url(person), form_data(person, phone="07700900999")).status_code == 403
    person.refresh_from_db()
    assert person.phone == "07700900123"


def test_signed_out_visitors_are_sent_to_sign_in(person):
    response = Client().get(url(person))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_service_refuses_without_a_reason_or_for_fields_that_are_not_details(spoc_practitioner, hub_worker, person):
    with pytest.raises(ValidationError):
        services.person_update(person=person, by=spoc_practitioner, reason=" ", phone="07700900999")
    with pytest.raises(ValueError):
        services.person_update(person=person, by=spoc_practitioner, reason="Sneaky", processing_restricted=False)
    with pytest.raises(PermissionDenied):
        services.person_update(person=person, by=hub_worker, reason="Not mine", phone="07700900999")
