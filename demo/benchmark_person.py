"""The person whose pages ``benchmark_casework`` measures, made through the services so their
pages show real history: a referral received ``years`` ago, triaged and allocated to the
benchmark's hub worker, then per year of history (issue 9's "ten years": 2,000 contacts, 40
assessment versions, 30 plan reviews, 60 instrument readings) 200 contacts, 4 assessment
versions, 3 plan reviews and 6 readings, each at its own moment in the past (``clock_at``)."""

from __future__ import annotations

import datetime as dt

from assessments.instruments import registry
from assessments.services import assessment_section_save, reading_record
from demo.scenarios import clock_at
from recovery_plans.models import Contact
from recovery_plans.services import contacts as contact_services
from recovery_plans.services import plans as plan_services
from referrals.models import ContactAttempt, Person, Referral, Triage, YesNoUnknown
from referrals.services import allocation as allocation_services
from referrals.services import referrals as referral_services
from referrals.services import triage as triage_services

PER_YEAR = {"contacts": 200, "assessment_versions": 4, "plan_reviews": 3, "readings": 6}
SETTINGS = ("hub", "phone", "in_reach", "home_visit", "outreach", "video")
TYPES = ("brief_intervention", "peer_support", "harm_reduction", "brief_advice", "counselling")
SECTIONS = (
    ("needs", lambda n: {"needs": f"Settled housing (update {n})", "goals": "Stay well; back to work"}),
    ("substances", lambda n: {"primary_substance": "alcohol", "secondary_substance": ("", "cannabis")[n % 2]}),
    (
        "equality",
        lambda n: {"first_language": "English", "sexual_orientation": ("straight", "prefer_not_to_say")[n % 2]},
    ),
    ("carers", lambda n: {"parent": ("yes", "no")[n % 2], "notes": f"Reviewed {n}"}),
)


def _answers(definition, level: int) -> dict[str, str]:
    return {
        item.id: min(item.options, key=lambda option, item=item: abs(option.score - level)).value
        for item in definition.items
    }


def allocated_person(*, spoc, worker, years: float, now: dt.datetime, family_name: str) -> tuple[Person, dt.datetime]:
    """A person referred ``years`` ago, triaged and allocated to ``worker`` two days later,
    through the services (so their grants are real); returns them and when they were allocated."""
    received = now - dt.timedelta(days=365 * years)
    with clock_at(received + dt.timedelta(hours=1)):
        referral, _created = referral_services.referral_create(
            data={
                "referrer_type": Referral.ReferrerType.SELF,
                "source": Referral.Source.SELF,
                "subject_given_name": "Casework",
                "subject_family_name": family_name,
                "subject_date_of_birth": dt.date(1979, 3, 14),
                "subject_postcode": "CA1 1AA",
                "subject_phone": "07700 900123",
                "substances": ["alcohol"],
                "consent_to_contact": True,
                "reason": "Would like help to cut down drinking.",
            },
            channel=Referral.Channel.PHONE,
            by=spoc,
            received_at=received,
        )
    with clock_at(received + dt.timedelta(hours=3)):
        triage_services.contact_attempt_record(
            referral=referral,
            by=spoc,
            attempted_at=received + dt.timedelta(hours=2),
            method=ContactAttempt.Method.PHONE,
            outcome=ContactAttempt.Outcome.MADE_CONTACT,
        )
        person = referral_services.person_create_from_referral(referral=referral, by=spoc)
        triage_services.triage_save_screening(
            referral=referral,
            by=spoc,
            substances=["alcohol"],
            council_of_residence="cumberland",
            pregnant=YesNoUnknown.NO,
            open_to_childrens_services=YesNoUnknown.NO,
            risk=Triage.Risk.GREEN,
            risk_reasons=[],
            risk_notes="",
        )
        triage_services.triage_complete(referral=referral, by=spoc, outcome=Triage.Outcome.ERS)
    allocated = received + dt.timedelta(days=2)
    with clock_at(allocated):
        allocation_services.referral_allocate(referral=referral, hub=worker.membership.hub, worker=worker, by=spoc)
    person.refresh_from_db()
    return person, allocated


def measured_person(*, spoc, worker, years: float, now: dt.datetime) -> tuple[Person, dict]:
    """Returns the person and how many of each record they were given."""
    person, allocated = allocated_person(
        spoc=spoc, worker=worker, years=years, now=now, family_name=f"Benchmark{int(years)}"
    )
    span = now - dt.timedelta(hours=2) - (allocated + dt.timedelta(hours=1))

    def moment(i: int, n: int) -> dt.datetime:
        return allocated + dt.timedelta(hours=1) + span * (i + 1) / (n + 1)

    made = {name: round(count * years) for name, count in PER_YEAR.items()}
    for i in range(made["contacts"]):
        contact_services.contact_record(
            person=person,
            by=worker,
            type=TYPES[i % len(TYPES)],
            setting=SETTINGS[i % len(SETTINGS)],
            duration_minutes=30,
            occurred_at=moment(i, made["contacts"]),
            harm_reduction_topics=["safer_drinking"] if i % 7 == 0 else [],
        )
    for i in range(made["assessment_versions"]):
        key, values = SECTIONS[i % len(SECTIONS)]
        with clock_at(moment(i, made["assessment_versions"])):
            assessment_section_save(person=person, key=key, values=values(i), by=worker)
    barc, audit = registry().get("barc-10"), registry().get("audit")
    for i in range(made["readings"]):
        definition = (barc, audit)[i % 2]
        level = min(5, 2 + i // 10) if definition is barc else max(0, 3 - i // 10)
        at = moment(i, made["readings"])
        with clock_at(at):
            reading_record(
                person=person, definition=definition, answers=_answers(definition, level), by=worker, taken_at=at
            )
    started = (allocated + dt.timedelta(days=7)).date()
    with clock_at(allocated + dt.timedelta(days=7)):
        plan = plan_services.plan_create(
            person=person, by=worker, review_due=started + dt.timedelta(days=84), started_on=started
        )
    for i in range(made["plan_reviews"]):
        reviewed = moment(i, made["plan_reviews"])
        with clock_at(reviewed):
            plan_services.plan_review_record(
                plan=plan,
                by=worker,
                reviewed_on=reviewed.date(),
                what_changed=f"Review {i + 1}: steady.",
                goals_progress="Going to the café every week.",
                next_review=reviewed.date() + dt.timedelta(days=120),
            )
        plan.refresh_from_db()
    made["contacts"] = Contact.objects.filter(person=person).count()
    return person, made
