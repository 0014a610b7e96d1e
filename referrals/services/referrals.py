"""Every write to referrals, people and triage goes through here (CONVENTIONS: services).

Each service is told who acts, checks that they may, runs in a transaction and records
history with the acting user and a reason.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.audit import Exemption, audited_save
from partnership.access import (
    ALLOCATABLE_ROLES,
    can_rectify_person,
    can_run_subject_access,
    can_work_front_door,
    membership_of,
    sees_allocated_caseload,
)
from referrals import rules
from referrals.matching import normalise_name, normalise_postcode
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
from referrals.services.grants import sync_referral_grants

logger = logging.getLogger(__name__)


class InvalidTransition(ValidationError):
    pass


def _require_front_door(by) -> None:
    if not can_work_front_door(by):
        raise PermissionDenied


def _take_if_unassigned(referral: Referral, by) -> None:
    """Whoever starts working an unassigned referral becomes its SPOC owner, so the queue
    shows who has it without a separate "assign to me" click."""
    if referral.assigned_to_id is None:
        referral.assigned_to = by


def referral_transition(*, referral: Referral, to: str, by, reason: str = "", at: dt.datetime | None = None) -> None:
    """Move a referral along the pipeline in ``Referral.TRANSITIONS``; refuse anything else."""
    if not referral.can_move_to(to):
        raise InvalidTransition(
            _("A referral that is “%(from)s” cannot become “%(to)s”.")
            % {"from": referral.get_status_display(), "to": Referral.Status(to).label}
        )
    at = at or timezone.now()
    StatusTransition.objects.create(
        referral=referral, from_status=referral.status, to_status=to, at=at, by=by, reason=reason[:500]
    )
    referral.status = to
    if to == Referral.Status.CLOSED:
        referral.closed_at = at
    elif referral.closed_at and to == Referral.Status.RECEIVED:
        referral.closed_at = None


REFERRAL_INTAKE_FIELDS = frozenset(
    f.name
    for f in Referral._meta.get_fields()
    if f.concrete
    and f.name
    not in {
        "id",
        "reference",
        "person",
        "status",
        "priority",
        "received_at",
        "first_contact_attempt_at",
        "first_contact_made_at",
        "triage_completed_at",
        "allocated_at",
        "first_appointment_offered_at",
        "first_appointment_attended_at",
        "closed_at",
        "assigned_to",
        "hub",
        "allocated_worker",
        "created_by",
        "submission_token",
        "channel",
        # Restriction is set by referral_restrict (services_access), never at intake.
        "access_restricted",
        "access_restricted_at",
        "access_restricted_by",
        "access_restriction_reason",
    }
)


@transaction.atomic
def referral_create(
    *,
    data: dict[str, Any],
    channel: str,
    by=None,
    submission_token: uuid.UUID | None = None,
    received_at: dt.datetime | None = None,
) -> tuple[Referral, bool]:
    """Record a referral from any channel (REF-1, REF-3). ``by`` is None for the public form.

    Returns ``(referral, created)``. The same ``submission_token`` twice returns the first
    referral: a double-clicked submit makes one referral, not two. The referral is stored
    before any notification is tried, and a failed notification never loses it.
    """
    if by is not None:
        _require_front_door(by)
    if submission_token is not None:
        existing = Referral.objects.filter(submission_token=submission_token).first()
        if existing is not None:
            return existing, False
    unknown = set(data) - REFERRAL_INTAKE_FIELDS
    if unknown:
        raise ValueError(f"Not referral intake fields: {sorted(unknown)}")
    referral = Referral(**data, channel=channel, created_by=by, submission_token=submission_token)
    referral.received_at = received_at or timezone.now()
    referral.priority = rules.priority_for(
        is_urgent=referral.is_urgent,
        source=referral.source,
        open_to_childrens_services=referral.open_to_childrens_services,
    )
    try:
        with transaction.atomic():
            audited_save(referral, by=by, reason="Referral received", person_id=referral.person_id)
    except IntegrityError:
        # Two identical submits racing: the other one won; return what it made.
        if submission_token is None:
            raise
        return Referral.objects.get(submission_token=submission_token), False

    transaction.on_commit(lambda: _notify_spoc(referral.pk))
    return referral, True


def _notify_spoc(referral_id: int) -> None:
    # The referral is already committed (REF-3): a broker or mail failure is logged, by
    # id only, and never reaches the person who referred.
    from referrals.tasks import notify_spoc_of_referral

    try:
        notify_spoc_of_referral.delay(referral_id)
    except Exception:
        logger.exception("Could not queue the SPOC notification for referral id %s", referral_id)


@transaction.atomic
def referral_assign(*, referral: Referral, to, by) -> Referral:
    _require_front_door(by)
    referral.assigned_to = to
    audited_save(referral, by=by, reason="Assigned", person_id=referral.person_id)
    return referral


# --- People and duplicates (REF-4) -----------------------------------------------------


def _person_fill_search(person: Person) -> None:
    person.search_name = normalise_name(f"{person.given_name} {person.family_name}")
    person.postcode = normalise_postcode(person.postcode)


@transaction.atomic
def person_create_from_referral(*, referral: Referral, by) -> Person:
    """The practitioner confirms this is someone new: make a Person from the referral's details."""
    _require_front_door(by)
    if referral.person_id is not None:
        raise ValidationError(_("This referral is already linked to a person."))
    person = Person(
        given_name=referral.subject_given_name,
        family_name=referral.subject_family_name,
        date_of_birth=referral.subject_date_of_birth,
        nhs_number=referral.subject_nhs_number,
        address=referral.subject_address,
        postcode=referral.subject_postcode,
        phone=referral.subject_phone,
        email=referral.subject_email,
        created_by=by,
    )
    _person_fill_search(person)
    audited_save(person, by=by, reason="Created from referral", person_id=person.pk)
    referral.person = person
    audited_save(referral, by=by, reason="Confirmed as a new person", person_id=referral.person_id)
    sync_referral_grants(referral=referral)  # SEC-1: whoever holds the referral sees the person
    return person


