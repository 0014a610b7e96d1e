"""Groups and activities with attendance (PLN-6), including the pre-detox group (§3.19.8).

Groups belong to a hub; its staff set them up and run sessions. Attendance is per person and
peer workers record it for the people allocated to them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from common.audit import audited_save
from partnership.access import membership_of
from recovery_plans.access_contacts import can_change_engagement, can_record_contacts
from recovery_plans.models import Attendance, Group, GroupSession
from referrals.selectors.referrals import people_visible_to

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from referrals.models import Person

GROUP_NAME_REQUIRED = gettext_lazy("Enter the name of the group")
GROUP_NAME_TAKEN = gettext_lazy("Your hub already has a group with this name")
GROUP_KIND_REQUIRED = gettext_lazy("Select the kind of group")
SESSION_DURATION_INVALID = gettext_lazy("Enter how long the session lasts, in minutes, from 1 to 720")
ATTENDANCE_REQUIRED = gettext_lazy("Select whether the person attended")
ATTENDANCE_ALREADY_RECORDED = gettext_lazy("Attendance at this session is already recorded for this person")


def _hub_id(by: User) -> int | None:
    membership = membership_of(by)
    return membership.hub_id if membership else None


def group_may_manage(*, group: Group | None, by: User) -> bool:
    """Hub workers and managers set up groups and sessions for their own hub."""
    hub_id = _hub_id(by)
    return can_change_engagement(by) and hub_id is not None and (group is None or group.hub_id == hub_id)


@transaction.atomic
def group_create(*, by: User, name: str, kind: str) -> Group:
    if not group_may_manage(group=None, by=by):
        raise PermissionDenied
    name = (name or "").strip()
    errors: dict[str, list] = {}
    if not name:
        errors["name"] = [GROUP_NAME_REQUIRED]
    elif Group.objects.filter(hub_id=_hub_id(by), name__iexact=name).exists():
        errors["name"] = [GROUP_NAME_TAKEN]
    if kind not in Group.Kind.values:
        errors["kind"] = [GROUP_KIND_REQUIRED]
    if errors:
        raise ValidationError(errors)
    group = Group(name=name[:200], kind=kind, hub_id=_hub_id(by))
    audited_save(group, by=by, reason="Group set up", person_id=None)
    return group


@transaction.atomic
def group_session_create(*, group: Group, by: User, starts_at: dt.datetime, duration_minutes: int) -> GroupSession:
    if not group_may_manage(group=group, by=by):
        raise PermissionDenied
    if not isinstance(duration_minutes, int) or not 1 <= duration_minutes <= 720:
        raise ValidationError({"duration_minutes": [SESSION_DURATION_INVALID]})
    session = GroupSession(group=group, starts_at=starts_at, duration_minutes=duration_minutes, recorded_by=by)
    audited_save(session, by=by, reason="Group session added", person_id=None)
    return session


def attendance_may_record(*, session: GroupSession, by: User) -> bool:
    """Staff of the group's hub who record contacts (peer workers included)."""
    return can_record_contacts(by) and _hub_id(by) == session.group.hub_id


@transaction.atomic
def attendance_record(*, session: GroupSession, person: Person, by: User, outcome: str) -> Attendance:
    """Record whether the person came to the session, once: a second record for the same
    person is refused (never a silent overwrite of what a colleague recorded)."""
    if (
        not attendance_may_record(session=session, by=by)
        or not people_visible_to(user=by).filter(pk=person.pk).exists()
    ):
        raise PermissionDenied
    if outcome not in Attendance.Outcome.values:
        raise ValidationError({"outcome": [ATTENDANCE_REQUIRED]})
    if Attendance.objects.filter(session=session, person=person).exists():
        raise ValidationError({"person": [ATTENDANCE_ALREADY_RECORDED]})
    attendance = Attendance(session=session, person=person, outcome=outcome, recorded_by=by, recorded_at=timezone.now())
    audited_save(attendance, by=by, reason="Attendance recorded", person_id=person.pk)
    return attendance
