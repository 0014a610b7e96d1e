"""ASM-6: an escalation to Treatment keeps the assessment's triggers as codes (what reports
count) beside the words of its reason; the subject access export names each as "label (code)";
escalations made before the codes were kept get them back from their words (migration
referrals 0011)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from assessments.models.codes import Trigger
from assessments.services import assessment_escalate, assessment_section_save
from referrals.data_rights.collect import collect
from referrals.models import TreatmentReferral
from tests.test_migrations import _drop_every_table, _migrate, with_migrations


@pytest.mark.django_db
def test_an_escalation_keeps_its_triggers_as_codes_and_the_export_names_them(person, hub_worker):
    assessment_section_save(
        person=person, key="risks", values={"triggers": [Trigger.SUICIDAL, Trigger.CRIMINAL_JUSTICE]}, by=hub_worker
    )
    waiting = assessment_escalate(person=person, by=hub_worker)
    assert waiting.escalation_triggers == ["criminal_justice", "suicidal"]
    assert waiting.reason_detail == f"{Trigger.CRIMINAL_JUSTICE.label}; {Trigger.SUICIDAL.label}"
    [section] = [data for data in collect(person) if data.section.key == "treatment_referrals"]
    [field] = [f for f in section.records[0]["fields"] if f["name"] == "escalation_triggers"]
    assert field["value"] == ["criminal_justice", "suicidal"]
    assert field["display"] == (
        f"{Trigger.CRIMINAL_JUSTICE.label} (criminal_justice), {Trigger.SUICIDAL.label} (suicidal)"
    )
    # Escalating again after the assessment changed: the waiting referral takes the new codes.
    assessment_section_save(person=person, key="risks", values={"triggers": [Trigger.PREGNANCY]}, by=hub_worker)
    assert assessment_escalate(person=person, by=hub_worker).escalation_triggers == ["pregnancy"]
    assert TreatmentReferral.objects.filter(referral__person=person).count() == 1


@with_migrations
@pytest.mark.django_db(transaction=True)
def test_escalations_made_before_get_their_codes_from_their_words():
    _drop_every_table()
    old = _migrate([("referrals", "0010_treatment_referral_assessment_trigger")])
    user = old.get_model("auth", "User").objects.create(username="worker")
    referral = old.get_model("referrals", "Referral").objects.create(
        channel="phone", source="self", received_at=timezone.now()
    )
    model = old.get_model("referrals", "TreatmentReferral")
    words = "Worsening psychological wellbeing; Child protection or children's social care involvement"
    escalated = model.objects.create(
        referral=referral, reason="assessment_trigger", created_by=user, reason_detail=words, reference="T-AAAAAAAA"
    )
    other = old.get_model("referrals", "Referral").objects.create(
        channel="phone", source="self", received_at=timezone.now()
    )
    plain = model.objects.create(
        referral=other, reason="triage_outcome", created_by=user, reason_detail="", reference="T-BBBBBBBB"
    )

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert TreatmentReferral.objects.get(pk=escalated.pk).escalation_triggers == ["child_protection", "psychological"]
    assert TreatmentReferral.objects.get(pk=plain.pk).escalation_triggers == []
