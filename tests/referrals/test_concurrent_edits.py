"""SEC-5: two people editing the same record never silently overwrite each other.

The two cases reproduced against the running app: the triage screening form (a red risk
for "suicide" put back to green) and the rectify form (a corrected phone number put back).
Each has two practitioners open the form, the first save, then the second save from the page
they loaded earlier.
"""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from common import audit
from partnership.models import Role
from referrals.models import Referral, Triage
from referrals.services import referrals as referral_services
from tests.conftest import SecondFactorClient
from tests.factories import ReferralFactory, UserFactory
from tests.referrals.test_triage_views import screening_data as triage_screening_data

pytestmark = pytest.mark.django_db


def version_on(response) -> str:
    """The version the page's form was loaded from (its hidden field)."""
    content = response.content.decode()
    assert response.status_code == 200, response.status_code
    tag = re.search(r'<input[^>]*name="version"[^>]*>', content)
    # "" when the page has none, so that on code without the check the tests fail on the overwrite.
    return re.search(r'value="([^"]*)"', tag.group(0)).group(1) if tag else ""


def signed_in(user) -> SecondFactorClient:
    client = SecondFactorClient()
    client.force_login(user)
    return client


def member_of_staff(ers, username: str, first_name: str, last_name: str, role=Role.SPOC_PRACTITIONER):
    return UserFactory(
        username=username,
        first_name=first_name,
        last_name=last_name,
        membership__organisation=ers,
        membership__role=role,
    )


@pytest.fixture
def first(ers):
    return member_of_staff(ers, "alex", "Alex", "Morgan")


@pytest.fixture
def second(ers):
    return member_of_staff(ers, "bea", "Bea", "Khan")


# --- Screening ----------------------------------------------------------------------------------


def screening_data(version: str, **overrides) -> dict:
    return {**triage_screening_data(**overrides), "version": version}


@pytest.fixture
def referral():
    return ReferralFactory(subject_postcode="CA1 1AA", council_of_residence="cumberland")


def test_an_older_screening_cannot_put_a_red_risk_back_to_green(first, second, referral):
    url = reverse("referrals:screening", args=[referral.reference])
    alex, bea = signed_in(first), signed_in(second)
    alex_version, bea_version = version_on(alex.get(url)), version_on(bea.get(url))

    saved = alex.post(url, screening_data(alex_version, risk="red", risk_reasons=["suicide"]))
    assert saved.status_code == 302

    typed = "Spoke to the person's sister; no concerns raised"
    refused = bea.post(url, screening_data(bea_version, screening_notes=typed))

    assert refused.status_code == 200  # not "Screening saved"
    triage = Triage.objects.get(referral=referral)
    assert (triage.risk, triage.risk_reasons) == (Triage.Risk.RED, ["suicide"])
    content = html.unescape(refused.content.decode())
    assert str(audit.EDIT_CONFLICT) in content
    conflict = refused.context["form"].edit_conflict
    assert conflict[0]["by"] == "Alex Morgan"
    changes = {c["label"]: c["new"] for c in conflict[0]["changes"]}
    assert changes["Initial risk rating"] == "Red"
    assert changes["Reasons for the risk rating"] == "Thoughts of suicide or self-harm"
    assert "Alex Morgan" in content and "Thoughts of suicide or self-harm" in content
    # Nothing Bea typed is lost, and the page now carries the version that includes Alex's save.
    assert typed in content
    assert version_on(refused) != bea_version

    # Having read what changed, a deliberate save succeeds.
    again = bea.post(
        url, screening_data(version_on(refused), screening_notes=typed, risk="amber", risk_reasons=["suicide"])
    )
    assert again.status_code == 302
    triage.refresh_from_db()
    assert (triage.risk, triage.screening_notes) == (Triage.Risk.AMBER, typed)


def test_a_screening_saved_from_the_current_version_is_not_refused(first, referral):
    url = reverse("referrals:screening", args=[referral.reference])
    alex = signed_in(first)
    assert alex.post(url, screening_data(version_on(alex.get(url)), risk="green")).status_code == 302
    # Saved again from the page loaded after the first save.
    response = alex.post(url, screening_data(version_on(alex.get(url)), risk="amber", risk_reasons=["overdose"]))
    assert response.status_code == 302
    assert Triage.objects.get(referral=referral).risk == Triage.Risk.AMBER


# --- Rectification ------------------------------------------------------------------------------


def rectify_data(person, version: str, **changes) -> dict:
    data = {
        "version": version,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "preferred_name": person.preferred_name,
        "date_of_birth_0": person.date_of_birth.day,
        "date_of_birth_1": person.date_of_birth.month,
        "date_of_birth_2": person.date_of_birth.year,
        "nhs_number": person.nhs_number,
        "address": person.address,
        "postcode": person.postcode,
        "phone": person.phone,
        "email": person.email,
        "reason": "Person phoned",
    }
    data.update(changes)
    return data


