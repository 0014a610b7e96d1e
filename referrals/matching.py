"""The duplicate check (REF-4, §3.2.7, §3.4.6): is the person on a new referral someone we know?

Two steps, so it stays fast with 50,000+ people:

1. Narrow: a handful of indexed queries, each capped, fetch candidates that share the NHS
   number, the date of birth, the postcode or the start of a name (``Person.search_name`` is
   indexed; a prefix search uses that index). The number of queries never depends on how many
   people there are.
2. Score: the few hundred candidates at most are scored in Python with rapidfuzz on
   normalised names, and the best ``limit`` are returned with the reasons they matched.

Allowing for how details really differ between two records of one person: a nickname ("Bill"
on the referral, "William" on the record: ``referrals.matching_names``) counts as a first-name
match a little below an exact one; a date of birth with the day and month swapped (12/04 and
04/12) counts for part of a date-of-birth match. A placeholder NHS number (0000000000, or any
ten equal digits) is never a match, whether typed now or stored before forms refused it.

The practitioner decides; the score only orders what they look at.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rapidfuzz import fuzz

from common.forms.identifiers import is_placeholder_nhs_number, normalise_nhs_number, normalise_postcode
from referrals.matching_names import are_nickname_forms, nickname_forms
from referrals.models import Person

# Letters that do not decompose into a base letter plus an accent under NFKD, mapped to the
# plain letters people type on a UK keyboard ("Łukasz" is often written "Lukasz").
_PLAIN_LETTERS = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i", "ħ": "h"}
)
# Apostrophes vanish rather than split a name: "O'Brien", "O’Brien" and "OBrien" are one name.
_APOSTROPHES = re.compile(r"['’‘ʼ`´]")


def normalise_name(name: str) -> str:
    """Lower-case, accents removed, punctuation to spaces: "Siân Ó Briain-Nakamura" -> "sian o briain nakamura"."""
    folded = _APOSTROPHES.sub("", (name or "").casefold()).translate(_PLAIN_LETTERS)
    decomposed = unicodedata.normalize("NFKD", folded)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[\W_]+", " ", stripped).split())


# Reasons shown to the practitioner next to each likely match.
SAME_NHS_NUMBER = _("Same NHS number")
SAME_DATE_OF_BIRTH = _("Same date of birth")
DATE_OF_BIRTH_SWAPPED = _("Date of birth matches with day and month swapped")
SIMILAR_NAME = _("Similar name")
SAME_POSTCODE = _("Same postcode")
KNOWN_AS = _("Known as %(known_as)s, recorded as %(recorded_as)s")

# Points (0-100 in the end). An NHS number is the strongest signal; the same date of birth
# with a similar name is strong; a similar name alone is weak; a postcode only adds weight.
NHS_NUMBER_POINTS = 70
DIFFERENT_NHS_NUMBER_POINTS = -40  # both known and different: almost certainly someone else
DATE_OF_BIRTH_POINTS = 25
DIFFERENT_DATE_OF_BIRTH_POINTS = -10  # both known and different (a typo is possible)
# Day and month swapped (an American-style date, or a form filled in a hurry): part of a match.
SWAPPED_DATE_OF_BIRTH_POINTS = 15
SIMILAR_NAME_MIN_POINTS = 20
SIMILAR_NAME_MAX_POINTS = 35
POSTCODE_POINTS = 10
# rapidfuzz similarity (0-100) from which two names count as similar.
SIMILAR_NAME_THRESHOLD = 85
# How alike a first name and its nickname count ("Bill" and "William"): a little below the
# same name (100), so the exact name ranks first, and well above the similar-name threshold.
NICKNAME_SIMILARITY = 95

# How a score reads to the practitioner (words, never colour alone): the same name and date of
# birth (60) is a strong match; a similar name and the same date of birth a possible one.
STRONG_MATCH = 60
POSSIBLE_MATCH = 40

# Caps on each narrowing query: generous for real data, bounded for speed.
NHS_CANDIDATE_CAP = 20
DATE_OF_BIRTH_CANDIDATE_CAP = 200
POSTCODE_CANDIDATE_CAP = 100
NAME_CANDIDATE_CAP = 200


@dataclass
class Match:
    person: Person
    score: int
    reasons: list = field(default_factory=list)
    name_similarity: float = 0.0
    # (as on the referral, as recorded) when the first names matched as nickname forms.
    nickname: tuple[str, str] | None = None


def _part_similarity(a: str, b: str) -> float:
    """Similarity of two name parts; token sets so "o briain nakamura" contains "nakamura"
    and "mary jane" contains "mary"."""
    if not a or not b:
        return 0.0
    return fuzz.token_set_ratio(a, b)


def _given_similarity(given: str, their_given: str) -> tuple[float, tuple[str, str] | None]:
    """Similarity of two first names, a nickname counting as ``NICKNAME_SIMILARITY``; with the
    pair of words that matched as nickname forms, if that is how they matched. Names already
    spelt alike ("Ann" and "Anne", "Jon" and "John") are compared by spelling."""
    similarity = _part_similarity(given, their_given)
    if similarity >= SIMILAR_NAME_THRESHOLD:
        return similarity, None
    for word in given.split():
        for their_word in their_given.split():
            if are_nickname_forms(word, their_word):
                return float(NICKNAME_SIMILARITY), (word, their_word)
    return similarity, None


def _as_written(name: str, word: str) -> str:
    """The word of ``name`` that normalises to ``word``, as it was written ("Bill" for "bill")."""
    for written in re.split(r"[\s\-]+", name or ""):
        if normalise_name(written) == word:
            return written
    return word.title()


def name_comparison(*, given_name: str, family_name: str, person) -> tuple[float, tuple[str, str] | None]:
    """How alike the names are (0-100), allowing for swapped first and last names, accents,
    case, hyphens, nicknames and the person's preferred name; with (as on the referral, as
    recorded) when the best comparison matched first names as nickname forms."""
    given, family = normalise_name(given_name), normalise_name(family_name)
    their_family = normalise_name(person.family_name)
    their_givens = [person.given_name]
    if getattr(person, "preferred_name", ""):
        their_givens.append(person.preferred_name)
    best, nickname = 0.0, None
    for their_given_written in their_givens:
        their_given = normalise_name(their_given_written)
        given_similarity, pair = _given_similarity(given, their_given)
        straight = (given_similarity + _part_similarity(family, their_family)) / 2
        swapped = (_part_similarity(given, their_family) + _part_similarity(family, their_given)) / 2
        if straight > best or (straight == best and nickname is not None and pair is None):
            best = straight
            nickname = (_as_written(given_name, pair[0]), _as_written(their_given_written, pair[1])) if pair else None
        if swapped > best:
            best, nickname = swapped, None
    return best, nickname


def name_similarity(*, given_name: str, family_name: str, person) -> float:
    """0-100: how alike the names are (see ``name_comparison``)."""
    return name_comparison(given_name=given_name, family_name=family_name, person=person)[0]


def real_nhs_number(nhs_number: str) -> str:
    """The digits of an NHS number that can identify someone: "" for none, or a placeholder."""
    digits = normalise_nhs_number(nhs_number)
    return "" if is_placeholder_nhs_number(digits) else digits


def swapped_date(date: dt.date | None) -> dt.date | None:
    """The date with its day and month swapped (12 April -> 4 December), when that is another
    real date; None otherwise (13 April, or 4 April)."""
    if date is None or date.day > 12 or date.day == date.month:
        return None
    return date.replace(month=date.day, day=date.month)


def score_candidate(
    *,
    person,
    given_name: str,
    family_name: str,
    date_of_birth: dt.date | None,
    nhs_number: str,
    postcode: str,
) -> Match | None:
    """Score one candidate, or None when nothing meaningful links them.

    Shown only with an NHS number match, a similar name, or the same date of birth and
    postcode together (a name change, for example after marriage). A postcode alone, or a date
    of birth alone, is a coincidence in a county of half a million people.
    """
    reasons: list = []
    score = 0
    nhs, their_nhs = real_nhs_number(nhs_number), real_nhs_number(person.nhs_number)
    same_nhs = bool(nhs) and nhs == their_nhs
    if same_nhs:
        reasons.append(SAME_NHS_NUMBER)
        score += NHS_NUMBER_POINTS
    elif nhs and their_nhs:
        score += DIFFERENT_NHS_NUMBER_POINTS

    same_dob = date_of_birth is not None and date_of_birth == person.date_of_birth
    if same_dob:
        reasons.append(SAME_DATE_OF_BIRTH)
        score += DATE_OF_BIRTH_POINTS
    elif person.date_of_birth is not None and swapped_date(date_of_birth) == person.date_of_birth:
        reasons.append(DATE_OF_BIRTH_SWAPPED)
        score += SWAPPED_DATE_OF_BIRTH_POINTS
    elif date_of_birth is not None and person.date_of_birth is not None:
        score += DIFFERENT_DATE_OF_BIRTH_POINTS

    similarity, nickname = name_comparison(given_name=given_name, family_name=family_name, person=person)
    similar_name = similarity >= SIMILAR_NAME_THRESHOLD
    if similar_name:
        if nickname:
            reasons.append(KNOWN_AS % {"known_as": nickname[0], "recorded_as": nickname[1]})
        else:
            reasons.append(SIMILAR_NAME)
        spread = SIMILAR_NAME_MAX_POINTS - SIMILAR_NAME_MIN_POINTS
        score += round(
            SIMILAR_NAME_MIN_POINTS + spread * (similarity - SIMILAR_NAME_THRESHOLD) / (100 - SIMILAR_NAME_THRESHOLD)
        )

    pc = normalise_postcode(postcode)
    same_postcode = bool(pc) and pc == normalise_postcode(person.postcode)
    if same_postcode:
        reasons.append(SAME_POSTCODE)
        score += POSTCODE_POINTS

    if not (same_nhs or similar_name or (same_dob and same_postcode)):
        return None
    return Match(
        person=person,
        score=max(0, min(100, score)),
        reasons=reasons,
        name_similarity=similarity,
        nickname=nickname if similar_name else None,
    )


def _name_filter(given_name: str, family_name: str) -> Q | None:
    """Indexed prefix searches on ``search_name`` ("given family", normalised).

    - the same first given name, with a family-name word starting the same way;
    - names recorded the other way round (family name first);
    - a misspelt first name starting with the same letter and the same last family word;
    - a nickname form of the first given name ("bill" for "william", and the other way round)
      with a family-name word starting the same way.
    Each uses the index for its prefix; the rest of the condition filters the small range.
    """
    given_tokens = normalise_name(given_name).split()
    family_tokens = normalise_name(family_name).split()
    if not given_tokens and not family_tokens:
        return None
    if not given_tokens or not family_tokens:
        # Only one name known: people whose name starts with it.
        only = (given_tokens or family_tokens)[0]
        return Q(search_name__startswith=f"{only} ")
    first = given_tokens[0]
    family_hint = reduce(or_, (Q(search_name__contains=f" {token[:3]}") for token in family_tokens))
    firsts = [first, *sorted(nickname_forms(first))]
    conditions = [Q(search_name__startswith=f"{name} ") & family_hint for name in firsts]
    conditions += [
        Q(search_name__startswith=f"{token} ") & Q(search_name__contains=f" {first[:3]}")
        for token in family_tokens
        if len(token) > 1
    ]
    conditions.append(Q(search_name__startswith=first[:1]) & Q(search_name__endswith=f" {family_tokens[-1]}"))
    return reduce(or_, conditions)


def find_likely_matches(
    *,
    given_name: str,
    family_name: str,
    date_of_birth: dt.date | None,
    nhs_number: str,
    postcode: str,
    limit: int = 10,
) -> list[Match]:
    """People who may be the person on a referral, best first (REF-4).

    At most four queries, whatever the number of people: one per identifier given.
    """
    candidates: dict[int, Person] = {}

    def collect(queryset, cap: int) -> None:
        for person in queryset[:cap]:
            candidates.setdefault(person.pk, person)

    nhs = real_nhs_number(nhs_number)
    if nhs:
        collect(Person.objects.filter(nhs_number=nhs), NHS_CANDIDATE_CAP)
    if date_of_birth is not None:
        dates = [date_of_birth] + ([swapped_date(date_of_birth)] if swapped_date(date_of_birth) else [])
        collect(Person.objects.filter(date_of_birth__in=dates), DATE_OF_BIRTH_CANDIDATE_CAP)
    pc = normalise_postcode(postcode)
    if pc:
        collect(Person.objects.filter(postcode=pc), POSTCODE_CANDIDATE_CAP)
    name_filter = _name_filter(given_name, family_name)
    if name_filter is not None:
        collect(Person.objects.filter(name_filter), NAME_CANDIDATE_CAP)

    matches = []
    for person in candidates.values():
        match = score_candidate(
            person=person,
            given_name=given_name,
            family_name=family_name,
            date_of_birth=date_of_birth,
            nhs_number=nhs_number,
            postcode=postcode,
        )
        if match is not None:
            matches.append(match)
    # Best first; among equals, the closer name, then the most recently created record.
    matches.sort(key=lambda m: (-m.score, -m.name_similarity, -m.person.pk))
    return matches[:limit]
