"""Nicknames for the duplicate check (REF-4): "Bill" on a referral, "William" on the record.

Where the names come from:

- ``nicknames`` (PyPI, Apache-2.0, https://github.com/carltonnorthern/nicknames): a
  hand-curated table of about 1,100 English given names and the nicknames each is known by
  ("william" has "bill", "billy", "will"...). It is installed with the project and read from
  the package, so nothing is fetched at run time.
- ``EXTRA_NICKNAMES`` below: forms common in Cumbria's population that the table leaves out,
  added here rather than guessed at by fuzzy matching ("Mo" is too short for a spelling match
  with "Mohammed").

Two names are nickname forms of one another when one is listed as a nickname of the other.
Two nicknames of the same name are not matched to each other through it, and neither are two
full names that share a nickname: "Samuel" and "Samantha" are both "Sam", but are not each
other. Spelling variants ("Mohammed" and "Muhammad", "Katherine" and "Catherine") are left to
the fuzzy name comparison in ``referrals.matching``.
"""

from __future__ import annotations

from functools import cache

from nicknames import NickNamer

# Full name -> nicknames not in the ``nicknames`` table. Lower case, as normalise_name gives.
EXTRA_NICKNAMES: dict[str, set[str]] = {
    "mohammed": {"mo", "moe", "mohd"},
    "mohammad": {"mo", "moe", "mohd"},
    "mohamed": {"mo", "moe", "mohd"},
    "muhammad": {"mo", "moe", "mohd"},
    "muhammed": {"mo", "moe", "mohd"},
    "catherine": {"kate", "katie", "cath"},
    "kathryn": {"kate", "katie", "kath"},
}


@cache
def _nicknames_of() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {name: set(nicks) for name, nicks in NickNamer.default_lookup().items()}
    for name, nicks in EXTRA_NICKNAMES.items():
        table.setdefault(name, set()).update(nicks)
    return {name: frozenset(nicks - {name}) for name, nicks in table.items()}


@cache
def _full_names_of() -> dict[str, frozenset[str]]:
    inverted: dict[str, set[str]] = {}
    for name, nicks in _nicknames_of().items():
        for nick in nicks:
            inverted.setdefault(nick, set()).add(name)
    return {nick: frozenset(names) for nick, names in inverted.items()}


def nickname_forms(name: str) -> frozenset[str]:
    """Every name that ``name`` (one normalised word) is a nickname of, or that is a nickname
    of it: "bill" -> {"william"}; "william" -> {"bill", "billy", "will", ...}."""
    return _nicknames_of().get(name, frozenset()) | _full_names_of().get(name, frozenset())


def are_nickname_forms(a: str, b: str) -> bool:
    """Whether one normalised word is a nickname of the other (never a name and itself)."""
    return bool(a) and bool(b) and a != b and b in nickname_forms(a)
