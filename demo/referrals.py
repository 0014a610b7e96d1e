"""The ~80 fictional referrals that ``seed_demo`` walks through the real services.

Every referral is reached through ``referrals.services`` (create, contact attempts, screening,
triage outcome, allocation, people and links), so its history rows, status transitions and
automatic Treatment referrals are exactly what a practitioner's clicks would have made. What
should happen to each is planned in ``demo.scenarios``; names and places come from
``demo.people``; consent and sharing follow in ``demo.sharing``.
"""

from __future__ import annotations

import datetime as dt
import random

from demo.people import HUB_TOWNS, OUT_OF_AREA, nhs_test_number
from demo.scenarios import (
    CARER_REASONS,
    CHILDRENS_SOURCES,
    CLOSE_AFTER_SUPPORT,
    NOTES_MADE,
    NOTES_MESSAGE,
    NOTES_NO_ANSWER,
    OUT,
    REASONS,
    REFERRER_ORGANISATIONS,
    ROUTES,
    SIGNPOSTS,
    Plan,
    Timeline,
    build_plans,
    clock_at,
)
from partnership.models import Council, Hub
from referrals.models import (
    ContactAttempt,
    ContactMethod,
    Escalation,
    Person,
    Referral,
    Substance,
    Triage,
    YesNoUnknown,
)
from referrals.services import allocation as allocation_services
from referrals.services import referrals as services
from referrals.services import triage as triage_services

R = Referral


