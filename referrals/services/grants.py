"""Which object permissions referrals and people give, and to whom (SEC-1, PAR-1, PAR-2).

The rules live here, beside the records; the machinery (groups, "make the holders exactly
these", sharing with an organisation's group, the access-log rows) is ``partnership.grants``.

Who holds what, and when
------------------------
``referrals.view_referral`` on a referral, and ``referrals.view_person`` on its person:
    the allocated worker (a user grant) and the allocated hub's group ``hub:<pk>`` (the hub
    workers and managers whose membership is in that hub; peer workers are not in it, so they
    see only the people allocated to them). The grants follow the allocation fields alone, so
    ``sync_referral_grants`` can be called after any change and puts things right:

    - allocation and reallocation: the new worker and hub gain access, the old ones lose it
      in the same transaction;
    - reopening clears the allocation, so every grant goes: the referral is back with the
      front door, which sees every referral by role;
    - closing keeps the allocation, so the worker and the hub can still read the closed
      referral (the history of someone they supported stays readable), but it leaves caseload
      lists, which show allocated referrals only.

    A person's ``view_person`` holders are the union over all of that person's referrals, so
    a returning person seen by two hubs stays visible to both for as long as either holds a
    referral.

``referrals.view_shared_record`` on a person:
    an organisation's group ``org:<pk>`` (every member of that organisation except
    commissioners, who never see personal data, §3.23 footnote 32), from
    ``share_person_with_organisation`` until ``unshare_person_with_organisation``. The
    consent and sharing services call these when a person is referred to the Treatment
    Service under a lawful basis, and when consent is withdrawn: the row is deleted in the
    same transaction, so the next page the other organisation opens no longer shows it.

The front door (SPOC practitioners and managers) sees every referral and person by role, not
by grant: ask the selectors, never ``user.has_perm``, what someone may see.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from common.audit import processing_allowed_check
from partnership import grants, registry
from partnership.models import Organisation

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from referrals.models import Person, Referral

VIEW_REFERRAL = "referrals.view_referral"
VIEW_PERSON = "referrals.view_person"
VIEW_SHARED_RECORD = "referrals.view_shared_record"


@transaction.atomic
def sync_referral_grants(*, referral: Referral) -> None:
    """Grant ``view_referral`` (and ``view_person`` on its person) to whoever the referral's
    current allocation names, and take it from anyone it no longer names.

    Call after any change to ``hub``, ``allocated_worker`` or ``person``: allocation,
    reallocation, reopening, closing, linking a person. Safe to call twice.
    """
    user_ids, group_ids = grants.allocation_holders([(referral.allocated_worker_id, referral.hub_id)])
    grants.set_holders(referral, VIEW_REFERRAL, user_ids=user_ids, group_ids=group_ids)
    if referral.person_id is not None:
        sync_person_grants(person=referral.person)


@transaction.atomic
def sync_person_grants(*, person: Person) -> None:
    """``view_person`` for everyone allocated any of the person's referrals, and nobody else."""
    allocations = person.referrals.values_list("allocated_worker_id", "hub_id")
    user_ids, group_ids = grants.allocation_holders(allocations)
    grants.set_holders(person, VIEW_PERSON, user_ids=user_ids, group_ids=group_ids)


def share_person_with_organisation(*, person: Person, organisation: Organisation, by: User, reason: str) -> bool:
    """Let an organisation's staff see the dataset shared with them about this person (PAR-2,
    PAR-3). Returns True when access was newly granted, False when it was already in place.

    Sharing is processing: refused while the person's processing is restricted (PAR-6).
    Unsharing and the allocation grants are not: they only ever narrow who sees the record."""
    processing_allowed_check(person_id=person.pk)
    return grants.share_with_organisation(
        obj=person, perm=VIEW_SHARED_RECORD, organisation=organisation, by=by, reason=reason, person_id=person.pk
    )


@transaction.atomic
def unshare_person_with_organisation(*, person: Person, organisation: Organisation, by: User, reason: str) -> bool:
    """Take back an organisation's access to this person's record, at once (PAR-2). Returns
    True when access was removed, False when there was none.

    What was shared with the organisation about the person beyond the record (a safeguarding
    concern) goes with it, in the same transaction (``partnership.registry.person_unshared_register``)."""
    removed = grants.unshare_with_organisation(
        obj=person, perm=VIEW_SHARED_RECORD, organisation=organisation, by=by, reason=reason, person_id=person.pk
    )
    if removed:
        for hook in registry.person_unshared_hooks():
            hook(person_id=person.pk, organisation=organisation, by=by, reason=reason)
    return removed


def organisations_shared_with(*, person: Person) -> list[Organisation]:
    """The organisations that can currently see the shared dataset about this person."""
    return grants.organisations_shared_with(obj=person, perm=VIEW_SHARED_RECORD)
