"""Direct foreign-key tables for django-guardian (SEC-1)."""

from __future__ import annotations

from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from referrals.models.people import Person
from referrals.models.referrals import Referral

# --- Object permissions (SEC-1) --------------------------------------------------------------
# Direct foreign-key tables for django-guardian on the two models every list page filters by,
# so "what may this user see" is an indexed join, not a text match on a generic object id.
# Who holds which row is decided in one place: referrals.services.grants.


class ReferralUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE)


class ReferralGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE)


class PersonUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Person, on_delete=models.CASCADE)


class PersonGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Person, on_delete=models.CASCADE)
