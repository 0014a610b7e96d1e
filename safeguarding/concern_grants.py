"""Which object permission a safeguarding concern gives, and to whom (SAF-1, SEC-1).

The rule lives here, beside the records; the machinery is ``partnership.grants`` (as for a
person's shared record, ``referrals.services.grants``).

``safeguarding.view_shared_concern`` on a concern:
    an organisation's group ``org:<pk>`` (a Treatment Service), from ``concern_share`` until
    its withdrawal (``safeguarding.services_concern_sharing``), and only while the person's
    record is shared with that organisation (``referrals.view_shared_record``): when the
    record stops being shared, every concern shared with the organisation goes with it.
"""

from __future__ import annotations

from django.db.models import QuerySet

from partnership import grants
from partnership.grants import organisation_group_name
from safeguarding.models import Concern, ConcernGroupObjectPermission

VIEW_SHARED_CONCERN = "safeguarding.view_shared_concern"
_CODENAME = VIEW_SHARED_CONCERN.split(".", 1)[1]


def _call(change, *, concern: Concern, organisation, by, reason: str) -> bool:
    return change(
        obj=concern,
        perm=VIEW_SHARED_CONCERN,
        organisation=organisation,
        by=by,
        reason=reason,
        person_id=concern.person_id,
    )


def share_concern_with_organisation(*, concern: Concern, organisation, by, reason: str) -> bool:
    return _call(grants.share_with_organisation, concern=concern, organisation=organisation, by=by, reason=reason)


def unshare_concern_with_organisation(*, concern: Concern, organisation, by, reason: str) -> bool:
    return _call(grants.unshare_with_organisation, concern=concern, organisation=organisation, by=by, reason=reason)


def concerns_shared_with(organisation_id: int) -> QuerySet:
    """``.values("content_object_id")`` of the concerns an organisation's group holds."""
    return ConcernGroupObjectPermission.objects.filter(
        group__name=organisation_group_name(organisation_id),
        permission__codename=_CODENAME,
        permission__content_type__app_label="safeguarding",
    ).values("content_object_id")
