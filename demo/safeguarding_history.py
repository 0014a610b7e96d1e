"""Safeguarding, incidents, complaints and drug alerts over the demo's eight quarters of history
(SAF-1 to SAF-6), so the commissioners' report's safeguarding KPIs (schedule version 3) show real
figures in every quarter, the newest included: concerns about adults and children and their
referrals to councils, complaints and compliments through their stages with outcomes (most
within target, some late, a few escalated), serious incidents and near misses in each §3.18
category, deaths in service, non-fatal overdoses with naloxone, notifications to councils (most
on time, some late) and drug alerts (withdrawn or expired: only the scenario's alert is live).

Written in bulk like the rest of the history (``demo.reporting``): no history rows, on purpose.
The people are the history's own people, each concern or incident after their first referral;
the staff are the history's workers and the demo's safeguarding lead and manager. It stops a week
before now, so nothing here is overdue or still counting down.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from dataclasses import dataclass

from django.db.models import Min

from demo.casework_outreach import weighted
from demo.safeguarding_history_incidents import IncidentsHistory
from partnership.models import Council
from referrals.models import Person, Referral
from safeguarding.clocks import due_by
from safeguarding.models import (
    Complaint,
    ComplaintStage,
    ComplaintTransition,
    Concern,
    ConcernTransition,
    Notification,
)
from safeguarding.services_complaints import stage_policy, stage_target
from safeguarding.services_notifications import notification_hours

BATCH = 500
# Per quarter, across the service.
CONCERNS = 24
COMPLAINTS = 10
COMPLIMENTS = 4
INCIDENTS = 12
OVERDOSES = 15
DRUG_ALERTS = 2
DEATHS = 3
BOTH_COUNCILS = (Council.CUMBERLAND.value, Council.WESTMORLAND_AND_FURNESS.value)
QUARTER = dt.timedelta(days=91)
STOP_BEFORE_NOW = dt.timedelta(days=7)

C = Concern
SUMMARIES = {
    C.Category.NEGLECT: "Children seen at home without food in the house.",
    C.Category.DOMESTIC_ABUSE: "Told us a partner had hit them at the weekend.",
    C.Category.CUCKOOING: "Flat being used by people from out of town to sell drugs.",
    C.Category.COUNTY_LINES: "A young person is carrying drugs between towns.",
    C.Category.SELF_NEGLECT: "Not eating and the home is unsafe to live in.",
    C.Category.EXPLOITATION: "Money taken from their account by someone they owe.",
    C.Category.EMOTIONAL: "Being threatened and controlled by a family member.",
    C.Category.MODERN_SLAVERY: "Working for no pay and not free to leave.",
}
OUTCOMES = (
    (C.Outcome.ADVICE_AND_SUPPORT, 30),
    (C.Outcome.ADULT_ENQUIRY, 15),
    (C.Outcome.CHILD_IN_NEED, 10),
    (C.Outcome.EARLY_HELP, 10),
    (C.Outcome.RISK_REDUCED, 20),
    (C.Outcome.POLICE, 5),
    (C.Outcome.NO_FURTHER_ACTION, 10),
)
COMPLAINT_OUTCOMES = (
    (Complaint.Outcome.UPHELD, 30),
    (Complaint.Outcome.PARTLY_UPHELD, 30),
    (Complaint.Outcome.NOT_UPHELD, 30),
    (Complaint.Outcome.RESOLVED, 10),
)


@dataclass
class SafeguardingHistory(IncidentsHistory):
    rng: random.Random
    start: dt.datetime
    now: dt.datetime
    person_ids: list[int]
    workers: list  # users (the history's hub workers)
    lead: object
    manager: object

    def run(self) -> dict:
        end = self.now - STOP_BEFORE_NOW
        quarters = max(1.0, (end - self.start) / QUARTER)
        self._people()
        self.notifications: list[Notification] = []
        counts = {
            "safeguarding_concerns": self._concerns(end, round(CONCERNS * quarters)),
            "complaints_and_compliments": self._complaints(end, round((COMPLAINTS + COMPLIMENTS) * quarters)),
            "serious_incidents": self._incidents(end, round(INCIDENTS * quarters)),
            "deaths_in_service": self._deaths(end, round(DEATHS * quarters)),
            "non_fatal_overdoses": self._overdoses(end, round(OVERDOSES * quarters)),
            "data_security_incidents": self._data_security(end, round(quarters)),
            "drug_alerts": self._drug_alerts(end, round(DRUG_ALERTS * quarters)),
        }
        Notification.objects.bulk_create(self.notifications, batch_size=BATCH)
        counts["notifications_to_councils"] = len(self.notifications)
        return counts

    # --- who and when ---------------------------------------------------------------------------

    def _people(self) -> None:
        """The history's people in the order they were first referred, with their councils."""
        firsts = (
            Referral.objects.filter(person_id__in=self.person_ids)
            .values("person_id")
            .annotate(first=Min("received_at"))
            .order_by("first", "person_id")
        )
        rows = [(row["first"], row["person_id"]) for row in firsts]
        self.firsts = [first for first, _pk in rows]
        self.ordered = [pk for _first, pk in rows]
        self.council = dict(Person.objects.filter(pk__in=self.ordered).values_list("pk", "council_of_residence"))
        self.used_for_death: set[int] = set()

    def _moments(self, end: dt.datetime, n: int) -> list[dt.datetime]:
        """``n`` moments spread evenly from the start to ``end`` (one in each of ``n`` equal
        spans, at random within it), so every quarter, the newest included, has its share."""
        span = (end - self.start) / max(n, 1)
        return [self.start + span * (i + self.rng.random()) for i in range(n)]

    def _person(self, at: dt.datetime) -> int | None:
        """Someone already referred a week before ``at`` (None before anyone was)."""
        known = bisect.bisect_left(self.firsts, at - dt.timedelta(days=7))
        return self.ordered[self.rng.randrange(known)] if known else None

    def _worker(self):
        return self.rng.choice(self.workers)

    def _councils(self, person_id: int | None) -> tuple[str, ...]:
        council = self.council.get(person_id, "")
        return (council,) if council in BOTH_COUNCILS else BOTH_COUNCILS

    def _notify(self, *, kind: str, subject, person_id: int | None, starts_at: dt.datetime, by) -> None:
        """Notified by the lead, mostly in good time; about one in eight late."""
        due = due_by(starts_at, notification_hours(kind))
        hours = notification_hours(kind)
        late = self.rng.random() < 0.12
        sent = starts_at + dt.timedelta(
            hours=self.rng.uniform(hours + 2, hours * 2) if late else self.rng.uniform(1, hours - 1)
        )
        for council in self._councils(person_id):
            self.notifications.append(
                Notification(
                    kind=kind,
                    council=council,
                    subject_type=subject._meta.label_lower,
                    subject_id=subject.pk,
                    subject_reference=subject.reference,
                    person_id=person_id,
                    starts_at=starts_at,
                    due_at=due,
                    raised_at=starts_at,
                    raised_by=by,
                    sent_at=sent,
                    sent_by=self.lead,
                    sent_how=self.rng.choice(Notification.How.values),
                    council_reference=f"N-{self.rng.randint(10000, 99999)}",
                )
            )

    def _saved_and_notified(self, model, rows: list, *, kind: str, starts: str, by) -> int:
        """Bulk-save ``rows`` and notify the councils of each, its clock from ``starts``."""
        model.objects.bulk_create(rows, batch_size=BATCH)
        for row in rows:
            self._notify(kind=kind, subject=row, person_id=row.person_id, starts_at=getattr(row, starts), by=by)
        return len(rows)

    # --- concerns (SAF-1) -----------------------------------------------------------------------

    def _concerns(self, end: dt.datetime, n: int) -> int:
        rows, moves = [], []
        for raised in self._moments(end, n):
            person_id = self._person(raised)
            if person_id is None:
                continue
            at_risk = weighted(
                self.rng, ((C.AtRisk.PERSON, 55), (C.AtRisk.OTHER_CHILD, 25), (C.AtRisk.OTHER_ADULT, 20))
            )
            about = C.About.ADULT if at_risk != C.AtRisk.OTHER_CHILD else C.About.CHILD
            category = self.rng.choice(list(SUMMARIES))
            risk = weighted(self.rng, ((C.RiskLevel.LOW, 30), (C.RiskLevel.MEDIUM, 45), (C.RiskLevel.HIGH, 25)))
            significant = risk == C.RiskLevel.HIGH or about == C.About.CHILD
            concern = C(
                person_id=person_id,
                about=about,
                category=category,
                at_risk=at_risk,
                at_risk_detail="A child who visits the home" if about == C.About.CHILD else "",
                risk_level=risk,
                summary=SUMMARIES[category],
                raised_at=raised,
                raised_by=self._worker(),
                significant_since=raised if significant else None,
                status=C.Status.AWAITING_REFERRAL if significant else C.Status.RAISED,
            )
            steps = [("", concern.status, raised, concern.raised_by, "Raised")]
            referred = raised + dt.timedelta(hours=self.rng.uniform(2, 72))
            if (significant or self.rng.random() < 0.2) and referred < end:
                concern.council = self._councils(person_id)[0]
                concern.council_reference = f"MASH-{self.rng.randint(100000, 999999)}"
                concern.referred_on = referred.date()
                steps.append((concern.status, C.Status.REFERRED, referred, self.lead, concern.council_reference))
                concern.status = C.Status.REFERRED
            closed = raised + dt.timedelta(days=self.rng.uniform(10, 80))
            if closed < end and self.rng.random() < 0.85:
                concern.outcome = weighted(self.rng, OUTCOMES)
                concern.closed_at, concern.closed_by = closed, self.lead
                steps.append((concern.status, C.Status.CLOSED, closed, self.lead, concern.outcome))
                concern.status = C.Status.CLOSED
            rows.append((concern, steps))
        C.objects.bulk_create([concern for concern, _steps in rows], batch_size=BATCH)
        for concern, steps in rows:
            for from_status, to_status, at, by, reason in steps:
                moves.append(
                    ConcernTransition(
                        concern=concern, from_status=from_status, to_status=to_status, at=at, by=by, reason=reason
                    )
                )
            if concern.significant_since:
                self._notify(
                    kind=Notification.Kind.SAFEGUARDING,
                    subject=concern,
                    person_id=concern.person_id,
                    starts_at=concern.raised_at,
                    by=concern.raised_by,
                )
        ConcernTransition.objects.bulk_create(moves, batch_size=BATCH)
        return len(rows)

    # --- complaints and compliments (SAF-4) -----------------------------------------------------

    def _complaints(self, end: dt.datetime, n: int) -> int:
        complaints, plans = [], []
        for received in self._moments(end, n):
            compliment = self.rng.random() < COMPLIMENTS / (COMPLAINTS + COMPLIMENTS)
            person_id = self._person(received) if self.rng.random() < 0.7 else None
            complaint = Complaint(
                kind=Complaint.Kind.COMPLIMENT if compliment else Complaint.Kind.COMPLAINT,
                channel=self.rng.choice(Complaint.Channel.values),
                category=self.rng.choice(Complaint.Category.values),
                received_at=received,
                summary="Thanked their worker for sticking with them." if compliment else "Unhappy with the support.",
                complainant_from=Complaint.From.PERSON_SUPPORTED if person_id else Complaint.From.FAMILY,
                person_id=person_id,
                recorded_by=self.manager,
            )
            complaints.append(complaint)
            plans.append(self._stages(complaint, end))
        Complaint.objects.bulk_create(complaints, batch_size=BATCH)
        stages, moves = [], []
        for complaint, (rows, transitions) in zip(complaints, plans, strict=True):
            for row in rows:
                row.complaint = complaint
                stages.append(row)
            for values in transitions:
                moves.append(ComplaintTransition(complaint=complaint, by=self.manager, **values))
        ComplaintStage.objects.bulk_create(stages, batch_size=BATCH)
        ComplaintTransition.objects.bulk_create(moves, batch_size=BATCH)
        return len(complaints)

    def _stages(self, complaint: Complaint, end: dt.datetime) -> tuple[list, list]:
        """The complaint's stages and moves; fills in its stage, status, outcome and closing."""
        stage_names = [Complaint.Stage.LOCAL_RESOLUTION]
        if not complaint.is_compliment and self.rng.random() < 0.15:
            stage_names.append(Complaint.Stage.FORMAL_INVESTIGATION)
        rows, moves = [], []
        started, status = complaint.received_at, ""
        for index, stage in enumerate(stage_names):
            target = stage_target(stage, started)
            late = self.rng.random() < 0.2
            days = self.rng.uniform(1, 6) if complaint.is_compliment else stage_policy(stage)["working_days"]
            took = dt.timedelta(days=self.rng.uniform(days * 1.45, days * 2) if late else self.rng.uniform(2, days))
            ended = started + took if started + took < end else None
            row = ComplaintStage(
                stage=stage,
                responsible_role=stage_policy(stage)["role"],
                handler=self.manager,
                started_at=started,
                target_date=target,
                ended_at=ended,
                escalation_reason="Not satisfied with the first response" if index else "",
            )
            moves.append(
                {
                    "from_status": status,
                    "to_status": Complaint.Status.OPEN,
                    "from_stage": complaint.stage if index else "",
                    "to_stage": stage,
                    "at": started,
                    "reason": row.escalation_reason or "Received",
                }
            )
            complaint.stage, status = stage, Complaint.Status.OPEN
            if ended is None:
                break
            if not complaint.is_compliment:
                row.response_text = "Thank you for telling us. We have looked into what happened."
                row.response_drafted_at = row.response_approved_at = ended
                row.response_drafted_by, row.response_approved_by = self.manager, self.lead
                row.response_sent_on, row.response_sent_how, row.response_sent_by = ended.date(), "letter", self.manager
                moves.append(
                    {
                        "from_status": status,
                        "to_status": Complaint.Status.RESPONDED,
                        "from_stage": stage,
                        "to_stage": stage,
                        "at": ended,
                        "reason": "",
                    }
                )
                status = Complaint.Status.RESPONDED
            rows.append(row)
            started = ended + dt.timedelta(days=self.rng.uniform(3, 15))
        else:
            closed = rows[-1].ended_at + dt.timedelta(days=self.rng.uniform(0, 5))
            if closed < end:
                complaint.outcome = (
                    Complaint.Outcome.SHARED if complaint.is_compliment else weighted(self.rng, COMPLAINT_OUTCOMES)
                )
                complaint.closed_at = closed
                complaint.learning = "" if complaint.is_compliment else "Shared at the team meeting."
                moves.append(
                    {
                        "from_status": status,
                        "to_status": Complaint.Status.CLOSED,
                        "from_stage": complaint.stage,
                        "to_stage": complaint.stage,
                        "at": closed,
                        "reason": complaint.outcome,
                    }
                )
                status = Complaint.Status.CLOSED
            complaint.status = status
            return rows, moves
        rows.append(row)  # the stage still open
        complaint.status = status
        return rows, moves
