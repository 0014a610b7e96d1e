"""The duplicate check's matcher (REF-4): who it finds, how it ranks them, and that it stays
cheap however many people there are."""

import datetime as dt

import pytest

from referrals import matching
from referrals.matching import (
    SAME_DATE_OF_BIRTH,
    SAME_NHS_NUMBER,
    SAME_POSTCODE,
    SIMILAR_NAME,
    find_likely_matches,
    normalise_name,
    normalise_postcode,
    score_candidate,
)
from tests.factories import PersonFactory

DOB = dt.date(1985, 3, 27)
NHS = "9434765919"  # passes the modulus 11 check


def person(**kwargs):
    """A Person as the services store one: normalised postcode and search name."""
    defaults = {"nhs_number": "", "postcode": "", "date_of_birth": None}
    defaults.update(kwargs)
    defaults["postcode"] = normalise_postcode(defaults["postcode"])
    return PersonFactory(**defaults)


def find(**kwargs):
    query = {"given_name": "", "family_name": "", "date_of_birth": None, "nhs_number": "", "postcode": ""}
    query.update(kwargs)
    return find_likely_matches(**query)


# --- Normalising -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("Siân Ó Briain-Nakamura", "sian o briain nakamura"),
        ("SIAN", "sian"),
        ("O’Brien", "obrien"),
        ("O'Brien", "obrien"),
        ("Łukasz Wójcik", "lukasz wojcik"),
        ("  Anne-Marie   Smith ", "anne marie smith"),
        ("", ""),
    ],
)
def test_names_are_compared_without_case_accents_or_punctuation(typed, normalised):
    assert normalise_name(typed) == normalised


def test_postcodes_are_compared_in_one_form():
    assert normalise_postcode(" ca11aa ") == "CA1 1AA"
    assert normalise_postcode("la9 4qz") == "LA9 4QZ"


# --- Scoring (no database) ---------------------------------------------------------------


class Candidate:
    """A stand-in Person for pure scoring tests."""

    def __init__(self, given_name, family_name, date_of_birth=None, nhs_number="", postcode="", preferred_name=""):
        self.pk = id(self)
        self.given_name, self.family_name = given_name, family_name
        self.date_of_birth, self.nhs_number, self.postcode = date_of_birth, nhs_number, postcode
        self.preferred_name = preferred_name


def score(candidate, **query):
    defaults = {"given_name": "Sian", "family_name": "Jones", "date_of_birth": None, "nhs_number": "", "postcode": ""}
    defaults.update(query)
    return score_candidate(person=candidate, **defaults)


def test_same_nhs_number_is_the_strongest_signal():
    by_nhs = score(Candidate("Alex", "Brown", nhs_number=NHS), nhs_number=NHS)
    by_dob_and_name = score(Candidate("Sian", "Jones", date_of_birth=DOB), date_of_birth=DOB)
    assert by_nhs.reasons == [SAME_NHS_NUMBER]
    assert by_nhs.score > by_dob_and_name.score
    assert by_nhs.score > score(Candidate("Sian", "Jones")).score  # a name alone


def test_same_date_of_birth_and_similar_name_is_strong_but_a_name_alone_is_weak():
    strong = score(Candidate("Sian", "Jones", date_of_birth=DOB), date_of_birth=DOB)
    weak = score(Candidate("Sian", "Jones", date_of_birth=None), date_of_birth=DOB)
    assert strong.reasons == [SAME_DATE_OF_BIRTH, SIMILAR_NAME]
    assert strong.score >= 55
    assert weak.reasons == [SIMILAR_NAME]
    assert weak.score <= 35
    assert strong.score > weak.score


def test_nhs_number_written_with_spaces_still_matches():
    match = score(Candidate("Sian", "Jones", nhs_number=NHS), nhs_number="943 476 5919")
    assert SAME_NHS_NUMBER in match.reasons


