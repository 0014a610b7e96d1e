"""A manager's reach (roles table: "everything in their hub"): front-door work in every hub,
casework only in their own (partnership.access.sees_every_hubs_casework and the selectors)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from referrals.models import Referral, Triage
from referrals.selectors import referrals as selectors
from referrals.services import allocation as allocation_services
from referrals.services import referrals as services
from referrals.services import triage as triage_services
from tests.factories import ReferralFactory


def _triaged(spoc, **names) -> Referral:
    referral = ReferralFactory(**names)
    triage_services.triage_save_screening(referral=referral, by=spoc, council_of_residence="cumberland")
    triage_services.triage_complete(referral=referral, by=spoc, outcome=Triage.Outcome.ERS)
    return referral


@pytest.fixture
def casework(spoc_practitioner, hub, other_hub, hub_worker, other_hub_worker):
    """One referral allocated in each hub, each with its person, and one still in the queue."""
    carlisle = _triaged(spoc_practitioner)
    carlisle_person = services.person_create_from_referral(referral=carlisle, by=spoc_practitioner)
    allocation_services.referral_allocate(referral=carlisle, hub=hub, worker=hub_worker, by=spoc_practitioner)
    kendal = _triaged(spoc_practitioner)
    kendal_person = services.person_create_from_referral(referral=kendal, by=spoc_practitioner)
    allocation_services.referral_allocate(referral=kendal, hub=other_hub, worker=other_hub_worker, by=spoc_practitioner)
    waiting = ReferralFactory()
    waiting_person = services.person_create_from_referral(referral=waiting, by=spoc_practitioner)
    return {
        "carlisle": (carlisle, carlisle_person),
        "kendal": (kendal, kendal_person),
        "waiting": (waiting, waiting_person),
    }


def test_a_manager_reaches_the_queue_everywhere_and_casework_in_their_own_hub(other_hub_manager, casework):
    referrals = set(selectors.referrals_visible_to(user=other_hub_manager))
    people = set(selectors.people_visible_to(user=other_hub_manager))
    assert casework["waiting"][0] in referrals and casework["waiting"][1] in people
    assert casework["kendal"][0] in referrals and casework["kendal"][1] in people
    assert casework["carlisle"][0] not in referrals
    assert casework["carlisle"][1] not in people


def test_spoc_practitioners_reach_every_hubs_casework(spoc_practitioner, casework):
    referrals = set(selectors.referrals_visible_to(user=spoc_practitioner))
    people = set(selectors.people_visible_to(user=spoc_practitioner))
    for referral, person in casework.values():
        assert referral in referrals and person in people


def test_a_referral_closed_at_the_front_door_stays_front_door_work(spoc_practitioner, other_hub_manager, db):
    referral = ReferralFactory()
    allocation_services.referral_close(referral=referral, by=spoc_practitioner, reason="Duplicate")
    assert selectors.referrals_visible_to(user=other_hub_manager).filter(pk=referral.pk).exists()


def test_a_manager_links_a_referral_to_someone_known_in_another_hub(
    client, other_hub_manager, spoc_practitioner, casework
):
    """The duplicate check is front-door work: it finds and links people in every hub, even
    where the person's page is another hub's casework."""
    carlisle, person = casework["carlisle"]
    new = ReferralFactory(subject_given_name=person.given_name, subject_family_name=person.family_name)
    client.force_login(other_hub_manager)
    assert client.get(reverse("referrals:person", args=[person.reference])).status_code == 404
    response = client.post(reverse("referrals:match", args=[new.reference]), {"action": "link", "person": person.pk})
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.person == person
    # Now at the front door again, they open the person page, which lists the new referral
    # but not Carlisle's casework.
    html = client.get(reverse("referrals:person", args=[person.reference])).content.decode()
    assert new.reference in html
    assert carlisle.reference not in html


def test_a_manager_who_allocates_to_another_hub_goes_back_to_the_queue(
    client, other_hub_manager, spoc_practitioner, hub, hub_worker
):
    referral = _triaged(spoc_practitioner)
    client.force_login(other_hub_manager)
    response = client.post(
        reverse("referrals:allocate", args=[referral.reference]), {"hub": hub.pk, "worker": hub_worker.pk}
    )
    referral.refresh_from_db()
    assert referral.hub == hub
    assert response.status_code == 302
    assert response.url == reverse("referrals:queue")
