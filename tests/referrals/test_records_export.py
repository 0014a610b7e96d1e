"""The secure records export (PAR-7, §3.23.4, §4.5.1): an ``ers-export`` version 4 file that
round-trips exactly, is refused when changed or of another version, and is audited."""

from __future__ import annotations

import io
import json
import os
import zipfile

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from partnership.models import AccessLog
from referrals.data_rights import records_export as rx
from referrals.data_rights import records_import as rxi
from referrals.models import Consent, Disclosure, OnwardReferral, Person, Referral, TreatmentReferral
from tests.referrals import data_rights_state as state


@pytest.fixture
def record(spoc_practitioner, hub, hub_worker, treatment_org):
    return state.build(spoc=spoc_practitioner, hub=hub, hub_worker=hub_worker, treatment_org=treatment_org)


def wipe_people() -> None:
    """Empty every table the export carries, as in a new provider's empty database."""
    Disclosure.objects.all().delete()
    OnwardReferral.objects.all().delete()
    TreatmentReferral.objects.all().delete()
    Consent.objects.all().delete()
    Referral.objects.all().delete()
    Person.objects.all().delete()


def comparable(data: dict) -> dict:
    """The records with database ids replaced by positions in the file, and staff,
    organisations and hubs by their names: equal exactly when the same records came back."""
    positions = {label: {r["id"]: i for i, r in enumerate(rows)} for label, rows in data["records"].items()}
    reference = {
        label: {row["id"]: row.get("username") or row["name"] for row in rows}
        for label, rows in data["reference"].items()
    }
    out = {}
    for label, rows in data["records"].items():
        model = apps.get_model(label)
        out[label] = []
        for row in rows:
            fields = {}
            for name, value in row["fields"].items():
                field = model._meta.get_field(name)
                if field.is_relation and value is not None:
                    target = field.related_model._meta.label_lower
                    value = (target, positions[target][value] if target in positions else reference[target][value])
                fields[name] = value
            out[label].append(fields)
    return out


def rezip(data: dict, *, checksum: str | None = None) -> bytes:
    body = rx.canonical_bytes(data)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(rx.DATA_NAME, body)
        archive.writestr(rx.CHECKSUM_NAME, f"{checksum or rx.checksum(body)}  data.json\n")
    return buffer.getvalue()


def test_export_then_import_into_an_empty_database_recreates_every_record_exactly(record, data_protection_officer):
    first = rx.records_export(by=data_protection_officer)
    before, _digest = rxi.read_zip(first.content)
    assert before["format"] == "ers-export" and before["version"] == 4
    assert before["people"] == 2
    for label in (
        "referrals.person",
        "referrals.referral",
        "referrals.statustransition",
        "referrals.contactattempt",
        "referrals.triage",
        "referrals.escalation",
        "referrals.warmintroduction",
        "referrals.treatmentreferral",
        "referrals.onwardreferral",
        "referrals.consent",
        "referrals.disclosure",
    ):
        assert before["records"][label], label

    wipe_people()
    assert not Person.objects.exists()
    result = rxi.records_import(source=first.content, by=data_protection_officer)
    assert result.people == 2
    assert result.users_created == []

    again, _ = rxi.read_zip(rx.records_export(by=data_protection_officer).content)
    assert comparable(again) == comparable(before)
    # The same values, spot-checked directly.
    person = Person.objects.get(given_name=state.GIVEN)
    assert person.family_name == state.FAMILY and person.phone == state.NEW_PHONE
    referral = Referral.objects.get(reference=record.referral.reference)
    assert referral.person == person
    assert referral.received_at == record.referral.received_at
    assert referral.triage.risk_notes == state.RISK_NOTE
    assert referral.allocated_worker.username == "hubworker"
    assert referral.treatment_referrals.get().warm_introduction.introduced_to == state.INTRODUCED_TO