def test_a_different_nhs_number_counts_against_a_match():
    same_name_other_nhs = score(
        Candidate("Sian", "Jones", date_of_birth=DOB, nhs_number="4010232137"), date_of_birth=DOB, nhs_number=NHS
    )
    same_name_no_nhs = score(Candidate("Sian", "Jones", date_of_birth=DOB), date_of_birth=DOB, nhs_number=NHS)
    assert same_name_other_nhs.score < same_name_no_nhs.score


def test_sharing_only_a_postcode_or_only_a_date_of_birth_is_not_a_match():
    assert score(Candidate("Robert", "Taylor", postcode="CA1 1AA"), postcode="CA1 1AA") is None
    assert score(Candidate("Robert", "Taylor", date_of_birth=DOB), date_of_birth=DOB) is None


def test_same_date_of_birth_and_postcode_is_shown_even_after_a_change_of_name():
    match = score(
        Candidate("Sian", "Williams", date_of_birth=DOB, postcode="CA1 1AA"), date_of_birth=DOB, postcode="ca11aa"
    )
    assert match is not None
    assert match.reasons == [SAME_DATE_OF_BIRTH, SAME_POSTCODE]


@pytest.mark.parametrize(
    ("given", "family", "their_given", "their_family"),
    [
        ("Siân", "Jones", "Sian", "Jones"),  # accents
        ("SIAN", "JONES", "sian", "jones"),  # case
        ("Jones", "Sian", "Sian", "Jones"),  # first and last name swapped
        ("Siân", "Ó Briain-Nakamura", "Sian", "Nakamura"),  # part of a hyphenated name
        ("Siân", "Ó Briain-Nakamura", "Sian", "O'Briain Nakamura"),  # hyphen or space
        ("Mohammed", "Khan", "Muhammad", "Khan"),  # transliteration
        ("Ann", "Lee", "Anne", "Lee"),  # a letter different
    ],
)
def test_similar_names_are_recognised(given, family, their_given, their_family):
    match = score(Candidate(their_given, their_family), given_name=given, family_name=family)
    assert match is not None
    assert SIMILAR_NAME in match.reasons


def test_preferred_name_counts_as_a_first_name():
    match = score(Candidate("Alexandra", "Jones", preferred_name="Sian"))
    assert match is not None and SIMILAR_NAME in match.reasons


@pytest.mark.parametrize(("their_given", "their_family"), [("John", "Smith"), ("Jane", "Jones"), ("Sian", "Brown")])
def test_different_names_are_not_similar(their_given, their_family):
    similarity = matching.name_similarity(
        given_name="Sian", family_name="Jones", person=Candidate(their_given, their_family)
    )
    assert similarity < matching.SIMILAR_NAME_THRESHOLD
    assert score(Candidate(their_given, their_family)) is None


# --- Finding (database) ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_true_match_is_ranked_above_someone_sharing_only_a_postcode():
    true_match = person(given_name="Siân", family_name="Jones", date_of_birth=DOB, postcode="CA1 1AA")
    neighbour = person(given_name="Robert", family_name="Taylor", date_of_birth=dt.date(1990, 1, 1), postcode="CA1 1AA")
    matches = find(given_name="Sian", family_name="Jones", date_of_birth=DOB, postcode="ca1 1aa")
    people = [m.person for m in matches]
    assert people[0] == true_match
    assert matches[0].reasons == [SAME_DATE_OF_BIRTH, SIMILAR_NAME, SAME_POSTCODE]
    assert neighbour not in people[:1]
    for m in matches:
        if m.person == neighbour:
            assert m.score < matches[0].score


@pytest.mark.django_db
def test_a_neighbour_with_a_similar_name_ranks_below_the_person_with_the_same_date_of_birth():
    true_match = person(given_name="Sian", family_name="Jones", date_of_birth=DOB, postcode="LA9 4QZ")
    relative = person(given_name="Sian", family_name="Jones", date_of_birth=dt.date(1960, 5, 5), postcode="CA1 1AA")
    matches = find(given_name="Sian", family_name="Jones", date_of_birth=DOB, postcode="CA1 1AA")
    assert [m.person for m in matches] == [true_match, relative]


