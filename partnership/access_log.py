"""Writing the append-only access log (SEC-2). Reading and searching it: ``views_access_log``."""

from __future__ import annotations

from partnership.models import AccessLog


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
