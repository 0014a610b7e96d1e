"""Who may record contacts, outreach and group attendance (PLN-3, PLN-4, PLN-6), by role.

Which people is the selectors' business (``people_visible_to``: a worker's own caseload, a hub
worker's or manager's hub). Kept beside the contacts code, not in ``partnership.access``,
while the other parts of issue 9 are built at the same time; the predicates use only that
module's role functions.
"""

from __future__ import annotations

from partnership.access import can_work_front_door, role_of
from partnership.models import Role

# Hub and peer workers and managers work with people day to day; peer workers record contacts
# and attendance for the people allocated to them (roles table).
CONTACT_ROLES = frozenset({Role.HUB_WORKER, Role.PEER_WORKER, Role.MANAGER})
# Outreach meets people nobody knows yet: everyone who does casework, and the front door.
OUTREACH_ROLES = CONTACT_ROLES | {Role.SPOC_PRACTITIONER}
# Inactive with a reason, and re-entry: the person's worker or hub team, not peer workers
# (closing someone's support is a decision for their recovery worker).
ENGAGEMENT_ROLES = frozenset({Role.HUB_WORKER, Role.MANAGER})


def can_record_contacts(user) -> bool:
    return role_of(user) in CONTACT_ROLES


def can_record_outreach(user) -> bool:
    return role_of(user) in OUTREACH_ROLES


def can_change_engagement(user) -> bool:
    return role_of(user) in ENGAGEMENT_ROLES


def can_link_outreach_contact(user) -> bool:
    """Linking someone met on outreach to a person is matching: the front door, and hub staff
    (hub workers and managers) for people they may see."""
    return can_work_front_door(user) or role_of(user) in ENGAGEMENT_ROLES
