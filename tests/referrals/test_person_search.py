"""The duplicate check's people (REF-4, §3.2.7, §3.4.6): the SPOC's own search for someone
already known, and restricted people kept out of sight in both lists until a reason is given."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from common.forms import identifiers
from partnership.models import AccessLog
from referrals.forms import person_search
from referrals.models import Person, Triage
from referrals.services import access as access_services
from referrals.services import allocation as allocation_services
from referrals.services import referrals as services
from referrals.services import triage as triage_services
from tests.factories import PersonFactory, ReferralFactory

DOB = dt.date(1985, 4, 12)
NHS = "9434765919"
NO_FRONT_DOOR = ["hub_worker", "peer_worker", "treatment_practitioner", "commissioner", "outsider"]


def match_url(referral) -> str:
    return reverse("referrals:match", kwargs={"reference": referral.reference})


def search(client, referral, **criteria):
    data = {"action": "search"}
    for name, value in criteria.items():
        if name == "date_of_birth":
            data.update({"search-date_of_birth_0": value.day, "search-date_of_birth_1": value.month})
            data["search-date_of_birth_2"] = value.year
        else:
            data[f"search-{name}"] = value
    return client.post(match_url(referral), data)


def known(by, **details) -> Person:
    """Someone the service knows from an earlier, closed referral."""
    earlier = ReferralFactory(received_at=timezone.now() - dt.timedelta(days=400), **details)
    person = services.person_create_from_referral(referral=earlier, by=by)
    allocation_services.referral_close(referral=earlier, by=by, reason="Moved away")
    return person


def search_rows(user, referral):
    return list(
        AccessLog.objects.filter(user=user, object_id=0, reason=f"Person search for {referral.reference}")
        .prefetch_related("subjects")
        .order_by("pk")
    )


@pytest.fixture
def married(spoc_practitioner):
    """Known as Sian Jones in Carlisle; now referred as Sian Williams from Kendal."""
    return known(
        spoc_practitioner,
        subject_given_name="Sian",
        subject_family_name="Jones",
        subject_date_of_birth=DOB,
        subject_nhs_number=NHS,
        subject_postcode="CA1 1AA",
    )


@pytest.fixture
def new_referral(db):
    return ReferralFactory(
        subject_given_name="Sian",
        subject_family_name="Williams",
        subject_date_of_birth=None,
        subject_postcode="LA9 4QZ",
    )


@pytest.fixture
def spoc_client(client, spoc_practitioner):
    client.force_login(spoc_practitioner)
    return client


# --- Finding someone the automatic check missed ------------------------------------------------


def test_a_married_name_after_a_move_is_found_by_date_of_birth_and_nhs_number(
    spoc_client, spoc_practitioner, married, new_referral
):
    page = spoc_client.get(match_url(new_referral)).content.decode()
    assert "Nobody we know has details like these" in page
    assert 'method="post"' in page and "Search for someone" in page

    response = search(spoc_client, new_referral, date_of_birth=DOB, nhs_number="943 476 5919")

    assert response.status_code == 200
    html = response.content.decode()
    assert "1 person found, best match first." in html
    assert "Sian Jones" in html and "Same NHS number" in html and "Same date of birth" in html
    assert f'name="person" value="{married.pk}"' in html
    linked = spoc_client.post(match_url(new_referral), {"action": "link", "person": married.pk})
    assert linked.status_code == 302
    new_referral.refresh_from_db()
    assert new_referral.person == married


def test_the_search_finds_a_nickname_and_says_so(spoc_client, spoc_practitioner, new_referral):
    william = known(spoc_practitioner, subject_given_name="William", subject_family_name="Smith", subject_postcode="")
    html = search(spoc_client, new_referral, given_name="Bill", family_name="Smith", date_of_birth=DOB).content.decode()
    assert "Known as Bill, recorded as William" in html
    assert f'name="person" value="{william.pk}"' in html


def test_a_search_that_finds_nobody_says_so(spoc_client, married, new_referral):
    html = search(spoc_client, new_referral, given_name="Nobody", family_name="Known", postcode="CA1 1AA").content
    assert "Nobody we know matches this search." in html.decode()
    assert "Sian Jones" not in html.decode()


def test_each_search_is_logged_as_one_list_view_naming_the_people_shown(
    spoc_client, spoc_practitioner, married, new_referral
):
    other = known(spoc_practitioner, subject_given_name="Sian", subject_family_name="Jones", subject_date_of_birth=DOB)
    search(spoc_client, new_referral, given_name="Sian", family_name="Jones", date_of_birth=DOB)
    search(spoc_client, new_referral, given_name="Nobody", family_name="Known", postcode="CA1 1AA")

    first, second = search_rows(spoc_practitioner, new_referral)
    assert (first.action, first.object_type, first.person_id) == (AccessLog.Action.VIEW, "referrals.person", None)
    assert {s.person_id for s in first.subjects.all()} == {married.pk, other.pk}
    assert list(second.subjects.all()) == []


def test_the_search_is_posted_never_read_from_the_address(spoc_client, spoc_practitioner, married, new_referral):
    url = f"{match_url(new_referral)}?action=search&search-nhs_number={NHS}&search-given_name=Sian"
    html = spoc_client.get(url).content.decode()
    assert "Search results" not in html
    assert "Sian Jones" not in html
    assert search_rows(spoc_practitioner, new_referral) == []
    # The form itself posts, to the page's own address.
    assert 'action="?' not in html
    assert 'name="search-nhs_number"' in html


@pytest.mark.parametrize("people", [2, 8])
def test_the_search_costs_the_same_number_of_queries_however_many_are_found(
    spoc_client, spoc_practitioner, new_referral, people, django_assert_max_num_queries
):
    for _ in range(people):
        known(spoc_practitioner, subject_given_name="Sian", subject_family_name="Jones", subject_date_of_birth=DOB)
    with django_assert_max_num_queries(
        22
    ):  # +1: _holds reads the permission id and the user's group ids first (benchmarks/README.md, hub caseload)
        html = search(spoc_client, new_referral, given_name="Sian", family_name="Jones", date_of_birth=DOB).content
    assert f"{people} people found" in html.decode()


def test_the_search_query_count_does_not_grow_with_the_people_found(spoc_client, spoc_practitioner, new_referral):
    counts = []
    for people in (2, 6):
        while Person.objects.filter(family_name="Jones").count() < people:
            known(spoc_practitioner, subject_given_name="Sian", subject_family_name="Jones", subject_date_of_birth=DOB)
        with CaptureQueriesContext(connection) as context:
            search(spoc_client, new_referral, given_name="Sian", family_name="Jones", date_of_birth=DOB)
        counts.append(len(context))
    assert counts[0] == counts[1]


# --- What may be searched ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("criteria", "message"),
    [
        ({}, person_search.SEARCH_NEEDS_MORE),
        ({"given_name": "Sian", "family_name": "Jones"}, person_search.SEARCH_NEEDS_MORE),
        ({"date_of_birth": DOB}, person_search.SEARCH_NEEDS_MORE),
        ({"postcode": "CA1 1AA"}, person_search.SEARCH_NEEDS_MORE),
        ({"given_name": "Sian", "date_of_birth": DOB}, person_search.SEARCH_NEEDS_BOTH_NAMES),
        ({"family_name": "Jones", "date_of_birth": DOB}, person_search.SEARCH_NEEDS_BOTH_NAMES),
        ({"nhs_number": "0000000000"}, identifiers.NHS_NUMBER_PLACEHOLDER),
        ({"nhs_number": "943 476 5918"}, identifiers.NHS_NUMBER_INVALID),
        ({"postcode": "NOT A CODE", "date_of_birth": DOB}, identifiers.POSTCODE_INVALID),
        ({"given_name": "123", "family_name": "Jones", "date_of_birth": DOB}, "Names must include at least one letter"),
        (
            {"given_name": "x" * 101, "family_name": "Jones", "date_of_birth": DOB},
            person_search.SEARCH_GIVEN_NAME_TOO_LONG,
        ),
    ],
)
def test_a_search_without_enough_or_with_wrong_details_is_explained(
    spoc_client, spoc_practitioner, married, new_referral, criteria, message
):
    response = search(spoc_client, new_referral, **criteria)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert escape(str(message)) in html
    assert "Search results" not in html
    assert search_rows(spoc_practitioner, new_referral) == []


@pytest.mark.parametrize(
    "data",
    [
        {"action": "search", "search-date_of_birth_0": "99999999999999999999", "search-nhs_number": "\x00"},
        {"action": "search", "search-given_name": "\x00", "search-family_name": "%", "search-postcode": "'; --"},
        {"action": "search", "search-nhs_number": "9" * 500},
    ],
)
def test_odd_input_to_the_search_never_breaks_the_page(spoc_client, new_referral, data):
    assert spoc_client.post(match_url(new_referral), data).status_code == 200


def test_searching_does_not_link_or_create_anyone(spoc_client, married, new_referral):
    search(spoc_client, new_referral, date_of_birth=DOB, nhs_number=NHS)
    new_referral.refresh_from_db()
    assert new_referral.person is None
    assert Person.objects.count() == 1


@pytest.mark.parametrize("persona", NO_FRONT_DOOR)
def test_only_the_front_door_may_search(client, request, persona, married, new_referral):
    client.force_login(request.getfixturevalue(persona))
    assert search(client, new_referral, date_of_birth=DOB, nhs_number=NHS).status_code == 403
    assert not AccessLog.objects.filter(reason__startswith="Person search").exists()


# --- Restricted people -------------------------------------------------------------------------


@pytest.fixture
def restricted_person(spoc_practitioner, manager, hub, hub_worker):
    """Known, with a referral allocated in Carlisle and restricted (a member of staff's relative)."""
    referral = ReferralFactory(
        subject_given_name="Morgan",
        subject_family_name="Fairweather",
        subject_date_of_birth=DOB,
        subject_nhs_number=NHS,
        subject_postcode="CA2 7AB",
    )
    triage_services.triage_save_screening(
        referral=referral, by=spoc_practitioner, council_of_residence="cumberland", risk=Triage.Risk.GREEN
    )
    triage_services.triage_complete(referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.ERS)
    allocation_services.referral_allocate(referral=referral, hub=hub, worker=hub_worker, by=spoc_practitioner)
    person = services.person_create_from_referral(referral=referral, by=spoc_practitioner)
    access_services.referral_restrict(referral=referral, by=manager, reason="A member of staff's relative")
    referral.refresh_from_db()
    return person, referral


def assert_hidden(html: str, person: Person, *, results_from: str) -> None:
    """Nothing of theirs on the page; nor, in the results (the search form keeps what was
    typed), their NHS number or date of birth."""
    assert "A possible match you need a reason to open" in html
    for detail in ("Morgan", "Fairweather", "CA2 7AB"):
        assert detail not in html, detail
    results = html[html.index(results_from) :]
    for detail in (NHS, "943 476 5919", "12 April 1985"):
        assert detail not in results, detail
    assert f'name="person" value="{person.pk}"' not in html


def test_a_restricted_person_found_by_the_search_is_shown_without_their_details(
    spoc_client, spoc_practitioner, restricted_person, new_referral
):
    person, referral = restricted_person
    html = search(spoc_client, new_referral, date_of_birth=DOB, nhs_number=NHS).content.decode()
    assert_hidden(html, person, results_from="Search results")
    break_glass = reverse("referrals:break_glass", args=[referral.reference])
    assert escape(f"{break_glass}?next=%2Freferrals%2F{new_referral.reference}%2Fperson%2F") in html
    (row,) = search_rows(spoc_practitioner, new_referral)
    assert list(row.subjects.all()) == []  # no detail of theirs was shown


def test_a_restricted_person_in_the_automatic_list_is_shown_without_their_details(spoc_client, restricted_person, db):
    person, _ = restricted_person
    # Found by the NHS number alone: the referral names someone else.
    referral = ReferralFactory(
        subject_given_name="Sam", subject_family_name="Ellis", subject_date_of_birth=None, subject_nhs_number=NHS
    )
    html = spoc_client.get(match_url(referral)).content.decode()
    assert_hidden(html, person, results_from="People we may already know")


def test_after_breaking_the_glass_the_restricted_person_is_shown(
    spoc_client, spoc_practitioner, restricted_person, new_referral
):
    person, referral = restricted_person
    spoc_client.post(reverse("referrals:break_glass", args=[referral.reference]), {"reason": "On the phone now"})
    html = search(spoc_client, new_referral, date_of_birth=DOB, nhs_number=NHS).content.decode()
    assert "A possible match you need a reason to open" not in html
    assert "Morgan Fairweather" in html
    assert f'name="person" value="{person.pk}"' in html


def test_the_hub_team_holding_the_restricted_record_see_it_in_the_list(
    client, manager, restricted_person, new_referral
):
    client.force_login(manager)
    html = search(client, new_referral, date_of_birth=DOB, nhs_number=NHS).content.decode()
    assert "Morgan Fairweather" in html
    assert "A possible match you need a reason to open" not in html


def test_placeholder_numbers_on_record_do_not_make_a_stranger_a_match(spoc_client, spoc_practitioner, db):
    PersonFactory(given_name="Robert", family_name="Taylor", nhs_number="0000000000", date_of_birth=None)
    referral = ReferralFactory(subject_given_name="Aisha", subject_family_name="Begum", subject_nhs_number="0000000000")
    html = spoc_client.get(match_url(referral)).content.decode()
    assert "Robert Taylor" not in html
    assert "Nobody we know has details like these" in html
