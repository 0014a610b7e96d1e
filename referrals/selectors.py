"""Reads, always scoped to the user asking (CONVENTIONS: selectors)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404

from partnership.access import FRONT_DOOR_ROLES, can_work_front_door, sees_allocated_caseload

from .models import (
    ContactAttempt,
    Escalation,
    Person,
    Referral,
    StatusTransition,
    TreatmentReferral,
    Triage,
    WarmIntroduction,
)


def referrals_visible_to(*, user) -> QuerySet[Referral]:
    """Deny by default: the front door sees every referral, caseworkers those allocated to
    them, everyone else nothing."""
    if can_work_front_door(user):
        return Referral.objects.all()
    if sees_allocated_caseload(user):
        return Referral.objects.filter(allocated_worker=user)
    return Referral.objects.none()


def referral_get_for(*, user, reference: str) -> Referral:
    """The referral, or 404 exactly as if it did not exist when the user may not see it."""
    referral = (
        referrals_visible_to(user=user)
        .select_related("person", "hub", "assigned_to", "allocated_worker", "created_by")
        .filter(reference=reference)
        .first()
    )
    if referral is None:
        raise Http404
    return referral


# --- People (REF-4, §3.4.6) --------------------------------------------------------------


def people_visible_to(*, user) -> QuerySet[Person]:
    """Deny by default, like ``referrals_visible_to``: the front door sees everyone,
    caseworkers the people with a referral allocated to them, everyone else nobody."""
    if can_work_front_door(user):
        return Person.objects.all()
    if sees_allocated_caseload(user):
        return Person.objects.filter(pk__in=Referral.objects.filter(allocated_worker=user).values("person_id"))
    return Person.objects.none()


def person_get_for(*, user, pk: int) -> Person:
    """The person, or 404 exactly as if they did not exist when the user may not see them."""
    person = people_visible_to(user=user).filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


def person_referrals_for(*, user, person: Person) -> QuerySet[Referral]:
    """A person's referrals that the user may see, newest first, with the triage outcome
    joined so a list of them costs one query."""
    return (
        referrals_visible_to(user=user).filter(person=person).select_related("triage").order_by("-received_at", "-pk")
    )


# --- The SPOC queue, caseloads and the referral page (REF-5, SEC-2) ----------------------


def referral_queue_for(*, user) -> QuerySet[Referral]:
    """REF-5: referrals waiting for contact, triage or allocation; urgent first, then
    Children's Services, then routine, oldest first within each. The filter and the order
    follow the (status, priority, received_at) index."""
    return (
        referrals_visible_to(user=user)
        .filter(status__in=Referral.QUEUE_STATUSES)
        .select_related("assigned_to", "hub")
        .order_by("priority", "received_at", "pk")
    )


def caseload_for(*, user) -> QuerySet[Referral]:
    """A caseworker's allocated referrals, newest allocation first."""
    return referrals_visible_to(user=user).select_related("person", "hub").order_by("-allocated_at", "-pk")


def front_door_staff() -> QuerySet:
    """Active staff who may be assigned a referral at the front door."""
    return (
        get_user_model()
        .objects.filter(is_active=True, membership__role__in=FRONT_DOOR_ROLES)
        .order_by("first_name", "last_name", "username")
    )


def referral_detail_for(*, user, reference: str) -> tuple[Referral, Triage | None]:
    """The referral with everything its page shows, in a fixed number of queries, and its
    triage (None before screening starts)."""
    referral = referral_get_for(user=user, reference=reference)
    prefetch_related_objects(
        [referral],
        Prefetch("contact_attempts", queryset=ContactAttempt.objects.select_related("by")),
        Prefetch("transitions", queryset=StatusTransition.objects.select_related("by")),
        Prefetch("escalations", queryset=Escalation.objects.select_related("recorded_by")),
        Prefetch("warm_introductions", queryset=WarmIntroduction.objects.select_related("introduced_by")),
        Prefetch(
            "treatment_referrals",
            queryset=TreatmentReferral.objects.select_related("created_by").order_by("created_at", "pk"),
        ),
    )
    triage = Triage.objects.select_related("started_by", "completed_by").filter(referral=referral).first()
    return referral, triage


def referral_history_records(*, referral: Referral) -> list:
    """SEC-2: every historical row of the referral, its related records and the linked
    person, one query per model (history users joined)."""
    querysets = [
        Referral.history.filter(id=referral.pk),
        Triage.history.filter(referral_id=referral.pk),
        ContactAttempt.history.filter(referral_id=referral.pk),
        Escalation.history.filter(referral_id=referral.pk),
        WarmIntroduction.history.filter(referral_id=referral.pk),
        TreatmentReferral.history.filter(referral_id=referral.pk),
    ]
    if referral.person_id is not None:
        querysets.append(Person.history.filter(id=referral.person_id))
    records = []
    for queryset in querysets:
        records.extend(queryset.select_related("history_user").order_by("history_date", "history_id"))
    return records