@transaction.atomic
def referral_link_person(*, referral: Referral, person: Person, by) -> Referral:
    """Link the referral to someone already known: a returning person keeps one record."""
    _require_front_door(by)
    if referral.person_id is not None and referral.person_id != person.pk:
        raise ValidationError(_("This referral is already linked to someone else."))
    referral.person = person
    audited_save(referral, by=by, reason="Linked to an existing person", person_id=referral.person_id)
    sync_referral_grants(referral=referral)  # SEC-1: whoever holds the referral sees the person
    return referral


# The details a person may have corrected (PAR-6 rectification); never the restriction flag.
PERSON_DETAIL_FIELDS = frozenset(
    {"given_name", "family_name", "preferred_name", "date_of_birth", "nhs_number"}
    | {"address", "postcode", "phone", "email"}
)
PERSON_UPDATE_REASON_REQUIRED = gettext_lazy("Enter the reason for the correction")


@transaction.atomic
def person_update(*, person: Person, by, reason: str, **fields) -> Person:
    """Correct a person's details (PAR-6). The history keeps the old values, who changed them
    and the reason. The front door and the data protection officer may do this."""
    if not can_rectify_person(by):
        raise PermissionDenied
    unknown = set(fields) - PERSON_DETAIL_FIELDS
    if unknown:
        raise ValueError(f"Not person detail fields: {sorted(unknown)}")
    if not (reason or "").strip():
        raise ValidationError({"reason": [PERSON_UPDATE_REASON_REQUIRED]})
    for name, value in fields.items():
        setattr(person, name, value)
    _person_fill_search(person)
    # The data protection officer's correction is what a restriction for contested accuracy
    # waits for (PAR-6, Art. 18(1)(a)); the front door's is refused while restricted.
    exemption = Exemption.DATA_SUBJECT_REQUEST if can_run_subject_access(by) else None
    audited_save(person, by=by, reason=reason, person_id=person.pk, exemption=exemption)
    return person


# --- Contact and triage (REF-6 to REF-9) -----------------------------------------------


