"""The duplicate check (REF-4, §3.2.7, §3.4.6): is the person on a new referral someone we know?

Two steps, so it stays fast with 50,000+ people:

1. Narrow: a handful of indexed queries, each capped, fetch candidates that share the NHS
   number, the date of birth, the postcode or the start of a name (``Person.search_name`` is
   indexed; a prefix search uses that index). The number of queries never depends on how many
   people there are.
2. Score: the few hundred candidates at most are scored in Python with rapidfuzz on
   normalised names, and the best ``limit`` are returned with the reasons they matched.

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

from common.forms.identifiers import normalise_nhs_number, normalise_postcode
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
SIMILAR_NAME = _("Similar name")
SAME_POSTCODE = _("Same postcode")

# Points (0-100 in the end). An NHS number is the strongest signal; the same date of birth
# with a similar name is strong; a similar name alone is weak; a postcode only adds weight.
NHS_NUMBER_POINTS = 70
DIFFERENT_NHS_NUMBER_POINTS = -40  # both known and different: almost certainly someone else
DATE_OF_BIRTH_POINTS = 25
DIFFERENT_DATE_OF_BIRTH_POINTS = -10  # both known and different (a typo is possible)
SIMILAR_NAME_MIN_POINTS = 20
SIMILAR_NAME_MAX_POINTS = 35
POSTCODE_POINTS = 10
# rapidfuzz similarity (0-100) from which two names count as similar.
SIMILAR_NAME_THRESHOLD = 85

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


def _part_similarity(a: str, b: str) -> float:
    """Similarity of two name parts; token sets so "o briain nakamura" contains "nakamura"
    and "mary jane" contains "mary"."""
    if not a or not b:
        return 0.0
    return fuzz.token_set_ratio(a, b)


def name_similarity(*, given_name: str, family_name: str, person) -> float:
    """0-100: how alike the names are, allowing for swapped first and last names, accents,
    case, hyphens and the person's preferred name."""
    given, family = normalise_name(given_name), normalise_name(family_name)
    their_family = normalise_name(person.family_name)
    their_givens = [normalise_name(person.given_name)]
    if getattr(person, "preferred_name", ""):
        their_givens.append(normalise_name(person.preferred_name))
    best = 0.0
    for their_given in their_givens:
        straight = (_part_similarity(given, their_given) + _part_similarity(family, their_family)) / 2
        swapped = (_part_similarity(given, their_family) + _part_similarity(family, their_given)) / 2
        best = max(best, straight, swapped)
    return best


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
    nhs, their_nhs = normalise_nhs_number(nhs_number), normalise_nhs_number(person.nhs_number)
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
    elif date_of_birth is not None and person.date_of_birth is not None:
        score += DIFFERENT_DATE_OF_BIRTH_POINTS

    similarity = name_similarity(given_name=given_name, family_name=family_name, person=person)
    similar_name = similarity >= SIMILAR_NAME_THRESHOLD
    if similar_name:
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
    return Match(person=person, score=max(0, min(100, score)), reasons=reasons, name_similarity=similarity)


def _name_filter(given_name: str, family_name: str) -> Q | None:
    """Indexed prefix searches on ``search_name`` ("given family", normalised).

    - the same first given name, with a family-name word starting the same way;
    - names recorded the other way round (family name first);
    - a misspelt first name starting with the same letter and the same last family word.
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
    conditions = [Q(search_name__startswith=f"{first} ") & family_hint]
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

    nhs = normalise_nhs_number(nhs_number)
    if nhs:
        collect(Person.objects.filter(nhs_number=nhs), NHS_CANDIDATE_CAP)
    if date_of_birth is not None:
        collect(Person.objects.filter(date_of_birth=date_of_birth), DATE_OF_BIRTH_CANDIDATE_CAP)
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
