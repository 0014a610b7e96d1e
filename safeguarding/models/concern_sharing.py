"""Sharing a safeguarding concern with the Treatment Service on a recorded basis (SAF-1).

A concern is safeguarding detail: another organisation sees none of it unless it is shared, one
concern at a time, with an organisation the person's record is already shared with, under a
lawful basis and a reason. ``ConcernShare`` is the record of that decision (who, when, on what
basis, the disclosure-log row it wrote, and its withdrawal); the access itself is the
django-guardian permission ``safeguarding.view_shared_concern`` on the concern, held by the
organisation's group while the share stands (``safeguarding.concern_grants``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from referrals.models import Consent
from safeguarding.models.concerns import Concern

__all__ = ["ConcernGroupObjectPermission", "ConcernShare", "ConcernUserObjectPermission"]


class ConcernShare(models.Model):
    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="shares")
    organisation = models.ForeignKey("partnership.Organisation", on_delete=models.PROTECT, related_name="+")
    lawful_basis = models.CharField(_("lawful basis"), max_length=30, choices=Consent.LawfulBasis.choices)
    reason = models.TextField(_("why it is shared"))
    # The disclosure-log row the share wrote (append-only, PAR-5).
    disclosure = models.ForeignKey(
        "referrals.Disclosure", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    shared_at = models.DateTimeField()
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.CharField(_("why it was withdrawn"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-shared_at", "-pk"]
        constraints = [
            # One standing share per concern and organisation; withdrawn ones stay as the record.
            models.UniqueConstraint(
                fields=["concern", "organisation"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_standing_share_per_concern_and_organisation",
            )
        ]

    @property
    def is_standing(self) -> bool:
        return self.withdrawn_at is None


# Direct foreign-key tables for django-guardian (as referrals.models.permissions), so "which
# concerns are shared with this organisation" is an indexed join.
class ConcernUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Concern, on_delete=models.CASCADE)


class ConcernGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Concern, on_delete=models.CASCADE)
