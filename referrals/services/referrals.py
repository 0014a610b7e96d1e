"""Intake, people and the referral's status (CONVENTIONS: services): receiving a referral,
assigning it, confirming or linking the person, correcting their details, and
``referral_transition``. Contact and triage are in ``referrals.services.triage``; allocation,
closing, reopening and the first appointment in ``referrals.services.allocation``.

Each service is told who acts, checks that they may, runs in a transaction and records
history with the acting user and a reason.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.audit import Exemption, ExpectedVersion, audited_save
from common.tasks import enqueue_on_commit
from partnership.access import can_record_referral, can_rectify_person, can_run_subject_access, can_work_front_door
from referrals import places, rules
from referrals.matching import normalise_name, normalise_postcode
from referrals.models import Person, Referral, StatusTransition
from referrals.services.grants import sync_referral_grants

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)


class InvalidTransition(ValidationError):
    pass


def _require_front_door(by: User) -> None:
    if not can_work_front_door(by):
        raise PermissionDenied


def _take_if_unassigned(referral: Referral, by: User) -> None:
    """Whoever starts working an unassigned referral becomes its SPOC owner, so the queue
    shows who has it without a separate "assign to me" click."""
    if referral.assigned_to_id is None:
        referral.assigned_to = by


def referral_transition(
    *, referral: Referral, to: str, by: User, reason: str = "", at: dt.datetime | None = None
) -> None:
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
        "priority_reason",
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
    by: User | None = None,
    submission_token: uuid.UUID | None = None,
    received_at: dt.datetime | None = None,
) -> tuple[Referral, bool]:
    """Record a referral from any channel (REF-1, REF-3). ``by`` is None for the public form.

    Returns ``(referral, created)``. The same ``submission_token`` twice returns the first
    referral: a double-clicked submit makes one referral, not two. The referral is stored
    before any notification is tried, and a failed notification never loses it.
    """
    # No wrong door: anyone on staff who meets people may record one (see can_record_referral).
    if by is not None and not can_record_referral(by):
        raise PermissionDenied
    if submission_token is not None:
        existing = Referral.objects.filter(submission_token=submission_token).first()
        if existing is not None:
            return existing, False
    unknown = set(data) - REFERRAL_INTAKE_FIELDS
    if unknown:
        raise ValueError(f"Not referral intake fields: {sorted(unknown)}")
    referral = Referral(**data, channel=channel, created_by=by, submission_token=submission_token)
    # Coded for the reports: as staff gave it, else worked out from the postcode.
    referral.council_of_residence = referral.council_of_residence or places.council_for_postcode(
        referral.subject_postcode
    )
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

    _notify_spoc(referral.pk)
    return referral, True


def _notify_spoc(referral_id: int) -> None:
    # Sent after the referral is committed (REF-3): a broker or mail failure is logged, by
    # task name only, and never reaches the person who referred.
    from referrals.tasks import notify_spoc_of_referral

    enqueue_on_commit(notify_spoc_of_referral, referral_id)


@transaction.atomic
def referral_assign(
    *, referral: Referral, to: User, by: User, expected_version: ExpectedVersion | None = None
) -> Referral:
    _require_front_door(by)
    referral.assigned_to = to
    audited_save(referral, by=by, reason="Assigned", person_id=referral.person_id, expected_version=expected_version)
    return referral


# --- People and duplicates (REF-4) -----------------------------------------------------


def _person_fill_search(person: Person) -> None:
    person.search_name = normalise_name(f"{person.given_name} {person.family_name}")
    person.postcode = normalise_postcode(person.postcode)


@transaction.atomic
def person_create_from_referral(*, referral: Referral, by: User) -> Person:
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
        council_of_residence=referral.council_of_residence or places.council_for_postcode(referral.subject_postcode),
        created_by=by,
    )
    _person_fill_search(person)
    audited_save(person, by=by, reason="Created from referral", person_id=person.pk)
    referral.person = person
    audited_save(referral, by=by, reason="Confirmed as a new person", person_id=referral.person_id)
    sync_referral_grants(referral=referral)  # SEC-1: whoever holds the referral sees the person
    return person


@transaction.atomic
def referral_link_person(*, referral: Referral, person: Person, by: User) -> Referral:
    """Link the referral to someone already known: a returning person keeps one record."""
    _require_front_door(by)
    if referral.person_id is not None and referral.person_id != person.pk:
        raise ValidationError(_("This referral is already linked to someone else."))
    referral.person = person
    # One council of residence for both: the referral's (the newest address) if it has one,
    # else the one already known for the person.
    if referral.council_of_residence and referral.council_of_residence != person.council_of_residence:
        person.council_of_residence = referral.council_of_residence
        audited_save(person, by=by, reason="Council of residence from a new referral", person_id=person.pk)
    elif not referral.council_of_residence:
        referral.council_of_residence = person.council_of_residence
    audited_save(referral, by=by, reason="Linked to an existing person", person_id=referral.person_id)
    sync_referral_grants(referral=referral)  # SEC-1: whoever holds the referral sees the person
    return referral


# The details a person may have corrected (PAR-6 rectification); never the restriction flag.
PERSON_DETAIL_FIELDS = frozenset(
    {"given_name", "family_name", "preferred_name", "pronouns", "date_of_birth", "nhs_number"}
    | {"address", "postcode", "phone", "email"}
)
PERSON_UPDATE_REASON_REQUIRED = gettext_lazy("Enter the reason for the correction")


@transaction.atomic
def person_update(
    *, person: Person, by: User, reason: str, expected_version: ExpectedVersion | None = None, **fields: Any
) -> Person:
    """Correct a person's details (PAR-6). The history keeps the old values, who changed them
    and the reason. The front door and the data protection officer may do this.
    ``expected_version``: what the form was loaded from (SEC-5)."""
    if not can_rectify_person(by):
        raise PermissionDenied
    unknown = set(fields) - PERSON_DETAIL_FIELDS
    if unknown:
        raise ValueError(f"Not person detail fields: {sorted(unknown)}")
    if not (reason or "").strip():
        raise ValidationError({"reason": [PERSON_UPDATE_REASON_REQUIRED]})
    moved = "postcode" in fields and normalise_postcode(fields["postcode"]) != normalise_postcode(person.postcode)
    for name, value in fields.items():
        setattr(person, name, value)
    _person_fill_search(person)
    if moved:
        # A new postcode: the council is worked out again from it, or "not known" (asked at the
        # next triage) where it cannot tell; the council of the old address no longer holds.
        person.council_of_residence = places.council_for_postcode(person.postcode)
    # The data protection officer's correction is what a restriction for contested accuracy
    # waits for (PAR-6, Art. 18(1)(a)); the front door's is refused while restricted.
    exemption = Exemption.DATA_SUBJECT_REQUEST if can_run_subject_access(by) else None
    audited_save(
        person, by=by, reason=reason, person_id=person.pk, exemption=exemption, expected_version=expected_version
    )
    return person