def test_imported_records_have_history_and_an_access_log_row_naming_the_file(record, data_protection_officer):
    content = rx.records_export(by=data_protection_officer).content
    wipe_people()
    result = rxi.records_import(source=content, by=data_protection_officer)
    person = Person.objects.get(given_name=state.GIVEN)
    created = person.history.get(history_type="+")
    assert created.history_user == data_protection_officer
    assert created.history_change_reason == f"Imported from ers-export {result.sha256[:12]}"
    row = AccessLog.objects.get(action=AccessLog.Action.IMPORT, person_id=person.pk)
    assert result.sha256[:12] in row.reason


def test_an_export_for_the_service_itself_logs_an_export_for_every_person(record, data_protection_officer):
    rx.records_export(by=data_protection_officer)
    logged = set(
        AccessLog.objects.filter(action=AccessLog.Action.EXPORT, user=data_protection_officer).values_list(
            "person_id", flat=True
        )
    )
    assert logged == {record.person.pk, record.other_person.pk}


def test_export_for_an_organisation_holds_only_the_people_shared_with_it_and_is_a_disclosure(
    record, data_protection_officer, treatment_org, tmp_path
):
    output = tmp_path / "for-treatment.zip"
    call_command("export_records", "--by", "dpo", "--organisation", str(treatment_org.pk), "--output", str(output))
    assert oct(os.stat(output).st_mode & 0o777) == "0o600"
    data, _ = rxi.read_zip(output.read_bytes())
    assert data["scope"]["kind"] == "organisation"
    assert [r["fields"]["given_name"] for r in data["records"]["referrals.person"]] == [state.GIVEN]
    assert state.OTHER_NOTE not in json.dumps(data, ensure_ascii=False)
    disclosure = Disclosure.objects.get(dataset=Disclosure.Dataset.RECORDS_EXPORT)
    assert disclosure.person == record.person
    assert disclosure.to_organisation == treatment_org
    assert disclosure.lawful_basis == Consent.LawfulBasis.CONSENT
    assert disclosure.consent.recipient == Consent.Recipient.TREATMENT
    assert AccessLog.objects.filter(action=AccessLog.Action.DISCLOSE, person_id=record.person.pk).count() >= 1


def test_a_handover_to_an_incoming_provider_needs_a_lawful_basis_and_discloses_everyone(
    record, data_protection_officer, tmp_path
):
    from tests.factories import OrganisationFactory

    incoming = OrganisationFactory(name="New ERS provider", kind="ers")
    with pytest.raises(CommandError, match="lawful basis"):
        call_command(
            "export_records", "--by", "dpo", "--succession-to", str(incoming.pk), "--output", str(tmp_path / "a.zip")
        )
    assert not (tmp_path / "a.zip").exists()
    call_command(
        "export_records",
        "--by",
        "dpo",
        "--succession-to",
        str(incoming.pk),
        "--lawful-basis",
        "health_care",
        "--output",
        str(tmp_path / "b.zip"),
    )
    assert Disclosure.objects.filter(dataset=Disclosure.Dataset.RECORDS_EXPORT, to_organisation=incoming).count() == 2


def test_the_commands_round_trip_through_a_file(record, data_protection_officer, tmp_path):
    output = tmp_path / "records.zip"
    out = io.StringIO()
    call_command("export_records", "--by", "dpo", "--output", str(output), stdout=out)
    assert "Exported 2 people" in out.getvalue()
    wipe_people()
    out = io.StringIO()
    call_command("import_records", str(output), "--by", "dpo", stdout=out)
    assert "Imported 2 people" in out.getvalue()
    assert Referral.objects.filter(reference=record.referral.reference).exists()


def test_a_file_changed_after_it_was_made_is_refused(record, data_protection_officer, tmp_path):
    data, digest = rxi.read_zip(rx.records_export(by=data_protection_officer).content)
    data["records"]["referrals.person"][0]["fields"]["family_name"] = "Changed"
    path = tmp_path / "tampered.zip"
    path.write_bytes(rezip(data, checksum=digest))  # the old checksum
    wipe_people()
    with pytest.raises(CommandError, match="checksum does not match"):
        call_command("import_records", str(path), "--by", "dpo")
    assert not Person.objects.exists()


