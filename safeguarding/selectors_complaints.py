"""Reading complaints and compliments (SAF-4) for a member of staff.

Managers handle complaints; everyone else gets 404 for a complaint, exactly as for one that
does not exist. Opening a complaint linked to a person's record writes an access-log row
naming that person (SEC-2).
"""

from __future__ import annotations

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from partnership.access import handles_complaints
from partnership.access_log import access_log_record
from partnership.models import AccessLog
from referrals.selectors.referrals import people_visible_to
from safeguarding.models import Complaint, ComplaintStage

# The list's filters (GET): which complaints to show.
FILTER_OPEN, FILTER_OVERDUE, FILTER_CLOSED, FILTER_ALL = "open", "overdue", "closed", "all"
FILTERS = (FILTER_OPEN, FILTER_OVERDUE, FILTER_CLOSED, FILTER_ALL)


def _with_current_stage(queryset: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """Each complaint's current stage target and responsible role, in the same query."""
    current = ComplaintStage.objects.filter(complaint=OuterRef("pk"), stage=OuterRef("stage"))
    return queryset.annotate(
        stage_target=Subquery(current.values("target_date")[:1]),
        stage_role=Subquery(current.values("responsible_role")[:1]),
        stage_handler_first=Subquery(current.values("handler__first_name")[:1]),
        stage_handler_last=Subquery(current.values("handler__last_name")[:1]),
    )


def complaints_for(*, user, show: str = FILTER_OPEN) -> QuerySet[Complaint]:
    """The complaints list: open ones by default (overdue first), or overdue, closed, all."""
    if not handles_complaints(user):
        return Complaint.objects.none()
    queryset = _with_current_stage(Complaint.objects.select_related("about_hub"))
    today = timezone.localdate()
    if show == FILTER_OPEN:
        queryset = queryset.filter(status__in=[Complaint.Status.OPEN, Complaint.Status.RESPONDED])
    elif show == FILTER_OVERDUE:
        queryset = queryset.filter(status=Complaint.Status.OPEN, stage_target__lt=today)
    elif show == FILTER_CLOSED:
        queryset = queryset.filter(status__in=[Complaint.Status.CLOSED, Complaint.Status.WITHDRAWN])
    return queryset.order_by(F("stage_target").asc(nulls_last=True), "-received_at", "-pk")


def overdue_count_for(*, user) -> int:
    if not handles_complaints(user):
        return 0
    today = timezone.localdate()
    late = ComplaintStage.objects.filter(
        complaint=OuterRef("pk"), stage=OuterRef("stage"), target_date__lt=today, ended_at__isnull=True
    )
    return Complaint.objects.filter(Q(status=Complaint.Status.OPEN), pk__in=Subquery(late.values("complaint"))).count()


def complaint_get_for(*, user, reference: str, purpose: str = "Complaint viewed") -> Complaint:
    """The complaint, or 404 for anyone who does not handle complaints (as if none existed)."""
    if not handles_complaints(user):
        raise Http404
    complaint = (
        Complaint.objects.select_related("about_hub", "person", "recorded_by").filter(reference=reference).first()
    )
    if complaint is None:
        raise Http404
    if complaint.person_id is not None:
        access_log_record(
            user=user, action=AccessLog.Action.VIEW, obj=complaint, person_id=complaint.person_id, reason=purpose
        )
    return complaint


def complaint_stages(complaint: Complaint) -> list[ComplaintStage]:
    return list(
        complaint.stages.select_related("handler", "response_drafted_by", "response_approved_by", "response_sent_by")
    )


def complaint_transitions(complaint: Complaint) -> list:
    return list(complaint.transitions.select_related("by"))


def complaint_history(complaint: Complaint) -> list[dict]:
    """The complaint's history, oldest first: every change of status or stage (its transitions)
    and every change of who handles a stage (the stages' history rows). Two queries."""
    entries = [{"at": t.at, "transition": t, "by": t.by} for t in complaint_transitions(complaint)]
    rows = (
        ComplaintStage.history.filter(complaint_id=complaint.pk)
        .select_related("handler", "history_user")
        .order_by("history_date", "history_id")
    )
    handler_of: dict[int, int | None] = {}
    for row in rows:
        before = handler_of.get(row.id)
        handler_of[row.id] = row.handler_id
        if row.handler_id != before:
            entries.append({"at": row.history_date, "stage": row, "handler": row.handler, "by": row.history_user})
    return sorted(entries, key=lambda entry: entry["at"])


def person_for_complaint_link(*, user, reference: str):
    """The person a manager links a complaint to, by their reference: only someone the manager
    may open (the same rule as the person's record), else None."""
    return people_visible_to(user=user).filter(reference=reference.strip().upper()).first()
