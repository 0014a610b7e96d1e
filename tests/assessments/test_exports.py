"""The assessment in the subject access export and the handover export (PAR-6, PAR-7): every
section, child and reading is there for the person; the risks section never goes to another
organisation."""

import pytest

from assessments.services import assessment_section_save, child_save, reading_record
from partnership.access import Audience
from referrals.data_rights.collect import collect
from tests.assessments.instruments import all_scoring, definition

pytestmark = pytest.mark.django_db

KEYS = {
    "assessment_needs",
    "assessment_risks",
    "assessment_substances",
    "assessment_equality",
    "assessment_carers",
    "assessment_children",
    "instrument_readings",
}


def _assessed(person, by):
    for key, values in (
        ("needs", {"needs": "A bed"}),
        ("risks", {"safeguarding": "Cuckooing"}),
        ("substances", {"primary_substance": "alcohol"}),
        ("equality", {"first_language": "Welsh"}),
        ("carers", {"parent": "yes"}),
    ):
        assessment_section_save(person=person, key=key, values=values, by=by)
    child_save(person=person, child=None, values={"age": 3}, by=by)
    audit_c = definition("audit-c")
    reading_record(person=person, definition=audit_c, answers=all_scoring(audit_c, 2), by=by)


def test_the_person_sees_every_part_of_their_assessment(person, hub_worker):
    _assessed(person, hub_worker)
    sections = {data.section.key: data for data in collect(person, audience=Audience.DATA_SUBJECT)}
    assert set(sections) >= KEYS
    for key in KEYS:
        assert len(sections[key].records) == 1, key
        assert sections[key].history, key
    values = {f["name"]: f["display"] for f in sections["assessment_risks"].records[0]["fields"]}
    assert values["safeguarding"] == "Cuckooing"


def test_another_organisation_never_gets_the_risks_section(person, hub_worker):
    _assessed(person, hub_worker)
    keys = {data.section.key for data in collect(person, audience=Audience.PARTNER_ORGANISATION)}
    assert "assessment_risks" not in keys
    assert "assessment_needs" in keys


def test_the_escalation_triggers_are_exported_as_codes_with_their_labels(person, hub_worker):
    """ASM-6: reports count trigger codes, so the person's export names each trigger in words and
    by its code, in the record and in its history; the JSON value keeps the codes."""
    from assessments.models.codes import Trigger

    assessment_section_save(
        person=person, key="risks", values={"triggers": [Trigger.SUICIDAL, Trigger.PREGNANCY]}, by=hub_worker
    )
    [risks] = [data for data in collect(person) if data.section.key == "assessment_risks"]
    [triggers] = [f for f in risks.records[0]["fields"] if f["name"] == "triggers"]
    expected = f"{Trigger.PREGNANCY.label} (pregnancy), {Trigger.SUICIDAL.label} (suicidal)"
    assert triggers["value"] == ["pregnancy", "suicidal"]
    assert triggers["display"] == expected
    [change] = [c for entry in risks.history for c in entry["changes"] if c["field"] == "triggers"]
    assert change["new"] == ["pregnancy", "suicidal"] and change["new_display"] == expected