@pytest.mark.django_db
def test_an_nhs_number_finds_the_person_whatever_name_was_given():
    known = person(given_name="Alexandra", family_name="Brown", nhs_number=NHS)
    person(given_name="Sian", family_name="Jones")
    matches = find(given_name="Sian", family_name="Jones", nhs_number="943-476-5919")
    assert matches[0].person == known
    assert SAME_NHS_NUMBER in matches[0].reasons


@pytest.mark.django_db
def test_unicode_and_swapped_names_are_found_by_the_name_search_alone():
    accented = person(given_name="Siân", family_name="Ó Briain-Nakamura")
    swapped = person(given_name="Nakamura", family_name="Sian")
    person(given_name="Peter", family_name="Parker")
    found = {m.person for m in find(given_name="SIAN", family_name="Nakamura")}
    assert accented in found
    assert swapped in found


@pytest.mark.django_db
def test_a_misspelt_first_name_is_found_by_the_family_name():
    known = person(given_name="Jon", family_name="Smith")
    found = [m.person for m in find(given_name="John", family_name="Smith")]
    assert found == [known]


@pytest.mark.django_db
def test_no_identifiers_finds_nobody():
    person(given_name="Sian", family_name="Jones")
    assert find() == []


@pytest.mark.django_db
def test_results_are_limited():
    for _ in range(5):
        person(given_name="Sian", family_name="Jones", date_of_birth=DOB)
    assert (
        len(
            find_likely_matches(
                given_name="Sian", family_name="Jones", date_of_birth=DOB, nhs_number="", postcode="", limit=3
            )
        )
        == 3
    )


@pytest.mark.django_db
@pytest.mark.parametrize("people", [3, 60])
def test_the_matcher_runs_a_fixed_number_of_queries_however_many_people(people, django_assert_num_queries):
    for index in range(people):
        person(given_name="Sian", family_name="Jones", date_of_birth=DOB, nhs_number="", postcode="CA1 1AA")
        person(given_name=f"Person{index}", family_name="Taylor", date_of_birth=DOB, postcode="CA1 1AA")
    # One query per identifier given (NHS number, date of birth, postcode, name).
    with django_assert_num_queries(4):
        matches = find(given_name="Sian", family_name="Jones", date_of_birth=DOB, nhs_number=NHS, postcode="CA1 1AA")
    assert matches
    assert len(matches) <= 10


