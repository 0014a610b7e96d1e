"""Rebuild every object grant from the memberships and allocations (SEC-1).

Run once after deploying the access model on a database that already holds referrals, and
any time the grants are in doubt: it only ever writes what the grant rules decide
(``partnership.grants`` for groups, ``referrals.services.grants`` for referrals and people), so
running it twice changes nothing.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from partnership.grants import sync_membership
from partnership.models import Membership
from referrals.models import Person, Referral
from referrals.services.grants import sync_person_grants, sync_referral_grants


class Command(BaseCommand):
    help = "Rebuild hub and organisation groups and every referral and person grant."

    def handle(self, *args, **options):
        with transaction.atomic():
            memberships = Membership.objects.select_related("user")
            for membership in memberships.iterator():
                sync_membership(membership=membership)
            for referral in Referral.objects.only("pk", "hub_id", "allocated_worker_id", "person_id").iterator():
                referral.person_id = None  # people are done below, once each
                sync_referral_grants(referral=referral)
            for person in Person.objects.only("pk").iterator():
                sync_person_grants(person=person)
        self.stdout.write(self.style.SUCCESS("Access grants rebuilt."))
