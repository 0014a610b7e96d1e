"""Which object permissions each role gets: the one place that decides (SEC-1, PAR-1, PAR-2).

Roles (``partnership.access``) decide which pages a member of staff may use at all; the
django-guardian rows written here decide which records those pages show them. Nothing else
in the project writes guardian rows, and no role group holds a model-level view permission,
so a record nobody was given stays invisible (deny by default). Selectors always ask with
``accept_global_perms=False`` and ``with_superuser=False``: a superuser is an administrator,
not a caseworker.

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

This module must not import ``referrals`` (dependencies point ``partnership`` <- ``referrals``):
it works with permission strings and the objects it is given.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from partnership.access import HUB_TEAM_ROLES, can_share_records, membership_of
from partnership.models import AccessLog, Membership, Organisation, Role
from partnership.services import access_log_record

VIEW_REFERRAL = "referrals.view_referral"
VIEW_PERSON = "referrals.view_person"
VIEW_SHARED_RECORD = "referrals.view_shared_record"

# Members of an organisation's group receive what is shared with that organisation.
# Commissioners never do: they see anonymised aggregate reports only (§3.23 footnote 32).
ORGANISATION_GROUP_ROLES = frozenset(Role) - {Role.COMMISSIONER}

HUB_GROUP_PREFIX = "hub:"
ORGANISATION_GROUP_PREFIX = "org:"

SHARE_REASON_REQUIRED = _("Give the reason for sharing, such as the lawful basis.")
UNSHARE_REASON_REQUIRED = _("Give the reason for withdrawing access.")


# --- Groups ---------------------------------------------------------------------------------


def hub_group_name(hub_id: int) -> str:
    return f"{HUB_GROUP_PREFIX}{hub_id}"


def organisation_group_name(organisation_id: int) -> str:
    return f"{ORGANISATION_GROUP_PREFIX}{organisation_id}"


def hub_group(hub_id: int) -> Group:
    """The group holding the hub team's grants (made on first use)."""
    group, _created = Group.objects.get_or_create(name=hub_group_name(hub_id))
    return group


def organisation_group(organisation_id: int) -> Group:
    """The group holding what is shared with an organisation (made on first use)."""
    group, _created = Group.objects.get_or_create(name=organisation_group_name(organisation_id))
    return group


def groups_for(membership: Membership) -> list[Group]:
    """Exactly the groups a membership puts its user in: their role's, their hub team's
    (hub workers and managers only), and their organisation's (everyone but commissioners)."""
    role_group, _created = Group.objects.get_or_create(name=membership.role)
    groups = [role_group]
    if membership.role in HUB_TEAM_ROLES and membership.hub_id is not None:
        groups.append(hub_group(membership.hub_id))
    if membership.role in ORGANISATION_GROUP_ROLES:
        groups.append(organisation_group(membership.organisation_id))
    return groups


@transaction.atomic
def sync_membership(*, membership: Membership) -> None:
    """Put the user in exactly the right role, hub and organisation groups.

    Called by ``Membership.save()``, so a change of role or hub takes effect at once: a hub
    worker who moves to Kendal stops seeing Carlisle's referrals and starts seeing Kendal's,
    and one who becomes a peer support worker keeps only the people allocated to them. Any
    other group is dropped too, as before: group membership is not edited by hand.
    """
    membership.user.groups.set(groups_for(membership))


# --- Referrals and people ------------------------------------------------------------------


def _permission(perm: str) -> Permission:
    app_label, codename = perm.split(".", 1)
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _set_holders(obj, perm: str, *, user_ids: set[int], group_ids: set[int]) -> None:
    """Make the holders of ``perm`` on ``obj`` exactly these users and groups."""
    permission = _permission(perm)
    for model, field, wanted in (
        (get_user_obj_perms_model(obj), "user_id", user_ids),
        (get_group_obj_perms_model(obj), "group_id", group_ids),
    ):
        rows = model.objects.filter(content_object=obj, permission=permission)
        rows.exclude(**{f"{field}__in": wanted}).delete()
        have = set(rows.values_list(field, flat=True))
        model.objects.bulk_create(
            [model(content_object=obj, permission=permission, **{field: pk}) for pk in wanted - have],
            # Two syncs racing both see the row missing; the unique constraint keeps one.
            ignore_conflicts=True,
        )


