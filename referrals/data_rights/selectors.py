"""Reads for the data rights pages (PAR-6), scoped to the user asking.

The data protection officer reaches any person: answering a subject access request or a
restriction is their job, and every page they open still writes an access-log row. The
front door reaches the people it may see (``referrals.selectors``) for corrections only.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from common.tasks import task_runs_for
from partnership.access import can_run_subject_access, can_work_front_door
from referrals.matching import normalise_name, normalise_nhs_number
from referrals.models import Person, Referral, SubjectAccessRequest
from referrals.selectors import referrals as selectors

SEARCH_LIMIT = 25
_REFERENCE = re.compile(r"^R-[0-9A-Z]{8}$")


def person_for_data_rights(*, user, reference: str, purpose: str) -> Person:
    """The data protection officer's view of a person: 403 for anyone else, 404 if missing.
    Fetching them writes the access-log row (SEC-2)."""
    if not can_run_subject_access(user):
        raise PermissionDenied
    person = Person.objects.select_related("processing_restricted_by").filter(reference=reference).first()
    if person is None:
        raise Http404
    selectors.record_view(user=user, obj=person, person_id=person.pk, purpose=purpose)
    return person


def person_for_rectification(*, user, reference: str, purpose: str) -> Person:
    """The DPO: anyone. The front door: whoever it may see (404 otherwise). Others: 403."""
    if can_run_subject_access(user):
        return person_for_data_rights(user=user, reference=reference, purpose=purpose)
    if can_work_front_door(user):
        return selectors.person_get_for(user=user, reference=reference, purpose=purpose)
    raise PermissionDenied


def subject_access_requests_for(*, person: Person) -> QuerySet[SubjectAccessRequest]:
    return SubjectAccessRequest.objects.filter(person=person).select_related("requested_by", "person")


def with_export_runs(requests) -> list[SubjectAccessRequest]:
    """The requests, each with ``export_run``: its export task's run record (attempts, and
    whether it was given up on), or None. One query for the lot."""
    from referrals.data_rights.tasks import EXPORT_TASK

    requests = list(requests)
    runs = task_runs_for(
        task_name=EXPORT_TASK,
        object_type=SubjectAccessRequest._meta.label_lower,
        object_ids=[sar.pk for sar in requests],
    )
    for sar in requests:
        sar.export_run = runs.get(sar.pk)
    return requests


def subject_access_request_get(*, person: Person, reference: str) -> SubjectAccessRequest:
    sar = subject_access_requests_for(person=person).filter(reference=reference).first()
    if sar is None:
        raise Http404
    return sar


def people_search(*, user, query: str) -> list[Person]:
    """Find people by referral reference, NHS number or name (DPO only, at most
    ``SEARCH_LIMIT``), ordered by name."""
    if not can_run_subject_access(user):
        raise PermissionDenied
    text = query.strip().upper()
    people = Person.objects.all()
    if _REFERENCE.match(text.replace(" ", "")):
        reference = text.replace(" ", "")
        people = people.filter(pk__in=Referral.objects.filter(reference=reference).values("person_id"))
    elif len(normalise_nhs_number(query)) == 10 and re.fullmatch(r"[0-9\s-]+", query.strip()):
        people = people.filter(nhs_number=normalise_nhs_number(query))
    else:
        words = normalise_name(query).split()
        if not words:
            return []
        for word in words:
            people = people.filter(search_name__contains=word)
    return list(people.order_by("family_name", "given_name", "pk")[:SEARCH_LIMIT])


def recent_subject_access_requests(*, user, limit: int = 20) -> list[SubjectAccessRequest]:
    if not can_run_subject_access(user):
        raise PermissionDenied
    return with_export_runs(SubjectAccessRequest.objects.select_related("person", "requested_by")[:limit])