@pytest.mark.django_db
def test_each_narrowing_query_is_capped(monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(matching, "DATE_OF_BIRTH_CANDIDATE_CAP", 5)
    for _ in range(8):
        person(given_name="Robert", family_name="Taylor", date_of_birth=DOB, postcode="CA1 1AA")
    with django_assert_num_queries(1) as context:
        find(date_of_birth=DOB)
    assert "LIMIT 5" in context.captured_queries[0]["sql"]


# --- The weights and thresholds -----------------------------------------------------------


def test_the_match_thresholds():
    assert (matching.STRONG_MATCH, matching.POSSIBLE_MATCH) == (60, 40)


def test_the_same_name_and_date_of_birth_is_a_strong_match_and_a_similar_name_alone_is_not():
    exact = score(Candidate("Sian", "Jones", date_of_birth=DOB), date_of_birth=DOB)
    assert exact.score >= matching.STRONG_MATCH
    assert score(Candidate("Sian", "Jones")).score < matching.POSSIBLE_MATCH
    assert score(Candidate("Sian", "Jones", nhs_number=NHS), nhs_number=NHS).score >= matching.STRONG_MATCH


# --- Placeholder NHS numbers -------------------------------------------------------------


@pytest.mark.parametrize("placeholder", ["0000000000", "000 000 0000", "1111111111", "9999999999", "4444444444"])
def test_a_placeholder_nhs_number_is_never_a_match(placeholder):
    # Two unrelated people, both recorded (before forms refused it) with a placeholder.
    assert score(Candidate("Robert", "Taylor", nhs_number=placeholder.replace(" ", "")), nhs_number=placeholder) is None


def test_a_placeholder_does_not_count_against_a_real_number_either():
    with_placeholder = score(
        Candidate("Sian", "Jones", date_of_birth=DOB, nhs_number="0000000000"), date_of_birth=DOB, nhs_number=NHS
    )
    without = score(Candidate("Sian", "Jones", date_of_birth=DOB), date_of_birth=DOB, nhs_number=NHS)
    assert with_placeholder.score == without.score
    assert SAME_NHS_NUMBER not in with_placeholder.reasons


@pytest.mark.django_db
def test_people_stored_with_a_placeholder_are_not_found_by_it(django_assert_num_queries):
    person(given_name="Robert", family_name="Taylor", nhs_number="0000000000")
    person(given_name="Aisha", family_name="Begum", nhs_number="0000000000")
    with django_assert_num_queries(1):  # the name only: a placeholder is not searched for
        assert find(given_name="Sian", family_name="Jones", nhs_number="0000000000") == []


# --- Nicknames ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("known_as", "recorded_as"),
    [
        ("Bill", "William"),
        ("Will", "William"),
        ("Liz", "Elizabeth"),
        ("Beth", "Elizabeth"),
        ("Betty", "Elizabeth"),
        ("Jon", "Jonathan"),
        ("Mo", "Mohammed"),
        ("Mo", "Muhammad"),
        ("Mo", "Mohammad"),
        ("Bob", "Robert"),
        ("Rob", "Robert"),
        ("Dave", "David"),
        ("Mike", "Michael"),
        ("Jim", "James"),
        ("Kate", "Katherine"),
        ("Kate", "Catherine"),
        ("Tom", "Thomas"),
        ("Chris", "Christopher"),
        ("Chris", "Christine"),
        ("Sam", "Samuel"),
        ("Sam", "Samantha"),
        ("Alex", "Alexander"),
        ("Alex", "Alexandra"),
        ("Steve", "Stephen"),
        ("Tony", "Anthony"),
        ("Sue", "Susan"),
        ("Jenny", "Jennifer"),
        ("Pat", "Patrick"),
        ("Pat", "Patricia"),
        ("Dan", "Daniel"),
        ("Matt", "Matthew"),
        ("Nick", "Nicholas"),
        ("Andy", "Andrew"),
        ("Ben", "Benjamin"),
    ],
)
def test_a_nickname_matches_the_name_it_is_short_for_either_way_round(known_as, recorded_as):
    match = score(Candidate(recorded_as, "Jones"), given_name=known_as)
    assert match is not None
    assert str(match.reasons[-1]) == f"Known as {known_as}, recorded as {recorded_as}"
    assert SIMILAR_NAME not in match.reasons
    reverse = score(Candidate(known_as, "Jones"), given_name=recorded_as)
    assert str(reverse.reasons[-1]) == f"Known as {recorded_as}, recorded as {known_as}"


@pytest.mark.parametrize(("given", "theirs"), [("Samuel", "Samantha"), ("Bill", "Thomas"), ("Ian", "Jack")])
def test_names_that_only_share_a_nickname_do_not_match(given, theirs):
    assert score(Candidate(theirs, "Jones"), given_name=given) is None


def test_a_nickname_scores_as_a_first_name_match_a_little_below_the_same_name():
    exact = score(Candidate("William", "Jones", date_of_birth=DOB), given_name="William", date_of_birth=DOB)
    nickname = score(Candidate("William", "Jones", date_of_birth=DOB), given_name="Bill", date_of_birth=DOB)
    misspelt = score(Candidate("Wiliam", "Jonse", date_of_birth=DOB), given_name="William", date_of_birth=DOB)
    assert exact.score >= matching.STRONG_MATCH
    assert matching.POSSIBLE_MATCH <= nickname.score < exact.score
    assert exact.score - nickname.score <= 5
    assert nickname.score > misspelt.score
    assert matching.name_similarity(
        given_name="Bill", family_name="Jones", person=Candidate("William", "Jones")
    ) == pytest.approx((matching.NICKNAME_SIMILARITY + 100) / 2)
    assert matching.SIMILAR_NAME_THRESHOLD < matching.NICKNAME_SIMILARITY < 100


