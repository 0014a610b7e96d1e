"""The subject access and handover export sections for safeguarding's incidents and notifications
to councils (issue 11, helper B), named by model label so ``referrals`` imports no safeguarding
module. ``sections.SECTIONS`` places them before the access log, after the casework.

Every record here is safeguarding detail (``partnership.access.Detail.SAFEGUARDING``, registered
by safeguarding.registry_notifications): a subject access export and an incoming provider see it;
an export to a partner organisation leaves it out.

Notifications to councils and their escalations are in the subject access export but not the
handover export (``export=False``): a notification names its incident by this system's id, which
means nothing in another system, and the receiving provider notifies its own councils.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from referrals.data_rights.sections import Section, _on

SAFEGUARDING_INCIDENT_SECTIONS: list[Section] = [
    Section(
        key="serious_incidents",
        title=gettext_lazy("Serious incidents and near misses"),
        model="safeguarding.seriousincident",
        person_path="person",
        description=gettext_lazy(
            "Serious incidents and near misses involving you, what was learned and what was done."
        ),
        order_by=("occurred_at", "pk"),
        heading=_on(gettext_lazy("Incident"), "occurred_at"),
    ),
    Section(
        key="serious_incident_actions",
        title=gettext_lazy("Actions after serious incidents"),
        model="safeguarding.incidentaction",
        person_path="incident__person",
        description=gettext_lazy("What the service agreed to do after an incident involving you, by whom and by when."),
        order_by=("due_on", "pk"),
        heading=_on(gettext_lazy("Action due"), "due_on"),
    ),
    Section(
        key="non_fatal_overdoses",
        title=gettext_lazy("Overdoses"),
        model="safeguarding.nonfataloverdose",
        person_path="person",
        description=gettext_lazy("Overdoses we recorded, and whether naloxone was given."),
        order_by=("occurred_at", "pk"),
        heading=_on(gettext_lazy("Overdose"), "occurred_at"),
    ),
    Section(
        key="deaths_in_service",
        title=gettext_lazy("Death in service"),
        model="safeguarding.deathinservice",
        person_path="person",
        description=gettext_lazy("The record of a death, notified to the council, and any death review panel."),
        heading=_on(gettext_lazy("Date of death"), "died_on"),
    ),
    Section(
        key="data_security_incidents",
        title=gettext_lazy("Data-security incidents"),
        model="safeguarding.datasecurityincident",
        person_path="person",
        description=gettext_lazy("Security incidents involving your personal data, and what was done about them."),
        order_by=("discovered_at", "pk"),
        heading=_on(gettext_lazy("Discovered"), "discovered_at"),
    ),
    Section(
        key="council_notifications",
        title=gettext_lazy("Notifications to councils"),
        model="safeguarding.notification",
        person_path="person",
        description=gettext_lazy("What we told your council about, when it was due and when we told them."),
        fields=("kind", "council", "starts_at", "due_at", "sent_at", "sent_how", "council_reference"),
        order_by=("starts_at", "pk"),
        heading=_on(gettext_lazy("Notification"), "starts_at"),
        export=False,
    ),
    Section(
        key="council_notification_escalations",
        title=gettext_lazy("Late notifications to councils"),
        model="safeguarding.escalation",
        person_path="notification__person",
        description=gettext_lazy("When a notification to your council was late and was raised with our managers."),
        fields=("level", "escalated_at"),
        order_by=("escalated_at", "pk"),
        heading=_on(gettext_lazy("Raised with managers"), "escalated_at"),
        export=False,
    ),
]
