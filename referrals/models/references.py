"""References: how a referral, a person, a Treatment referral, a subject access request and an
outreach contact are named in URLs, on screen and over the phone.

Random, not counted: a number that goes 1, 2, 3 in a URL tells anyone who sees one how many
records exist and lets them guess the next. Integer primary keys stay inside the database.
Eight characters from an alphabet without 0/O/1/I, so a reference read out is not misheard;
the prefix says what kind of record it is.
"""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 8


def _random(prefix: str) -> str:
    return prefix + "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def new_reference() -> str:
    """A referral: R-7K3M9QAB."""
    return _random("R-")


def new_person_reference() -> str:
    return _random("P-")


def new_treatment_referral_reference() -> str:
    return _random("T-")


def new_subject_access_reference() -> str:
    return _random("SAR-")


def new_outreach_contact_reference() -> str:
    """Someone met on outreach (recovery_plans.OutreachContact): OC-7K3M9QAB. A count of these
    in a URL would be the service's outreach activity, and a next number to try."""
    return _random("OC-")


# The same shapes as URL patterns (referrals/converters.py), a little looser than the
# alphabet so a mistyped reference is "not found" rather than "no such page".
PERSON_PATTERN = r"P-[0-9A-Z]{8}"
TREATMENT_REFERRAL_PATTERN = r"T-[0-9A-Z]{8}"
SUBJECT_ACCESS_PATTERN = r"SAR-[0-9A-Z]{8}"
OUTREACH_CONTACT_PATTERN = r"OC-[0-9A-Z]{8}"