def test_a_nickname_with_a_different_family_name_is_not_a_match():
    assert score(Candidate("William", "Brown"), given_name="Bill") is None


def test_a_preferred_name_that_is_the_same_beats_a_nickname():
    match = score(Candidate("William", "Jones", preferred_name="Bill"), given_name="Bill")
    assert match.reasons == [SIMILAR_NAME]
    assert match.nickname is None


@pytest.mark.django_db
def test_a_nickname_finds_the_person_by_the_name_search_and_ranks_the_exact_name_first():
    william = person(given_name="William", family_name="Smith", date_of_birth=DOB)
    bill = person(given_name="Bill", family_name="Smith", date_of_birth=DOB)
    person(given_name="Thomas", family_name="Smith", date_of_birth=DOB)
    matches = find(given_name="Bill", family_name="Smith")
    assert [m.person for m in matches] == [bill, william]
    assert str(matches[1].reasons[0]) == "Known as Bill, recorded as William"


# --- Day and month swapped ---------------------------------------------------------------


def test_swapped_dates():
    assert matching.swapped_date(dt.date(1985, 4, 12)) == dt.date(1985, 12, 4)
    assert matching.swapped_date(dt.date(1985, 12, 4)) == dt.date(1985, 4, 12)
    assert matching.swapped_date(dt.date(1985, 4, 13)) is None  # no 13th month
    assert matching.swapped_date(dt.date(1985, 4, 4)) is None  # the same date
    assert matching.swapped_date(None) is None


def test_day_and_month_swapped_is_a_partial_date_of_birth_match():
    referred = dt.date(1985, 4, 12)
    swapped = score(Candidate("Sian", "Jones", date_of_birth=dt.date(1985, 12, 4)), date_of_birth=referred)
    same = score(Candidate("Sian", "Jones", date_of_birth=referred), date_of_birth=referred)
    namesake = score(Candidate("Sian", "Jones", date_of_birth=dt.date(1985, 12, 5)), date_of_birth=referred)
    unknown = score(Candidate("Sian", "Jones"), date_of_birth=referred)
    assert swapped.reasons == [matching.DATE_OF_BIRTH_SWAPPED, SIMILAR_NAME]
    assert str(matching.DATE_OF_BIRTH_SWAPPED) == "Date of birth matches with day and month swapped"
    assert namesake.score < unknown.score < swapped.score < same.score
    assert swapped.score >= matching.POSSIBLE_MATCH
    assert SAME_DATE_OF_BIRTH not in swapped.reasons


def test_a_swapped_date_in_another_year_is_not_a_match():
    match = score(Candidate("Sian", "Jones", date_of_birth=dt.date(1986, 12, 4)), date_of_birth=dt.date(1985, 4, 12))
    assert matching.DATE_OF_BIRTH_SWAPPED not in match.reasons


@pytest.mark.django_db
def test_a_swapped_date_ranks_above_a_namesake_with_a_different_date_of_birth():
    namesake = person(given_name="Sian", family_name="Jones", date_of_birth=dt.date(1970, 1, 1))
    swapped = person(given_name="Sian", family_name="Jones", date_of_birth=dt.date(1985, 12, 4))
    matches = find(given_name="Sian", family_name="Jones", date_of_birth=dt.date(1985, 4, 12))
    assert [m.person for m in matches] == [swapped, namesake]


@pytest.mark.django_db
def test_the_date_of_birth_search_also_fetches_the_swapped_date_in_the_same_query(django_assert_num_queries):
    with django_assert_num_queries(1) as context:
        find(date_of_birth=dt.date(1985, 4, 12))
    sql = context.captured_queries[0]["sql"]
    assert "1985-04-12" in sql and "1985-12-04" in sql