@transaction.atomic
def contact_attempt_record(
    *, referral: Referral, by, attempted_at: dt.datetime, method: str, outcome: str, notes: str = ""
) -> ContactAttempt:
    _require_front_door(by)
    if attempted_at > timezone.now() + rules.CLOCK_GRACE:
        raise ValidationError(_("The time of a contact attempt cannot be in the future."))
    if attempted_at < referral.received_at - rules.CLOCK_GRACE:
        raise ValidationError(_("A contact attempt cannot be before the referral was received."))
    # Forms give times to the minute, so "now" can read a few seconds before a referral that
    # has only just arrived; a KPI must never come out negative (REF-9).
    attempted_at = max(attempted_at, referral.received_at)
    attempt = ContactAttempt(
        referral=referral, attempted_at=attempted_at, method=method, outcome=outcome, notes=notes, by=by
    )
    audited_save(attempt, by=by, reason="Contact attempt recorded", person_id=referral.person_id)

    # REF-9: the earliest attempt and the earliest successful contact are the KPI times.
    if referral.first_contact_attempt_at is None or attempted_at < referral.first_contact_attempt_at:
        referral.first_contact_attempt_at = attempted_at
    made = outcome == ContactAttempt.Outcome.MADE_CONTACT
    if made and (referral.first_contact_made_at is None or attempted_at < referral.first_contact_made_at):
        referral.first_contact_made_at = attempted_at
    if made and referral.can_move_to(Referral.Status.IN_TRIAGE):
        referral_transition(referral=referral, to=Referral.Status.IN_TRIAGE, by=by, reason="Contact made")
    elif referral.status == Referral.Status.RECEIVED:
        referral_transition(referral=referral, to=Referral.Status.CONTACTING, by=by, reason="Contact attempted")
    _take_if_unassigned(referral, by)
    audited_save(referral, by=by, reason="Contact attempt recorded", person_id=referral.person_id)
    return attempt


TRIAGE_SCREENING_FIELDS = frozenset(
    {
        "substances",
        "lives_in_area",
        "under_18_commissioner_agreement",
        "commissioner_agreement_reference",
        "pregnant",
        "open_to_childrens_services",
        "mental_health_concern",
        "homeless",
        "screening_notes",
        "risk",
        "risk_reasons",
        "risk_notes",
    }
)


def _triage_for(referral: Referral, by) -> Triage:
    try:
        return referral.triage
    except Triage.DoesNotExist:
        return Triage(
            referral=referral,
            started_by=by,
            substances=list(referral.substances),
            pregnant=referral.pregnant,
            open_to_childrens_services=referral.open_to_childrens_services,
        )


def triage_eligibility(*, referral: Referral, triage: Triage) -> rules.Eligibility:
    person_dob = referral.person.date_of_birth if referral.person_id else None
    dob = person_dob or referral.subject_date_of_birth
    return rules.assess_eligibility(
        age=rules.age_on(dob, timezone.localdate()),
        lives_in_area=triage.lives_in_area,
        substances=triage.substances,
        under_18_commissioner_agreement=triage.under_18_commissioner_agreement,
    )


def _apply_automatic_treatment_referrals(*, referral: Referral, triage: Triage, by) -> list[TreatmentReferral]:
    """REF-7, §3.2.11: pregnancy or Children's Services adds a Treatment referral, once per reason."""
    made = []
    for reason in rules.automatic_treatment_reasons(
        pregnant=triage.pregnant, open_to_childrens_services=triage.open_to_childrens_services, source=referral.source
    ):
        if not referral.treatment_referrals.filter(reason=reason).exists():
            tr = TreatmentReferral(referral=referral, reason=reason, automatic=True, created_by=by)
            audited_save(tr, by=by, reason="Automatic referral to the Treatment Service", person_id=referral.person_id)
            made.append(tr)
    return made


@transaction.atomic
def triage_save_screening(*, referral: Referral, by, **fields) -> Triage:
    """Save screening and initial risk; may be saved many times before the outcome."""
    _require_front_door(by)
    unknown = set(fields) - TRIAGE_SCREENING_FIELDS
    if unknown:
        raise ValueError(f"Not screening fields: {sorted(unknown)}")
    if not referral.allows(Referral.Step.SCREENING):
        raise ValidationError(_("Triage is finished for this referral. Reopen it to change the screening."))
    triage = _triage_for(referral, by)
    for name, value in fields.items():
        setattr(triage, name, value)
    if triage.risk != Triage.Risk.GREEN and triage.risk and not (triage.risk_reasons or triage.risk_notes):
        raise ValidationError(_("Give the reasons for a red or amber risk rating."))
    audited_save(triage, by=by, reason="Screening saved", person_id=referral.person_id)
    _apply_automatic_treatment_referrals(referral=referral, triage=triage, by=by)
    moved = referral.status in (Referral.Status.RECEIVED, Referral.Status.CONTACTING)
    if moved:
        referral_transition(referral=referral, to=Referral.Status.IN_TRIAGE, by=by, reason="Triage started")
    if moved or referral.assigned_to_id is None:
        _take_if_unassigned(referral, by)
        audited_save(referral, by=by, reason="Triage started", person_id=referral.person_id)
    return triage


