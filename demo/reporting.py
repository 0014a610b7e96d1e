"""Eight quarters of history in the demo, so a newcomer sees a real quarterly report at once
(issue 10).

The ~80 scenario referrals of ``seed_demo`` cover the last six weeks, each walked through the
services. Reports need far more: every KPI for five quarters, in both councils, with enough
people in each cell that most are not suppressed (1 to 7 shows as "*"). So the quarters before
(from the start of the eighth finished quarter back, to six weeks ago) are written in bulk with
the benchmark's generators (``demo.benchmark_data``, ``demo.casework_data``,
``demo.casework_outreach``): about 2,600 referrals from every source and channel, triage, first
contacts, referrals to the Treatment Service with their outcomes, periods of support with
contacts in every setting, assessments (equality and substances), AUDIT and BARC-10 readings,
plans and reviews, engagement changes, outreach sessions and contacts, naloxone to partner
agencies and feedback; and safeguarding (``demo.safeguarding_history``): concerns and referrals
to councils, complaints and compliments, serious incidents, deaths, overdoses, data-security
incidents, notifications to councils and drug alerts, for the safeguarding KPIs (schedule version
3). Like the benchmark's, these rows have no history (``bulk_create``).

They belong to staff of their own ("history-..." sign-ins with unusable passwords: a SPOC
practitioner and two workers per hub), so the demo sign-ins' caseloads and scenarios are
exactly as before. It runs once: a database that already has the history staff is left alone.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection

from demo.benchmark_data import FrontDoorData, Staff
from demo.casework_data import CaseworkData
from demo.casework_outreach import naloxone_partner_history, outreach_history
from demo.people import HISTORY_SPOC
from demo.safeguarding_history import SafeguardingHistory
from partnership.grants import hub_group
from partnership.models import Role
from partnership.services import membership_create
from reporting.periods import Quarter

HISTORY_PREFIX = "history-"
REFERRALS_PER_QUARTER = 300
PEOPLE_PER_REFERRAL = 0.65
WORKERS_PER_HUB = 2
REASON = "Demo data (seed_demo): eight quarters of history"


def history_start(now: dt.datetime) -> dt.datetime:
    """The start of the eighth quarter before the current one."""
    return Quarter.containing(now).previous(8).starts_at


def _staff(organisation, hubs: dict, rng) -> Staff:
    User = get_user_model()
    password = make_password(None)
    spoc = User.objects.create(username=HISTORY_SPOC, first_name="Sam", last_name="Fletcher", password=password)
    membership_create(
        user=spoc, organisation=organisation, role=Role.SPOC_PRACTITIONER, by=None, reason=REASON, job_title="SPOC"
    )
    workers_by_hub = {}
    for hub in hubs.values():
        workers = []
        for n in range(WORKERS_PER_HUB):
            slug = hub.name.lower().replace(" ", "-")
            user = User.objects.create(
                username=f"{HISTORY_PREFIX}{slug}-{n + 1}",
                first_name=rng.choice(("Alex", "Jo", "Chris", "Sam", "Pat", "Robin", "Kim", "Lee")),
                last_name=rng.choice(("Armstrong", "Bell", "Graham", "Nixon", "Routledge", "Stoddart")),
                password=password,
            )
            membership_create(
                user=user, organisation=organisation, hub=hub, role=Role.HUB_WORKER, by=None, reason=REASON
            )
            workers.append(user)
        workers_by_hub[hub.pk] = workers
    hub_list = list(hubs.values())
    return Staff(
        spoc=spoc,
        hub_worker=workers_by_hub[hub_list[0].pk][0],
        front_door=[spoc],
        workers_by_hub=workers_by_hub,
        hubs=hub_list,
        hub_group_ids={hub.pk: hub_group(hub.pk).pk for hub in hub_list},
    )


def seed_history(
    *, seed: int, now: dt.datetime, organisation, hubs: dict, treatment, treatment_user, lead, manager
) -> dict:
    """Returns what was added (empty when the history is already there)."""
    if get_user_model().objects.filter(username=HISTORY_SPOC).exists():
        return {}
    start = history_start(now)
    years = (now - start).total_seconds() / (365 * 86400)
    casework = CaseworkData(
        seed=seed, now=now, treatment_org=treatment, treatment_user=treatment_user, contact_gap_days=12
    )
    data = FrontDoorData(seed=seed, now=now, years=years, casework=casework)
    data.staff = _staff(organisation, hubs, data.rng)
    data.caseload_to_give = 0  # nobody's caseload is measured here
    data.grants.load_permissions()
    referrals = round(REFERRALS_PER_QUARTER * years * 4)
    data.add(people=round(referrals * PEOPLE_PER_REFERRAL), referrals=referrals, recent=False)
    casework.finish()
    workers = {hub_id: [u.pk for u in users] for hub_id, users in data.staff.workers_by_hub.items()}
    hub_names = {hub.pk: hub.name for hub in data.staff.hubs}
    outreach = outreach_history(
        data.rng, start=start.date(), end=now.date(), hubs=hub_names, workers=workers, person_ids=data.person_ids
    )
    kits = naloxone_partner_history(data.rng, start=start.date(), end=now.date(), hubs=hub_names, workers=workers)
    safeguarding = SafeguardingHistory(
        rng=data.rng,
        start=start,
        now=now,
        person_ids=data.person_ids,
        workers=[user for users in data.staff.workers_by_hub.values() for user in users],
        lead=lead,
        manager=manager,
    ).run()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "referrals": data.totals.referrals,
        "people": data.totals.people,
        **casework.counts,
        **outreach,
        "naloxone_supplies": kits,
        **safeguarding,
    }
