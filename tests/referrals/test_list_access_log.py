"""List pages write one access-log row per page view, naming the people shown (SEC-2)."""

import re

import pytest
from django.urls import reverse

from partnership.access_log import access_log_record_list
from partnership.models import AccessLog, AccessLogSubject
from referrals.services import referrals as services
from tests.factories import PersonFactory, ReferralFactory
from tests.states import allocate


def linked(by, **kwargs):
    referral = ReferralFactory(**kwargs)
    services.person_create_from_referral(referral=referral, by=by)
    referral.refresh_from_db()
    return referral


def list_rows(user) -> list[AccessLog]:
    return list(AccessLog.objects.filter(user=user, object_id=0).prefetch_related("subjects").order_by("pk"))


def subjects(log: AccessLog) -> set[int]:
    return {s.person_id for s in log.subjects.all()}


def test_the_queue_logs_one_row_per_page_naming_only_linked_people(client, spoc_practitioner):
    with_person = linked(spoc_practitioner)
    ReferralFactory()  # not linked to a person yet: shown by its name as referred, names no one
    client.force_login(spoc_practitioner)

    client.get(reverse("referrals:queue"))
    client.get(reverse("referrals:queue"))

    first, second = list_rows(spoc_practitioner)
    assert (first.action, first.object_type, first.person_id) == (
        AccessLog.Action.VIEW,
        "referrals.referral",
        None,
    )
    assert first.reason == "SPOC queue, page 1"
    assert subjects(first) == subjects(second) == {with_person.person_id}


def test_the_queue_logs_only_the_rows_on_the_page_shown(client, spoc_practitioner, monkeypatch):
    monkeypatch.setattr("referrals.views.queue.QUEUE_PAGE_SIZE", 2)
    referrals = [linked(spoc_practitioner) for _ in range(3)]
    client.force_login(spoc_practitioner)

    response = client.get(reverse("referrals:queue"), {"page": 2})

    shown = re.findall(r">(R-[0-9A-Z]{8})</a>", response.content.decode())
    (log,) = list_rows(spoc_practitioner)
    assert log.reason == "SPOC queue, page 2"
    assert subjects(log) == {r.person_id for r in referrals if r.reference in shown}
    assert len(subjects(log)) == 1


def test_my_caseload_and_the_hub_caseload_log_the_people_shown(client, spoc_practitioner, hub, hub_worker, manager):
    mine = allocate(linked(spoc_practitioner), spoc=spoc_practitioner, hub=hub, worker=hub_worker)
    theirs = allocate(linked(spoc_practitioner), spoc=spoc_practitioner, hub=hub, worker=manager)
    client.force_login(hub_worker)

    client.get(reverse("referrals:caseload"))
    client.get(reverse("referrals:hub_caseload"))

    caseload, hub_caseload = list_rows(hub_worker)
    assert (caseload.reason, subjects(caseload)) == ("My caseload, page 1", {mine.person_id})
    assert (hub_caseload.reason, subjects(hub_caseload)) == (
        "Hub caseload, page 1",
        {mine.person_id, theirs.person_id},
    )


def test_a_list_row_is_written_in_two_queries_however_many_people(spoc_practitioner, django_assert_num_queries, db):
    for size in (1, 40):
        with django_assert_num_queries(2):
            log = access_log_record_list(
                user=spoc_practitioner,
                object_type="referrals.referral",
                person_ids=list(range(1, size + 1)),
                reason="x",
            )
        assert log.subjects.count() == size


def test_subject_rows_are_append_only(spoc_practitioner, db):
    log = access_log_record_list(user=spoc_practitioner, object_type="referrals.referral", person_ids=[7], reason="x")
    subject = AccessLogSubject.objects.get(log=log)
    with pytest.raises(ValueError):
        subject.save()
    with pytest.raises(ValueError):
        subject.delete()


# --- "Who looked at this person?" finds list views -------------------------------------------------


def test_the_access_log_search_finds_a_person_through_a_list_row(client, spoc_practitioner, manager):
    referral = linked(spoc_practitioner)
    other = linked(spoc_practitioner)
    client.force_login(spoc_practitioner)
    client.get(reverse("referrals:queue"))
    client.force_login(manager)

    response = client.get(reverse("access_log"), {"person": referral.person.reference})

    html = response.content.decode()
    assert response.status_code == 200
    assert [item["row"].reason for item in response.context["rows"]] == ["SPOC queue, page 1"]
    assert "SPOC queue, page 1 (2 people)" in html
    assert spoc_practitioner.username in html
    assert other.person_id != referral.person_id


@pytest.mark.parametrize("size", [2, 60])
def test_searching_a_person_takes_the_same_queries_whatever_the_list_rows(
    client, manager, spoc_practitioner, size, django_assert_max_num_queries
):
    person = PersonFactory()
    for n in range(size):
        access_log_record_list(
            user=spoc_practitioner,
            object_type="referrals.referral",
            person_ids=[person.pk, *range(100 + n, 110 + n)],
            reason=f"SPOC queue, page {n + 1}",
        )
    client.force_login(manager)
    # As the search by username: 13 at any size (the subject rows are a subquery and a count).
    with django_assert_max_num_queries(13):
        response = client.get(reverse("access_log"), {"person": person.reference})
    assert len(response.context["rows"]) == min(size, 50)
    assert "(11 people)" in response.content.decode()
