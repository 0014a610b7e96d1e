"""Safeguarding concerns and a chronology in the demo (SAF-1, SAF-2), after the assessments.

- About the child in the household from the demo's assessment (neglect, high risk): raised by
  the person's worker three weeks ago, notified to the council the next morning, referred to the
  council's safeguarding team with its reference, a strategy meeting with its attendees and
  decisions, and actions with owners and due dates (one done, one overdue, one still to come).
- Cuckooing (high risk, waiting for a referral to the council, the notification's clock still
  running), county lines (another child: referred, a MASH discussion, closed with an outcome),
  domestic abuse (another adult, an overdue action for a partner agency), self-neglect (closed)
  and financial exploitation raised by the peer support worker.
- The chronology of the first person: entries marked significant with their significance and
  the action taken, and two chronology-only summaries from other agencies.

Everything goes through the services, at moments in the past (``clock_at``), as the demo's staff.
It runs only while no concern is recorded, so a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt

from assessments.models import Child
from demo.scenarios import clock_at
from partnership.models import Council
from referrals.models import Referral
from safeguarding import chronology
from safeguarding import services_concerns as services
from safeguarding.chronology_services import chronology_mark_save, chronology_summary_add
from safeguarding.models import Concern, ConcernMeeting, Notification
from safeguarding.services_notifications import notification_mark_sent

C = Concern


def _carlisle_people(workers) -> list[tuple]:
    """(person, their worker) for the Carlisle workers' allocated people, oldest first."""
    referrals = (
        Referral.objects.filter(
            allocated_worker__in=workers, status=Referral.Status.ALLOCATED, person__processing_restricted=False
        )
        .select_related("person", "allocated_worker")
        .order_by("allocated_at", "pk")
    )
    seen, people = set(), []
    for referral in referrals:
        if referral.person_id not in seen:
            seen.add(referral.person_id)
            people.append((referral.person, referral.allocated_worker))
    return people


def _worker_of(person):
    referral = (
        Referral.objects.filter(person=person, status=Referral.Status.ALLOCATED)
        .select_related("allocated_worker")
        .order_by("-allocated_at")
        .first()
    )
    return referral.allocated_worker if referral else None


def _council(person) -> str:
    council = person.council_of_residence
    return council if council in (Council.CUMBERLAND, Council.WESTMORLAND_AND_FURNESS) else Council.CUMBERLAND


def _mark_notifications_sent(concern: Concern, *, lead, hours: float) -> None:
    for notification in Notification.objects.filter(subject_type="safeguarding.concern", subject_id=concern.pk):
        notification_mark_sent(
            notification=notification,
            by=lead,
            sent_at=notification.starts_at + dt.timedelta(hours=hours),
            sent_how=Notification.How.EMAIL,
            council_reference=f"SG-NOTE-{concern.pk}",
        )


