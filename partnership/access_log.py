"""Writing the append-only access log (SEC-2). Reading and searching it: ``views_access_log``."""

from __future__ import annotations

from partnership.models import AccessLog, AccessLogSubject


def access_log_record(*, user, action: str, obj, person_id: int | None, reason: str = "") -> AccessLog:
    """One append-only row per view, export or disclosure of a person's record (SEC-2)."""
    return AccessLog.objects.create(
        user=user,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        person_id=person_id,
        reason=reason[:500],
    )


def access_log_record_list(*, user, object_type: str, person_ids: list[int], reason: str) -> AccessLog:
    """One row per view of a list page that showed people's names (the SPOC queue, a
    caseload, a search), with one subject row per person shown, so "who looked at this
    person?" finds list views too. Two queries however long the page (SEC-2).

    ``object_type`` is the kind of record listed ("referrals.referral"); ``object_id`` is 0,
    as the row is about no one record. Requests are atomic (``ATOMIC_REQUESTS``), so the
    row and its subjects are written together without a savepoint of their own.
    """
    log = AccessLog.objects.create(
        user=user,
        action=AccessLog.Action.VIEW,
        object_type=object_type,
        object_id=0,
        person_id=None,
        reason=reason[:500],
    )
    unique_ids = sorted({int(pk) for pk in person_ids if pk is not None})
    AccessLogSubject.objects.bulk_create([AccessLogSubject(log=log, person_id=pk) for pk in unique_ids])
    return log
