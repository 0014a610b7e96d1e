"""Object grants: the machinery every app uses to decide who sees which record (SEC-1, PAR-1, PAR-2).

Roles (``partnership.access``) decide which pages a member of staff may use at all; the
django-guardian rows written here decide which records those pages show them. Nothing else
in the project writes guardian rows, and no role group holds a model-level view permission,
so a record nobody was given stays invisible (deny by default). Selectors always ask with
``accept_global_perms=False`` and ``with_superuser=False``: a superuser is an administrator,
not a caseworker.

This module knows groups, hubs and organisations, never what the records are: an app that owns
records decides its own rules (which allocation gives which permission on which object) and
calls these functions with the object and the permission. The permission is a codename of the
object's own model (``"view_x"``, or ``"app_label.view_x"``, whose label must be the object's),
so this module works with any app's models without importing one.

Groups
------
Each membership puts its user in exactly these groups (``sync_membership``, called by the
membership services whenever a membership is created or changed):

- the role's group (model-level permissions for the role, the admin);
- ``hub:<pk>``, the hub team, for hub workers and managers with a hub (peer workers are not in
  it, so they see only the people allocated to them);
- ``org:<pk>``, everyone in an organisation except commissioners, who never see personal
  data (§3.23 footnote 32): what is shared with an organisation is granted to this group.

Holders
-------
``set_holders`` makes the holders of a permission on an object exactly the users and groups
given, in one transaction: call it after any change that decides access, and again whenever in
doubt (it is idempotent). ``share_with_organisation`` and ``unshare_with_organisation`` add and
remove one organisation's group, with an access-log row naming who did it and why.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from partnership.access import HUB_TEAM_ROLES, can_share_records, membership_of
from partnership.access_log import access_log_record
from partnership.models import AccessLog, Membership, Organisation, Role

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

    Called by the membership services (``partnership.services.membership_create`` and
    ``membership_save``), so a change of role or hub takes effect at once: a hub worker who
    moves to Kendal stops seeing Carlisle's caseload and starts seeing Kendal's, and one who
    becomes a peer support worker keeps only the people allocated to them. Any other group
    is dropped too: group membership is not edited by hand.
    """
    membership.user.groups.set(groups_for(membership))


# --- Who holds a permission on an object ----------------------------------------------------


def _codename(obj, perm: str) -> str:
    """``"view_x"`` or ``"app_label.view_x"``; a label must be the object's own app."""
    app_label, _dot, codename = perm.rpartition(".")
    if app_label and app_label != obj._meta.app_label:
        raise ValueError(f"{perm!r} is not a permission of {obj._meta.label}.")
    return codename


def object_permission(obj, perm: str) -> Permission:
    """The ``Permission`` row for ``perm`` on ``obj``'s model (the codename from the object's
    own content type, so no app's label is written here)."""
    content_type = ContentType.objects.get_for_model(obj)
    return Permission.objects.get(content_type=content_type, codename=_codename(obj, perm))


@transaction.atomic
def set_holders(obj, perm: str, *, user_ids: set[int], group_ids: set[int]) -> None:
    """Make the holders of ``perm`` on ``obj`` exactly these users and groups."""
    permission = object_permission(obj, perm)
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


def allocation_holders(allocations) -> tuple[set[int], set[int]]:
    """Users and hub groups given access by ``(allocated_worker_id, hub_id)`` pairs: the
    allocated worker, and the hub team of the hub (``hub:<pk>``)."""
    user_ids: set[int] = set()
    group_ids: set[int] = set()
    for worker_id, hub_id in allocations:
        if worker_id is not None:
            user_ids.add(worker_id)
        if hub_id is not None:
            group_ids.add(hub_group(hub_id).pk)
    return user_ids, group_ids


# --- Sharing with another organisation (PAR-2, PAR-3) -------------------------------------


def _require_reason(reason: str, message) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [message]})
    return reason


@transaction.atomic
def share_with_organisation(
    *, obj, perm: str, organisation: Organisation, by, reason: str, person_id: int | None
) -> bool:
    """Give ``perm`` on ``obj`` to an organisation's group, so its staff see what is shared.

    The caller has already established the lawful basis (consent, or another basis recorded
    with its reason); ``reason`` says which, and goes in the access log with the acting user.
    Returns True when access was newly granted, False when it was already in place.
    """
    if not can_share_records(by):
        raise PermissionDenied
    reason = _require_reason(reason, SHARE_REASON_REQUIRED)
    model = get_group_obj_perms_model(obj)
    _row, created = model.objects.get_or_create(
        content_object=obj, permission=object_permission(obj, perm), group=organisation_group(organisation.pk)
    )
    if created:
        access_log_record(
            user=by,
            action=AccessLog.Action.GRANT,
            obj=obj,
            person_id=person_id,
            reason=f"Shared with {organisation.name}: {reason}",
        )
    return created


@transaction.atomic
def unshare_with_organisation(
    *, obj, perm: str, organisation: Organisation, by, reason: str, person_id: int | None
) -> bool:
    """Take ``perm`` on ``obj`` back from an organisation, at once (PAR-2: a withdrawal of
    consent is honoured immediately).

    Any member of staff may do this, so a withdrawal is never held up by who happens to take
    the call. Returns True when access was removed, False when there was none.
    """
    if membership_of(by) is None:
        raise PermissionDenied
    reason = _require_reason(reason, UNSHARE_REASON_REQUIRED)
    model = get_group_obj_perms_model(obj)
    deleted, _by_model = model.objects.filter(
        content_object=obj,
        permission=object_permission(obj, perm),
        group__name=organisation_group_name(organisation.pk),
    ).delete()
    if deleted:
        access_log_record(
            user=by,
            action=AccessLog.Action.REVOKE,
            obj=obj,
            person_id=person_id,
            reason=f"Access withdrawn from {organisation.name}: {reason}",
        )
    return bool(deleted)


def organisations_shared_with(*, obj, perm: str) -> list[Organisation]:
    """The organisations whose group currently holds ``perm`` on ``obj``."""
    model = get_group_obj_perms_model(obj)
    names = model.objects.filter(
        content_object=obj,
        permission__codename=_codename(obj, perm),
        group__name__startswith=ORGANISATION_GROUP_PREFIX,
    ).values_list("group__name", flat=True)
    ids = [int(name.removeprefix(ORGANISATION_GROUP_PREFIX)) for name in names]
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))