def test_a_file_of_another_version_is_refused(record, data_protection_officer, tmp_path):
    data, _ = rxi.read_zip(rx.records_export(by=data_protection_officer).content)
    data["version"] = 2  # the version before outreach contacts and group attendance
    path = tmp_path / "v2.zip"
    path.write_bytes(rezip(data))
    wipe_people()
    with pytest.raises(CommandError, match="version 2; this system reads versions 3 and 4 only"):
        call_command("import_records", str(path), "--by", "dpo")
    assert not Person.objects.exists()


def test_a_file_that_is_not_an_export_is_refused(data_protection_officer, tmp_path):
    path = tmp_path / "not.zip"
    path.write_bytes(b"hello")
    with pytest.raises(CommandError, match="not a zip file"):
        call_command("import_records", str(path), "--by", "dpo")
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("notes.txt", "hi")
    with pytest.raises(CommandError, match="must hold data.json"):
        call_command("import_records", str(other), "--by", "dpo")


def test_an_import_never_merges_into_referrals_already_here(record, data_protection_officer):
    content = rx.records_export(by=data_protection_officer).content
    with pytest.raises(rx.ExportFileError, match="already in use"):
        rxi.records_import(source=content, by=data_protection_officer)
    assert Person.objects.count() == 2


def test_staff_unknown_here_become_inactive_placeholders(record, data_protection_officer):
    data, _ = rxi.read_zip(rx.records_export(by=data_protection_officer).content)
    for user in data["reference"]["auth.user"]:
        if user["username"] == "hubworker":
            user["username"] = "previous-provider-worker"
    wipe_people()
    result = rxi.records_import(source=rezip(data), by=data_protection_officer)
    assert result.users_created == ["previous-provider-worker"]
    placeholder = get_user_model().objects.get(username="previous-provider-worker")
    assert not placeholder.is_active
    assert not placeholder.has_usable_password()
    assert Referral.objects.get(reference=record.referral.reference).allocated_worker == placeholder


@pytest.mark.parametrize("persona", ["spoc_practitioner", "manager", "treatment_practitioner", "commissioner"])
def test_only_the_data_protection_officer_may_export_or_import(request, record, persona, tmp_path):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        rx.records_export(by=user)
    with pytest.raises(CommandError, match="Only the data protection officer"):
        call_command("export_records", "--by", user.username, "--output", str(tmp_path / "x.zip"))
    assert not (tmp_path / "x.zip").exists()
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()


def test_check_only_reads_the_file(record, data_protection_officer, tmp_path):
    path = tmp_path / "records.zip"
    path.write_bytes(rx.records_export(by=data_protection_officer).content)
    out = io.StringIO()
    call_command("import_records", str(path), "--by", "dpo", "--check", stdout=out)
    assert "valid ers-export version 4 file with 2 people" in out.getvalue()


def test_a_hub_travels_with_its_council_and_a_new_hub_keeps_it(record, data_protection_officer, hub):
    # The KPIs counted by the hub's council (docs/kpis.md) need it on the receiving side too.
    hub.council = "westmorland_and_furness"
    hub.save()
    data, _ = rxi.read_zip(rx.records_export(by=data_protection_officer).content)
    (row,) = [r for r in data["reference"]["partnership.hub"] if r["id"] == hub.pk]
    assert row["council"] == "westmorland_and_furness"

    row["name"] = "A hub the receiving provider does not have yet"
    wipe_people()
    rxi.records_import(source=rezip(data), by=data_protection_officer)

    created = apps.get_model("partnership.hub").objects.get(name=row["name"])
    assert created.council == "westmorland_and_furness"