def seed_concerns(*, now: dt.datetime, lead, manager, worker, peer) -> int:
    """Returns how many concerns were raised now (0 when any is recorded already)."""
    if Concern.objects.exists():
        return 0
    child = Child.objects.select_related("person").order_by("pk").first()
    people = [p for p in _carlisle_people([worker, peer, manager]) if child is None or p[0].pk != child.person_id]
    raised = 0

    def ago(days: float) -> dt.datetime:
        return now - dt.timedelta(days=days)

    if child is not None:
        person, by = child.person, _worker_of(child.person) or worker
        with clock_at(ago(21)):
            first = services.concern_raise(
                person=person,
                by=by,
                category=C.Category.NEGLECT,
                at_risk=C.AtRisk.CHILD_IN_HOUSEHOLD,
                child=child,
                risk_level=C.RiskLevel.HIGH,
                summary="Their child, aged 7, has missed school most days this month and was seen outside "
                "late at night without a coat.",
            )
        with clock_at(ago(20.6)):
            _mark_notifications_sent(first, lead=lead, hours=9)
            services.concern_council_referral_record(
                concern=first,
                by=lead,
                council=_council(person),
                council_reference="CSC-2026-0415",
                referred_on=ago(20.6).date(),
            )
        with clock_at(ago(17)):
            services.concern_meeting_record(
                concern=first,
                by=lead,
                kind=ConcernMeeting.Kind.STRATEGY,
                held_on=ago(17).date(),
                attendees="Children's social care (chair), school designated safeguarding lead, health visitor, "
                "ERS safeguarding lead, the person's recovery worker",
                decisions="Section 47 enquiry to start. ERS to offer weekly home visits and share attendance "
                "at appointments with the social worker.",
            )
            done, _overdue, _to_come = (
                services.concern_action_add(concern=first, by=lead, description=what, due_on=due, **owner)
                for what, due, owner in (
                    ("Share the support plan with the social worker", ago(14).date(), {"owner": by}),
                    ("Weekly home visit, with a note to the social worker", ago(3).date(), {"owner": by}),
                    (
                        "Child protection case conference",
                        (now + dt.timedelta(days=6)).date(),
                        {"owner_other": "Children's social care"},
                    ),
                )
            )
        with clock_at(ago(15)):
            services.concern_action_done(action=done, by=by)
        _chronology(first.person, lead=lead, now=now)
        raised += 1

    plans = [
        # (category, at risk, risk, summary, days ago, closed with)
        (
            C.Category.CUCKOOING,
            C.AtRisk.PERSON,
            C.RiskLevel.HIGH,
            "People from out of town are staying in the flat and selling drugs from it; they took the door key.",
            0.4,
            "",
        ),
        (
            C.Category.COUNTY_LINES,
            C.AtRisk.OTHER_CHILD,
            C.RiskLevel.HIGH,
            "A 15-year-old neighbour is being sent to Barrow with packages.",
            30,
            C.Outcome.POLICE,
        ),
        (
            C.Category.DOMESTIC_ABUSE,
            C.AtRisk.OTHER_ADULT,
            C.RiskLevel.MEDIUM,
            "Their sister, who lives with them, has bruises and says her partner hits her.",
            12,
            "",
        ),
        (
            C.Category.SELF_NEGLECT,
            C.AtRisk.PERSON,
            C.RiskLevel.LOW,
            "The home is cold and there is little food; not collecting prescriptions.",
            35,
            C.Outcome.RISK_REDUCED,
        ),
        (
            C.Category.EXPLOITATION,
            C.AtRisk.PERSON,
            C.RiskLevel.MEDIUM,
            "Says someone they owe money to takes their benefits each fortnight.",
            2,
            "",
        ),
    ]
    for index, (category, at_risk, risk, summary, days, outcome) in enumerate(plans):
        if not people:
            break
        person, by = people[index % len(people)]
        if index == len(plans) - 1:
            by = peer
        with clock_at(ago(days)):
            concern = services.concern_raise(
                person=person,
                by=by,
                category=category,
                at_risk=at_risk,
                risk_level=risk,
                summary=summary,
                at_risk_detail="Neighbour's son, 15" if at_risk == C.AtRisk.OTHER_CHILD else "",
            )
        raised += 1
        if category == C.Category.COUNTY_LINES:
            with clock_at(ago(days - 0.5)):
                services.concern_council_referral_record(
                    concern=concern,
                    by=lead,
                    council=_council(person),
                    council_reference="MASH-88213",
                    referred_on=ago(days - 0.5).date(),
                )
            with clock_at(ago(days - 1.5)):
                _mark_notifications_sent(concern, lead=lead, hours=30)  # late: six hours after it was due
            with clock_at(ago(days - 2)):
                services.concern_meeting_record(
                    concern=concern,
                    by=lead,
                    kind=ConcernMeeting.Kind.MASH,
                    held_on=ago(days - 2).date(),
                    attendees="MASH team, police exploitation team, ERS safeguarding lead",
                    decisions="Police to lead; the young person's school and family told.",
                )
        if category == C.Category.DOMESTIC_ABUSE:
            with clock_at(ago(days - 1)):
                services.concern_action_add(
                    concern=concern,
                    by=by,
                    description="Offer a referral to the independent domestic violence adviser",
                    due_on=ago(5).date(),
                    owner_other="Independent domestic violence adviser service",
                )
        if outcome:
            with clock_at(ago(days - 20)):
                services.concern_move(
                    concern=concern,
                    by=lead,
                    to_status=C.Status.CLOSED,
                    outcome=outcome,
                    outcome_note="Agreed at the review with the person and their worker.",
                )
    return raised


def _chronology(person, *, lead, now: dt.datetime) -> None:
    """Marks on the first entries of the person's timeline, and two summaries from other agencies."""
    entries = list(chronology.entries(person=person, user=lead, filters=chronology.Filters()))
    notes = (
        ("Referred for support with alcohol; a parent of a young child.", "Assessment booked within the week."),
        ("First sign of the child's needs going unmet.", "Discussed with the safeguarding lead."),
        ("Significant: the child was at risk of neglect.", "Referred to Children's social care the same day."),
    )
    for entry, (significance, action) in zip(entries[:1] + entries[-2:], notes, strict=False):
        with clock_at(now - dt.timedelta(days=10)):
            chronology_mark_save(
                person=person,
                by=lead,
                entry_key=entry.key,
                kind=entry.kind,
                event_at=entry.at,
                significant=True,
                significance=significance,
                action_outcome=action,
            )
    for days, agency, event, action in (
        (
            19,
            "Children's social care",
            "Joint home visit with the social worker; the child was at home and well.",
            "Social worker to visit again within a week.",
        ),
        (
            9,
            "Carlisle primary school",
            "School told us attendance is back to four days a week.",
            "Attendance to be shared at the case conference.",
        ),
    ):
        with clock_at(now - dt.timedelta(days=days - 0.5)):
            chronology_summary_add(
                person=person,
                by=lead,
                occurred_at=now - dt.timedelta(days=days),
                agency=agency,
                event=event,
                significance="Shows whether the plan is keeping the child safe.",
                action_outcome=action,
            )
