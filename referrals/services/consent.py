"""Writes for consent, lawful basis and disclosures (PAR-2, PAR-5, §3.16, §3.24).

Every write saves through ``common.audit.audited_save``: the history names who acted and why,
and nothing new is recorded about a person whose processing is restricted (PAR-6), except a
withdrawal of consent, which only narrows what may be done (the person's own request).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from common.audit import Exemption, ExpectedVersion, audited_save, version_check
from partnership.access import can_share_records
from partnership.models import AccessLog, Organisation
from partnership.services import access_log_record
from referrals.models import CONSENT_REVIEW_MONTHS, Consent, Disclosure, add_months
from referrals.selectors.consent import sharing_allowed
from referrals.services import grants

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db import models

    from referrals.models import Person

CONSENT_AGENCY_NAME_REQUIRED = gettext_lazy("Enter the name of the agency")
CONSENT_BASIS_NOTE_REQUIRED = gettext_lazy("Explain why sharing is lawful without the person's consent")
CONSENT_RECORDED_IN_FUTURE = gettext_lazy("The time the decision was recorded cannot be in the future")
CONSENT_ALREADY_WITHDRAWN = gettext_lazy("This has already been withdrawn.")
CONSENT_NOTHING_TO_WITHDRAW = gettext_lazy("The person did not agree to share, so there is nothing to withdraw.")
WITHDRAWAL_REASON_REQUIRED = gettext_lazy("Enter the reason for the withdrawal")


def _require_sharing_staff(by: User) -> None:
    if not can_share_records(by):
        raise PermissionDenied


def _end_treatment_access_without_basis(*, person: Person, by: User, reason: str) -> bool:
    """PAR-2: a withdrawal is honoured at once. When nothing makes sharing with the Treatment
    Service lawful any more, every Treatment organisation loses its grant on the person now,
    not at the next sync. Returns True when access was removed."""
    consents = list(Consent.objects.filter(person_id=person.pk))
    if sharing_allowed(consents, recipient=Consent.Recipient.TREATMENT):
        return False
    for organisation in Organisation.objects.filter(kind=Organisation.Kind.TREATMENT):
        grants.unshare_person_with_organisation(person=person, organisation=organisation, by=by, reason=reason)
    return True


@transaction.atomic
def consent_record(
    *,
    person: Person,
    by: User,
    recipient: str,
    given: bool,
    lawful_basis: str = Consent.LawfulBasis.CONSENT,
    agency_name: str = "",
    basis_note: str = "",
    recorded_at: dt.datetime | None = None,
) -> Consent:
    """Record who the person agrees to share with, or another lawful basis (PAR-2, §3.16.2).

    The review date is six months on (TH information governance). A later "no" for the
    Treatment Service takes its access away at once, like a withdrawal. Refused while the
    person's processing is restricted (PAR-6).
    """
    _require_sharing_staff(by)
    agency_name = agency_name.strip() if recipient == Consent.Recipient.OTHER_AGENCY else ""
    basis_note = basis_note.strip() if lawful_basis != Consent.LawfulBasis.CONSENT else ""
    now = timezone.now()
    recorded_at = recorded_at or now
    errors: dict[str, list] = {}
    if recipient == Consent.Recipient.OTHER_AGENCY and not agency_name:
        errors["agency_name"] = [CONSENT_AGENCY_NAME_REQUIRED]
    if lawful_basis != Consent.LawfulBasis.CONSENT and not basis_note:
        errors["basis_note"] = [CONSENT_BASIS_NOTE_REQUIRED]
    if recorded_at > now + dt.timedelta(minutes=5):
        errors["recorded_at"] = [CONSENT_RECORDED_IN_FUTURE]
    if errors:
        raise ValidationError(errors)
    consent = Consent(
        person=person,
        recipient=recipient,
        agency_name=agency_name,
        given=given,
        lawful_basis=lawful_basis,
        basis_note=basis_note,
        recorded_by=by,
        recorded_at=recorded_at,
        review_due=add_months(timezone.localdate(recorded_at), CONSENT_REVIEW_MONTHS),
    )
    audited_save(consent, by=by, reason="Consent recorded" if given else "Consent declined", person_id=person.pk)
    if recipient == Consent.Recipient.TREATMENT:
        _end_treatment_access_without_basis(person=person, by=by, reason="The person did not agree to share")
    return consent


@transaction.atomic
def consent_withdraw(
    *,
    consent: Consent,
    by: User,
    reason: str,
    at: dt.datetime | None = None,
    expected_version: ExpectedVersion | None = None,
) -> Consent:
    """Withdraw consent, or end another lawful basis, with the reason (PAR-2).

    Where this was the only lawful basis for sharing with the Treatment Service, the
    Treatment organisations lose access to the person in the same transaction. Allowed under
    restriction of processing: a withdrawal is the person's own request and only narrows
    what may be done with their information.
    """
    _require_sharing_staff(by)
    consent = Consent.objects.select_for_update().select_related("person").get(pk=consent.pk)
    version_check(consent, expected_version)  # SEC-5
    reason = (reason or "").strip()
    if consent.is_withdrawn:
        raise ValidationError(CONSENT_ALREADY_WITHDRAWN)
    if not consent.allows_sharing:
        raise ValidationError(CONSENT_NOTHING_TO_WITHDRAW)
    if not reason:
        raise ValidationError({"reason": [WITHDRAWAL_REASON_REQUIRED]})
    consent.withdrawn_at = at or timezone.now()
    consent.withdrawn_by = by
    consent.withdrawal_reason = reason[:1000]
    audited_save(
        consent,
        by=by,
        reason="Consent withdrawn",
        person_id=consent.person_id,
        exemption=Exemption.DATA_SUBJECT_REQUEST,
    )
    if consent.recipient == Consent.Recipient.TREATMENT:
        _end_treatment_access_without_basis(person=consent.person, by=by, reason="Consent withdrawn")
    return consent


def disclosure_record(
    *,
    person: Person,
    by: User,
    dataset: str,
    lawful_basis: str,
    to_organisation: Organisation | None = None,
    to_organisation_name: str = "",
    consent: Consent | None = None,
    description: str = "",
    obj: models.Model | None = None,
    at: dt.datetime | None = None,
    exemption: Exemption | None = None,
) -> Disclosure:
    """Log one disclosure of a person's data to another organisation: what kind of data, to
    whom, on what lawful basis, by whom (PAR-5, §3.16.6). Also an access-log DISCLOSE row, so
    the access log alone answers "who has this person's data gone to".

    Refused while the person's processing is restricted (PAR-6), unless the caller names the
    exemption that allows the disclosure itself."""
    _require_sharing_staff(by)
    name = (to_organisation_name or (to_organisation.name if to_organisation else "")).strip()
    if not name:
        raise ValueError("A disclosure needs the organisation it went to.")
    disclosure = Disclosure(
        person_id=person.pk,
        to_organisation=to_organisation,
        to_organisation_name=name[:200],
        dataset=dataset,
        description=description[:500],
        lawful_basis=lawful_basis,
        consent=consent,
        by=by,
        at=at or timezone.now(),
    )
    audited_save(disclosure, by=by, reason="Disclosure recorded", person_id=person.pk, exemption=exemption)
    access_log_record(
        user=by,
        action=AccessLog.Action.DISCLOSE,
        obj=obj if obj is not None else disclosure,
        person_id=person.pk,
        reason=f"{Disclosure.Dataset(dataset).label} to {name}",
    )
    return disclosure
