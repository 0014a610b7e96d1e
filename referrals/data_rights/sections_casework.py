"""The subject access and handover export sections for casework (assessments and recovery_plans),
named by model label so ``referrals`` imports neither app. ``sections.SECTIONS`` places them before
the access log."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from referrals.data_rights.sections import Section, _on

CASEWORK_SECTIONS: list[Section] = [
    # --- The living assessment and instrument readings (assessments) ---------------------
    Section(
        key="assessment_needs",
        title=gettext_lazy("Assessment: needs, aspirations and goals"),
        model="assessments.needssection",
        person_path="person",
        description=gettext_lazy("What you told us you need, what is going well, and what you hope for."),
    ),
    Section(
        key="assessment_risks",
        title=gettext_lazy("Assessment: risks and safeguarding"),
        model="assessments.risksection",
        person_path="person",
        description=gettext_lazy(
            "Risks, safeguarding concerns, mental health, and anything that called for extra help."
        ),
    ),
    Section(
        key="assessment_substances",
        title=gettext_lazy("Assessment: substances"),
        model="assessments.substancesection",
        person_path="person",
        description=gettext_lazy("The substances you use, how, and whether you inject."),
    ),
    Section(
        key="assessment_equality",
        title=gettext_lazy("Assessment: equality and diversity"),
        model="assessments.equalitysection",
        person_path="person",
        description=gettext_lazy("What you told us about yourself, so we can check our service is fair to everyone."),
    ),
    Section(
        key="assessment_carers",
        title=gettext_lazy("Assessment: caring and children"),
        model="assessments.carerssection",
        person_path="person",
        description=gettext_lazy("Anyone you care for, and whether you are a parent."),
    ),
    Section(
        key="assessment_children",
        title=gettext_lazy("Assessment: children"),
        model="assessments.child",
        person_path="person",
        description=gettext_lazy("Each of your children: their age, who cares for them and the support around them."),
    ),
    Section(
        key="instrument_readings",
        title=gettext_lazy("Questionnaires and readings"),
        model="assessments.instrumentreading",
        person_path="person",
        description=gettext_lazy("Each questionnaire or reading you did with us, your answers and the scores."),
        order_by=("taken_at", "pk"),
        heading=_on(gettext_lazy("Reading"), "taken_at"),
    ),
    Section(
        key="disclosures",
        title=gettext_lazy("Information shared with other organisations"),
        model="referrals.disclosure",
        person_path="person",
        description=gettext_lazy("Each time your information was sent to another organisation, and why."),
        order_by=("at", "pk"),
        heading=_on(gettext_lazy("Shared"), "at"),
    ),
    # --- Ongoing support (recovery_plans: contacts, engagement, outreach, groups) -------------
    Section(
        key="contacts",
        title=gettext_lazy("Contacts with the service"),
        model="recovery_plans.contact",
        person_path="person",
        description=gettext_lazy(
            "Each time we were in touch: the kind of support, where, how long, and any harm "
            "reduction advice, naloxone or needle and syringe provision."
        ),
        order_by=("occurred_at", "pk"),
        heading=_on(gettext_lazy("Contact"), "occurred_at"),
    ),
    Section(
        key="engagement",
        title=gettext_lazy("Whether you are in touch with the service"),
        model="recovery_plans.engagementstatus",
        person_path="person",
        description=gettext_lazy("Whether you are currently active with the service and, if not, why."),
    ),
    Section(
        key="engagement_changes",
        title=gettext_lazy("Changes to whether you are in touch"),
        model="recovery_plans.engagementtransition",
        person_path="person",
        order_by=("at", "pk"),
        heading=_on(gettext_lazy("Change"), "at"),
    ),
    Section(
        key="reengagement_flags",
        title=gettext_lazy("Reminders to get back in touch"),
        model="recovery_plans.reengagementflag",
        person_path="person",
        description=gettext_lazy(
            "When we noticed we had not been in touch for a while, so a worker could contact you."
        ),
        order_by=("flagged_at", "pk"),
        heading=_on(gettext_lazy("Reminder"), "flagged_at"),
    ),
    # Outreach contacts (once linked to a person) and group attendance point to a session that
    # is about no one person: the records export carries those sessions too (format version 3),
    # so a contact keeps its session and an attendance its group and date.
    Section(
        key="outreach_sessions",
        title=gettext_lazy("Outreach sessions"),
        model="recovery_plans.outreachsession",
        person_path="contacts__person",
        subject_access=False,
    ),
    Section(
        key="outreach_contacts",
        title=gettext_lazy("Meetings on outreach"),
        model="recovery_plans.outreachcontact",
        person_path="person",
        description=gettext_lazy("When an outreach worker met you, where, and what you told them."),
        order_by=("occurred_at", "pk"),
        heading=_on(gettext_lazy("Outreach"), "occurred_at"),
    ),
    Section(
        key="group_sessions",
        title=gettext_lazy("Group sessions"),
        model="recovery_plans.groupsession",
        person_path="attendance__person",
        subject_access=False,
    ),
    Section(
        key="group_attendance",
        title=gettext_lazy("Groups and activities"),
        model="recovery_plans.attendance",
        person_path="person",
        description=gettext_lazy("The group sessions you came to, or were expected at."),
        order_by=("recorded_at", "pk"),
        heading=_on(gettext_lazy("Group session"), "recorded_at"),
    ),
    # Recovery plans (PLN-1, PLN-2): the plan, its parts and reviews, and review prompts.
    Section(
        key="recovery_plans",
        title=gettext_lazy("Recovery plans"),
        model="recovery_plans.recoveryplan",
        person_path="person",
        description=gettext_lazy("The recovery plans you made with us, and whether and how you agreed to them."),
        order_by=("started_on", "pk"),
        heading=_on(gettext_lazy("Recovery plan"), "started_on"),
    ),
    Section(
        key="plan_goals",
        title=gettext_lazy("Goals in your recovery plans"),
        model="recovery_plans.plangoal",
        person_path="plan__person",
        order_by=("created_at", "pk"),
        heading=_on(gettext_lazy("Goal"), "created_at"),
    ),
    Section(
        key="plan_needs",
        title=gettext_lazy("Needs in your recovery plans"),
        model="recovery_plans.planneed",
        person_path="plan__person",
        order_by=("created_at", "pk"),
        heading=_on(gettext_lazy("Need"), "created_at"),
    ),
    Section(
        key="plan_risks",
        title=gettext_lazy("Risks in your recovery plans"),
        model="recovery_plans.planrisk",
        person_path="plan__person",
        description=gettext_lazy("Risks we recorded in your plans and how we planned to reduce them."),
        order_by=("created_at", "pk"),
        heading=_on(gettext_lazy("Risk"), "created_at"),
    ),
    Section(
        key="plan_actions",
        title=gettext_lazy("Actions in your recovery plans"),
        model="recovery_plans.planaction",
        person_path="plan__person",
        description=gettext_lazy("Who was to do what, by when, and when it was done."),
        # The directory entry itself is the service's, not the person's: the owner's name travels.
        exclude=("owner_partner",),
        order_by=("created_at", "pk"),
        heading=_on(gettext_lazy("Action"), "created_at"),
    ),
    Section(
        key="plan_reviews",
        title=gettext_lazy("Reviews of your recovery plans"),
        model="recovery_plans.planreview",
        person_path="plan__person",
        order_by=("reviewed_on", "pk"),
        heading=_on(gettext_lazy("Review"), "reviewed_on"),
    ),
    Section(
        key="review_prompts",
        title=gettext_lazy("Reasons to review your plan"),
        model="recovery_plans.reviewprompt",
        person_path="person",
        description=gettext_lazy("Things that happened which meant your plan should be looked at again."),
        order_by=("raised_at", "pk"),
        heading=_on(gettext_lazy("Review prompted"), "raised_at"),
    ),
]
