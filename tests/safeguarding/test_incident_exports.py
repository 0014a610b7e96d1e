"""Incidents in the subject access export and the handover export (PAR-6, PAR-7): each is found
for the person, the handover round-trips exactly, and an export to a partner leaves them out."""

import datetime as dt

import pytest
from django.utils import timezone

from partnership.access import Audience
from referrals.data_rights import records_export as rx
from referrals.data_rights import records_import as rxi
from referrals.data_rights.sections import SECTIONS, discover
from referrals.models import Person
from safeguarding import services_incidents
from safeguarding.models import (
    DataSecurityIncident,
    DeathInService,
    Escalation,
    IncidentAction,
    NonFatalOverdose,
    Notification,
    SeriousIncident,
)
from tests.referrals import data_rights_state as state
from tests.safeguarding.exports_helpers import comparable, wipe

pytestmark = pytest.mark.django_db
OURS = {
    "safeguarding.seriousincident",
    "safeguarding.incidentaction",
    "safeguarding.nonfataloverdose",
    "safeguarding.deathinservice",
    "safeguarding.datasecurityincident",
}


@pytest.fixture
def incidents(spoc_practitioner, hub, hub_worker, treatment_org, safeguarding_lead):
    record = state.build(spoc=spoc_practitioner, hub=hub, hub_worker=hub_worker, treatment_org=treatment_org)
    person = record.person
    now = timezone.now()
    incident = services_incidents.incident_record(
        model=SeriousIncident,
        by=safeguarding_lead,
        seriousness="serious",
        category="harm_safeguarding",
        incident_type="abuse",
        occurred_at=now - dt.timedelta(days=2),
        known_at=now - dt.timedelta(days=1),
        description="Financial abuse by a relative",
        person=person,
        root_cause="No one asked about money",
    )
    services_incidents.incident_action_add(
        incident=incident, by=safeguarding_lead, description="Ask about money", owner="Hub team", due_on=now.date()
    )
    services_incidents.incident_record(
        model=NonFatalOverdose,
        by=safeguarding_lead,
        person=person,
        occurred_at=now,
        naloxone_by="peer",
        naloxone_doses=1,
    )
    services_incidents.incident_record(
        model=DataSecurityIncident, by=safeguarding_lead, person=person, discovered_at=now, description="Wrong address"
    )
    return record


def test_every_incident_model_is_declared_not_just_discovered():
    declared = {s.model for s in SECTIONS}
    assert OURS | {"safeguarding.notification", "safeguarding.escalation"} <= declared
    assert not {s.model for s in discover()} & OURS


def test_the_handover_export_round_trips_the_incidents_exactly(incidents, data_protection_officer):
    first = rx.records_export(by=data_protection_officer)
    before, _digest = rxi.read_zip(first.content)
    for label in OURS - {"safeguarding.deathinservice"}:
        assert before["records"][label], label
    # A council notification names its incident by this system's id: not handed over.
    assert "safeguarding.notification" not in before["records"]
    for model in (Escalation, Notification, IncidentAction, SeriousIncident, NonFatalOverdose, DataSecurityIncident):
        model.objects.all().delete()
    DeathInService.objects.all().delete()
    wipe()
    assert not Person.objects.exists()
    rxi.records_import(source=first.content, by=data_protection_officer)
    again, _ = rxi.read_zip(rx.records_export(by=data_protection_officer).content)
    assert comparable(again) == comparable(before)
    assert SeriousIncident.objects.get().root_cause == "No one asked about money"


def test_an_export_to_a_partner_organisation_leaves_the_incidents_out(incidents, data_protection_officer):
    people = Person.objects.filter(pk=incidents.person.pk)
    data = rx.build_export(people=people, by=data_protection_officer, scope={}, audience=Audience.PARTNER_ORGANISATION)
    assert all(not data["records"].get(label) for label in OURS)
