"""The one place that decides what a member of staff may do, by role.

Deny by default: a user with no membership, or a role not named here, may do nothing.
Object-level grants (django-guardian) build on these roles in the access-model issue; every
screen asks these functions, never ``user.membership.role`` directly.
"""

from __future__ import annotations

from .models import Membership, Role

FRONT_DOOR_ROLES = frozenset({Role.SPOC_PRACTITIONER, Role.MANAGER})
CASEWORK_ROLES = frozenset({Role.HUB_WORKER, Role.PEER_WORKER})
ALLOCATABLE_ROLES = frozenset({Role.HUB_WORKER, Role.PEER_WORKER, Role.MANAGER})


def membership_of(user) -> Membership | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


def role_of(user) -> str | None:
    membership = membership_of(user)
    return membership.role if membership else None


def can_work_front_door(user) -> bool:
    """SPOC practitioners and managers take referrals, triage and allocate (REF-1, REF-5)."""
    return role_of(user) in FRONT_DOOR_ROLES


def sees_allocated_caseload(user) -> bool:
    """Hub and peer workers see referrals allocated to them."""
    return role_of(user) in CASEWORK_ROLES
