"""The demo's assessments (ASM-1 to ASM-7): made through the services, and not again on a rerun."""

import pytest
from django.core.management import call_command

from assessments.models import Child, InstrumentReading, NeedsSection
from demo.assessments import PEOPLE, seed_assessments

pytestmark = pytest.mark.django_db


def test_the_demo_has_assessments_and_readings_and_a_rerun_adds_none(monkeypatch, capsys):
    monkeypatch.delenv("DJANGO_DEMO_PASSWORD", raising=False)
    call_command("seed_demo", "--without-history")
    assert f"Assessments: {PEOPLE} people" in capsys.readouterr().out
    assert NeedsSection.objects.count() == PEOPLE
    assert NeedsSection.history.count() == PEOPLE * 2  # each saved twice: two versions
    assert Child.objects.count() == 1
    # Not the eight quarters of history (demo.reporting, bulk rows by its own staff).
    audit = InstrumentReading.objects.filter(instrument="audit").exclude(recorded_by__username__startswith="history-")
    assert audit.count() == PEOPLE and all(r.carried_from_id for r in audit)
    assert InstrumentReading.objects.filter(instrument="recovery-reading").count() == PEOPLE * 3
    before = InstrumentReading.history.count()
    from django.utils import timezone

    assert seed_assessments(now=timezone.now()) == 0
    assert InstrumentReading.history.count() == before
