"""Restriction of processing (PAR-6, UK GDPR Article 18): the data protection officer
restricts a person's processing with a reason; while restricted, services refuse to change
their records with a clear message and their pages show a notice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from common.audit import PROCESSING_RESTRICTED
from referrals.data_rights import services as data_rights
from referrals.data_rights.services import (
    ALREADY_RESTRICTED,
    LIFT_REASON_REQUIRED,
    RESTRICTION_REASON_REQUIRED,
)
from referrals.models import ContactAttempt, Escalation, Referral, Triage
from referrals.services import allocation as allocation_services
from referrals.services import referrals as services
from referrals.services import triage as triage_services
from tests.factories import ReferralFactory

NOTICE = "Processing of this person's information is restricted."


@pytest.fixture
def referral(spoc_practitioner):
    referral = ReferralFactory(subject_given_name="Jo", subject_family_name="Bloggs")
    services.person_create_from_referral(referral=referral, by=spoc_practitioner)
    referral.refresh_from_db()
    return referral


@pytest.fixture
def restricted(referral, data_protection_officer):
    data_rights.processing_restrict(
        person=referral.person, by=data_protection_officer, reason="Person disputes the accuracy of their record"
    )
    referral.person.refresh_from_db()
    return referral


def page_url(person):
    return reverse("referrals:processing_restriction", kwargs={"person_ref": person.reference})


def assert_restricted_message(error: ValidationError) -> None:
    assert error.messages == [str(PROCESSING_RESTRICTED)]


# --- Setting and lifting ----------------------------------------------------------------------


def test_the_dpo_restricts_processing_with_a_reason_kept_in_the_history(client, data_protection_officer, referral):
    client.force_login(data_protection_officer)
    person = referral.person
    assert client.get(page_url(person)).status_code == 200
    response = client.post(page_url(person), {"reason": "Objection under consideration"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.processing_restricted
    assert person.processing_restricted_by == data_protection_officer
    assert person.processing_restriction_reason == "Objection under consideration"
    assert person.processing_restricted_at is not None
    latest = person.history.latest()
    assert latest.history_user == data_protection_officer
    assert latest.history_change_reason == "Processing restricted: Objection under consideration"


def test_the_dpo_lifts_the_restriction_and_the_history_keeps_when_it_was_set(
    client, data_protection_officer, restricted
):
    client.force_login(data_protection_officer)
    person = restricted.person
    response = client.post(page_url(person), {"reason": "Accuracy checked and details corrected"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert not person.processing_restricted
    assert person.processing_restriction_reason == ""
    reasons = list(
        person.history.order_by("history_date", "history_id").values_list("history_change_reason", flat=True)
    )
    assert reasons[-2:] == [
        "Processing restricted: Person disputes the accuracy of their record",
        "Restriction lifted: Accuracy checked and details corrected",
    ]


def test_restricting_and_lifting_need_a_reason(client, data_protection_officer, referral):
    client.force_login(data_protection_officer)
    response = client.post(page_url(referral.person), {"reason": "   "})
    assert response.status_code == 200
    assert str(RESTRICTION_REASON_REQUIRED) in response.content.decode()
    data_rights.processing_restrict(person=referral.person, by=data_protection_officer, reason="Checking")
    response = client.post(page_url(referral.person), {"reason": ""})
    assert str(LIFT_REASON_REQUIRED) in response.content.decode()
    with pytest.raises(ValidationError) as error:
        data_rights.processing_restrict(person=referral.person, by=data_protection_officer, reason="Again")
    assert error.value.messages == [str(ALREADY_RESTRICTED)]


@pytest.mark.parametrize(
    "persona",
    [
        "spoc_practitioner",
        "manager",
        "hub_worker",
        "safeguarding_lead",
        "treatment_practitioner",
        "commissioner",
        "outsider",
    ],
)
def test_only_the_dpo_may_restrict_processing(request, client, referral, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get(page_url(referral.person)).status_code == 403
    assert client.post(page_url(referral.person), {"reason": "No"}).status_code == 403
    with pytest.raises(PermissionDenied):
        data_rights.processing_restrict(person=referral.person, by=user, reason="No")
    referral.person.refresh_from_db()
    assert not referral.person.processing_restricted


def test_signed_out_visitors_are_sent_to_sign_in(referral):
    response = Client().get(page_url(referral.person))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- What a restriction stops -------------------------------------------------------------------


def test_a_restricted_persons_details_cannot_be_changed_by_the_front_door(spoc_practitioner, restricted):
    phone = restricted.person.phone
    with pytest.raises(ValidationError) as error:
        services.person_update(person=restricted.person, by=spoc_practitioner, reason="New phone", phone="07700900999")
    assert_restricted_message(error.value)
    restricted.person.refresh_from_db()
    assert restricted.person.phone == phone != "07700900999"


def test_the_dpo_may_still_correct_a_restricted_persons_details(data_protection_officer, restricted):
    services.person_update(person=restricted.person, by=data_protection_officer, reason="Verified", phone="07700900999")
    restricted.person.refresh_from_db()
    assert restricted.person.phone == "07700900999"
    assert restricted.person.processing_restricted


def _writes(referral, spoc, hub, hub_worker):
    now = timezone.now()
    return {
        "contact attempt": lambda: triage_services.contact_attempt_record(
            referral=referral,
            by=spoc,
            attempted_at=now,
            method=ContactAttempt.Method.PHONE,
            outcome=ContactAttempt.Outcome.NO_ANSWER,
        ),
        "screening": lambda: triage_services.triage_save_screening(
            referral=referral, by=spoc, council_of_residence="cumberland"
        ),
        "assign": lambda: services.referral_assign(referral=referral, to=spoc, by=spoc),
        "close": lambda: allocation_services.referral_close(referral=referral, by=spoc, reason="Closing"),
        "introduction": lambda: triage_services.warm_introduction_record(
            referral=referral, by=spoc, introduced_to="Sam", organisation="Housing", introduced_at=now
        ),
    }


@pytest.mark.parametrize("write", ["contact attempt", "screening", "assign", "close", "introduction"])
def test_services_refuse_to_change_a_restricted_persons_referral(spoc_practitioner, hub, hub_worker, restricted, write):
    before = Referral.objects.get(pk=restricted.pk)
    with pytest.raises(ValidationError) as error:
        _writes(restricted, spoc_practitioner, hub, hub_worker)[write]()
    assert_restricted_message(error.value)
    after = Referral.objects.get(pk=restricted.pk)
    assert (after.status, after.assigned_to_id) == (before.status, before.assigned_to_id)
    assert not ContactAttempt.objects.filter(referral=restricted).exists()
    assert not Triage.objects.filter(referral=restricted).exists()


def test_a_new_referral_cannot_be_linked_to_a_restricted_person(spoc_practitioner, restricted):
    new = ReferralFactory(subject_given_name="Jo", subject_family_name="Bloggs")
    with pytest.raises(ValidationError) as error:
        services.referral_link_person(referral=new, person=restricted.person, by=spoc_practitioner)
    assert_restricted_message(error.value)
    new.refresh_from_db()
    assert new.person_id is None


def test_urgent_actions_are_still_recorded_for_a_restricted_person(spoc_practitioner, restricted):
    # UK GDPR Art. 18(2): vital interests; the escalation protocol always applies (§3.2.6).
    triage_services.escalation_record(
        referral=restricted,
        by=spoc_practitioner,
        action=Escalation.Action.EMERGENCY_SERVICES,
        done_at=timezone.now() - dt.timedelta(minutes=1),
        done_by_name="Duty worker",
    )
    assert restricted.escalations.count() == 1


def test_lifting_the_restriction_lets_changes_happen_again(spoc_practitioner, data_protection_officer, restricted):
    data_rights.processing_lift(person=restricted.person, by=data_protection_officer, reason="Resolved")
    allocation_services.referral_close(referral=restricted, by=spoc_practitioner, reason="No longer wanted")
    restricted.refresh_from_db()
    assert restricted.status == Referral.Status.CLOSED


def test_the_referral_pages_show_the_message_when_a_change_is_refused(client, spoc_practitioner, restricted):
    client.force_login(spoc_practitioner)
    url = reverse("referrals:close", args=[restricted.reference])
    response = client.post(url, {"reason": "Closing"})
    assert response.status_code == 200
    assert "cannot be changed" in response.content.decode()
    restricted.refresh_from_db()
    assert restricted.status != Referral.Status.CLOSED


# --- The notice ---------------------------------------------------------------------------------


def test_the_person_page_and_the_referral_page_show_a_prominent_notice(client, spoc_practitioner, restricted):
    client.force_login(spoc_practitioner)
    person_page = client.get(
        reverse("referrals:person", kwargs={"person_ref": restricted.person.reference})
    ).content.decode()
    assert NOTICE in person_page
    assert 'id="processing-restricted"' in person_page
    referral_page = client.get(reverse("referrals:detail", args=[restricted.reference])).content.decode()
    assert NOTICE in referral_page


def test_no_notice_when_processing_is_not_restricted(client, spoc_practitioner, referral):
    client.force_login(spoc_practitioner)
    page = client.get(reverse("referrals:person", kwargs={"person_ref": referral.person.reference})).content.decode()
    assert NOTICE not in page
