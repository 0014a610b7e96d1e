"""Reads for groups and attendance (PLN-6): the user's hub's groups; in a session's
attendance, only the people the user may see (a peer worker: their own people)."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.http import Http404

from partnership.access import membership_of
from recovery_plans.access_contacts import can_record_contacts
from recovery_plans.models import Attendance, Group, GroupSession
from referrals.selectors.referrals import people_visible_to


def groups_for(*, user) -> QuerySet[Group]:
    membership = membership_of(user)
    if not can_record_contacts(user) or membership is None or membership.hub_id is None:
        return Group.objects.none()
    return Group.objects.filter(hub_id=membership.hub_id).annotate(session_count=Count("sessions")).order_by("name")


def group_get_for(*, user, pk: int) -> Group:
    group = groups_for(user=user).filter(pk=pk).first()
    if group is None:
        raise Http404
    return group


def group_sessions(*, group: Group) -> QuerySet[GroupSession]:
    return group.sessions.annotate(attended=Count("attendance")).order_by("-starts_at", "-pk")


def group_session_get_for(*, user, pk: int) -> GroupSession:
    session = GroupSession.objects.filter(group__in=groups_for(user=user), pk=pk).select_related("group").first()
    if session is None:
        raise Http404
    return session


def session_attendance_for(*, user, session: GroupSession) -> QuerySet[Attendance]:
    return (
        Attendance.objects.filter(session=session, person__in=people_visible_to(user=user))
        .select_related("person", "recorded_by")
        .order_by("person__family_name", "person__given_name")
    )
