"""URL converters for the non-guessable references (referrals/models/references.py).

Importing this module registers them; each views module that names one imports its name from
here, so the registration always happens before its URL patterns are built.
"""

from __future__ import annotations

from django.urls import register_converter

from referrals.models.references import (
    OUTREACH_CONTACT_PATTERN,
    PERSON_PATTERN,
    SUBJECT_ACCESS_PATTERN,
    TREATMENT_REFERRAL_PATTERN,
)


class _Reference:
    regex = ""

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return str(value)


class PersonReference(_Reference):
    regex = PERSON_PATTERN


class TreatmentReferralReference(_Reference):
    regex = TREATMENT_REFERRAL_PATTERN


class SubjectAccessReference(_Reference):
    regex = SUBJECT_ACCESS_PATTERN


class OutreachContactReference(_Reference):
    regex = OUTREACH_CONTACT_PATTERN


PERSON = "person_ref"
TREATMENT_REFERRAL = "treatment_ref"
SUBJECT_ACCESS = "sar_ref"
OUTREACH_CONTACT = "outreach_ref"

register_converter(PersonReference, PERSON)
register_converter(TreatmentReferralReference, TREATMENT_REFERRAL)
register_converter(SubjectAccessReference, SUBJECT_ACCESS)
register_converter(OutreachContactReference, OUTREACH_CONTACT)