OUTCOME_NEEDS_TREATMENT = gettext_lazy(
    "This person is pregnant or open to Children's Services, so they must be referred to the "
    "Treatment Service (§3.2.11). Choose “Refer to the Treatment Service” or “ERS support and refer "
    "to the Treatment Service”."
)
OUTCOME_NOT_ELIGIBLE_MISMATCH = gettext_lazy("The screening shows this person is not eligible: %(reasons)s")
OUTCOME_REASON_REQUIRED = gettext_lazy("Give the reason for this outcome.")
OUTCOME_SIGNPOST_REQUIRED = gettext_lazy("Say where the person was signposted to.")


@transaction.atomic
def triage_complete(
    *, referral: Referral, by, outcome: str, outcome_reason: str = "", signposted_to: str = ""
) -> Triage:
    """Record the triage outcome (REF-7) and move the referral on."""
    _require_front_door(by)
    if not referral.allows(Referral.Step.OUTCOME):
        raise ValidationError(_("This referral has already been triaged."))
    triage = _triage_for(referral, by)
    errors: dict[str, list] = {}
    if outcome == Triage.Outcome.UNABLE_TO_CONTACT:
        if referral.first_contact_attempt_at is None:
            errors["outcome"] = [_("Record at least one contact attempt before closing as unable to contact.")]
    else:
        if triage.pk is None:
            errors["outcome"] = [_("Save the screening before recording the outcome.")]
        else:
            eligibility = triage_eligibility(referral=referral, triage=triage)
            auto = rules.automatic_treatment_reasons(
                pregnant=triage.pregnant,
                open_to_childrens_services=triage.open_to_childrens_services,
                source=referral.source,
            )
            if outcome in Triage.ALLOCATING_OUTCOMES | Triage.TREATMENT_OUTCOMES and not eligibility.eligible:
                errors["outcome"] = [
                    OUTCOME_NOT_ELIGIBLE_MISMATCH % {"reasons": " ".join(str(r) for r in eligibility.reasons)}
                ]
            elif auto and outcome not in Triage.TREATMENT_OUTCOMES and outcome != Triage.Outcome.NOT_ELIGIBLE:
                errors["outcome"] = [OUTCOME_NEEDS_TREATMENT]
    if outcome == Triage.Outcome.NOT_ELIGIBLE and not outcome_reason.strip():
        errors["outcome_reason"] = [OUTCOME_REASON_REQUIRED]
    if outcome == Triage.Outcome.SIGNPOST and not signposted_to.strip():
        errors["signposted_to"] = [OUTCOME_SIGNPOST_REQUIRED]
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    triage.outcome = outcome
    triage.outcome_reason = outcome_reason
    triage.signposted_to = signposted_to
    triage.completed_at = now
    triage.completed_by = by
    audited_save(triage, by=by, reason="Triage completed", person_id=referral.person_id)
    if (
        outcome in Triage.TREATMENT_OUTCOMES
        and not referral.treatment_referrals.filter(reason=TreatmentReferral.Reason.TRIAGE_OUTCOME).exists()
    ):
        tr = TreatmentReferral(referral=referral, reason=TreatmentReferral.Reason.TRIAGE_OUTCOME, created_by=by)
        audited_save(tr, by=by, reason="Referred to the Treatment Service at triage", person_id=referral.person_id)
    if triage.pk:
        _apply_automatic_treatment_referrals(referral=referral, triage=triage, by=by)

    referral.triage_completed_at = now
    if referral.status != Referral.Status.IN_TRIAGE:
        referral_transition(referral=referral, to=Referral.Status.IN_TRIAGE, by=by, reason="Triage", at=now)
    if outcome in Triage.ALLOCATING_OUTCOMES:
        referral_transition(
            referral=referral, to=Referral.Status.TRIAGED, by=by, reason=Triage.Outcome(outcome).label, at=now
        )
    else:
        referral_transition(
            referral=referral, to=Referral.Status.CLOSED, by=by, reason=Triage.Outcome(outcome).label, at=now
        )
    audited_save(referral, by=by, reason="Triage completed", person_id=referral.person_id)
    return triage


ALLOCATE_NOT_A_WORKER = gettext_lazy("Choose a recovery worker, peer support worker or team manager.")