def test_an_older_correction_cannot_put_back_a_phone_number_just_corrected(first, second):
    referral = ReferralFactory(subject_given_name="Jo", subject_family_name="Bloggs", subject_phone="07700900123")
    person = referral_services.person_create_from_referral(referral=referral, by=first)
    url = reverse("referrals:rectify", kwargs={"person_ref": person.reference})
    alex, bea = signed_in(first), signed_in(second)
    alex_version, bea_version = version_on(alex.get(url)), version_on(bea.get(url))

    assert alex.post(url, rectify_data(person, alex_version, phone="07700 900 456")).status_code == 302
    refused = bea.post(url, rectify_data(person, bea_version, email="jo@example.org", reason="New email address"))

    assert refused.status_code == 200
    person.refresh_from_db()
    assert (person.phone, person.email) == ("07700900456", "")
    conflict = refused.context["form"].edit_conflict
    assert conflict[0]["by"] == "Alex Morgan"
    assert conflict[0]["changes"] == [{"label": "Phone number (optional)", "old": "07700900123", "new": "07700900456"}]
    content = html.unescape(refused.content.decode())
    assert "jo@example.org" in content and "New email address" in content

    # Bea reads it, keeps Alex's number and saves her email.
    again = bea.post(url, rectify_data(person, version_on(refused), phone="07700900456", email="jo@example.org"))
    assert again.status_code == 302
    person.refresh_from_db()
    assert (person.phone, person.email) == ("07700900456", "jo@example.org")


# --- Restriction of processing: a reason typed to restrict never lifts -------------------------


def test_a_restriction_set_meanwhile_is_not_lifted_by_a_page_opened_to_restrict(first, ers):
    """The page chooses restrict or lift from the record at the post: without the version, the
    second officer's "why restrict" would have lifted the first officer's restriction."""
    dana = member_of_staff(ers, "dana", "Dana", "Price", role=Role.DATA_PROTECTION_OFFICER)
    omar = member_of_staff(ers, "omar", "Omar", "Ali", role=Role.DATA_PROTECTION_OFFICER)
    referral = ReferralFactory()
    person = referral_services.person_create_from_referral(referral=referral, by=first)
    url = reverse("referrals:processing_restriction", kwargs={"person_ref": person.reference})
    dana_client, omar_client = signed_in(dana), signed_in(omar)
    dana_version, omar_version = version_on(dana_client.get(url)), version_on(omar_client.get(url))

    assert dana_client.post(url, {"version": dana_version, "reason": "Accuracy disputed"}).status_code == 302
    refused = omar_client.post(url, {"version": omar_version, "reason": "Objection received"})

    assert refused.status_code == 200
    person.refresh_from_db()
    assert person.processing_restricted and person.processing_restriction_reason == "Accuracy disputed"
    [entry] = refused.context["form"].edit_conflict
    assert entry["by"] == "Dana Price"
    assert [(c["old"], c["new"]) for c in entry["changes"]] == [("No", "Yes")]


# --- Priority -----------------------------------------------------------------------------------


def test_an_older_priority_page_cannot_put_back_the_priority_just_changed(first, second):
    referral = ReferralFactory()
    url = reverse("referrals:priority", args=[referral.reference])
    alex, bea = signed_in(first), signed_in(second)
    alex_version, bea_version = version_on(alex.get(url)), version_on(bea.get(url))
    urgent, routine = Referral.Priority.URGENT, Referral.Priority.ROUTINE

    saved = alex.post(url, {"version": alex_version, "priority": urgent, "reason": "Overdose last week"})
    assert saved.status_code == 302
    refused = bea.post(url, {"version": bea_version, "priority": routine, "reason": "Stable"})

    assert refused.status_code == 200
    referral.refresh_from_db()
    assert referral.priority == urgent
    [entry] = refused.context["form"].edit_conflict
    assert entry["by"] == "Alex Morgan" and entry["changes"][0]["new"] == Referral.Priority(urgent).label


# --- Assignment on the referral page ----------------------------------------------------------


def test_assign_to_me_from_an_older_referral_page_does_not_take_it_from_a_colleague(first, second):
    referral = ReferralFactory()
    detail = reverse("referrals:detail", args=[referral.reference])
    assign = reverse("referrals:assign", args=[referral.reference])
    alex, bea = signed_in(first), signed_in(second)
    alex_version, bea_version = version_on(alex.get(detail)), version_on(bea.get(detail))

    assert alex.post(assign, {"version": alex_version, "assignee": first.pk}).status_code == 302
    refused = bea.post(assign, {"version": bea_version, "assignee": second.pk})

    assert refused.status_code == 200
    referral.refresh_from_db()
    assert referral.assigned_to == first
    [entry] = refused.context["form"].edit_conflict
    assert entry["changes"] == [{"label": "Assigned to", "old": "Not recorded", "new": "Alex Morgan"}]
    assert 'id="edit-conflict"' in refused.content.decode()
