"""Outreach sessions with the people met on them, and naloxone kits to partner agencies, in bulk
over a period (PLN-3; Tower Hamlets KPIs 1-3), for the demo's history and the benchmark county.
Written with ``bulk_create`` like the rest of ``demo.casework_data``: no history, on purpose."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from recovery_plans.models import NaloxonePartnerSupply, OutreachContact, OutreachSession

OC = OutreachContact
LONDON = ZoneInfo("Europe/London")
BATCH = 2000
PLACES = ("Bus station", "Market square", "Riverside path", "Town park", "Railway station", "Night shelter")
AGENCIES = ("Riverside Hostel", "Fellside Supported Housing", "Harbour Night Shelter", "Station Road Pharmacy")
SESSIONS_PER_WEEK = 2


def weighted(rng: random.Random, pairs) -> str:
    """One of the values in ``pairs`` (value, weight), chosen by weight."""
    return rng.choices([v for v, _w in pairs], weights=[w for _v, w in pairs])[0]


def _met(rng: random.Random, session: OutreachSession, hub_id: int, worker: int, person_ids: list[int]) -> OC:
    engaged = rng.random() < 0.45
    at = dt.datetime.combine(session.date, session.started_at, tzinfo=LONDON) + dt.timedelta(
        minutes=rng.randint(0, 110)
    )
    contact = OC(
        session=session,
        occurred_at=at,
        location=rng.choice(PLACES),
        age=rng.randint(18, 70),
        age_is_perceived=rng.random() < 0.6,
        ethnicity=weighted(rng, (("white", 85), ("", 8), ("mixed", 2), ("asian", 2), ("black", 2), ("other", 1))),
        gender=weighted(rng, (("man", 65), ("woman", 28), ("", 5), ("non_binary", 2))),
        substance=weighted(
            rng, (("alcohol", 35), ("opiate", 25), ("non_opiate", 15), ("non_opiate_alcohol", 15), ("", 10))
        ),
        housing=weighted(rng, (("rough_sleeping", 30), ("hostel", 25), ("temporary", 20), ("settled", 15), ("", 10))),
        known_to_treatment=weighted(rng, (("never", 40), ("previous", 30), ("current", 15), ("", 15))),
        referral_made=weighted(rng, (("ers", 50), ("treatment", 20), ("other", 10), ("none", 20)))
        if engaged
        else "none",
        engaged=engaged,
        not_engaging_reason=""
        if engaged
        else weighted(rng, (("not_ready", 40), ("no_problem", 20), ("bad_experience", 10), ("declined", 30))),
        hub_id=hub_id,
        recorded_by_id=worker,
    )
    if engaged and person_ids and rng.random() < 0.15:
        contact.person_id = rng.choice(person_ids)
        contact.linked_at = at + dt.timedelta(days=rng.uniform(1, 20))
        contact.linked_by_id = worker
    return contact


def outreach_history(
    rng: random.Random, *, start: dt.date, end: dt.date, hubs: dict, workers: dict, person_ids: list[int]
) -> dict:
    """About two sessions a week per hub between ``start`` and ``end`` (hubs: pk -> name;
    workers: hub pk -> user pks), each with the people met on it."""
    sessions: list[tuple[OutreachSession, int, int]] = []
    week = start
    while week < end:
        for hub_id, name in hubs.items():
            for _ in range(SESSIONS_PER_WEEK):
                day = week + dt.timedelta(days=rng.randint(0, 6))
                if day >= end:
                    continue
                begins = rng.randint(9, 15)
                worker = rng.choice(workers[hub_id])
                session = OutreachSession(
                    date=day,
                    started_at=dt.time(begins, rng.choice((0, 30))),
                    ended_at=dt.time(begins + rng.randint(2, 4), rng.choice((0, 30))),
                    area=f"{name} town centre",
                    hub_id=hub_id,
                    recorded_by_id=worker,
                )
                sessions.append((session, hub_id, worker))
        week += dt.timedelta(days=7)
    OutreachSession.objects.bulk_create([s for s, _h, _w in sessions], batch_size=BATCH)
    through = OutreachSession.workers.through
    through.objects.bulk_create(
        [through(outreachsession_id=s.pk, user_id=worker) for s, _h, worker in sessions], batch_size=BATCH
    )
    met = [
        _met(rng, session, hub_id, worker, person_ids)
        for session, hub_id, worker in sessions
        for _ in range(rng.randint(0, 6))
    ]
    OC.objects.bulk_create(met, batch_size=BATCH)
    return {"outreach_sessions": len(sessions), "outreach_contacts": len(met)}


def naloxone_partner_history(rng: random.Random, *, start: dt.date, end: dt.date, hubs: dict, workers: dict) -> int:
    """A supply or two of naloxone kits to a partner agency each month per hub."""
    rows = []
    month = start.replace(day=1)
    while month < end:
        for hub_id in hubs:
            for _ in range(rng.choice((1, 1, 2))):
                day = month + dt.timedelta(days=rng.randint(0, 27))
                if start <= day < end:
                    rows.append(
                        NaloxonePartnerSupply(
                            agency_name=rng.choice(AGENCIES),
                            kits=rng.randint(5, 20),
                            supplied_on=day,
                            hub_id=hub_id,
                            supplied_by_id=rng.choice(workers[hub_id]),
                        )
                    )
        month = (month + dt.timedelta(days=32)).replace(day=1)
    NaloxonePartnerSupply.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)
