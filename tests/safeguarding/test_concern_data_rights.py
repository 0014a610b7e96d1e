"""PAR-6: a subject access export holds the person's safeguarding concerns, their actions and
meetings, and the chronology's own rows, each declared (not merely discovered); no other
organisation's export carries them (Detail.SAFEGUARDING)."""

from __future__ import annotations

import json

from django.utils import timezone

from partnership.access import Audience, may_see
from referrals.data_rights import sections as sections_module
from referrals.data_rights.subject_access import build_document, to_json
from safeguarding.chronology_services import chronology_summary_add
from safeguarding.registry_concerns import SAFEGUARDING_DETAIL_MODELS
from safeguarding.services_concerns import concern_action_add, concern_meeting_record


def test_every_safeguarding_model_has_a_declared_section():
    declared = {s.model for s in sections_module.SECTIONS}
    assert set(SAFEGUARDING_DETAIL_MODELS) <= declared
    assert not {s.model for s in sections_module.discover()} & set(SAFEGUARDING_DETAIL_MODELS)


def test_the_subject_access_export_holds_the_concern_and_its_actions_meetings_and_summaries(
    person, concern, hub_worker, data_protection_officer
):
    concern_action_add(
        concern=concern, by=hub_worker, description="ACTION-TEXT visit", due_on=timezone.localdate(), owner=hub_worker
    )
    concern_meeting_record(
        concern=concern, by=hub_worker, kind="mash", held_on=timezone.localdate(), attendees="A", decisions="DECIDED"
    )
    chronology_summary_add(
        person=person, by=hub_worker, occurred_at=timezone.now(), agency="Police", event="SUMMARY-EVENT call"
    )
    document = build_document(person=person, generated_by=data_protection_officer)
    keys = {section["key"]: section for section in document["sections"]}
    text = to_json(document).decode()

    for key in ("safeguarding_concerns", "safeguarding_concern_actions", "safeguarding_concern_meetings"):
        assert keys[key]["records"], key
    for value in ("SUMMARY-TEXT", "ACTION-TEXT", "DECIDED", "SUMMARY-EVENT"):
        assert value in text
    assert json.loads(text)["person"]["reference"] == person.reference


def test_no_partner_organisation_sees_safeguarding_detail_but_the_person_and_a_successor_do():
    for model in SAFEGUARDING_DETAIL_MODELS:
        assert not may_see(Audience.PARTNER_ORGANISATION, model)
        assert may_see(Audience.DATA_SUBJECT, model) and may_see(Audience.INCOMING_PROVIDER, model)
