"""References for safeguarding's incidents and notifications (issue 11, helper B's part): random,
never counted, in the alphabet and length of ``referrals.models.references``, so a URL tells
nobody how many incidents or deaths there have been (SEC-2)."""

from __future__ import annotations

from referrals.models.references import _random

# The shape in URL patterns: any of this part's prefixes, then the eight characters.
INCIDENT_RECORD_PATTERN = r"(?:SI|DS|DIS|OD)-[0-9A-Z]{8}"
NOTIFICATION_PATTERN = r"N-[0-9A-Z]{8}"


def new_notification_reference() -> str:
    return _random("N-")


def new_serious_incident_reference() -> str:
    return _random("SI-")


def new_death_reference() -> str:
    return _random("DIS-")


def new_overdose_reference() -> str:
    return _random("OD-")


def new_data_security_reference() -> str:
    return _random("DS-")
