"""Reads for sharing a safeguarding concern with the Treatment Service (SAF-1).

Staff who work on concerns read a concern's shares through the concern they already fetched
(``selectors_concerns.concern_get_for``: 404 and the access log there). A Treatment practitioner
reads only the concerns shared with their organisation, about a person whose record is shared
with it (``referrals.selectors.sharing.shared_person_get_for`` fetched the person and logged it):
a concern never shared is not there at all, not even its existence.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from partnership.access import membership_of, sees_shared_concerns
from partnership.models import Organisation
from referrals.models import Person
from referrals.selectors.sharing import shared_people_for
from referrals.services.grants import organisations_shared_with
from safeguarding.concern_grants import concerns_shared_with
from safeguarding.models import Concern, ConcernAction, ConcernShare


def shares_of(*, concern: Concern) -> list[ConcernShare]:
    """Every share of the concern, standing first, then newest (one query)."""
    return sorted(
        ConcernShare.objects.filter(concern=concern).select_related("organisation", "shared_by", "withdrawn_by"),
        key=lambda share: (not share.is_standing, -share.shared_at.timestamp(), -share.pk),
    )


def share_options(*, concern: Concern, shares: list[ConcernShare] | None = None) -> list[Organisation]:
    """The Treatment organisations the person's record is shared with and this concern is not
    (yet): the only ones it may be shared with."""
    if shares is None:
        shares = shares_of(concern=concern)
    standing = {share.organisation_id for share in shares if share.is_standing}
    return [
        organisation
        for organisation in organisations_shared_with(person=concern.person)
        if organisation.kind == Organisation.Kind.TREATMENT and organisation.pk not in standing
    ]


def standing_share_get(*, concern: Concern, pk: int) -> ConcernShare | None:
    return ConcernShare.objects.select_related("organisation").filter(concern=concern, pk=pk).first()


def concerns_shared_with_user(*, user, person: Person) -> list[Concern]:
    """The concerns about ``person`` shared with the user's Treatment organisation, newest
    first, with their actions (two queries); nothing for anyone else."""
    membership = membership_of(user)
    if not sees_shared_concerns(user) or membership is None:
        return []
    concerns: QuerySet[Concern] = Concern.objects.filter(
        person=person,
        person__in=shared_people_for(user=user).values("pk"),
        pk__in=concerns_shared_with(membership.organisation_id),
    )
    return list(
        concerns.select_related("raised_by")
        .prefetch_related(Prefetch("actions", queryset=ConcernAction.objects.select_related("owner")))
        .order_by("-raised_at", "-pk")
    )
