"""Restriction of processing (PAR-6, §3.16.4, UK GDPR Article 18): which people are restricted.

While a person's processing is restricted, their records are kept (storage is allowed) but
every write about them is refused by the one audited write, ``common.audit.audited_save``,
which asks ``restricted_person_ids`` (named in ``settings.ERS_RESTRICTED_PEOPLE``). The writes
restriction must allow are ``common.audit.Exemption``. Only the data protection officer sets
or lifts a restriction (``referrals.data_rights.services``), with a reason.
"""

from __future__ import annotations

from collections.abc import Iterable


def restricted_person_ids(person_ids: Iterable[int]) -> set[int]:
    """The ids among ``person_ids`` whose processing is restricted. Read from the database,
    so a restriction set a moment ago in another request counts."""
    from referrals.models import Person

    return set(Person.objects.filter(pk__in=person_ids, processing_restricted=True).values_list("pk", flat=True))
