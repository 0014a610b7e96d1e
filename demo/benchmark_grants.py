"""The django-guardian object grants for the benchmark's bulk referrals.

Every referral with an allocation gets the rows ``referrals.services.grants.sync_referral_grants``
would give it (``view_referral`` for the allocated worker and the hub's group ``hub:<pk>``,
``view_person`` on its person likewise), written with ``bulk_create``, so the caseload pages
filter through real grants at full size.
"""

from __future__ import annotations

from django.contrib.auth.models import Permission

from referrals.models import (
    PersonGroupObjectPermission,
    PersonUserObjectPermission,
    Referral,
    ReferralGroupObjectPermission,
    ReferralUserObjectPermission,
)
from referrals.services.grants import VIEW_PERSON, VIEW_REFERRAL

BATCH = 2000


class ObjectGrants:
    """The grant rows written so far, so a returning person never gets the same row twice."""

    def __init__(self):
        # (person pk, user or group pk) pairs already holding view_person: a returning person
        # allocated twice to the same worker or hub has one row each, as sync_person_grants writes.
        self.person_user_grants: set[tuple[int, int]] = set()
        self.person_group_grants: set[tuple[int, int]] = set()
        self.permission_ids: dict[str, int] = {}

    def load_permissions(self) -> None:
        self.permission_ids = {
            perm: Permission.objects.get(content_type__app_label=perm.split(".")[0], codename=perm.split(".")[1]).pk
            for perm in (VIEW_REFERRAL, VIEW_PERSON)
        }

    def remember_person(self, person_id: int) -> None:
        """Note the ``view_person`` rows the services wrote for this person (the measured
        referral is allocated through them), so a later phase never writes them twice."""
        view_person = self.permission_ids[VIEW_PERSON]
        self.person_user_grants.update(
            (person_id, user_id)
            for user_id in PersonUserObjectPermission.objects.filter(
                content_object_id=person_id, permission_id=view_person
            ).values_list("user_id", flat=True)
        )
        self.person_group_grants.update(
            (person_id, group_id)
            for group_id in PersonGroupObjectPermission.objects.filter(
                content_object_id=person_id, permission_id=view_person
            ).values_list("group_id", flat=True)
        )

    def add(self, referrals: list[Referral], *, hub_groups: dict[int, int]) -> int:
        """The guardian rows ``sync_referral_grants`` would write for these referrals: the
        grants follow the allocation fields alone, so closed referrals that were allocated keep
        theirs (their worker can still read them; they are just off the caseload lists)."""
        view_referral, view_person = self.permission_ids[VIEW_REFERRAL], self.permission_ids[VIEW_PERSON]
        referral_users, referral_groups, person_users, person_groups = [], [], [], []
        for referral in referrals:
            if referral.hub_id is None:
                continue
            worker_id, group_id = referral.allocated_worker_id, hub_groups[referral.hub_id]
            referral_users.append(
                ReferralUserObjectPermission(
                    content_object_id=referral.pk, user_id=worker_id, permission_id=view_referral
                )
            )
            referral_groups.append(
                ReferralGroupObjectPermission(
                    content_object_id=referral.pk, group_id=group_id, permission_id=view_referral
                )
            )
            if referral.person_id is None:
                continue
            if (referral.person_id, worker_id) not in self.person_user_grants:
                self.person_user_grants.add((referral.person_id, worker_id))
                person_users.append(
                    PersonUserObjectPermission(
                        content_object_id=referral.person_id, user_id=worker_id, permission_id=view_person
                    )
                )
            if (referral.person_id, group_id) not in self.person_group_grants:
                self.person_group_grants.add((referral.person_id, group_id))
                person_groups.append(
                    PersonGroupObjectPermission(
                        content_object_id=referral.person_id, group_id=group_id, permission_id=view_person
                    )
                )
        for model, rows in (
            (ReferralUserObjectPermission, referral_users),
            (ReferralGroupObjectPermission, referral_groups),
            (PersonUserObjectPermission, person_users),
            (PersonGroupObjectPermission, person_groups),
        ):
            model.objects.bulk_create(rows, batch_size=BATCH)
        return len(referral_users) + len(referral_groups) + len(person_users) + len(person_groups)
