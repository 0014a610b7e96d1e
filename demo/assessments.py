"""Living assessments and instrument readings in the demo (ASM-1 to ASM-7), after the referrals.

For the people allocated to the demo hub workers: a partly completed assessment (needs, some
equality answers, substances, and for one a child), an AUDIT-C that leads on to a full AUDIT,
and three star-style readings a few weeks apart, so the readings page has a chart. Each step
goes through the services, at a moment after the allocation, and a person who already has an
assessment is left alone, so a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt

from assessments.instruments import registry
from assessments.models import NeedsSection
from assessments.models.codes import PREFER_NOT_TO_SAY, Substance
from assessments.services import assessment_section_save, child_save, reading_record
from demo.scenarios import clock_at
from partnership.access import role_of
from partnership.models import Role
from referrals.models import Referral

# How many people get an assessment (the rest show the "not started" overview).
PEOPLE = 4
SUBSTANCES = [
    (Substance.ALCOHOL, ""),
    (Substance.OPIOIDS, Substance.CRACK),
    (Substance.CANNABIS, Substance.ALCOHOL),
    (Substance.COCAINE, ""),
]


def _answers(definition, scores: dict[str, int]) -> dict[str, str]:
    return {
        item.id: next(option.value for option in item.options if option.score == scores.get(item.id, 0))
        for item in definition.items
    }


def seed_assessments(*, now: dt.datetime) -> int:
    """Returns how many people were given an assessment now."""
    allocated = (
        Referral.objects.filter(status=Referral.Status.ALLOCATED, person__isnull=False)
        # Not the eight quarters of history (demo.reporting): its workers' people are bulk rows.
        .exclude(allocated_worker__username__startswith="history-")
        .select_related("person", "allocated_worker__membership")
        .order_by("allocated_at", "pk")
    )
    chosen = [r for r in allocated if role_of(r.allocated_worker) == Role.HUB_WORKER][:PEOPLE]
    done = 0
    for index, referral in enumerate(chosen):
        person, worker = referral.person, referral.allocated_worker
        if NeedsSection.objects.filter(person=person).exists():
            continue
        start = referral.allocated_at

        def at(days: float, start=start) -> dt.datetime:
            return min(start + dt.timedelta(days=days), now - dt.timedelta(minutes=1))

        with clock_at(at(1)):
            assessment_section_save(
                person=person,
                key="needs",
                values={"needs": "Somewhere settled to live", "goals": "Cut down, then stop, by the summer"},
                by=worker,
            )
        primary, secondary = SUBSTANCES[index % len(SUBSTANCES)]
        with clock_at(at(2)):
            assessment_section_save(
                person=person,
                key="substances",
                values={"primary_substance": primary, "secondary_substance": secondary, "injecting": "never"},
                by=worker,
            )
            assessment_section_save(
                person=person,
                key="equality",
                values={"first_language": "English", "sexual_orientation": PREFER_NOT_TO_SAY, "interpreter": "no"},
                by=worker,
            )
        with clock_at(at(8)):
            assessment_section_save(
                person=person, key="needs", values={"aspirations": "To see more of my children"}, by=worker
            )
        if index == 0:
            with clock_at(at(8)):
                assessment_section_save(person=person, key="carers", values={"parent": "yes"}, by=worker)
                child_save(
                    person=person,
                    child=None,
                    values={"age": 7, "main_carer": "other_parent", "health_visitor": "no", "early_help": "yes"},
                    by=worker,
                )
        audit_c, audit, star = (registry().get(key) for key in ("audit-c", "audit", "recovery-reading"))
        with clock_at(at(2)):
            screening = reading_record(
                person=person, definition=audit_c, answers=_answers(audit_c, {"q1": 3, "q2": 2, "q3": 1}), by=worker
            )
            full = _answers(audit, {"q1": 3, "q2": 2, "q3": 1, "q4": 1, "q5": 1})
            reading_record(person=person, definition=audit, answers=full, by=worker, carried_from=screening)
        for week, each in enumerate((3, 5, 6)):
            with clock_at(at(3 + 14 * week)):
                reading_record(
                    person=person,
                    definition=star,
                    answers={item.id: str(min(10, each + (i % 3))) for i, item in enumerate(star.items)},
                    by=worker,
                )
        done += 1
    return done
