"""The SPOC team's and the data protection officer's worklists (§3.2.6, §3.19, PAR-2, PAR-6):
the work that is waiting, oldest or most urgent first, so nothing is left stranded.

Each reads through the user-scoped selectors (deny by default) and is empty for a role the
list is not for (``partnership.access``). Each is a fixed number of queries however long.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from partnership.access import sees_front_door_worklists, sees_subject_access_deadlines
from referrals.models import Consent, Referral, SubjectAccessRequest, TreatmentReferral
from referrals.rules import add_working_days
from referrals.selectors.referrals import people_visible_to, referrals_visible_to, with_routine_access
from referrals.targets import DueStatus, MeasureResult, TargetBook, referral_next_result

# PAR-2: a consent review shows on the worklist this many days before it falls due.
CONSENT_REVIEW_NOTICE = dt.timedelta(days=14)
# PAR-6: a subject access request is "due soon" in its last week.
SUBJECT_ACCESS_DUE_SOON = dt.timedelta(days=7)
# The referrals whose targets the front door is working towards (before triage is done).
TARGET_STATUSES = (Referral.Status.RECEIVED, Referral.Status.CONTACTING, Referral.Status.IN_TRIAGE)


def treatment_referrals_waiting(*, user) -> QuerySet[TreatmentReferral]:
    """Referrals to the Treatment Service not yet sent, oldest first (§3.2.6, §3.19)."""
    if not sees_front_door_worklists(user):
        return TreatmentReferral.objects.none()
    return (
        TreatmentReferral.objects.filter(
            status=TreatmentReferral.Status.PENDING, referral__in=referrals_visible_to(user=user)
        )
        .select_related("referral")
        .order_by("created_at", "pk")
    )


def consent_reviews_due(*, user, today: dt.date | None = None) -> QuerySet[Consent]:
    """Current sharing decisions whose six-monthly review (PAR-2) is due within
    ``CONSENT_REVIEW_NOTICE`` or overdue, the most overdue first.

    "Current" as ``referrals.selectors.consent.current_consents`` decides it, in SQL: not
    withdrawn, and for consent itself not replaced by a newer decision for the same recipient.
    """
    if not sees_front_door_worklists(user):
        return Consent.objects.none()
    return current_consents_due(people=people_visible_to(user=user), today=today)


def current_consents_due(*, people: QuerySet, today: dt.date | None = None) -> QuerySet[Consent]:
    """``consent_reviews_due`` for the people in ``people`` (a queryset of people, used as a
    subquery): the front door's worklist, and a worker's home page for their caseload."""
    today = today or timezone.localdate()
    newer = Consent.objects.filter(
        person=OuterRef("person"),
        recipient=OuterRef("recipient"),
        lawful_basis=Consent.LawfulBasis.CONSENT,
        agency_name__iexact=OuterRef("agency_name"),
    ).filter(Q(recorded_at__gt=OuterRef("recorded_at")) | Q(recorded_at=OuterRef("recorded_at"), pk__gt=OuterRef("pk")))
    return (
        Consent.objects.filter(
            withdrawn_at__isnull=True,
            review_due__lte=today + CONSENT_REVIEW_NOTICE,
            person__in=people,
        )
        .exclude(Q(lawful_basis=Consent.LawfulBasis.CONSENT) & Exists(newer))
        .select_related("person")
        .order_by("review_due", "pk")
    )


def subject_access_requests_open(*, user) -> QuerySet[SubjectAccessRequest]:
    """Subject access requests not yet answered, oldest (nearest its deadline) first (PAR-6)."""
    if not sees_subject_access_deadlines(user):
        return SubjectAccessRequest.objects.none()
    return (
        SubjectAccessRequest.objects.exclude(status=SubjectAccessRequest.Status.READY)
        .select_related("person")
        .order_by("created_at", "pk")
    )


def referrals_near_target(
    *, user, now: dt.datetime | None = None, targets: TargetBook | None = None
) -> list[tuple[Referral, MeasureResult]]:
    """Referrals before triage whose current target (``referral_next_result``) is past, or
    falls due within the next working day, soonest due first (REF-5, §4.3.6).

    Two queries (the referrals waiting for contact or triage, and the targets), whatever the
    length: the due time is worked out in Python, as the queue does."""
    if not sees_front_door_worklists(user):
        return []
    now = now or timezone.now()
    targets = targets or TargetBook.load()
    horizon = add_working_days(timezone.localtime(now), 1)
    queryset = with_routine_access(
        referrals_visible_to(user=user).filter(status__in=TARGET_STATUSES).select_related("assigned_to"), user=user
    )
    rows = []
    for referral in queryset:
        result = referral_next_result(referral, targets, now=now)
        if result.status in (DueStatus.OVERDUE, DueStatus.DUE_SOON, DueStatus.ON_TIME) and result.due_at <= horizon:
            rows.append((referral, result))
    rows.sort(key=lambda row: (row[1].due_at, row[0].received_at, row[0].pk))
    return rows


def people_shown_restricted(*, user, person_ids) -> set[int]:
    """Of these people, those with a restricted referral the user has no routine access to:
    a list shows them as "Restricted", without their name (SEC-1). One query."""
    ids = {pk for pk in person_ids if pk is not None}
    if not ids:
        return set()
    queryset = with_routine_access(Referral.objects.filter(person_id__in=ids, access_restricted=True), user=user)
    return set(queryset.filter(routine_access=False).values_list("person_id", flat=True))


def referrals_shown_restricted(*, user, referral_ids) -> set[int]:
    """Of these referrals, the restricted ones the user has no routine access to (SEC-1)."""
    ids = set(referral_ids)
    if not ids:
        return set()
    queryset = with_routine_access(Referral.objects.filter(pk__in=ids, access_restricted=True), user=user)
    return set(queryset.filter(routine_access=False).values_list("pk", flat=True))
