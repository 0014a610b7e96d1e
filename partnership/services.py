"""Writes about staff and their place: memberships (PAR-1), and the access log (SEC-2).

A membership decides which groups its user is in (role, hub team, organisation), and so what
they may see. ``Membership.save()`` does nothing else: the services here save it and then put
the user in exactly the right groups (``partnership.grants.sync_membership``), so every path
that creates or changes a membership (the admin, setup commands, test factories) ends with
the same groups.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction

from common.audit import audited_save
from partnership import grants
from partnership.access_log import access_log_record
from partnership.models import Hub, Membership, Organisation

if TYPE_CHECKING:
    from django.contrib.auth.models import User

__all__ = ["access_log_record", "membership_create", "membership_save"]


def _require_membership_permission(by: User | None, codename: str) -> None:
    # None: a setup command or a test factory, with nobody signed in (as for audited_save).
    if by is not None and not by.has_perm(f"partnership.{codename}"):
        raise PermissionDenied


@transaction.atomic
def membership_save(*, membership: Membership, by: User | None, reason: str = "Membership changed") -> Membership:
    """Save a new or changed membership, then put its user in exactly the groups it gives.

    A change of role or hub takes effect at once (see ``partnership.grants.sync_membership``).
    """
    _require_membership_permission(by, "change_membership" if membership.pk else "add_membership")
    audited_save(membership, by=by, reason=reason, person_id=None)
    grants.sync_membership(membership=membership)
    return membership


def membership_create(
    *,
    user: User,
    organisation: Organisation,
    role: str,
    by: User | None,
    hub: Hub | None = None,
    job_title: str = "",
    reason: str = "Membership created",
) -> Membership:
    """A member of staff's place (organisation, hub, role), with the groups that follow from it."""
    membership = Membership(user=user, organisation=organisation, hub=hub, role=role, job_title=job_title)
    return membership_save(membership=membership, by=by, reason=reason)
