"""What follows a referral, in bulk: the casework behind the quarterly reports (issue 10) for the
demo's eight quarters of history (``demo.reporting``) and for the ten-year county of
``benchmark_report`` and ``benchmark_casework``.

``demo.benchmark_data.FrontDoorData`` hands each batch of referrals here, before and after
writing it (``shape``, ``treatment_referrals``, ``after_batch``). For every allocated referral
with a person this writes a period of support: contacts in every setting (with harm-reduction
topics, naloxone, needle and syringe provision), the person's equality and substances sections
(once), AUDIT and BARC-10 readings a few months apart, a recovery plan with reviews (some late),
and the engagement changes at its end (inactive with a reason, some re-entries). Referrals to
the Treatment Service are sent and get outcomes (accepted, treatment started, not accepted),
with their transition rows; some referrals get the person's feedback on the front door.

Rows are written with ``bulk_create``, as ``demo.benchmark_data`` does: no history, no signals
and no service checks, on purpose (volume and shape, not an audit trail). ``finish`` writes each
person's engagement status and makes their latest plan the current one.
"""

from __future__ import annotations

import datetime as dt
import random

from assessments.instruments import registry
from assessments.instruments.scoring import score
from assessments.models import EqualitySection, InstrumentReading, SubstanceSection
from assessments.models.codes import NOT_ASKED, PREFER_NOT_TO_SAY, Substance
from recovery_plans.models import Contact, EngagementStatus, EngagementTransition, PlanReview, RecoveryPlan
from referrals.models import Referral, ReferralFeedback, TreatmentReferral, TreatmentReferralTransition

S = Referral.Status
TR = TreatmentReferral.Status
DAY = dt.timedelta(days=1)
BATCH = 2000
# Support lasts two months to over a year; about one contact every ``contact_gap_days``.
SUPPORT_DAYS = (45, 420)
SETTINGS = (
    (Contact.Setting.HUB, 36),
    (Contact.Setting.PHONE, 20),
    (Contact.Setting.IN_REACH, 12),
    (Contact.Setting.HOME_VISIT, 10),
    (Contact.Setting.OUTREACH, 12),
    (Contact.Setting.VIDEO, 10),
)
TYPES = (
    (Contact.Type.BRIEF_INTERVENTION, 20),
    (Contact.Type.PEER_SUPPORT, 20),
    (Contact.Type.HARM_REDUCTION, 15),
    (Contact.Type.BRIEF_ADVICE, 12),
    (Contact.Type.GROUP, 10),
    (Contact.Type.COUNSELLING, 8),
    (Contact.Type.HOUSING, 7),
    (Contact.Type.EMPLOYMENT, 4),
    (Contact.Type.BENEFITS, 4),
)
TOPICS = (
    "relapse_prevention",
    "safer_injecting",
    "safer_drinking",
    "safer_stimulant_use",
    "medications",
    "safer_sex",
    "bbv_prevention",
    "overdose",
)
INACTIVE_REASONS = (("goals_met", 40), ("disengaged", 30), ("moved_away", 12), ("asked_not_contacted", 12))
SATISFACTION = (
    ("very_satisfied", 40),
    ("satisfied", 35),
    ("neither", 12),
    ("dissatisfied", 6),
    ("very_dissatisfied", 3),
    ("prefer_not_to_say", 4),
)
ASSESSMENT_SUBSTANCES = frozenset(Substance.values)
# Allocated referrals later escalated to the Treatment Service from the assessment (ASM-6).
ESCALATED_SHARE = 0.3


def _pick(rng: random.Random, weighted) -> str:
    return rng.choices([value for value, _w in weighted], weights=[w for _v, w in weighted])[0]


def _coded(rng: random.Random, values: list[str], weights: list[int] | None = None) -> str:
    """A coded answer: about 1 in 12 "prefer not to say", 1 in 10 not asked yet."""
    draw = rng.random()
    if draw < 0.08:
        return PREFER_NOT_TO_SAY
    if draw < 0.18:
        return NOT_ASKED
    return rng.choices(values, weights=weights)[0]