class DemoReferrals:
    """Builds the plans into real referrals, oldest first, through the services."""

    def __init__(
        self,
        *,
        fake,
        rng: random.Random,
        now: dt.datetime,
        spoc,
        manager,
        hubs: dict[str, Hub],
        workers_by_hub: dict[str, list],
    ):
        self.fake, self.rng, self.now = fake, rng, now
        self.spoc, self.manager = spoc, manager
        self.hubs, self.workers_by_hub = hubs, workers_by_hub
        self.subjects: dict[str, dict] = {}
        self.referrals: dict[str, Referral] = {}
        self.plans: list[Plan] = []

    def run(self) -> int:
        """Make every planned referral that does not exist yet; return how many were made."""
        self.plans = build_plans(self.rng)
        plans = sorted(self.plans, key=lambda p: p.age, reverse=True)
        made = 0
        for plan in plans:
            # Everything random is drawn before looking in the database, so a second run
            # draws exactly the same values for the same plans.
            data = self._intake_data(plan)
            online, channel = data.pop("_online"), data.pop("_channel")
            by = None if online else self._actor()
            received_at = self.now - plan.age
            with clock_at(received_at):
                referral, created = services.referral_create(
                    data=data, channel=channel, by=by, submission_token=plan.token, received_at=received_at
                )
            self.referrals[plan.key] = referral
            if created:
                self._advance(referral, plan)
                made += 1
        return made

    # --- The referral as received ----------------------------------------------------

    def _actor(self):
        # The SPOC practitioner takes most of the work; the manager covers now and then.
        return self.manager if self.rng.random() < 0.2 else self.spoc

    def _subject(self, plan: Plan) -> dict:
        if plan.returning_of:
            subject = dict(self.subjects[plan.returning_of])
            subject["subject_phone"] = f"07700 900{self.rng.randint(0, 999):03d}"  # new number since
            return subject
        fake, rng = self.fake, self.rng
        given, family = fake.first_name(), fake.last_name()
        if plan.young_carer:
            dob = fake.date_of_birth(minimum_age=13, maximum_age=16)
        elif plan.under_18:
            dob = fake.date_of_birth(minimum_age=16, maximum_age=17)
        elif plan.pregnant:
            dob = fake.date_of_birth(minimum_age=19, maximum_age=40)
        else:
            dob = fake.date_of_birth(minimum_age=19, maximum_age=72)
        town, district = rng.choice(
            OUT_OF_AREA if plan.out_of_area else HUB_TOWNS[plan.hub or rng.choice(list(HUB_TOWNS))]
        )
        postcode = (
            f"{district} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        )
        subject = {
            "subject_given_name": given,
            "subject_family_name": family,
            "subject_date_of_birth": dob if rng.random() < 0.9 or plan.young_carer else None,
            "subject_nhs_number": nhs_test_number(rng) if rng.random() < 0.4 else "",
            "subject_address": f"{fake.building_number()} {fake.street_name()}\n{town}",
            "subject_postcode": postcode,
            "subject_phone": f"07700 900{rng.randint(0, 999):03d}",  # Ofcom's range for drama
            "subject_email": f"{given.lower()}.{family.lower()}{rng.randint(1, 99)}@example.com"
            if rng.random() < 0.5
            else "",
        }
        self.subjects[plan.key] = subject
        return subject

    def _intake_data(self, plan: Plan) -> dict:
        rng, fake = self.rng, self.fake
        if plan.carer:
            # A carer refers herself, online or by phone.
            referrer_type, source = R.ReferrerType.SELF, R.Source.SELF
            channel = rng.choice((R.Channel.ONLINE, R.Channel.PHONE))
        elif plan.childrens:
            referrer_type, source = R.ReferrerType.PROFESSIONAL, rng.choice(CHILDRENS_SOURCES)
            channel = rng.choice((R.Channel.PHONE, R.Channel.EMAIL))
        else:
            weights = [w for w, *_ in ROUTES]
            _w, referrer_type, source, channels = rng.choices(ROUTES, weights=weights)[0]
            channel = rng.choice(channels)
        substances = [
            rng.choice(
                (
                    Substance.ALCOHOL,
                    Substance.ALCOHOL,
                    Substance.OPIOIDS,
                    Substance.COCAINE,
                    Substance.CANNABIS,
                    Substance.CRACK,
                    Substance.BENZODIAZEPINES,
                    Substance.PRESCRIPTION,
                )
            )
        ]
        if rng.random() < 0.3:
            substances.append(rng.choice([s for s in Substance.values if s not in substances and s != Substance.OTHER]))
        data = {
            **self._subject(plan),
            "is_urgent": plan.urgent,
            "referrer_type": referrer_type,
            "source": source,
            "substances": substances,
            "reason": rng.choice(REASONS),
            "open_to_childrens_services": YesNoUnknown.YES
            if plan.childrens
            else rng.choice((YesNoUnknown.NO, YesNoUnknown.UNKNOWN)),
            "pregnant": YesNoUnknown.YES if plan.pregnant else YesNoUnknown.UNKNOWN,
            "consent_to_contact": True,
            "contact_methods": rng.choice(
                (
                    [ContactMethod.PHONE],
                    [ContactMethod.PHONE, ContactMethod.TEXT],
                    [ContactMethod.EMAIL, ContactMethod.PHONE],
                )
            ),
            "safe_contact_times": rng.choice(("", "Weekday mornings", "After 5pm", "Any time")),
            "safe_to_leave_message": rng.choice((YesNoUnknown.YES, YesNoUnknown.NO, YesNoUnknown.UNKNOWN)),
            "preferred_language": "pl" if rng.random() < 0.05 else "",
        }
        if plan.carer:
            # What the person she cares for uses: never a substance record of her own.
            data["support_for"] = R.SupportFor.CARER
            data["cared_for_relationship"] = (
                R.CaredForRelationship.PARENT if plan.young_carer else rng.choice(R.CaredForRelationship.values)
            )
            data["cared_for_given_name"] = fake.first_name()
            data["cared_for_substances"] = substances
            data["substances"] = []
            data["reason"] = rng.choice(CARER_REASONS)
        if referrer_type != R.ReferrerType.SELF:
            name = fake.name()
            data["referrer_name"] = name
            data["referrer_phone"] = f"01632 960{rng.randint(0, 999):03d}"  # Ofcom's range for drama
            if referrer_type == R.ReferrerType.FAMILY:
                data["referrer_relationship"] = rng.choice(("Mother", "Partner", "Brother", "Friend", "Daughter"))
            else:
                template = REFERRER_ORGANISATIONS.get(source, "{name} Support Service")
                data["referrer_organisation"] = template.format(name=fake.last_name())
                data["referrer_role"] = rng.choice(("Support worker", "Nurse", "Case manager", "Social worker"))
                data["referrer_email"] = f"referrals{rng.randint(1, 99)}@example.org"
        # The public form is anonymous (by=None); a professional's e-mail is keyed in by the SPOC.
        online = channel == R.Channel.ONLINE and referrer_type in (R.ReferrerType.SELF, R.ReferrerType.FAMILY)
        data["_online"] = online
        data["_channel"] = channel
        return data

    # --- What happened next --------------------------------------------------------------

    def _advance(self, referral: Referral, plan: Plan) -> None:
        rng = self.rng
        by = self._actor()
        if plan.stage == "received":
            # Some new referrals are already picked up ("Assigned to me" in the queue).
            if rng.random() < 0.3:
                with clock_at(referral.received_at + (self.now - referral.received_at) / 2):
                    services.referral_assign(referral=referral, to=by, by=by)
            return
        failed = {"contacting": rng.randint(1, 3), "declined": 1}.get(plan.stage, rng.choice((0, 0, 1, 2)))
        if plan.outcome == OUT.UNABLE_TO_CONTACT:
            failed = 3
        when = Timeline(rng, start=referral.received_at, end=self.now, longest=self._longest(plan, failed))
        # Whoever takes the referral on is its assigned SPOC practitioner from then on.
        picked_up = min((self.now - referral.received_at) * 0.0005, dt.timedelta(minutes=20))  # before any step
        with clock_at(referral.received_at + picked_up):
            services.referral_assign(referral=referral, to=by, by=by)

        for n in range(failed):
            self._attempt(
                referral,
                by,
                when.after(0.5, 20) if n == 0 else when.after(4, 30),
                rng.choice((ContactAttempt.Outcome.NO_ANSWER, ContactAttempt.Outcome.LEFT_MESSAGE)),
            )
        if plan.stage == "contacting":
            return
        if plan.stage == "declined":
            self._attempt(referral, by, when.after(4, 30), ContactAttempt.Outcome.DECLINED)
            with clock_at(when.after(0.1, 1)):
                allocation_services.referral_close(referral=referral, by=by, reason="Person did not want support")
            return
        if plan.outcome == OUT.UNABLE_TO_CONTACT:
            with clock_at(when.after(24, 72)):
                if plan.make_person:
                    services.person_create_from_referral(referral=referral, by=by)
                triage_services.triage_complete(referral=referral, by=by, outcome=OUT.UNABLE_TO_CONTACT)
            return

        self._attempt(
            referral, by, when.after(0.5, 20) if failed == 0 else when.after(4, 30), ContactAttempt.Outcome.MADE_CONTACT
        )
        screened_at = when.after(0.1, 0.5)
        with clock_at(screened_at):
            self._person(referral, plan, by)
            triage_services.triage_save_screening(referral=referral, by=by, **self._screening(referral, plan))
            if plan.urgent:
                triage_services.escalation_record(
                    referral=referral,
                    by=by,
                    action=rng.choice((Escalation.Action.CRISIS_TEAM, Escalation.Action.MANAGER_INFORMED)),
                    done_at=screened_at,
                    done_by_name=by.get_full_name(),
                    notes="Escalated under the urgent protocol; agreed next steps with the person.",
                )
        if plan.stage == "in_triage":
            return
        triaged_at = when.after(2, 72)
        with clock_at(triaged_at):
            triage_services.triage_complete(referral=referral, by=by, **self._outcome(plan))
            if plan.outcome in Triage.TREATMENT_OUTCOMES:
                triage_services.warm_introduction_record(
                    referral=referral,
                    by=by,
                    introduced_to="Duty worker",
                    organisation="Cumbria Treatment Service (demo)",
                    introduced_at=triaged_at,
                    notes="Three-way call with the person to introduce the Treatment Service.",
                )
        if plan.stage in ("triaged", "closed"):
            return
        hub = self.hubs[plan.hub]
        workers = self.workers_by_hub[plan.hub]
        # The named demo hub worker gets the biggest share, so their caseload is not empty.
        worker = workers[0] if rng.random() < 0.6 else rng.choice(workers)
        with clock_at(when.after(4, 96)):
            allocation_services.referral_allocate(referral=referral, hub=hub, worker=worker, by=by)
        if plan.stage == "support_ended":
            with clock_at(when.after(240, 480)):
                allocation_services.referral_close(referral=referral, by=by, reason=rng.choice(CLOSE_AFTER_SUPPORT))

    @staticmethod
    def _longest(plan: Plan, failed: int) -> float:
        """The most hours the steps ``_advance`` takes for this plan could add up to."""
        hours = 20.0 + 30 * (failed - 1) if failed else 0.0
        if plan.stage == "declined":
            return hours + 31
        if plan.outcome == OUT.UNABLE_TO_CONTACT:
            return hours + 72
        if plan.stage == "contacting":
            return max(hours, 1.0)
        hours += 30 + 0.5
        if plan.stage != "in_triage":
            hours += 72
        if plan.stage in ("allocated", "support_ended"):
            hours += 96
        if plan.stage == "support_ended":
            hours += 480
        return hours

    def _attempt(self, referral: Referral, by, when: dt.datetime, outcome: str) -> None:
        notes = {
            ContactAttempt.Outcome.NO_ANSWER: NOTES_NO_ANSWER,
            ContactAttempt.Outcome.LEFT_MESSAGE: NOTES_MESSAGE,
            ContactAttempt.Outcome.MADE_CONTACT: NOTES_MADE,
            ContactAttempt.Outcome.DECLINED: ("Thanked us; does not want support at the moment.",),
        }[outcome]
        method = (
            ContactAttempt.Method.TEXT
            if outcome == ContactAttempt.Outcome.LEFT_MESSAGE and self.rng.random() < 0.5
            else ContactAttempt.Method.PHONE
        )
        with clock_at(when):
            triage_services.contact_attempt_record(
                referral=referral,
                by=by,
                attempted_at=when,
                method=method,
                outcome=outcome,
                notes=self.rng.choice(notes),
            )

    def _person(self, referral: Referral, plan: Plan, by) -> None:
        if plan.returning_of:
            earlier = self.referrals[plan.returning_of]
            person = Person.objects.get(pk=earlier.person_id)
            services.referral_link_person(referral=referral, person=person, by=by)
        elif plan.stage != "in_triage" or self.rng.random() < 0.5:
            services.person_create_from_referral(referral=referral, by=by)

    def _screening(self, referral: Referral, plan: Plan) -> dict:
        rng = self.rng
        if plan.urgent:
            risk, reasons = Triage.Risk.RED, [rng.choice((Triage.RiskReason.OVERDOSE, Triage.RiskReason.SUICIDE))]
        else:
            risk = rng.choices((Triage.Risk.GREEN, Triage.Risk.AMBER, Triage.Risk.RED), weights=(50, 38, 12))[0]
            reasons = (
                []
                if risk == Triage.Risk.GREEN
                else [
                    rng.choice(
                        (
                            Triage.RiskReason.INJECTING,
                            Triage.RiskReason.HOMELESSNESS,
                            Triage.RiskReason.WITHDRAWAL,
                            Triage.RiskReason.DOMESTIC_ABUSE,
                            Triage.RiskReason.PHYSICAL_HEALTH,
                        )
                    )
                ]
            )
        if plan.childrens:
            reasons.append(Triage.RiskReason.CHILDREN)
            risk = risk if risk == Triage.Risk.RED else Triage.Risk.AMBER
        if plan.pregnant:
            reasons.append(Triage.RiskReason.PREGNANCY)
            risk = risk if risk == Triage.Risk.RED else Triage.Risk.AMBER
        return {
            "substances": list(referral.substances),
            "cared_for_substances": list(referral.cared_for_substances),
            # Derived from the postcode at referral; recorded here for a referral without one.
            "council_of_residence": Council.OUTSIDE_AREA
            if plan.out_of_area
            else triage_services.referral_council(referral),
            "pregnant": YesNoUnknown.YES if plan.pregnant else YesNoUnknown.NO,
            "open_to_childrens_services": YesNoUnknown.YES if plan.childrens else YesNoUnknown.NO,
            "mental_health_concern": rng.choice((YesNoUnknown.YES, YesNoUnknown.NO, YesNoUnknown.UNKNOWN)),
            "homeless": YesNoUnknown.YES if Triage.RiskReason.HOMELESSNESS in reasons else YesNoUnknown.NO,
            "screening_notes": "Talked through current use, support network and what they would like to change.",
            "risk": risk,
            "risk_reasons": reasons,
            "risk_notes": "" if risk == Triage.Risk.GREEN else "Discussed with the person; safety advice given.",
        }

    def _outcome(self, plan: Plan) -> dict:
        if plan.outcome == OUT.SIGNPOST:
            return {
                "outcome": OUT.SIGNPOST,
                "signposted_to": self.rng.choice(SIGNPOSTS),
                "outcome_reason": "Would prefer mutual aid and support nearer home for now.",
            }
        if plan.outcome == OUT.NOT_ELIGIBLE:
            reason = (
                "Under 18; passed to the young people's service."
                if plan.under_18
                else "Lives outside Cumbria; given details of their local service."
            )
            return {"outcome": OUT.NOT_ELIGIBLE, "outcome_reason": reason}
        return {"outcome": plan.outcome}
