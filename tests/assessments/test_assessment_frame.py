"""The assessment pages sit in the person record's frame (issue 9): the one identity bar, the
record's tabs with "Assessment" current, the restriction notice (PAR-6); no bar of their own.
Their query counts stay the same however much history the person has."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import NeedsSection
from assessments.services import assessment_section_save, reading_record
from referrals.data_rights import services as data_rights
from tests.assessments.instruments import all_scoring, definition

pytestmark = pytest.mark.django_db


def _history(person, by, count):
    audit_c = definition("audit-c")
    for number in range(count):
        assessment_section_save(person=person, key="needs", values={"needs": f"v{number}"}, by=by)
        reading_record(person=person, definition=audit_c, answers=all_scoring(audit_c, 1), by=by)


def _urls(person):
    ref = person.reference
    reading = person_reading(person)
    version = NeedsSection.history.filter(person_id=person.pk).order_by("history_id").first().history_id
    return [
        reverse("assessments:overview", args=[ref]),
        reverse("assessments:section", args=[ref, "needs"]),
        reverse("assessments:versions", args=[ref, "needs"]),
        reverse("assessments:version", args=[ref, "needs", version]),
        reverse("assessments:child_new", args=[ref]),
        reverse("assessments:escalation", args=[ref]),
        reverse("assessments:instruments", args=[ref]),
        reverse("assessments:readings", args=[ref, "audit-c"]),
        reverse("assessments:reading", args=[ref, reading]),
        reverse("assessments:reading_new", args=[ref, "audit-c"]),
    ]


def person_reading(person):
    from assessments.models import InstrumentReading

    return InstrumentReading.objects.filter(person=person).order_by("pk").values_list("pk", flat=True).first()


def test_every_assessment_page_is_in_the_person_record_frame(client, person, hub_worker):
    person.pronouns = "they/them"
    person.save()
    _history(person, hub_worker, 1)
    client.force_login(hub_worker)
    tab = reverse("assessments:overview", args=[person.reference])
    for url in _urls(person):
        content = client.get(url).content.decode()
        assert content.count("moj-identity-bar__container") == 1, url  # the frame's bar, and only it
        assert 'id="identity-bar"' in content and "they/them" in content, url
        assert f'aria-current="page" href="{tab}"' in content, url  # the record's tab
        assert reverse("referrals:person_timeline", args=[person.reference]) in content, url  # the other tabs
        assert 'id="assessment-navigation"' in content, url


def test_a_restricted_persons_assessment_pages_carry_the_notice(client, person, hub_worker, data_protection_officer):
    _history(person, hub_worker, 1)
    data_rights.processing_restrict(person=person, by=data_protection_officer, reason="Accuracy contested")
    client.force_login(hub_worker)
    for url in _urls(person):
        assert 'id="processing-restricted"' in client.get(url).content.decode(), url


def _counts(client, person):
    counts = []
    for url in _urls(person):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    return counts


def test_the_framed_pages_keep_a_constant_query_count(client, person, hub_worker):
    client.force_login(hub_worker)
    _history(person, hub_worker, 1)
    few = _counts(client, person)
    _history(person, hub_worker, 15)
    assert _counts(client, person) == few
    assert max(few) <= 20