class Readings:
    """Answers for AUDIT and BARC-10 readings at a chosen severity, scored by the instruments'
    own scorer (once per distinct set of answers)."""

    def __init__(self):
        self.audit = registry().get("audit")
        self.barc = registry().get("barc-10")
        self._scored: dict[tuple, object] = {}

    def reading(self, definition, level: float, rng: random.Random) -> dict:
        answers = {}
        for item in definition.items:
            target = level + rng.uniform(-0.8, 0.8)
            option = min(item.options, key=lambda o: abs(o.score - target))
            answers[item.id] = option.value
        key = (definition.id, tuple(sorted(answers.items())))
        if key not in self._scored:
            self._scored[key] = score(definition, answers)
        result = self._scored[key]
        return {
            "instrument": definition.id,
            "instrument_version": definition.version,
            "answers": dict(result.answers),
            "total": result.total,
            "subscales": dict(result.subscales),
            "band": result.band.label if result.band else "",
        }


class CaseworkData:
    def __init__(self, *, seed: int, now: dt.datetime, treatment_org, treatment_user, contact_gap_days: float = 10):
        self.rng = random.Random(seed + 7)
        self.now = now
        self.today = now.date()
        self.treatment_org, self.treatment_user = treatment_org, treatment_user
        self.contact_gap_days = contact_gap_days
        self.readings = Readings()
        self.assessed: set[int] = set()
        self.engagement: dict[int, tuple[dt.datetime, str, str]] = {}
        self.latest_plan: dict[int, tuple[dt.date, int]] = {}
        self.counts: dict[str, int] = {}

    def _count(self, name: str, n: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + n

    # --- Before the referrals are written -------------------------------------------------------

    def shape(self, referral: Referral, plan: dict) -> None:
        """Support lasts months, not days: a referral closed after allocation ("support ended")
        closes months after it, or is still open when that is after now."""
        allocated = plan["allocated"]
        if allocated is None:
            return
        rng = self.rng
        plan["support_until"] = allocated + dt.timedelta(days=rng.uniform(*SUPPORT_DAYS))
        if referral.status != S.CLOSED:
            return
        end = plan["support_until"]
        a, b, _at, reason = plan["transitions"][-1]
        if end >= self.now - DAY:
            plan["transitions"].pop()
            referral.status, referral.closed_at, plan["closed"], plan["status"] = S.ALLOCATED, None, None, S.ALLOCATED
        else:
            plan["transitions"][-1] = (a, b, end, reason)
            referral.closed_at = plan["closed"] = end

    def treatment_referrals(self, referral: Referral, plan: dict) -> list[TreatmentReferral]:
        """One referral to the Treatment Service per ERS referral, however many reasons; sent
        after triage, with the Treatment Service's outcome some days later."""
        rng, by = self.rng, plan["by"]
        completed = plan["triage_completed"]
        if not plan["treatment"]:
            if plan["allocated"] is None or rng.random() >= ESCALATED_SHARE:
                return []
            # ASM-6: an escalation trigger recorded in the assessment, weeks into support.
            plan["treatment"] = [(TreatmentReferral.Reason.ASSESSMENT_TRIGGER, False)]
            completed = plan["allocated"] + dt.timedelta(days=rng.uniform(7, 60))
        (reason, automatic), rest = plan["treatment"][0], plan["treatment"][1:]
        tr = TreatmentReferral(
            referral_id=referral.pk,
            reason=reason,
            other_reasons=[r for r, _a in rest if r != reason],
            automatic=automatic,
            status=TR.PENDING,
            created_by=by,
        )
        sent = completed + dt.timedelta(hours=rng.uniform(2, 96)) if completed else None
        if sent is None or sent >= self.now:
            return [tr]
        tr.status, tr.sent_at, tr.sent_by, tr.organisation = TR.SENT, sent, by, self.treatment_org
        recorded = sent + dt.timedelta(days=rng.uniform(3, 21))
        if recorded < self.now and rng.random() < 0.85:
            tr.outcome_recorded_at, tr.outcome_recorded_by = recorded, self.treatment_user
            if rng.random() < 0.75:
                tr.status = TR.ACCEPTED
                tr.treatment_case_id = f"TS-{rng.randint(100000, 999999)}"
                first = (sent + dt.timedelta(days=rng.uniform(3, 20))).date()
                tr.first_appointment_on = min(first, recorded.date())
                started = tr.first_appointment_on + dt.timedelta(days=rng.randint(0, 14))
                if rng.random() < 0.8 and started <= self.today:
                    tr.treatment_started_on = started
            else:
                tr.status = TR.DECLINED
                tr.outcome_reason = "Did not come to the assessment appointment."
        return [tr]

    # --- After the referrals are written --------------------------------------------------------

    def after_batch(self, rows: list[tuple[Referral, dict]], treatment: list[TreatmentReferral]) -> None:
        transitions = []
        for tr in treatment:
            if tr.sent_at:
                transitions.append((tr, TR.PENDING, TR.SENT, tr.sent_at, tr.sent_by_id))
            if tr.outcome_recorded_at:
                transitions.append((tr, TR.SENT, tr.status, tr.outcome_recorded_at, self.treatment_user.pk))
        TreatmentReferralTransition.objects.bulk_create(
            [
                TreatmentReferralTransition(treatment_referral_id=t.pk, from_status=a, to_status=b, at=at, by_id=by)
                for t, a, b, at, by in transitions
            ],
            batch_size=BATCH,
        )
        self._count("treatment_referrals", len(treatment))
        out = {"contacts": [], "equality": [], "substances": [], "readings": [], "plans": [], "engagement": []}
        feedback = []
        for referral, plan in rows:
            if plan["contact_made"] and self.rng.random() < 0.3:
                feedback.append(self._feedback(referral, plan))
            if plan["allocated"] is not None and referral.person_id is not None:
                self._support(referral, plan, out)
        ReferralFeedback.objects.bulk_create(feedback, batch_size=BATCH)
        self._count("feedback", len(feedback))
        self.write(out)

    def write(self, out: dict) -> None:
        """Writes one batch of rows (also used for the benchmark's measured person)."""
        Contact.objects.bulk_create(out["contacts"], batch_size=BATCH)
        EqualitySection.objects.bulk_create(out["equality"], batch_size=BATCH)
        SubstanceSection.objects.bulk_create(out["substances"], batch_size=BATCH)
        InstrumentReading.objects.bulk_create(out["readings"], batch_size=BATCH)
        EngagementTransition.objects.bulk_create(out["engagement"], batch_size=BATCH)
        plans = [plan for plan, _reviews in out["plans"]]
        RecoveryPlan.objects.bulk_create(plans, batch_size=BATCH)
        reviews = []
        for plan, plan_reviews in out["plans"]:
            for review in plan_reviews:
                review.plan = plan  # now that the plan has its key
                reviews.append(review)
        PlanReview.objects.bulk_create(reviews, batch_size=BATCH)
        for plan in plans:
            latest = self.latest_plan.get(plan.person_id)
            if latest is None or latest[0] <= plan.started_on:
                self.latest_plan[plan.person_id] = (plan.started_on, plan.pk)
        for name in ("contacts", "equality", "substances", "readings", "engagement"):
            self._count(name, len(out[name]))
        self._count("plans", len(plans))
        self._count("plan_reviews", len(reviews))

    def _feedback(self, referral: Referral, plan: dict) -> ReferralFeedback:
        at = min(plan["contact_made"] + dt.timedelta(days=self.rng.uniform(1, 10)), self.now - dt.timedelta(hours=1))
        return ReferralFeedback(
            referral_id=referral.pk, satisfaction=_pick(self.rng, SATISFACTION), recorded_at=at, recorded_by=plan["by"]
        )

    def _support(self, referral: Referral, plan: dict, out: dict) -> None:
        rng, person_id, worker = self.rng, referral.person_id, referral.allocated_worker_id
        start = plan["allocated"]
        end = referral.closed_at or plan.get("support_until") or self.now
        ongoing = end >= self.now
        end = min(end, self.now - dt.timedelta(hours=1))
        substances = list(referral.substances)
        if person_id not in self.assessed:
            self.assessed.add(person_id)
            out["equality"].append(equality_section(rng, person_id, worker))
            out["substances"].append(substance_section(rng, person_id, worker, substances))
        out["contacts"] += self.contacts(person_id, worker, start, end, substances)
        out["readings"] += self.instrument_readings(person_id, worker, start, end, "alcohol" in substances)
        out["plans"].append(self.plan(person_id, worker, start, end))
        if not ongoing:
            reason = _pick(rng, INACTIVE_REASONS) if referral.status == S.CLOSED else "disengaged"
            self._engagement(out, person_id, worker, end, EngagementStatus.Status.INACTIVE, reason)
            back = end + dt.timedelta(days=rng.uniform(14, 200))
            if reason in ("disengaged", "asked_not_contacted") and rng.random() < 0.35 and back < self.now:
                # Re-entry (§3.4.6): back in one step, a few contacts, and perhaps gone again.
                self._engagement(out, person_id, worker, back, EngagementStatus.Status.ACTIVE, "")
                again = back + dt.timedelta(days=rng.uniform(20, 150))
                out["contacts"] += self.contacts(person_id, worker, back, min(again, self.now), substances)
                if again < self.now:
                    self._engagement(out, person_id, worker, again, EngagementStatus.Status.INACTIVE, "disengaged")

    def _engagement(self, out, person_id: int, worker: int, at: dt.datetime, to: str, reason: str) -> None:
        before = self.engagement.get(person_id)
        frm = (
            EngagementStatus.Status.ACTIVE
            if to == EngagementStatus.Status.INACTIVE
            else EngagementStatus.Status.INACTIVE
        )
        out["engagement"].append(
            EngagementTransition(person_id=person_id, from_status=frm, to_status=to, reason=reason, at=at, by_id=worker)
        )
        if before is None or before[0] <= at:
            self.engagement[person_id] = (at, to, reason)

    def contacts(self, person_id: int, worker: int, start: dt.datetime, end: dt.datetime, substances) -> list:
        rng, made = self.rng, []
        opiate = "opioids" in substances
        at = start + dt.timedelta(days=rng.uniform(0.5, 5))
        while at < end:
            type_ = _pick(rng, TYPES)
            topics = []
            if type_ == Contact.Type.HARM_REDUCTION or rng.random() < 0.1:
                topics = rng.sample(TOPICS, k=rng.choice((1, 1, 2, 3)))
                if opiate and "overdose" not in topics and rng.random() < 0.5:
                    topics.append("overdose")
            made.append(
                Contact(
                    person_id=person_id,
                    occurred_at=at,
                    type=type_,
                    setting=_pick(rng, SETTINGS),
                    duration_minutes=rng.choice((10, 15, 20, 30, 30, 45, 60, 90)),
                    harm_reduction_topics=topics,
                    naloxone_kits_supplied=1 if opiate and rng.random() < 0.12 else 0,
                    naloxone_administered=opiate and rng.random() < 0.002,
                    needle_syringe_provided=opiate and rng.random() < 0.08,
                    family_support="craft" if rng.random() < 0.01 else "",
                    recorded_by_id=worker,
                )
            )
            at += dt.timedelta(days=rng.expovariate(1 / self.contact_gap_days) + 0.2)
        return made

    def instrument_readings(self, person_id: int, worker: int, start, end, alcohol: bool) -> list:
        rng, made = self.rng, []
        at, step = start + dt.timedelta(days=rng.uniform(2, 14)), 0
        audit_level, barc_level = rng.uniform(1.5, 3.5), rng.uniform(2, 3.5)
        while at < end:
            for definition, level in ((self.readings.barc, barc_level), (self.readings.audit, audit_level)):
                if definition is self.readings.audit and not alcohol:
                    continue
                values = self.readings.reading(definition, level, rng)
                made.append(InstrumentReading(person_id=person_id, taken_at=at, recorded_by_id=worker, **values))
            step += 1
            audit_level = max(0.0, audit_level - rng.uniform(-0.2, 0.7))
            barc_level = min(6.0, barc_level + rng.uniform(-0.2, 0.6))
            at += dt.timedelta(days=rng.uniform(60, 120))
        return made

    def plan(self, person_id: int, worker: int, start: dt.datetime, end: dt.datetime) -> tuple:
        rng = self.rng
        started = (start + dt.timedelta(days=rng.uniform(3, 14))).date()
        due = started + dt.timedelta(days=84)
        reviews = []
        while due <= min(end.date(), self.today):
            late = rng.random() < 0.2
            reviewed = due + dt.timedelta(days=rng.randint(7, 45) if late else -rng.randint(0, 7))
            if reviewed > min(end.date(), self.today):
                break
            following = reviewed + dt.timedelta(days=rng.choice((56, 84, 84, 91)))
            reviews.append(
                PlanReview(
                    reviewed_on=reviewed,
                    what_changed="Settled at home; goals talked through.",
                    goals_progress="Steady progress.",
                    next_review=following,
                    reviewed_by_id=worker,
                )
            )
            due = following
        plan = RecoveryPlan(
            person_id=person_id,
            status=RecoveryPlan.Status.REPLACED,
            replaced_at=end,
            started_on=started,
            review_due=due,
            agreed_by_person=True,
            agreed_how=RecoveryPlan.Agreement.IN_PERSON_SIGNED,
            agreed_on=started,
            created_by_id=worker,
        )
        return plan, reviews

    def finish(self) -> None:
        """Each person's engagement status, and their latest plan made the current one (bulk
        rows, no history: see the module doc)."""
        statuses = [
            EngagementStatus(person_id=person_id, status=status, reason=reason, since=at)
            for person_id, (at, status, reason) in self.engagement.items()
        ]
        EngagementStatus.objects.bulk_create(statuses, batch_size=BATCH)
        current = [pk for _started, pk in self.latest_plan.values()]
        for start in range(0, len(current), BATCH):
            RecoveryPlan.objects.filter(pk__in=current[start : start + BATCH]).update(
                status=RecoveryPlan.Status.CURRENT, replaced_at=None
            )


def equality_section(rng: random.Random, person_id: int, worker: int) -> EqualitySection:
    E = EqualitySection
    return E(
        person_id=person_id,
        updated_by_id=worker,
        sex=_coded(rng, ["male", "female"], [62, 38]),
        gender_reassignment=_coded(rng, ["no", "yes"], [98, 2]),
        sexual_orientation=_coded(rng, ["straight", "gay_lesbian", "bisexual", "other"], [88, 5, 5, 2]),
        ethnicity=_coded(rng, ["white", "mixed", "asian", "black", "other"], [93, 2, 2, 2, 1]),
        religion=_coded(rng, ["none", "christian", "muslim", "other"], [55, 38, 3, 4]),
        disability=_coded(rng, ["no", "yes"], [65, 35]),
        relationship=_coded(rng, ["single", "married", "separated", "divorced", "widowed"], [55, 15, 12, 14, 4]),
        pregnancy=_coded(rng, ["no", "pregnant", "postnatal"], [96, 2, 2]),
        armed_forces=_coded(rng, ["no", "veteran", "family"], [90, 7, 3]),
        care_experienced=_coded(rng, ["no", "yes"], [80, 20]),
        neurodivergence=_coded(rng, ["no", "diagnosed", "self_identified"], [80, 10, 10]),
        rurality=rng.choice(["urban", "urban", "rural", NOT_ASKED]),
        first_language="English" if rng.random() < 0.95 else rng.choice(["Polish", "Romanian", "Arabic"]),
        interpreter=_coded(rng, ["no", "yes"], [97, 3]),
    )


def substance_section(rng: random.Random, person_id: int, worker: int, substances: list[str]) -> SubstanceSection:
    known = [s for s in substances if s in ASSESSMENT_SUBSTANCES] or ["other"]
    primary = known[0]
    secondary = next((s for s in known[1:] if s != primary), "")
    injecting = "never"
    if primary == "opioids":
        injecting = rng.choice(["currently", "previously", "never", PREFER_NOT_TO_SAY])
    route = {"alcohol": "oral", "opioids": rng.choice(["injected", "smoked"]), "cocaine": "sniffed"}.get(
        primary, "smoked"
    )
    return SubstanceSection(
        person_id=person_id,
        updated_by_id=worker,
        primary_substance=primary,
        secondary_substance=secondary,
        route=route,
        injecting=injecting,
    )
