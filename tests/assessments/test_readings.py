"""Instrument readings (ASM-5): recorded on a page built from the definition, scored by the
service (never typed), a positive AUDIT-C opening the full AUDIT with its answers carried, and
each instrument's readings as a chart with the same numbers in a table."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import InstrumentReading
from assessments.services import reading_record
from tests.assessments.instruments import all_scoring, answers_scoring, definition

pytestmark = pytest.mark.django_db


def url(name, person, *args):
    return reverse(f"assessments:{name}", args=[person.reference, *args])


def test_the_service_scores_the_answers_itself(person, hub_worker):
    audit_c = definition("audit-c")
    reading = reading_record(
        person=person, definition=audit_c, answers=answers_scoring(audit_c, {"q1": 4, "q2": 2, "q3": 1}), by=hub_worker
    )
    assert (reading.total, reading.instrument, reading.instrument_version) == (7, "audit-c", audit_c.version)
    assert reading.history.first().history_user == hub_worker


def test_an_incomplete_reading_is_refused(person, hub_worker):
    audit_c = definition("audit-c")
    with pytest.raises(ValidationError):
        reading_record(person=person, definition=audit_c, answers=answers_scoring(audit_c, {"q1": 4}), by=hub_worker)
    assert not InstrumentReading.objects.exists()


def test_peer_workers_record_no_readings(peer_person, peer_worker):
    audit_c = definition("audit-c")
    with pytest.raises(PermissionDenied):
        reading_record(person=peer_person, definition=audit_c, answers=all_scoring(audit_c, 0), by=peer_worker)


def test_a_positive_audit_c_offers_the_full_audit_with_its_answers(client, person, hub_worker):
    client.force_login(hub_worker)
    audit_c = definition("audit-c")
    answers = answers_scoring(audit_c, {"q1": 3, "q2": 1, "q3": 2})
    assert client.get(url("reading_new", person, "audit-c")).status_code == 200
    # A score sent with the answers is ignored: scores are computed, never typed.
    response = client.post(url("reading_new", person, "audit-c"), {**answers, "total": "0"})
    assert response.status_code == 302
    screening = InstrumentReading.objects.get(instrument="audit-c")
    assert screening.total == 6
    page = client.get(response.url).content.decode()
    assert "Continue to the" in page
    full = client.get(url("reading_new", person, "audit") + f"?from={screening.pk}")
    assert full.context["form"].initial == {"q1": answers["q1"], "q2": answers["q2"], "q3": answers["q3"]}
    audit = definition("audit")
    rest = answers_scoring(audit, {item.id: 0 for item in audit.scored_items if item.id not in answers})
    response = client.post(url("reading_new", person, "audit"), {**answers, **rest, "carried_from": screening.pk})
    full_reading = InstrumentReading.objects.get(instrument="audit")
    assert (full_reading.total, full_reading.carried_from) == (6, screening)


def test_a_negative_audit_c_offers_nothing_more(client, person, hub_worker):
    client.force_login(hub_worker)
    audit_c = definition("audit-c")
    response = client.post(url("reading_new", person, "audit-c"), all_scoring(audit_c, 0))
    assert "Continue to the" not in client.get(response.url).content.decode()


def test_an_unanswered_item_is_named_and_nothing_is_saved(client, person, hub_worker):
    client.force_login(hub_worker)
    audit_c = definition("audit-c")
    response = client.post(url("reading_new", person, "audit-c"), answers_scoring(audit_c, {"q1": 1}))
    assert response.status_code == 200 and response.context["form"].errors
    assert not InstrumentReading.objects.exists()


def test_the_readings_page_draws_a_chart_and_the_same_numbers_in_a_table(client, person, hub_worker):
    star = definition("recovery-reading")
    for week, each in enumerate((3, 5, 8)):
        reading_record(
            person=person,
            definition=star,
            answers=all_scoring(star, each),
            by=hub_worker,
            taken_at=timezone.now() - dt.timedelta(weeks=3 - week),
        )
    client.force_login(hub_worker)
    response = client.get(url("readings", person, "recovery-reading"))
    page = response.content.decode()
    assert "<svg" in page and 'role="img"' in page
    assert [row[1:] for row in response.context["table"].rows] == [[str(n)] * len(star.items) for n in (3, 5, 8)]


def test_someone_else_gets_404_and_unknown_instruments_404(client, person, other_hub_worker, hub_worker):
    client.force_login(other_hub_worker)
    assert client.get(url("readings", person, "audit-c")).status_code == 404
    client.force_login(hub_worker)
    assert client.get(url("readings", person, "no-such-thing")).status_code == 404


def _counts(client, person):
    counts = []
    for name, args in (("instruments", ()), ("readings", ("audit-c",))):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(name, person, *args)).status_code == 200
        counts.append(len(queries))
    return counts


def test_reading_pages_keep_a_constant_query_count(client, person, hub_worker):
    audit_c = definition("audit-c")
    client.force_login(hub_worker)
    reading_record(person=person, definition=audit_c, answers=all_scoring(audit_c, 1), by=hub_worker)
    few = _counts(client, person)
    for each in (0, 2, 3, 4, 1, 2, 3):
        reading_record(person=person, definition=audit_c, answers=all_scoring(audit_c, each), by=hub_worker)
    assert _counts(client, person) == few
    assert max(few) <= 20
