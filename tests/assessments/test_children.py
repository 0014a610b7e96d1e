"""ASM-7: each child's details, added and changed on their own, every change a version shown on
the caring section's versions page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Child
from assessments.services import assessment_section_save, child_save, reading_record
from common.audit import current_version
from tests.assessments.instruments import all_scoring, definition

pytestmark = pytest.mark.django_db


def url(name, person, *args):
    return reverse(f"assessments:{name}", args=[person.reference, *args])


def test_a_child_is_added_then_changed_and_both_are_versions(client, person, hub_worker):
    client.force_login(hub_worker)
    response = client.post(url("child_new", person), {"version": 0, "age": "4", "health_visitor": "yes"})
    assert response.status_code == 302
    child = Child.objects.get(person=person)
    assert (child.age, child.health_visitor, child.protection_plan) == (4, "yes", "not_asked")
    response = client.post(
        url("child", person, child.pk), {"version": current_version(child), "age": "5", "protection_plan": "past"}
    )
    child.refresh_from_db()
    assert (child.age, child.protection_plan) == (5, "past")
    versions = client.get(url("versions", person, "carers")).content.decode()
    assert "In the past, not now" in versions and versions.count("Child: ") == 2
    assert "Yes, now" not in versions


def test_an_age_out_of_range_is_refused_with_what_was_chosen_kept(client, person, hub_worker):
    client.force_login(hub_worker)
    response = client.post(url("child_new", person), {"version": 0, "age": "40", "early_help": "yes"})
    assert response.status_code == 200
    assert response.context["form"].errors["age"] == ["Enter the child's age in whole years, from 0 to 25"]
    assert not Child.objects.exists()


def test_another_persons_child_is_not_found(client, person, peer_person, hub_worker):
    theirs = child_save(person=peer_person, child=None, values={"age": 2}, by=hub_worker)
    client.force_login(hub_worker)
    assert client.get(url("child", person, theirs.pk)).status_code == 404


def _count(client, address) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


def test_detail_pages_keep_a_constant_query_count(client, person, hub_worker):
    audit_c = definition("audit-c")
    client.force_login(hub_worker)

    def grow(times):
        for number in range(times):
            assessment_section_save(person=person, key="needs", values={"needs": f"v{number}"}, by=hub_worker)
            child_save(person=person, child=None, values={"age": number % 20}, by=hub_worker)
            reading_record(person=person, definition=audit_c, answers=all_scoring(audit_c, 1), by=hub_worker)

    grow(1)
    section = assessment_section_save(person=person, key="needs", values={"goals": "g"}, by=hub_worker).section
    first_version = current_version(section)
    reading = reading_record(person=person, definition=audit_c, answers=all_scoring(audit_c, 2), by=hub_worker)
    child = Child.objects.filter(person=person).first()
    pages = [
        url("version", person, "needs", first_version),
        url("reading", person, reading.pk),
        url("section", person, "carers"),
        url("child", person, child.pk),
        url("escalation", person),
    ]
    few = [_count(client, page) for page in pages]
    grow(10)
    assert [_count(client, page) for page in pages] == few
    assert max(few) <= 20
