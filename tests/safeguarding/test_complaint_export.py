"""Complaints linked to a person go into their subject access export and the handover export
(PAR-6, PAR-7), and come back whole from the handover round trip; unlinked ones never do."""

from __future__ import annotations

from referrals.data_rights import records_export as rx
from referrals.data_rights import records_import as rxi
from referrals.data_rights.collect import collect
from referrals.models import Person
from safeguarding import services_complaints as services
from safeguarding.models import Complaint, ComplaintStage
from tests.referrals import data_rights_state as state
from tests.referrals.test_records_export import wipe_people
from tests.safeguarding.complaint_state import public_complaint, recorded_complaint


def _linked(manager, person) -> Complaint:
    complaint = recorded_complaint(manager, person=person, summary="The hub was closed when the sign said open.")
    stage = services.current_stage(complaint)
    services.complaint_response_draft(stage=stage, by=manager, text="We are sorry; the sign is fixed.")
    return complaint


def test_a_linked_complaint_is_in_the_subject_access_export_and_an_unlinked_one_is_not(
    spoc_practitioner, hub, hub_worker, treatment_org, manager
):
    record = state.build(spoc=spoc_practitioner, hub=hub, hub_worker=hub_worker, treatment_org=treatment_org)
    _linked(manager, record.person)
    public_complaint(summary="Someone else's complaint")
    sections = {data.section.key: data for data in collect(record.person)}
    assert sections["complaints"].records
    text = str(sections["complaints"].records) + str(sections["complaint_stages"].records)
    assert "The hub was closed when the sign said open." in text
    assert "We are sorry; the sign is fixed." in text
    assert "Someone else's complaint" not in text


def test_a_linked_complaint_survives_the_handover_round_trip(
    spoc_practitioner, hub, hub_worker, treatment_org, manager, data_protection_officer
):
    record = state.build(spoc=spoc_practitioner, hub=hub, hub_worker=hub_worker, treatment_org=treatment_org)
    complaint = _linked(manager, record.person)
    reference = complaint.reference
    first = rx.records_export(by=data_protection_officer)
    data, _digest = rxi.read_zip(first.content)
    assert data["records"]["safeguarding.complaint"] and data["records"]["safeguarding.complaintstage"]

    ComplaintStage.objects.all().delete()
    Complaint.objects.all().delete()
    wipe_people()
    rxi.records_import(source=first.content, by=data_protection_officer)

    back = Complaint.objects.get(reference=reference)
    assert back.person == Person.objects.get(given_name=state.GIVEN)
    assert back.summary == "The hub was closed when the sign said open."
    assert back.stages.get().response_text == "We are sorry; the sign is fixed."
