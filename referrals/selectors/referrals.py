"""Reads, always scoped to the user asking (CONVENTIONS: selectors)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.http import Http404
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from partnership.access import (
    FRONT_DOOR_ROLES,
    can_break_glass,
    can_work_front_door,
    may_see,
    membership_of,
    sees_allocated_caseload,
    sees_every_hubs_casework,
    sees_every_restricted_record,
    sees_hub_caseload,
)
from partnership.access_log import access_log_record_list
from partnership.models import AccessLog
from partnership.services import access_log_record
from referrals.break_glass import BreakGlassRequired, break_glass_references
from referrals.matching import Match, find_likely_matches
from referrals.models import (
    ContactAttempt,
    Escalation,
    Person,
    Referral,
    StatusTransition,
    TreatmentReferral,
    Triage,
    WarmIntroduction,
)
from referrals.services.grants import VIEW_PERSON, VIEW_REFERRAL


def _grant_keys(user, perm: str) -> tuple[int | None, list[int]]:
    """The permission's id and the user's group ids, read now in one query (never cached, so
    a worker who leaves a hub stops seeing its referrals on their next request).

    They go into the grant check as plain values: with ``group__user=user`` and
    ``permission__codename=...`` joined into the check, PostgreSQL built a hash over every
    group grant in the county before the first row of a page came out (benchmarks/README.md)."""
    app_label, codename = perm.split(".", 1)
    permission = (
        Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        .order_by()
        .values_list("pk", Value(True, output_field=BooleanField()))
    )
    groups = (
        get_user_model()
        .groups.through.objects.filter(user_id=user.pk)
        .order_by()
        .values_list("group_id", Value(False, output_field=BooleanField()))
    )
    permission_id, group_ids = None, []
    for pk, is_permission in permission.union(groups, all=True):
        if is_permission:
            permission_id = pk
        else:
            group_ids.append(pk)
    return permission_id, group_ids


def _holds(user, perm: str, model) -> Exists | Q:
    """ "The user holds ``perm`` on this row through an object grant (their own or one of
    their groups')", as a condition on ``model`` rows. Model-level permissions and superuser
    status never count: grants are decided in referrals.services.grants, and a superuser is an
    administrator, not a caseworker.

    One correlated ``EXISTS (user grants UNION ALL group grants)``, with the permission id and
    the user's group ids resolved first (``_grant_keys``) and written in as values. The UNION
    ALL is deliberate: PostgreSQL cannot turn it into a hashed subplan (as it did with
    ``EXISTS(...) OR EXISTS(...)``, hashing every grant of the user's groups, 8,900 rows at
    county size, before the first row came out), so it probes the grant tables' indexes once
    per candidate row and the cost follows the rows a page looks at, not the number of grants
    in the county (benchmarks/README.md, hub caseload)."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    permission_id, group_ids = _grant_keys(user, perm)
    if permission_id is None:
        return Q(pk__in=[])
    by_user = (
        get_user_obj_perms_model(model)
        .objects.filter(content_object_id=OuterRef("pk"), user_id=user.pk, permission_id=permission_id)
        .order_by()
        .values("content_object_id")
    )
    if not group_ids:
        return Exists(by_user)
    by_group = (
        get_group_obj_perms_model(model)
        .objects.filter(content_object_id=OuterRef("pk"), group_id__in=group_ids, permission_id=permission_id)
        .order_by()
        .values("content_object_id")
    )
    return Exists(by_user.union(by_group, all=True))


def _granted(user, perm: str, model) -> QuerySet:
    """Rows the user holds ``perm`` on through an object grant (see ``_holds``).

    The same rows as guardian's ``get_objects_for_user(user, perm, klass=model,
    accept_global_perms=False, with_superuser=False)`` (a test holds the two together), built
    straight on the direct foreign-key permission tables: guardian's shortcut first looks up
    content types, which costs queries on a cold process and made page query counts depend
    on which test ran first."""
    return model.objects.filter(_holds(user, perm, model))


# Front-door work: a referral in the queue, or never allocated (closed at triage). Managers
# reach it in every hub; the rest of their reach is their own hub's casework (object grants).
FRONT_DOOR_WORK = Q(status__in=Referral.QUEUE_STATUSES) | Q(hub__isnull=True)


