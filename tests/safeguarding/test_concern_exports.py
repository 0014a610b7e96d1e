"""Concerns and the chronology in the handover export, ``ers-export`` version 4 (PAR-7, SAF-1,
SAF-2): they round-trip exactly, a version-3 file still imports, and an export for the
Treatment Service carries only the concerns shared with it, field by field."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.utils import timezone

from referrals.data_rights import records_export as rx
from referrals.data_rights import records_import as rxi
from referrals.models import Consent, Person
from safeguarding import services_concern_sharing as sharing
from safeguarding.chronology_services import chronology_mark_save, chronology_summary_add
from safeguarding.models import (
    ChronologyMark,
    ChronologySummary,
    Concern,
    ConcernAction,
    ConcernMeeting,
    ConcernShare,
    ConcernTransition,
    Escalation,
    Notification,
)
from safeguarding.services_concerns import (
    concern_action_add,
    concern_council_referral_record,
    concern_meeting_record,
)
from tests.referrals import data_rights_state as state
from tests.safeguarding.conftest import raise_concern
from tests.safeguarding.exports_helpers import comparable, wipe

pytestmark = pytest.mark.django_db
CONCERN_MODELS = {
    "safeguarding.concern",
    "safeguarding.concerntransition",
    "safeguarding.concernaction",
    "safeguarding.concernmeeting",
    "safeguarding.concernshare",
    "safeguarding.chronologymark",
    "safeguarding.chronologysummary",
}


@pytest.fixture
def concerns(spoc_practitioner, hub, hub_worker, treatment_org, safeguarding_lead):
    """Two concerns about a person whose record is shared with the Treatment Service: one shared
    with it (a referral to the council, an action, a meeting), one not; and the chronology's rows."""
    record = state.build(spoc=spoc_practitioner, hub=hub, hub_worker=hub_worker, treatment_org=treatment_org)
    person = record.person
    shared = raise_concern(person, safeguarding_lead, summary="SHARED-SUMMARY strangers staying")
    concern_council_referral_record(
        concern=shared,
        by=safeguarding_lead,
        council="cumberland",
        council_reference="COUNCIL-REF-77",
        referred_on=timezone.localdate(),
    )
    concern_action_add(
        concern=shared,
        by=safeguarding_lead,
        description="SHARED-ACTION visit",
        due_on=timezone.localdate(),
        owner=hub_worker,
    )
    concern_meeting_record(
        concern=shared,
        by=safeguarding_lead,
        kind="strategy",
        held_on=timezone.localdate(),
        attendees="Social worker",
        decisions="MEETING-DECISION",
    )
    sharing.concern_share(
        concern=shared,
        organisation=treatment_org,
        lawful_basis=Consent.LawfulBasis.SAFEGUARDING,
        reason="SHARE-REASON",
        by=safeguarding_lead,
    )
    unshared = raise_concern(person, safeguarding_lead, summary="UNSHARED-SUMMARY threats")
    concern_action_add(
        concern=unshared,
        by=safeguarding_lead,
        description="UNSHARED-ACTION",
        due_on=timezone.localdate(),
        owner=hub_worker,
    )
    chronology_mark_save(
        person=person,
        by=safeguarding_lead,
        entry_key="contact:1:abc",
        kind="contact",
        event_at=timezone.now(),
        significant=True,
        significance="MARK-SIGNIFICANCE",
    )
    chronology_summary_add(
        person=person, by=safeguarding_lead, occurred_at=timezone.now(), agency="Police", event="SUMMARY-EVENT"
    )
    return shared, unshared


def _wipe_safeguarding() -> None:
    for model in (Escalation, Notification, ConcernShare, ConcernAction, ConcernMeeting, ConcernTransition):
        model.objects.all().delete()
    for model in (Concern, ChronologyMark, ChronologySummary):
        model.objects.all().delete()
    wipe()


def test_the_handover_export_round_trips_the_concerns_and_the_chronology_exactly(concerns, data_protection_officer):
    first = rx.records_export(by=data_protection_officer)
    before, _digest = rxi.read_zip(first.content)
    assert before["version"] == 4
    for label in CONCERN_MODELS:
        assert before["records"][label], label
    _wipe_safeguarding()
    assert not Person.objects.exists()
    rxi.records_import(source=first.content, by=data_protection_officer)
    again, _ = rxi.read_zip(rx.records_export(by=data_protection_officer).content)
    assert comparable(again) == comparable(before)
    shared = Concern.objects.get(summary__startswith="SHARED")
    assert shared.council_reference == "COUNCIL-REF-77"
    assert shared.shares.get().reason == "SHARE-REASON"
    assert shared.meetings.get().decisions == "MEETING-DECISION"


def test_a_version_3_file_still_imports(concerns, data_protection_officer):
    data, _ = rxi.read_zip(rx.records_export(by=data_protection_officer).content)
    data["version"] = 3
    for label in CONCERN_MODELS:  # a version-3 file never held these
        del data["records"][label]
        data["models"].remove(label)
    body = rx.canonical_bytes(data)
    _wipe_safeguarding()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(rx.DATA_NAME, body)
        archive.writestr(rx.CHECKSUM_NAME, f"{rx.checksum(body)}  data.json\n")
    result = rxi.records_import(source=buffer.getvalue(), by=data_protection_officer)
    assert result.people == 2 and not Concern.objects.exists()


def test_the_treatment_services_export_carries_only_the_shared_concern_and_its_shared_fields(
    concerns, data_protection_officer, treatment_org
):
    shared, unshared = concerns
    result = rx.records_export(by=data_protection_officer, organisation=treatment_org)
    data, _ = rxi.read_zip(result.content)
    text = rx.canonical_bytes(data).decode()
    [row] = data["records"]["safeguarding.concern"]
    assert row["fields"]["reference"] == shared.reference
    assert row["fields"]["summary"].startswith("SHARED-SUMMARY") and row["fields"]["category"] == "neglect"
    # The council's reference and the outcome note are not the Treatment Service's to see.
    assert row["fields"]["council_reference"] == rx.WITHHELD
    assert [a["fields"]["description"] for a in data["records"]["safeguarding.concernaction"]] == [
        "SHARED-ACTION visit"
    ]
    for label in CONCERN_MODELS - {"safeguarding.concern", "safeguarding.concernaction"}:
        assert not data["records"][label], label
    for words in ("UNSHARED-SUMMARY", "UNSHARED-ACTION", unshared.reference, "MEETING-DECISION", "COUNCIL-REF-77"):
        assert words not in text
    for words in ("MARK-SIGNIFICANCE", "SUMMARY-EVENT", "SHARE-REASON"):
        assert words not in text


def test_once_the_share_is_withdrawn_the_treatment_services_export_carries_no_concern(
    concerns, data_protection_officer, treatment_org, safeguarding_lead
):
    shared, _ = concerns
    sharing.concern_share_withdraw(share=shared.shares.get(), reason="Ended", by=safeguarding_lead)
    data, _ = rxi.read_zip(rx.records_export(by=data_protection_officer, organisation=treatment_org).content)
    assert not data["records"]["safeguarding.concern"] and not data["records"]["safeguarding.concernaction"]


def test_an_incoming_provider_gets_every_concern_whole(concerns, data_protection_officer, treatment_org):
    data, _ = rxi.read_zip(
        rx.records_export(by=data_protection_officer, succession_to=treatment_org, lawful_basis="health_care").content
    )
    assert len(data["records"]["safeguarding.concern"]) == 2
    assert "COUNCIL-REF-77" in rx.canonical_bytes(data).decode()