@transaction.atomic
def referral_allocate(*, referral: Referral, hub, worker, by) -> Referral:
    """Allocate to a hub and a worker (REF-7 accepted outcomes only)."""
    _require_front_door(by)
    if not referral.allows(Referral.Step.ALLOCATE):
        raise ValidationError(_("Only a referral accepted for ERS support at triage can be allocated."))
    _check_allocatable(hub=hub, worker=worker)
    referral.hub = hub
    referral.allocated_worker = worker
    referral.allocated_at = timezone.now()
    referral_transition(referral=referral, to=Referral.Status.ALLOCATED, by=by, reason=f"Allocated to {hub.name}")
    audited_save(referral, by=by, reason="Allocated", person_id=referral.person_id)
    sync_referral_grants(referral=referral)  # SEC-1: the worker and their hub team see it now
    return referral


def _check_allocatable(*, hub, worker) -> None:
    # Only an active hub worker, peer worker or manager of the chosen hub can hold a caseload.
    membership = membership_of(worker)
    if membership is None or membership.role not in ALLOCATABLE_ROLES:
        raise ValidationError({"worker": [ALLOCATE_NOT_A_WORKER]})
    if membership.hub_id != hub.pk:
        raise ValidationError({"worker": [_("Choose a worker from the %(hub)s hub.") % {"hub": hub.name}]})


REALLOCATE_REASON_REQUIRED = gettext_lazy("Enter the reason for reallocating the referral")


@transaction.atomic
def referral_reallocate(*, referral: Referral, hub, worker, by, reason: str) -> Referral:
    """Move an allocated referral to another worker or hub (a manager balancing caseloads, a
    worker leaving). The status stays "allocated" and ``allocated_at`` keeps the first
    allocation's time (the KPI); the old worker and hub lose access in the same transaction."""
    _require_front_door(by)
    if not referral.allows(Referral.Step.REALLOCATE):
        raise ValidationError(_("Only an allocated referral can be reallocated."))
    if not reason.strip():
        raise ValidationError({"reason": [REALLOCATE_REASON_REQUIRED]})
    _check_allocatable(hub=hub, worker=worker)
    referral.hub = hub
    referral.allocated_worker = worker
    audited_save(referral, by=by, reason=f"Reallocated: {reason.strip()}", person_id=referral.person_id)
    sync_referral_grants(referral=referral)
    return referral


@transaction.atomic
def referral_close(*, referral: Referral, by, reason: str) -> Referral:
    _require_front_door(by)
    referral_transition(referral=referral, to=Referral.Status.CLOSED, by=by, reason=reason)
    audited_save(referral, by=by, reason="Closed", person_id=referral.person_id)
    # Closing keeps the allocation, so the worker and hub keep read access to the history;
    # the referral leaves caseload lists (allocated only). See referrals.services.grants.
    sync_referral_grants(referral=referral)
    return referral


@transaction.atomic
def referral_reopen(*, referral: Referral, by, reason: str) -> Referral:
    _require_front_door(by)
    referral_transition(referral=referral, to=Referral.Status.RECEIVED, by=by, reason=reason)
    # Back to the front door: triage and allocation are done again. Their earlier values stay
    # in the history and the transition log, so nothing recorded is lost.
    referral.triage_completed_at = None
    referral.hub = referral.allocated_worker = referral.allocated_at = None
    if hasattr(referral, "triage"):
        triage = referral.triage
        triage.outcome, triage.outcome_reason, triage.signposted_to = "", "", ""
        triage.completed_at, triage.completed_by = None, None
        audited_save(triage, by=by, reason="Referral reopened", person_id=referral.person_id)
    audited_save(referral, by=by, reason="Reopened", person_id=referral.person_id)
    sync_referral_grants(referral=referral)  # allocation cleared: back to the front door only
    return referral


@transaction.atomic
def escalation_record(
    *, referral: Referral, by, action: str, done_at: dt.datetime, done_by_name: str, notes: str = ""
) -> Escalation:
    _require_front_door(by)
    if done_at > timezone.now() + rules.CLOCK_GRACE:
        raise ValidationError({"done_at": [_("The time an action was taken cannot be in the future.")]})
    escalation = Escalation(
        referral=referral, action=action, done_at=done_at, done_by_name=done_by_name, notes=notes, recorded_by=by
    )
    audited_save(
        escalation,
        by=by,
        reason="Escalation recorded",
        person_id=referral.person_id,
        exemption=Exemption.VITAL_INTERESTS,
    )
    return escalation


