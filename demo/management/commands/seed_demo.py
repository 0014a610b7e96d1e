"""``manage.py seed_demo``: a working demo on a fresh database, in one command.

Makes the demo organisations and the five recovery hubs (PAR-1), one sign-in per role, and
about 80 fictional referrals taken through the real services (see ``demo_referrals``), with
consent and sharing for a few allocated people: their referrals sent to the Treatment Service
(one with an outcome recorded by the Treatment practitioner) and one onward referral.
Running it again changes nothing and prints the sign-ins again.

Everything is fictional: names come from Faker (en_GB) with a fixed seed (or from fixed lists
where Faker, a dev dependency, is not installed), phone numbers from Ofcom's drama ranges, NHS
numbers from the 999 test range, e-mail addresses at example.com.
The organisations' names end in "(demo)" so nobody mistakes the data for real records.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count
from django.test.utils import override_settings
from django.utils import timezone

from demo.assessments import seed_assessments
from demo.contacts import seed_contacts
from demo.logging import quiet_task_log
from demo.people import HUB_COUNCILS, HUB_TOWNS, demo_faker, give_pronouns
from demo.recovery_plans import DemoPlans
from demo.referrals import DemoReferrals
from demo.reporting import seed_history
from demo.safeguarding_complaints import seed_complaints, seed_drug_alert
from demo.safeguarding_concerns import seed_concerns
from demo.safeguarding_incidents import seed_incidents
from demo.sharing import DemoSharing
from partnership.models import Hub, Membership, Organisation, Role
from partnership.services import membership_create
from recovery_plans.models import DirectoryEntry, RecoveryPlan
from referrals.models import OnwardReferral, Referral, TreatmentReferral

SEED = 2026
DEFAULT_DEMO_PASSWORD = "demo-password-ERS-2026"  # noqa: S105 (demo only; printed to the user)
DEMO_PASSWORD_MIN_LENGTH = 12
DEMO_URL = "http://127.0.0.1:8000/"

ERS = "Cumbria Engagement and Recovery Support (demo)"
TREATMENT = "Cumbria Treatment Service (demo)"
CUMBERLAND = "Cumberland Council (demo)"
WESTMORLAND = "Westmorland and Furness Council (demo)"
ORGANISATIONS = (
    (ERS, Organisation.Kind.ERS),
    (TREATMENT, Organisation.Kind.TREATMENT),
    (CUMBERLAND, Organisation.Kind.COUNCIL),
    (WESTMORLAND, Organisation.Kind.COUNCIL),
)
HUB_NAMES = tuple(HUB_TOWNS)  # PAR-1: Carlisle, West Cumbria, Barrow-in-Furness, Penrith, Kendal


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str  # a partnership Role, or "" for the Django admin superuser
    organisation: str = ""
    hub: str = ""
    job_title: str = ""
    # A fixed name, for sign-ins added after the first ones: drawing theirs from Faker would
    # shift every name the referrals draw after them.
    name: tuple[str, str] = ()


DEMO_LOGINS = (
    DemoLogin("spoc", Role.SPOC_PRACTITIONER, ERS, "", "SPOC practitioner"),
    DemoLogin("hubworker", Role.HUB_WORKER, ERS, "Carlisle", "Recovery worker"),
    DemoLogin("peer", Role.PEER_WORKER, ERS, "Carlisle", "Peer support worker"),
    DemoLogin("manager", Role.MANAGER, ERS, "Carlisle", "Hub manager"),
    DemoLogin("safeguarding", Role.SAFEGUARDING_LEAD, ERS, "", "Safeguarding lead"),
    DemoLogin("treatment", Role.TREATMENT_PRACTITIONER, TREATMENT, "", "Treatment Service practitioner"),
    DemoLogin("commissioner", Role.COMMISSIONER, CUMBERLAND, "", "Commissioning manager"),
    DemoLogin("dpo", Role.DATA_PROTECTION_OFFICER, ERS, "", "Data protection officer"),
    DemoLogin("hubworker2", Role.HUB_WORKER, ERS, "West Cumbria", "Recovery worker"),
    DemoLogin("hubworker3", Role.HUB_WORKER, ERS, "Barrow-in-Furness", "Recovery worker"),
    DemoLogin("hubworker4", Role.HUB_WORKER, ERS, "Penrith", "Recovery worker"),
    DemoLogin("hubworker5", Role.HUB_WORKER, ERS, "Kendal", "Recovery worker"),
    DemoLogin("hubworker6", Role.HUB_WORKER, ERS, "Carlisle", "Recovery worker"),
    DemoLogin("admin", "", "", "", "Django admin (superuser)"),
    # Approves the hub manager's complaint responses and handles formal investigations (§3.17.4).
    DemoLogin("servicemanager", Role.MANAGER, ERS, "Carlisle", "Service manager", ("Morgan", "Hetherington")),
)

# Local settings (config/settings/local.py) turn the second factor off (ERS_OTP_REQUIRED).
SECOND_FACTOR_NOTE = (
    "Demo accounts skip the second sign-in step in local settings only; "
    "in production every member of staff sets up an authenticator app."
)
PASSWORD_TOO_SHORT = "DJANGO_DEMO_PASSWORD must be at least %(min)d characters long."  # noqa: S105
DEMO_REASON = "Demo data (seed_demo)"


def demo_password() -> str:
    password = os.environ.get("DJANGO_DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
    if len(password) < DEMO_PASSWORD_MIN_LENGTH:
        raise CommandError(PASSWORD_TOO_SHORT % {"min": DEMO_PASSWORD_MIN_LENGTH})
    return password


class DemoPassword:
    """The one demo password, hashed once per run.

    Every demo sign-in stores the same hash: each hash or check is a full PBKDF2 run (a third
    of a second), so a re-run checks one stored hash and reuses it for everyone rather than
    hashing or checking fourteen times.
    """

    def __init__(self, raw: str):
        self.raw = raw
        self._hashed = ""

    def hashed(self, stored: str = "") -> str:
        """The hash every demo sign-in gets: ``stored`` when the password still matches it
        (a re-run), else a new one (a first run, or DJANGO_DEMO_PASSWORD changed)."""
        if not self._hashed:
            self._hashed = stored if stored and check_password(self.raw, stored) else make_password(self.raw)
        return self._hashed


def _get_or_create(model, *, lookup: dict, defaults: dict | None = None):
    """get_or_create that records a history reason on the rows it makes."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **(defaults or {}))
        obj._change_reason = DEMO_REASON
        obj.save()
    return obj


