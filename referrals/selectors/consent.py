"""Who a person's information may go to, and what has gone (PAR-2, PAR-5): reads and rules.

The rules work on a list of a person's ``Consent`` rows already loaded (one query), so a page
can ask several questions of them without another query each. Nothing here writes: writes
are ``referrals.services.consent``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from referrals.models import Consent, Disclosure

Recipient = Consent.Recipient
LawfulBasis = Consent.LawfulBasis


def consents_for_person(*, person_id: int) -> QuerySet[Consent]:
    """Every sharing decision about the person, newest first, with who recorded it."""
    return Consent.objects.filter(person_id=person_id).select_related("recorded_by", "withdrawn_by")


def disclosures_for_person(*, person_id: int) -> QuerySet[Disclosure]:
    """Every disclosure of the person's data, newest first (PAR-5)."""
    return Disclosure.objects.filter(person_id=person_id).select_related("by", "to_organisation", "consent")


def _same_recipient(consent: Consent, recipient: str, agency_name: str | None) -> bool:
    if consent.recipient != recipient:
        return False
    if recipient == Recipient.OTHER_AGENCY and agency_name is not None:
        return consent.agency_name.strip().casefold() == agency_name.strip().casefold()
    return True


def _newest_first(consents: Iterable[Consent]) -> list[Consent]:
    return sorted(consents, key=lambda c: (c.recorded_at, c.pk or 0), reverse=True)


def current_consents(consents: Iterable[Consent]) -> list[Consent]:
    """The decisions that count now, newest first.

    For consent itself, the newest decision per recipient is the person's current wish: a
    "no" recorded after a "yes" replaces it. A record on another lawful basis (vital
    interests, safeguarding, a legal duty) stands on its own until it is withdrawn.
    """
    current, seen = [], set()
    for consent in _newest_first(consents):
        if consent.lawful_basis == LawfulBasis.CONSENT:
            key = (consent.recipient, consent.agency_name.strip().casefold())
            if key in seen:
                continue
            seen.add(key)
            if not consent.is_withdrawn:
                current.append(consent)
        elif not consent.is_withdrawn:
            current.append(consent)
    return current


def sharing_basis(consents: Iterable[Consent], *, recipient: str, agency_name: str | None = None) -> Consent | None:
    """The record that makes sharing with ``recipient`` lawful now, or None.

    The person's own consent is cited first; another lawful basis only where there is no
    consent (§3.16.2: "explicit consent or another valid legal basis")."""
    current = [c for c in current_consents(consents) if _same_recipient(c, recipient, agency_name)]
    for consent in current:
        if consent.lawful_basis == LawfulBasis.CONSENT and consent.given:
            return consent
    for consent in current:
        if consent.allows_sharing:
            return consent
    return None


def sharing_allowed(consents: Iterable[Consent], *, recipient: str, agency_name: str | None = None) -> bool:
    return sharing_basis(consents, recipient=recipient, agency_name=agency_name) is not None


def reviews_due(consents: Iterable[Consent], *, today: dt.date | None = None) -> list[Consent]:
    """Current decisions six months old or more: ask the person again (TH: consent "should be
    sought every 6 months"; a "no" is also asked again, sensitively)."""
    today = today or timezone.localdate()
    return [c for c in current_consents(consents) if c.review_due <= today]


def bases_allowing(consents: Iterable[Consent], *, recipients: Iterable[str]) -> list[Consent]:
    """Current records that allow sharing with any of ``recipients``, for a form to choose from."""
    wanted = set(recipients)
    return [c for c in current_consents(consents) if c.recipient in wanted and c.allows_sharing]
