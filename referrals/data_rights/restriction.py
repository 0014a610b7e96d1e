"""Restriction of processing (PAR-6, §3.16.4, UK GDPR Article 18).

While a person's processing is restricted, their records are kept (storage is allowed) but
services refuse to change them. Every service that writes to a person's records, or to a
referral linked to a person, calls ``check_processing_allowed`` first. Only the data
protection officer sets or lifts a restriction (``data_rights.services``), with a reason.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PROCESSING_RESTRICTED = _(
    "Processing of this person's information is restricted, so their records cannot be changed. "
    "Ask the data protection officer, who can lift the restriction."
)


def processing_is_restricted(person) -> bool:
    return person is not None and bool(person.processing_restricted)


def check_processing_allowed(person) -> None:
    """Raise ``ValidationError(PROCESSING_RESTRICTED)`` when ``person`` (a Person or None) is
    restricted. Reads the flag from the database, so a restriction set a moment ago in another
    request counts even if the caller holds an older copy of the person."""
    if person is None:
        return
    from referrals.models import Person

    restricted = Person.objects.filter(pk=person.pk, processing_restricted=True).exists()
    if restricted:
        raise ValidationError(PROCESSING_RESTRICTED, code="processing_restricted")


def check_referral_processing_allowed(referral) -> None:
    """The same check for a referral: a referral linked to a restricted person is restricted."""
    if referral is not None and referral.person_id is not None:
        from referrals.models import Person

        if Person.objects.filter(pk=referral.person_id, processing_restricted=True).exists():
            raise ValidationError(PROCESSING_RESTRICTED, code="processing_restricted")


def restricted_person_ids(person_ids) -> set[int]:
    """The ids among ``person_ids`` whose processing is restricted (for ``common.audit``)."""
    from referrals.models import Person

    return set(Person.objects.filter(pk__in=person_ids, processing_restricted=True).values_list("pk", flat=True))