class Command(BaseCommand):
    help = "Load demo organisations, hubs, one sign-in per role and ~80 fictional referrals (safe to run twice)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--without-history",
            action="store_true",
            help="Skip the eight quarters of history for the reports (the scenarios only; quicker).",
        )

    def handle(self, *args, **options):
        password = demo_password()
        fake = demo_faker(SEED)
        rng = random.Random(SEED)

        # Demo referrals are not news: don't send the SPOC inbox ~80 "new referral" e-mails
        # (a Celery worker on a real broker still would; its mail settings are its own).
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            quiet_task_log(),
            transaction.atomic(),
        ):
            organisations = {
                name: _get_or_create(Organisation, lookup={"name": name}, defaults={"kind": kind})
                for name, kind in ORGANISATIONS
            }
            hubs = {
                name: _get_or_create(
                    Hub,
                    lookup={"name": name},
                    defaults={"organisation": organisations[ERS], "council": HUB_COUNCILS[name]},
                )
                for name in HUB_NAMES
            }
            hashed = DemoPassword(password)
            users = {login.username: self._user(login, fake, hashed, organisations, hubs) for login in DEMO_LOGINS}
            workers_by_hub = {
                hub: [
                    users[x.username]
                    for x in DEMO_LOGINS
                    if x.hub == hub and x.role in (Role.HUB_WORKER, Role.PEER_WORKER)
                ]
                for hub in HUB_NAMES
            }
            demo = DemoReferrals(
                fake=fake,
                rng=rng,
                now=timezone.now(),
                spoc=users["spoc"],
                manager=users["manager"],
                hubs=hubs,
                workers_by_hub=workers_by_hub,
            )
            made = demo.run()
            shared = DemoSharing(demo).share(treatment=organisations[TREATMENT], treatment_user=users["treatment"])
            seed_contacts(hub_worker=users["hubworker"], peer_worker=users["peer"], spoc=users["spoc"])
            plans = DemoPlans(manager=users["manager"], worker=users["hubworker"]).run()
            assessed = seed_assessments(now=demo.now)
            give_pronouns(by=users["spoc"])
            # The safeguarding scenarios before the history: each runs while none of its records exist.
            safeguarding = self._safeguarding(demo.now, users, hubs)
            history = (
                {}
                if options["without_history"]
                else seed_history(
                    seed=SEED,
                    now=demo.now,
                    organisation=organisations[ERS],
                    hubs=hubs,
                    treatment=organisations[TREATMENT],
                    treatment_user=users["treatment"],
                    lead=users["safeguarding"],
                    manager=users["manager"],
                )
            )

        self._report(made, shared, password, plans)
        self.stdout.write(f"  Assessments: {assessed} people given an assessment and readings now.")
        self.stdout.write(
            "  Safeguarding added now: " + ", ".join(f"{name} {n}" for name, n in safeguarding.items()) + "."
        )
        if history:
            self.stdout.write(
                "  Eight quarters of history for the reports (bulk, no audit trail): "
                + ", ".join(f"{n:,} {name.replace('_', ' ')}" for name, n in history.items())
                + "."
            )

    def _safeguarding(self, now, users, hubs) -> dict[str, int]:
        """SAF-1 to SAF-6 through the services, as the demo's staff (each part only once)."""
        return {
            "concerns": seed_concerns(
                now=now,
                lead=users["safeguarding"],
                manager=users["manager"],
                worker=users["hubworker"],
                peer=users["peer"],
            ),
            "complaints and compliments": seed_complaints(
                now=now, manager=users["manager"], service_manager=users["servicemanager"], hub=hubs["Carlisle"]
            ),
            "drug alerts": seed_drug_alert(
                now=now,
                lead=users["safeguarding"],
                acknowledged_by=[users[name] for name in ("hubworker", "spoc", "manager", "hubworker2")],
            ),
            "incidents": seed_incidents(
                lead=users["safeguarding"], manager=users["manager"], worker=users["hubworker"]
            ),
        }

    def _user(self, login: DemoLogin, fake, password: DemoPassword, organisations, hubs):
        User = get_user_model()
        # Names are drawn on every run so the referrals' random values never shift.
        first_name, last_name = login.name or (fake.first_name(), fake.last_name())
        user = User.objects.filter(username=login.username).first()
        if user is None:
            user = User(
                username=login.username,
                first_name=first_name,
                last_name=last_name,
                email=f"{login.username}@ers.example.org",
                is_staff=not login.role,
                is_superuser=not login.role,
                password=password.hashed(),
            )
            user.save()
        elif user.password != password.hashed(user.password):
            # DJANGO_DEMO_PASSWORD changed since the last run (the printed password must work),
            # or an older run gave each sign-in its own hash.
            user.password = password.hashed()
            user.save(update_fields=["password"])
        if login.role and not Membership.objects.filter(user=user).exists():
            membership_create(
                user=user,
                organisation=organisations[login.organisation],
                hub=hubs.get(login.hub),
                role=login.role,
                job_title=login.job_title,
                by=None,
                reason=DEMO_REASON,
            )
        return user

    def _report(self, made: int, shared: int, password: str, plans: int = 0) -> None:
        out = self.stdout
        by_status = dict(Referral.objects.values_list("status").annotate(n=Count("pk")).order_by())
        out.write(
            self.style.SUCCESS(
                f"Demo data ready: {made} referrals added now, {sum(by_status.values())} in the database."
            )
        )
        out.write("  " + ", ".join(f"{Referral.Status(s).label}: {n}" for s, n in sorted(by_status.items())))
        sent = TreatmentReferral.objects.filter(status__in=TreatmentReferral.SENT_STATUSES).count()
        out.write(
            f"  Consent and sharing: {shared} steps recorded now; {sent} referrals sent to the Treatment Service, "
            f"{OnwardReferral.objects.count()} onward referrals in the database."
        )
        out.write(
            f"  Recovery plans: {plans} started now, {RecoveryPlan.objects.count()} in the database; "
            f"{DirectoryEntry.objects.count()} local services in the directory."
        )
        out.write("")
        out.write(self.style.WARNING("DEMO ONLY: these sign-ins share one password. Never use them on a real service."))
        rows = [("Username", "Role", "Organisation", "Hub")]
        for login in DEMO_LOGINS:
            role = Role(login.role).label if login.role else login.job_title
            rows.append((login.username, str(role), login.organisation or "-", login.hub or "-"))
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for index, row in enumerate(rows):
            out.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
            if index == 0:
                out.write("  ".join("-" * width for width in widths))
        out.write("")
        out.write(f"Password for every demo sign-in: {password}")
        out.write("(set DJANGO_DEMO_PASSWORD before running seed_demo to choose another, 12 characters or more)")
        out.write(f"Sign in at {DEMO_URL} (run: .venv/bin/python manage.py runserver)")
        out.write(SECOND_FACTOR_NOTE)