def referrals_visible_to(*, user) -> QuerySet[Referral]:
    """Deny by default (SEC-1): SPOC practitioners see every referral; managers every
    referral at the front door (``FRONT_DOOR_WORK``) and those allocated to their hub; hub
    workers those allocated to them or to their hub, peer workers those allocated to them
    (object grants, referrals.services.grants); everyone else nothing.

    Restricted referrals are in here for the front door; ``referral_get_for`` decides whether
    one opens routinely or needs a reason first."""
    if sees_every_hubs_casework(user):
        return Referral.objects.all()
    if can_work_front_door(user):
        return Referral.objects.filter(FRONT_DOOR_WORK | _holds(user, VIEW_REFERRAL, Referral))
    if sees_allocated_caseload(user):
        return _granted(user, VIEW_REFERRAL, Referral)
    return Referral.objects.none()


def with_routine_access(queryset: QuerySet[Referral], *, user) -> QuerySet[Referral]:
    """Annotate ``routine_access``: False only for a restricted referral the user holds no
    grant on (not its allocated worker or hub team) and is not the safeguarding lead for. One
    EXISTS probe per row on the grant index, so a list page stays one query however long it is."""
    if sees_every_restricted_record(user):
        return queryset.annotate(routine_access=Value(True, output_field=BooleanField()))
    return queryset.annotate(
        routine_access=Case(
            When(Q(access_restricted=False) | _holds(user, VIEW_REFERRAL, Referral), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def has_routine_access(*, user, referral: Referral) -> bool:
    """Whether a referral the user can see opens without breaking the glass."""
    if not referral.access_restricted or sees_every_restricted_record(user):
        return True
    return _granted(user, VIEW_REFERRAL, Referral).filter(pk=referral.pk).exists()


def _check_restriction(user, referral: Referral) -> None:
    if has_routine_access(user=user, referral=referral):
        return
    if referral.reference in break_glass_references(user):
        return
    if can_break_glass(user):
        raise BreakGlassRequired(referral.reference)
    raise Http404


def record_view(*, user, obj, person_id: int | None, purpose: str) -> None:
    """SEC-2: one access-log row for a view of a person's record. The selectors below that
    fetch a record call it, so a view that reads a record cannot forget to log it."""
    access_log_record(user=user, action=AccessLog.Action.VIEW, obj=obj, person_id=person_id, reason=purpose)


def record_list_view(*, user, object_type: str, person_ids, purpose: str) -> None:
    """SEC-2: one access-log row for a list page that showed people's names (a queue, a
    caseload, a search), naming each person shown. Called with the rows actually on the page
    (after pagination); a row not yet linked to a person (``None``) names no one."""
    access_log_record_list(user=user, object_type=object_type, person_ids=list(person_ids), reason=purpose)


def referral_get_for(*, user, reference: str, purpose: str) -> Referral:
    """The referral, or 404 exactly as if it did not exist when the user may not see it;
    fetching it writes the access-log row, with ``purpose`` as its reason (SEC-2).

    A restricted referral the user has no routine access to raises ``BreakGlassRequired``
    (the break-glass page asks for the reason) until this session has broken the glass."""
    referral = (
        referrals_visible_to(user=user)
        .select_related("person", "hub", "assigned_to", "allocated_worker", "created_by", "access_restricted_by")
        .filter(reference=reference)
        .first()
    )
    if referral is None:
        raise Http404
    _check_restriction(user, referral)
    record_view(user=user, obj=referral, person_id=referral.person_id, purpose=purpose)
    return referral


def referral_for_break_glass(*, user, reference: str) -> Referral:
    """The referral behind a break-glass page: any referral the user could open with a reason
    (the page shows its reference only), 404 for everyone else."""
    referral = referrals_visible_to(user=user).filter(reference=reference).first() if can_break_glass(user) else None
    if referral is None:
        raise Http404
    return referral


def referral_for_restriction(*, user, reference: str, purpose: str) -> Referral:
    """The referral behind the restriction page. The safeguarding lead reaches any referral by
    its reference (the page shows no personal data); managers go through ``referral_get_for``,
    so lifting a restriction outside their hub needs the glass broken first."""
    if sees_every_restricted_record(user):
        referral = Referral.objects.select_related("access_restricted_by").filter(reference=reference).first()
        if referral is None:
            raise Http404
        record_view(user=user, obj=referral, person_id=referral.person_id, purpose=purpose)
        return referral
    return referral_get_for(user=user, reference=reference, purpose=purpose)


def referral_break_glass_openings(*, referral: Referral) -> list[AccessLog]:
    """Every time someone broke the glass on this referral: who, when and why, newest first
    (one query)."""
    return list(
        AccessLog.objects.filter(
            action=AccessLog.Action.BREAK_GLASS,
            object_type=Referral._meta.label_lower,
            object_id=referral.pk,
        ).select_related("user")
    )


# --- People (REF-4, §3.4.6) --------------------------------------------------------------


def people_visible_to(*, user) -> QuerySet[Person]:
    """Deny by default, like ``referrals_visible_to``: SPOC practitioners see everyone;
    managers the people with a referral at the front door and those of their hub; caseworkers
    the people with a referral allocated to them or (hub workers) to their hub; everyone else
    nobody. Treatment Service staff see shared records on their own pages, by
    ``referrals.view_shared_record``, never here."""
    if sees_every_hubs_casework(user):
        return Person.objects.all()
    if can_work_front_door(user):
        at_front_door = Referral.objects.filter(FRONT_DOOR_WORK, person=OuterRef("pk"))
        return Person.objects.filter(Q(Exists(at_front_door)) | _holds(user, VIEW_PERSON, Person))
    if sees_allocated_caseload(user):
        return _granted(user, VIEW_PERSON, Person)
    return Person.objects.none()


def person_get_for(*, user, purpose: str, reference: str | None = None, pk: int | None = None) -> Person:
    """The person, by their reference (from a URL) or their id (from a posted choice), or 404
    exactly as if they did not exist when the user may not see them.

    A person is as restricted as their referrals: at the front door, someone with a restricted
    referral the user holds no grant on opens only after the glass is broken on it."""
    return _person_get(people_visible_to(user=user), user=user, purpose=purpose, reference=reference, pk=pk)


def person_for_linking(*, user, pk: int, purpose: str) -> Person:
    """REF-4: the person a referral is being linked to on the duplicate check. Matching is
    front-door work, so it reaches everyone the check may list (managers too, across hubs),
    with the same restriction rule as ``person_get_for``; 404 for anyone else."""
    people = Person.objects.all() if can_work_front_door(user) else Person.objects.none()
    return _person_get(people, user=user, purpose=purpose, pk=pk)


def _person_get(
    people: QuerySet[Person], *, user, purpose: str, reference: str | None = None, pk: int | None = None
) -> Person:
    people = people.filter(**({"reference": reference} if reference is not None else {"pk": pk}))
    check_restriction = can_work_front_door(user) and not sees_every_restricted_record(user)
    if check_restriction:
        # In the same query: a restricted referral of theirs this user holds no grant on and
        # has not broken the glass on.
        blocking = (
            Referral.objects.filter(person=OuterRef("pk"), access_restricted=True)
            .exclude(_holds(user, VIEW_REFERRAL, Referral))
            .exclude(reference__in=break_glass_references(user))
            .order_by("-received_at", "-pk")
            .values("reference")[:1]
        )
        people = people.annotate(blocked_by_restriction=Subquery(blocking))
    person = people.first()
    if person is None:
        raise Http404
    if check_restriction and person.blocked_by_restriction:
        raise BreakGlassRequired(person.blocked_by_restriction)
    record_view(user=user, obj=person, person_id=person.pk, purpose=purpose)
    return person


def people_needing_a_reason_for(*, user, person_ids) -> dict[int, str]:
    """Of these people, those the user may not see routinely: person id -> the reference of a
    restricted referral of theirs that the user holds no grant on and has not broken the glass
    on (the one to open first), the same rule as ``person_get_for``. One query when none of
    them has a restricted referral (the usual case), three when some do; none for a role that
    sees every restricted record or none at all."""
    person_ids = [pk for pk in person_ids if pk is not None]
    if not person_ids or not can_work_front_door(user) or sees_every_restricted_record(user):
        return {}
    rows = list(
        Referral.objects.filter(person_id__in=person_ids, access_restricted=True)
        .exclude(reference__in=break_glass_references(user))
        .order_by("person_id", "-received_at", "-pk")
        .values_list("pk", "person_id", "reference")
    )
    if not rows:
        return {}
    granted = set(
        _granted(user, VIEW_REFERRAL, Referral).filter(pk__in=[pk for pk, _p, _r in rows]).values_list("pk", flat=True)
    )
    blocked: dict[int, str] = {}
    for pk, person_id, reference in rows:
        if pk not in granted:
            blocked.setdefault(person_id, reference)
    return blocked


def person_matches_for(*, user, purpose: str, criteria: dict) -> tuple[list[Match], dict[int, str]]:
    """REF-4: the people who may be the one described (``find_likely_matches`` criteria), for
    the front door only, best first; with those whose details must stay hidden until a reason
    is given (``people_needing_a_reason_for``). Writes one access-log list row naming the
    people whose details will be shown (SEC-2). A fixed number of queries."""
    if not can_work_front_door(user):
        return [], {}
    matches = find_likely_matches(**criteria)
    hidden = people_needing_a_reason_for(user=user, person_ids=[m.person.pk for m in matches])
    record_list_view(
        user=user,
        object_type=Person._meta.label_lower,
        person_ids=[m.person.pk for m in matches if m.person.pk not in hidden],
        purpose=purpose,
    )
    return matches, hidden


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
    follow the (status, priority, received_at) index. Each row carries ``routine_access``, so
    a restricted referral can be shown as "Restricted" without its name."""
    queryset = (
        referrals_visible_to(user=user)
        .filter(status__in=Referral.QUEUE_STATUSES)
        .select_related("assigned_to", "hub")
        .order_by("priority", "received_at", "pk")
    )
    return with_routine_access(queryset, user=user)


def caseload_for(*, user) -> QuerySet[Referral]:
    """A caseworker's own allocated referrals, newest allocation first. Closed referrals leave
    the list (their worker can still open them: see referrals.services.grants)."""
    return (
        referrals_visible_to(user=user)
        .filter(allocated_worker=user, status=Referral.Status.ALLOCATED)
        .select_related("person", "hub")
        .order_by("-allocated_at", "-pk")
    )


def hub_caseload_for(*, user) -> QuerySet[Referral]:
    """Every allocated referral in the user's hub (hub workers and managers), newest first."""
    if not sees_hub_caseload(user):
        return Referral.objects.none()
    return (
        referrals_visible_to(user=user)
        .filter(hub_id=membership_of(user).hub_id, status=Referral.Status.ALLOCATED)
        .select_related("person", "hub", "allocated_worker")
        .order_by("-allocated_at", "-pk")
    )


def front_door_staff() -> QuerySet:
    """Active staff who may be assigned a referral at the front door."""
    return (
        get_user_model()
        .objects.filter(is_active=True, membership__role__in=FRONT_DOOR_ROLES)
        .order_by("first_name", "last_name", "username")
    )


def referral_detail_for(*, user, reference: str, purpose: str = "") -> tuple[Referral, Triage | None]:
    """The referral with everything its page shows, in a fixed number of queries, and its
    triage (None before screening starts)."""
    referral = referral_get_for(user=user, reference=reference, purpose=purpose)
    prefetch_related_objects(
        [referral],
        Prefetch("contact_attempts", queryset=ContactAttempt.objects.select_related("by")),
        Prefetch("transitions", queryset=StatusTransition.objects.select_related("by")),
        Prefetch("escalations", queryset=Escalation.objects.select_related("recorded_by")),
        Prefetch("warm_introductions", queryset=WarmIntroduction.objects.select_related("introduced_by")),
        Prefetch(
            "treatment_referrals",
            queryset=TreatmentReferral.objects.select_related("created_by", "organisation").order_by(
                "created_at", "pk"
            ),
        ),
    )
    triage = Triage.objects.select_related("started_by", "completed_by").filter(referral=referral).first()
    return referral, triage


def referral_history_records(*, referral: Referral, user, person_withheld: bool = False) -> list:
    """SEC-2: every historical row of the referral, its related records and the linked
    person, one query per model (history users joined), less what ``user`` may not see:
    records that are safeguarding detail as a whole (``partnership.access.may_see``: the
    escalations, for peer workers), and the person's own history when ``person_withheld``
    (behind a restriction the user has given no reason for: ``people_needing_a_reason_for``).
    Fields are the history view's to leave out, by the same rule."""
    models = [Referral, Triage, Escalation, ContactAttempt, WarmIntroduction, TreatmentReferral]
    querysets = [
        model.history.filter(id=referral.pk) if model is Referral else model.history.filter(referral_id=referral.pk)
        for model in models
        if may_see(user, model._meta.label_lower)
    ]
    if referral.person_id is not None and not person_withheld:
        querysets.append(Person.history.filter(id=referral.person_id))
    records = []
    for queryset in querysets:
        records.extend(queryset.select_related("history_user").order_by("history_date", "history_id"))
    return records