@transaction.atomic
def warm_introduction_record(
    *, referral: Referral, by, introduced_to: str, organisation: str, introduced_at: dt.datetime, notes: str = ""
) -> WarmIntroduction:
    _require_front_door(by)
    if introduced_at > timezone.now() + rules.CLOCK_GRACE:
        raise ValidationError({"introduced_at": [_("The time of an introduction cannot be in the future.")]})
    intro = WarmIntroduction(
        referral=referral,
        introduced_by=by,
        introduced_to=introduced_to,
        organisation=organisation,
        introduced_at=introduced_at,
        notes=notes,
    )
    audited_save(intro, by=by, reason="Warm introduction recorded", person_id=referral.person_id)
    return intro


# --- First appointment (REF-9) -----------------------------------------------------------

# A first appointment follows acceptance for ERS support at triage, before or after allocation.
FIRST_APPOINTMENT_NOT_OPEN = gettext_lazy(
    "You can only record a first appointment for a referral accepted for ERS support at triage and not closed."
)
OFFERED_IN_FUTURE = gettext_lazy("The date the first appointment was offered must be now or in the past")
OFFERED_BEFORE_RECEIVED = gettext_lazy(
    "The date the first appointment was offered must be after the referral was received on %(received)s"
)
ATTENDED_IN_FUTURE = gettext_lazy("The date the person attended must be now or in the past")
ATTENDED_BEFORE_OFFERED = gettext_lazy(
    "The date the person attended must be after the appointment was offered on %(offered)s"
)
ATTENDED_AND_DID_NOT_ATTEND = gettext_lazy("Say either when the person attended or that they did not attend")


def local_date_time(value: dt.datetime) -> str:
    """A moment as it reads in messages: "10 March 2026 at 12:00", local time."""
    return formats.date_format(timezone.localtime(value), "j F Y \\a\\t H:i")


def first_appointment_may_record(*, referral: Referral, by) -> bool:
    """The front door, or the caseworker the referral is allocated to."""
    if can_work_front_door(by):
        return True
    return (
        sees_allocated_caseload(by)
        and referral.allocated_worker_id is not None
        and referral.allocated_worker_id == by.pk
    )


@transaction.atomic
def referral_first_appointment_record(
    *,
    referral: Referral,
    by,
    offered_at: dt.datetime,
    attended_at: dt.datetime | None = None,
    did_not_attend: bool = False,
) -> Referral:
    """REF-9: when the first appointment was offered and when the person attended it.

    ``offered_at`` is when the offer was made (the KPI measures referral to offer), not the
    date of the appointment. Recording again replaces both times; the history keeps the old
    ones. ``did_not_attend`` leaves nothing attended and says so in the history reason.
    """
    if not first_appointment_may_record(referral=referral, by=by):
        raise PermissionDenied
    if not referral.allows(Referral.Step.FIRST_APPOINTMENT):
        raise ValidationError(FIRST_APPOINTMENT_NOT_OPEN, code="not_open")
    latest = timezone.now() + rules.CLOCK_GRACE
    errors: dict[str, list] = {}
    if offered_at > latest:
        errors["offered_at"] = [OFFERED_IN_FUTURE]
    elif offered_at < referral.received_at - rules.CLOCK_GRACE:
        errors["offered_at"] = [OFFERED_BEFORE_RECEIVED % {"received": local_date_time(referral.received_at)}]
    if attended_at is not None:
        if did_not_attend:
            errors["attended_at"] = [ATTENDED_AND_DID_NOT_ATTEND]
        elif attended_at > latest:
            errors["attended_at"] = [ATTENDED_IN_FUTURE]
        elif attended_at < offered_at:
            errors["attended_at"] = [ATTENDED_BEFORE_OFFERED % {"offered": local_date_time(offered_at)}]
    if errors:
        raise ValidationError(errors)

    referral.first_appointment_offered_at = offered_at
    referral.first_appointment_attended_at = attended_at
    if attended_at is not None:
        reason = "First appointment attended"
    elif did_not_attend:
        reason = "First appointment offered: did not attend"
    else:
        reason = "First appointment offered"
    audited_save(referral, by=by, reason=reason, person_id=referral.person_id)
    return referral
