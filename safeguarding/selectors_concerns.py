"""Reads for safeguarding concerns (SAF-1), scoped to the user asking.

The safeguarding lead sees every concern (§3.15.8). Everyone else who works on concerns sees
those of the people they may open: the person is fetched through ``person_get_for``, which
answers 404 for someone not theirs (and asks the front door to break the glass on a restricted
record) and writes the access-log row (SEC-2). Roles that never see concerns are refused by the
views before anything is looked up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, Exists, IntegerField, Max, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from partnership.access import can_raise_concern, reads_whole_record_for_chronology, sees_concerns, sees_every_concern
from partnership.models import Membership, Role
from referrals.models import Person
from referrals.selectors.referrals import people_visible_to, person_get_for, record_list_view, record_view
from safeguarding.models import Concern, ConcernAction, ConcernMeeting, ConcernTransition

OVERVIEW_LIMIT = 50


def concerns_visible_to(*, user) -> QuerySet[Concern]:
    """Every concern for the lead; for other concern roles, those of people they may open."""
    if sees_every_concern(user):
        return Concern.objects.all()
    if sees_concerns(user):
        return Concern.objects.filter(person__in=people_visible_to(user=user))
    return Concern.objects.none()


def concern_person_get(*, user, person_ref: str, purpose: str) -> Person:
    """The person a concern page is about: any person for the lead (logged here), otherwise
    through the access model (``person_get_for``: 404 for someone not theirs, logged)."""
    if sees_every_concern(user):
        person = Person.objects.filter(reference=person_ref).first()
        if person is None:
            raise Http404
        record_view(user=user, obj=person, person_id=person.pk, purpose=purpose)
        return person
    if not (sees_concerns(user) or can_raise_concern(user)):
        raise Http404
    return person_get_for(user=user, reference=person_ref, purpose=purpose)


def chronology_person_get(*, user, person_ref: str, purpose: str) -> Person:
    """The person whose chronology is asked for. The lead, who reads the whole record into a
    chronology (``reads_whole_record_for_chronology``), reaches only people with a safeguarding
    concern recorded (404 otherwise, before anything is logged); everyone else as on a concern
    page (the access model, logged)."""
    if reads_whole_record_for_chronology(user):
        concerned = Concern.objects.filter(person=OuterRef("pk"))
        person = Person.objects.filter(Exists(concerned), reference=person_ref).first()
        if person is None:
            raise Http404
        record_view(user=user, obj=person, person_id=person.pk, purpose=purpose)
        return person
    return concern_person_get(user=user, person_ref=person_ref, purpose=purpose)


def chronology_open_to(*, user, person: Person) -> bool:
    """Whether the person's chronology opens for the user: always where the concern pages do,
    only for a person with a concern for the lead (``chronology_person_get``)."""
    return not reads_whole_record_for_chronology(user) or Concern.objects.filter(person=person).exists()


def in_person_record(*, user, person: Person) -> bool:
    """Whether the user may open the person's record pages (the frame's tabs lead there); the
    lead, who reaches people through their concerns only, gets a plain identity bar instead."""
    return people_visible_to(user=user).filter(pk=person.pk).exists()


def _detail_queryset() -> QuerySet[Concern]:
    return Concern.objects.select_related("person", "raised_by", "closed_by", "child").prefetch_related(
        Prefetch("actions", queryset=ConcernAction.objects.select_related("owner", "done_by", "created_by")),
        Prefetch("meetings", queryset=ConcernMeeting.objects.select_related("recorded_by")),
        Prefetch("transitions", queryset=ConcernTransition.objects.select_related("by")),
    )


def concern_get_for(*, user, reference: str, purpose: str) -> Concern:
    """The concern, or 404 exactly as if it did not exist; fetching it writes the access-log
    row. Actions, meetings and status changes come prefetched (a fixed number of queries)."""
    if not sees_concerns(user):
        raise Http404
    concern = _detail_queryset().filter(reference=reference).first()
    if concern is None:
        raise Http404
    if sees_every_concern(user):
        record_view(user=user, obj=concern, person_id=concern.person_id, purpose=purpose)
    else:
        # The access model decides (404, or the break-glass page for a restricted record).
        person_get_for(user=user, pk=concern.person_id, purpose=purpose)
    return concern


def with_versions(actions: list[ConcernAction]) -> list[ConcernAction]:
    """Each action with ``version``, the history id its "done" button was loaded from (SEC-5,
    ``common.audit.current_version``), read for the whole page in one query."""
    latest = dict(
        ConcernAction.history.filter(id__in=[a.pk for a in actions])
        .values("id")
        .annotate(latest=Max("history_id"))
        .values_list("id", "latest")
    )
    for action in actions:
        action.version = latest.get(action.pk, 0)
    return actions


def concerns_of_person(*, person: Person) -> list[Concern]:
    """The person's concerns, newest first, with their open actions counted (one query). The
    caller has fetched the person through ``concern_person_get``."""
    return list(
        Concern.objects.filter(person=person)
        .select_related("raised_by")
        .annotate(open_actions=Count("actions", filter=Q(actions__done_at__isnull=True)))
        .order_by("-raised_at", "-pk")
    )


def children_of_household(*, person: Person) -> QuerySet:
    """The children recorded in the person's assessment (ASM-7), through assessments' selector."""
    from assessments.selectors import children_for

    return children_for(person=person)


def action_owners() -> QuerySet:
    """Members of the service who may own a safeguarding action: those who work on concerns."""
    from django.contrib.auth import get_user_model

    roles = [Role.HUB_WORKER, Role.MANAGER, Role.SAFEGUARDING_LEAD, Role.SPOC_PRACTITIONER]
    users = get_user_model().objects.filter(is_active=True)
    return users.filter(Exists(Membership.objects.filter(user=OuterRef("pk"), role__in=roles))).order_by(
        "first_name", "last_name", "username"
    )


# --- The safeguarding lead's overview (§3.15.8) ------------------------------------------------


@dataclass
class Overview:
    open_concerns: list[Concern]
    open_count: int
    awaiting_referral: list[Concern]
    overdue_actions: list[ConcernAction]
    today: dt.date


def overview_for(*, user, limit: int = OVERVIEW_LIMIT) -> Overview:
    """Open concerns (highest risk first, then oldest), those waiting for a referral to the
    council, and actions past their due date: a fixed number of queries, one access-log row
    naming everyone shown (SEC-2)."""
    today = timezone.localdate()
    concerns = concerns_visible_to(user=user).select_related("person", "raised_by")
    open_qs = concerns.filter(status__in=Concern.OPEN_STATUSES)
    risk_rank = Case(
        When(risk_level=Concern.RiskLevel.HIGH, then=Value(0)),
        When(risk_level=Concern.RiskLevel.MEDIUM, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    open_concerns = list(open_qs.annotate(risk_rank=risk_rank).order_by("risk_rank", "raised_at", "pk")[:limit])
    awaiting = list(open_qs.filter(status=Concern.Status.AWAITING_REFERRAL).order_by("raised_at", "pk")[:limit])
    overdue = list(
        ConcernAction.objects.filter(
            concern__in=concerns.filter(status__in=Concern.OPEN_STATUSES), done_at__isnull=True, due_on__lt=today
        )
        .select_related("concern__person", "owner")
        .order_by("due_on", "pk")[:limit]
    )
    shown = {c.person_id for c in open_concerns} | {c.person_id for c in awaiting}
    shown |= {a.concern.person_id for a in overdue}
    record_list_view(user=user, object_type="safeguarding.concern", person_ids=shown, purpose="Safeguarding overview")
    return Overview(
        open_concerns=open_concerns,
        open_count=open_qs.count(),
        awaiting_referral=awaiting,
        overdue_actions=overdue,
        today=today,
    )
