"""Sharing a safeguarding concern with the Treatment Service on a recorded basis, and withdrawing
it (SAF-1: "the Treatment Service sees no detail unless shared on a recorded basis").

A share names one concern, a Treatment organisation the person's record is already shared with,
the lawful basis and the reason. It writes the disclosure log (PAR-5, dataset "Safeguarding
concern"), the share's own audited row, and the organisation's grant on the concern
(``safeguarding.concern_grants``). A withdrawal records who, when and why, and takes the grant
away in the same transaction; so does the end of sharing the person's record
(``share_withdraw_with_record``, called through ``partnership.registry``).

Restriction of processing (PAR-6): a share on the safeguarding or vital-interests basis is the
Article 18(2) exception the concerns use (``Exemption.VITAL_INTERESTS``); a share on consent or
another basis is refused while the person's processing is restricted. A withdrawal only narrows
who sees the concern and is never refused for it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.audit import Exemption, audited_save, version_check
from partnership.access import can_share_concerns
from referrals.models import Consent, Disclosure
from referrals.services.consent import disclosure_record
from safeguarding import concern_grants
from safeguarding.models import Concern, ConcernShare
from safeguarding.selectors_concern_sharing import share_options
from safeguarding.services_concerns import may_work_on

ORGANISATION_NOT_SHARED = _(
    "Select a Treatment organisation the person's record is shared with and this concern is not shared with yet"
)
BASIS_REQUIRED = _("Select the lawful basis for sharing the concern")
REASON_REQUIRED = _("Say why the Treatment Service needs to know about this concern")
WITHDRAWAL_REASON_REQUIRED = _("Say why the concern is no longer shared")
ALREADY_WITHDRAWN = _("This share has already been withdrawn")

# Bases that protect the person or someone else: allowed under a restriction (Article 18(2)).
PROTECTIVE_BASES = (Consent.LawfulBasis.SAFEGUARDING, Consent.LawfulBasis.VITAL_INTERESTS)


def _require(by, concern: Concern) -> None:
    if not (can_share_concerns(by) and may_work_on(user=by, concern=concern)):
        raise PermissionDenied


@transaction.atomic
def concern_share(*, concern: Concern, organisation, lawful_basis: str, reason: str, by) -> ConcernShare:
    _require(by, concern)
    reason = (reason or "").strip()
    errors: dict[str, list] = {}
    if organisation is None or organisation.pk not in {o.pk for o in share_options(concern=concern)}:
        errors["organisation"] = [ORGANISATION_NOT_SHARED]
    if lawful_basis not in Consent.LawfulBasis.values:
        errors["lawful_basis"] = [BASIS_REQUIRED]
    if not reason:
        errors["reason"] = [REASON_REQUIRED]
    if errors:
        raise ValidationError(errors)
    exemption = Exemption.VITAL_INTERESTS if lawful_basis in PROTECTIVE_BASES else None
    disclosure = disclosure_record(
        person=concern.person,
        by=by,
        dataset=Disclosure.Dataset.SAFEGUARDING_CONCERN,
        lawful_basis=lawful_basis,
        to_organisation=organisation,
        description=f"Safeguarding concern {concern.reference}",
        obj=concern,
        exemption=exemption,
    )
    share = ConcernShare(
        concern=concern,
        organisation=organisation,
        lawful_basis=lawful_basis,
        reason=reason[:4000],
        disclosure=disclosure,
        shared_at=disclosure.at,
        shared_by=by,
    )
    audited_save(share, by=by, reason="Concern shared", person_id=concern.person_id, exemption=exemption)
    concern_grants.share_concern_with_organisation(
        concern=concern, organisation=organisation, by=by, reason=f"safeguarding concern {concern.reference}"
    )
    return share


def _withdraw(share: ConcernShare, *, by, reason: str) -> None:
    share.withdrawn_at = timezone.now()
    share.withdrawn_by = by
    share.withdrawal_reason = reason[:500]
    audited_save(
        share,
        by=by,
        reason="Concern share withdrawn",
        person_id=share.concern.person_id,
        exemption=Exemption.VITAL_INTERESTS,
    )
    concern_grants.unshare_concern_with_organisation(
        concern=share.concern,
        organisation=share.organisation,
        by=by,
        reason=f"safeguarding concern {share.concern.reference} no longer shared",
    )


@transaction.atomic
def concern_share_withdraw(*, share: ConcernShare, reason: str, by, expected_version=None) -> ConcernShare:
    concern = share.concern
    _require(by, concern)
    share = ConcernShare.objects.select_for_update().select_related("organisation").get(pk=share.pk)
    share.concern = concern
    version_check(share, expected_version)  # SEC-5
    reason = (reason or "").strip()
    if not share.is_standing:
        raise ValidationError(ALREADY_WITHDRAWN)
    if not reason:
        raise ValidationError({"reason": [WITHDRAWAL_REASON_REQUIRED]})
    _withdraw(share, by=by, reason=reason)
    return share


@transaction.atomic
def share_withdraw_with_record(*, person_id: int, organisation, by, reason: str) -> int:
    """The person's record is no longer shared with ``organisation``: neither is any concern
    about them (whoever withdrew the record; a withdrawal is never held up). Returns how many."""
    shares = list(
        ConcernShare.objects.select_for_update()
        .select_related("concern", "organisation")
        .filter(concern__person_id=person_id, organisation=organisation, withdrawn_at__isnull=True)
    )
    for share in shares:
        _withdraw(share, by=by, reason=f"The person's record is no longer shared: {reason}")
    return len(shares)