def _allocation_holders(allocations) -> tuple[set[int], set[int]]:
    """Users and hub groups given access by ``(allocated_worker_id, hub_id)`` pairs."""
    user_ids: set[int] = set()
    group_ids: set[int] = set()
    for worker_id, hub_id in allocations:
        if worker_id is not None:
            user_ids.add(worker_id)
        if hub_id is not None:
            group_ids.add(hub_group(hub_id).pk)
    return user_ids, group_ids


@transaction.atomic
def sync_referral_grants(*, referral) -> None:
    """Grant ``view_referral`` (and ``view_person`` on its person) to whoever the referral's
    current allocation names, and take it from anyone it no longer names.

    Call after any change to ``hub``, ``allocated_worker`` or ``person``: allocation,
    reallocation, reopening, closing, linking a person. Safe to call twice.
    """
    user_ids, group_ids = _allocation_holders([(referral.allocated_worker_id, referral.hub_id)])
    _set_holders(referral, VIEW_REFERRAL, user_ids=user_ids, group_ids=group_ids)
    if referral.person_id is not None:
        sync_person_grants(person=referral.person)


@transaction.atomic
def sync_person_grants(*, person) -> None:
    """``view_person`` for everyone allocated any of the person's referrals, and nobody else."""
    allocations = person.referrals.values_list("allocated_worker_id", "hub_id")
    user_ids, group_ids = _allocation_holders(allocations)
    _set_holders(person, VIEW_PERSON, user_ids=user_ids, group_ids=group_ids)


# --- Sharing with another organisation (PAR-2, PAR-3) -------------------------------------


def _require_reason(reason: str, message) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [message]})
    return reason


@transaction.atomic
def share_person_with_organisation(*, person, organisation: Organisation, by, reason: str) -> bool:
    """Let an organisation's staff see the dataset shared with them about this person.

    The caller has already established the lawful basis (consent, or another basis recorded
    with its reason); ``reason`` says which, and goes in the access log with the acting user.
    Returns True when access was newly granted, False when it was already in place.
    """
    if not can_share_records(by):
        raise PermissionDenied
    reason = _require_reason(reason, SHARE_REASON_REQUIRED)
    model = get_group_obj_perms_model(person)
    _row, created = model.objects.get_or_create(
        content_object=person, permission=_permission(VIEW_SHARED_RECORD), group=organisation_group(organisation.pk)
    )
    if created:
        access_log_record(
            user=by,
            action=AccessLog.Action.GRANT,
            obj=person,
            person_id=person.pk,
            reason=f"Shared with {organisation.name}: {reason}",
        )
    return created


@transaction.atomic
def unshare_person_with_organisation(*, person, organisation: Organisation, by, reason: str) -> bool:
    """Take back an organisation's access to this person's record, at once (PAR-2: a
    withdrawal of consent is honoured immediately).

    Any member of staff may do this, so a withdrawal is never held up by who happens to take
    the call. Returns True when access was removed, False when there was none.
    """
    if membership_of(by) is None:
        raise PermissionDenied
    reason = _require_reason(reason, UNSHARE_REASON_REQUIRED)
    model = get_group_obj_perms_model(person)
    deleted, _by_model = model.objects.filter(
        content_object=person,
        permission=_permission(VIEW_SHARED_RECORD),
        group__name=organisation_group_name(organisation.pk),
    ).delete()
    if deleted:
        access_log_record(
            user=by,
            action=AccessLog.Action.REVOKE,
            obj=person,
            person_id=person.pk,
            reason=f"Access withdrawn from {organisation.name}: {reason}",
        )
    return bool(deleted)


def organisations_shared_with(*, person) -> list[Organisation]:
    """The organisations that can currently see the shared dataset about this person."""
    model = get_group_obj_perms_model(person)
    names = model.objects.filter(
        content_object=person,
        permission__codename=VIEW_SHARED_RECORD.split(".", 1)[1],
        group__name__startswith=ORGANISATION_GROUP_PREFIX,
    ).values_list("group__name", flat=True)
    ids = [int(name.removeprefix(ORGANISATION_GROUP_PREFIX)) for name in names]
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))
