"""SAF-1: "peer workers and the Treatment Service see no detail unless shared on a recorded
basis". A concern is shared, one at a time, with a Treatment organisation the person's record is
already shared with, under a lawful basis and a reason: the disclosure log says so, the concern
page shows with whom, when, by whom and on what basis, and the Treatment practitioner's shared
record shows that concern and nothing of any other, until the share or the record's sharing ends."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from partnership.models import AccessLog
from referrals.models import Consent, Disclosure
from referrals.services.consent import consent_record, consent_withdraw
from referrals.services.grants import share_person_with_organisation
from safeguarding import services_concern_sharing as sharing
from safeguarding.models import ConcernShare
from safeguarding.services_concerns import concern_action_add
from tests.safeguarding.conftest import raise_concern

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_person(person, spoc_practitioner, treatment_org):
    """The person, agreeing to share with the Treatment Service, whose record is shared with it."""
    consent_record(person=person, by=spoc_practitioner, recipient=Consent.Recipient.TREATMENT, given=True)
    share_person_with_organisation(person=person, organisation=treatment_org, by=spoc_practitioner, reason="Referral")
    return person


@pytest.fixture
def two_concerns(shared_person, hub_worker):
    shared = raise_concern(shared_person, hub_worker, summary="SHARED-SUMMARY strangers in the flat")
    concern_action_add(
        concern=shared,
        by=hub_worker,
        description="SHARED-ACTION joint visit",
        due_on=timezone.localdate(),
        owner=hub_worker,
    )
    unshared = raise_concern(shared_person, hub_worker, summary="UNSHARED-SUMMARY partner's threats")
    return shared, unshared


def _share(concern, by, organisation, basis=Consent.LawfulBasis.SAFEGUARDING):
    return sharing.concern_share(
        concern=concern, organisation=organisation, lawful_basis=basis, reason="The prescriber must know", by=by
    )


def _shared_page(client, user, person):
    client.force_login(user)
    response = client.get(reverse("referrals:shared_person", args=[person.reference]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_hub_worker_shares_a_concern_through_its_page(client, two_concerns, hub_worker, treatment_org):
    shared, _unshared = two_concerns
    client.force_login(hub_worker)
    concern_url = reverse("safeguarding:concern", args=[shared.reference])
    assert "Share with the Treatment Service" in client.get(concern_url).content.decode()
    response = client.post(
        reverse("safeguarding:concern_share", args=[shared.reference]),
        {"organisation": treatment_org.pk, "lawful_basis": "safeguarding", "reason": "The prescriber must know"},
    )
    assert response.status_code == 302
    page = client.get(concern_url).content.decode()
    assert treatment_org.name in page and "Safeguarding a child or an adult at risk" in page
    assert "The prescriber must know" in page and "Stop sharing" in page

    disclosure = Disclosure.objects.get(dataset=Disclosure.Dataset.SAFEGUARDING_CONCERN)
    assert disclosure.person_id == shared.person_id and disclosure.to_organisation == treatment_org
    assert disclosure.lawful_basis == "safeguarding" and disclosure.by == hub_worker
    assert shared.reference in disclosure.description
    share = ConcernShare.objects.get()
    assert share.disclosure == disclosure and share.history.count() == 1
    assert AccessLog.objects.filter(action=AccessLog.Action.GRANT, object_type="safeguarding.concern").exists()


def test_the_share_form_says_what_is_missing_and_keeps_what_was_typed(client, two_concerns, hub_worker):
    shared, _ = two_concerns
    client.force_login(hub_worker)
    response = client.post(
        reverse("safeguarding:concern_share", args=[shared.reference]),
        {"lawful_basis": "", "reason": "KEPT-REASON"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Select the Treatment organisation to share the concern with" in page
    assert "Select the lawful basis for sharing the concern" in page
    assert "KEPT-REASON" in page
    assert not ConcernShare.objects.exists() and not Disclosure.objects.filter(dataset="safeguarding_concern").exists()


def test_a_concern_is_shared_only_with_an_organisation_the_record_is_shared_with(person, hub_worker, treatment_org):
    concern = raise_concern(person, hub_worker)
    with pytest.raises(ValidationError) as error:
        _share(concern, hub_worker, treatment_org)
    assert "organisation" in error.value.message_dict
    assert not ConcernShare.objects.exists()


@pytest.mark.parametrize(
    "persona", ["peer_worker", "treatment_practitioner", "commissioner", "data_protection_officer"]
)
def test_who_may_not_share_a_concern(client, request, two_concerns, persona, treatment_org):
    shared, _ = two_concerns
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        _share(shared, user, treatment_org)
    client.force_login(user)
    url = reverse("safeguarding:concern_share", args=[shared.reference])
    assert client.get(url).status_code == 403
    response = client.post(url, {"organisation": treatment_org.pk, "lawful_basis": "consent", "reason": "x"})
    assert response.status_code == 403
    assert b"SHARED-SUMMARY" not in response.content
    assert not ConcernShare.objects.exists()


def test_a_peer_worker_sees_no_concern_detail_even_when_shared(
    client, two_concerns, hub_worker, peer_worker, treatment_org
):
    shared, _ = two_concerns
    _share(shared, hub_worker, treatment_org)
    client.force_login(peer_worker)
    response = client.get(reverse("safeguarding:concern", args=[shared.reference]))
    assert response.status_code == 403
    assert b"SHARED-SUMMARY" not in response.content


def test_the_treatment_practitioner_sees_only_the_shared_concern(
    client, two_concerns, hub_worker, treatment_practitioner, treatment_org
):
    shared, unshared = two_concerns
    before = _shared_page(client, treatment_practitioner, shared.person)
    assert "SHARED-SUMMARY" not in before and "Safeguarding concerns shared with you" not in before
    _share(shared, hub_worker, treatment_org)
    page = _shared_page(client, treatment_practitioner, shared.person)
    assert "SHARED-SUMMARY" in page and "SHARED-ACTION joint visit" in page and "Neglect" in page
    assert shared.reference in page
    # Nothing of the other: not its words, not its reference, not that it exists.
    assert "UNSHARED-SUMMARY" not in page and unshared.reference not in page
    # The concern's own page stays closed to them.
    assert client.get(reverse("safeguarding:concern", args=[shared.reference])).status_code == 403


def test_a_withdrawn_share_is_gone_from_the_treatment_page_and_recorded(
    client, two_concerns, hub_worker, treatment_practitioner, treatment_org
):
    shared, _ = two_concerns
    share = _share(shared, hub_worker, treatment_org)
    client.force_login(hub_worker)
    url = reverse("safeguarding:concern_share_withdraw", args=[shared.reference, share.pk])
    assert "Say why the concern is no longer shared" in client.post(url, {"reason": ""}).content.decode()
    response = client.post(
        url, {"reason": "Treatment ended", "version": client.get(url).context["form"]["version"].value()}
    )
    assert response.status_code == 302
    share.refresh_from_db()
    assert share.withdrawn_by == hub_worker and share.withdrawal_reason == "Treatment ended"
    assert AccessLog.objects.filter(action=AccessLog.Action.REVOKE, object_type="safeguarding.concern").exists()
    page = client.get(reverse("safeguarding:concern", args=[shared.reference])).content.decode()
    assert "No longer shared" in page and "Treatment ended" in page
    assert "SHARED-SUMMARY" not in _shared_page(client, treatment_practitioner, shared.person)
    # Withdrawn once is withdrawn; the row stays as the record.
    with pytest.raises(ValidationError):
        sharing.concern_share_withdraw(share=share, reason="Again", by=hub_worker)


def test_the_concern_goes_when_the_record_stops_being_shared_and_does_not_come_back(
    client, two_concerns, hub_worker, spoc_practitioner, treatment_practitioner, treatment_org
):
    shared, _ = two_concerns
    share = _share(shared, hub_worker, treatment_org)
    consent = Consent.objects.get(person=shared.person, recipient=Consent.Recipient.TREATMENT)
    consent_withdraw(consent=consent, by=spoc_practitioner, reason="The person changed their mind")
    share.refresh_from_db()
    assert not share.is_standing and "no longer shared" in share.withdrawal_reason
    # The record is shared again later, on a new consent: the concern is not, until shared again.
    consent_record(person=shared.person, by=spoc_practitioner, recipient=Consent.Recipient.TREATMENT, given=True)
    share_person_with_organisation(
        person=shared.person, organisation=treatment_org, by=spoc_practitioner, reason="New referral"
    )
    assert "SHARED-SUMMARY" not in _shared_page(client, treatment_practitioner, shared.person)


def test_the_treatment_page_costs_the_same_however_many_concerns_are_shared(
    client, shared_person, hub_worker, treatment_practitioner, treatment_org, django_assert_max_num_queries
):
    _share(raise_concern(shared_person, hub_worker), hub_worker, treatment_org)
    url = reverse("referrals:shared_person", args=[shared_person.reference])
    client.force_login(treatment_practitioner)
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for n in range(4):
        concern = raise_concern(shared_person, hub_worker, summary=f"MORE-{n}")
        concern_action_add(
            concern=concern, by=hub_worker, description="Visit", due_on=timezone.localdate(), owner=hub_worker
        )
        _share(concern, hub_worker, treatment_org)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("MORE-") == 4


def test_the_concern_page_costs_the_same_however_many_shares(
    client, two_concerns, hub_worker, treatment_org, django_assert_max_num_queries
):
    shared, _ = two_concerns
    url = reverse("safeguarding:concern", args=[shared.reference])
    client.force_login(hub_worker)
    _share(shared, hub_worker, treatment_org)
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for _n in range(3):
        share = ConcernShare.objects.get(concern=shared, withdrawn_at__isnull=True)
        sharing.concern_share_withdraw(share=share, reason="Ended", by=hub_worker)
        _share(shared, hub_worker, treatment_org)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).content.decode().count("No longer shared") == 3


def test_a_share_and_its_end_are_on_the_person_s_timeline(two_concerns, hub_worker, treatment_org):
    from safeguarding.person_record_concerns import events

    shared, _unshared = two_concerns
    share = _share(shared, hub_worker, treatment_org)
    sharing.concern_share_withdraw(share=share, reason="The person asked us to stop", by=hub_worker)
    titles = [event["title"] for event in events(person=shared.person, user=hub_worker, before=None, limit=20)]
    assert titles[:2] == [
        f"Safeguarding concern no longer shared with {treatment_org.name}",
        f"Safeguarding concern shared with {treatment_org.name}",
    ]
