"""Reads for sharing with the Treatment Service and other services (PAR-3, PAR-4, SEC-1).

A Treatment Service practitioner's world is exactly the people whose record has been shared
with their organisation: the django-guardian object permission ``referrals.view_shared_record``
granted to the organisation's group by ``referrals.services.grants``. No model-level permission and
no superuser short cut widen it (``accept_global_perms=False``, ``with_superuser=False``).
"""

from __future__ import annotations

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.http import Http404
from guardian.shortcuts import get_objects_for_user

from partnership.access import membership_of, works_for_treatment_service
from referrals.models import OnwardReferral, Person, Referral, TreatmentReferral
from referrals.selectors.referrals import record_view

SHARED_RECORD_PERMISSION = "referrals.view_shared_record"


def shared_people_for(*, user) -> QuerySet[Person]:
    """People shared with the user's Treatment organisation; nobody for anyone else."""
    if not works_for_treatment_service(user):
        return Person.objects.none()
    return get_objects_for_user(
        user, SHARED_RECORD_PERMISSION, klass=Person, accept_global_perms=False, with_superuser=False
    )


def shared_person_get_for(*, user, reference: str, purpose: str) -> Person:
    """The person, or 404 exactly as if they did not exist when not shared with the user;
    fetching them writes the access-log row (SEC-2)."""
    person = shared_people_for(user=user).filter(reference=reference).first()
    if person is None:
        raise Http404
    record_view(user=user, obj=person, person_id=person.pk, purpose=purpose)
    return person


def _sent_to(user) -> QuerySet[TreatmentReferral]:
    membership = membership_of(user)
    organisation_id = membership.organisation_id if membership else None
    return TreatmentReferral.objects.filter(organisation_id=organisation_id, status__in=TreatmentReferral.SENT_STATUSES)


def shared_people_list_for(*, user) -> QuerySet[Person]:
    """ "People shared with us": each person with their newest referral sent to the user's
    organisation (when sent, and where it stands), in one query for a page of rows."""
    newest = _sent_to(user).filter(referral__person=OuterRef("pk")).order_by("-sent_at", "-pk")
    return (
        shared_people_for(user=user)
        .annotate(
            last_sent_at=Subquery(newest.values("sent_at")[:1]),
            last_status=Subquery(newest.values("status")[:1]),
        )
        .order_by(F("last_sent_at").desc(nulls_last=True), "family_name", "given_name", "pk")
    )


def treatment_referrals_shared_with(*, user, person: Person) -> list[TreatmentReferral]:
    """The referrals sent to the user's organisation about a person they may see, newest first:
    the only part of the ERS record they are shown (PAR-3, SEC-1)."""
    return list(
        _sent_to(user)
        .filter(referral__person=person)
        .select_related("outcome_recorded_by", "organisation")
        .order_by("-sent_at", "-pk")
    )


def treatment_referral_for_sending(*, referral: Referral, reference: str) -> TreatmentReferral:
    """A Treatment referral of a referral the user may already see, or 404."""
    treatment_referral = (
        TreatmentReferral.objects.select_related("organisation", "sent_by", "sharing_basis")
        .filter(referral=referral, reference=reference)
        .first()
    )
    if treatment_referral is None:
        raise Http404
    treatment_referral.referral = referral
    return treatment_referral


def onward_referrals_for(*, referral: Referral) -> QuerySet[OnwardReferral]:
    return OnwardReferral.objects.filter(referral=referral).select_related(
        "sent_by", "outcome_recorded_by", "sharing_basis"
    )


def onward_referral_get(*, referral: Referral, pk: int) -> OnwardReferral:
    onward = onward_referrals_for(referral=referral).filter(pk=pk).first()
    if onward is None:
        raise Http404
    onward.referral = referral
    return onward
