"""SAF-2, §3.15.8, §3.15.9: the safeguarding lead's chronology is the whole record of a person
with a concern (the lead holds no caseload, and a chronology for court must be complete), and
only theirs: a person without a concern answers 404, and the lead's other pages are unchanged."""

from __future__ import annotations

import pytest
from django.urls import reverse

from partnership.models import AccessLog
from recovery_plans.services.contacts import contact_record
from safeguarding import chronology
from tests.factories import PersonFactory
from tests.safeguarding.conftest import raise_concern


def _kinds(person, user) -> set[str]:
    return {entry.kind for entry in chronology.entries(person=person, user=user, filters=chronology.Filters())}


@pytest.fixture
def casework(person, hub_worker):
    contact_record(person=person, by=hub_worker, type="brief_advice", setting="home_visit", duration_minutes=30)
    return raise_concern(person, hub_worker)


def test_the_lead_reads_the_whole_record_of_a_person_with_a_concern(person, hub_worker, safeguarding_lead, casework):
    worker_kinds = _kinds(person, hub_worker)
    lead_kinds = _kinds(person, safeguarding_lead)
    # The hub worker's timeline shows the referral, the contact and the concern: so does the lead's.
    assert {"referral", "contact", "safeguarding"} <= worker_kinds, worker_kinds
    assert worker_kinds <= lead_kinds


def test_the_lead_filters_by_every_kind_of_the_record(safeguarding_lead, hub_worker):
    lead = {kind["key"] for kind in chronology.kinds_for(safeguarding_lead)}
    worker = {kind["key"] for kind in chronology.kinds_for(hub_worker)}
    assert {"contacts", "plan", "assessment", "referral"} <= lead
    assert worker <= lead


def test_the_lead_has_no_chronology_of_a_person_without_a_concern(client, safeguarding_lead):
    client.force_login(safeguarding_lead)
    nobody = PersonFactory()
    response = client.get(reverse("safeguarding:chronology", args=[nobody.reference]))
    assert response.status_code == 404
    assert not AccessLog.objects.filter(person_id=nobody.pk).exists()


def test_the_lead_s_chronology_view_is_logged(client, person, safeguarding_lead, casework):
    client.force_login(safeguarding_lead)
    response = client.get(reverse("safeguarding:chronology", args=[person.reference]))
    assert response.status_code == 200
    assert "Brief advice" in response.content.decode() or "brief advice" in response.content.decode().lower()
    assert AccessLog.objects.filter(user=safeguarding_lead, person_id=person.pk, action=AccessLog.Action.VIEW).exists()


def test_the_lead_still_opens_no_person_record_page(client, person, safeguarding_lead, casework):
    client.force_login(safeguarding_lead)
    for name in ("referrals:person", "referrals:person_timeline"):
        assert client.get(reverse(name, kwargs={"person_ref": person.reference})).status_code in (403, 404), name


def test_the_lead_is_offered_the_chronology_only_of_a_person_with_a_concern(client, person, safeguarding_lead):
    client.force_login(safeguarding_lead)
    url = reverse("safeguarding:person_concerns", args=[person.reference])
    chronology_url = reverse("safeguarding:chronology", args=[person.reference])
    assert chronology_url not in client.get(url).content.decode()
    raise_concern(person, safeguarding_lead)
    assert chronology_url in client.get(url).content.decode()
