"""The subject access sections for safeguarding concerns and the chronology (SAF-1, SAF-2),
named by model label so ``referrals`` imports no ``safeguarding`` module. ``sections.SECTIONS``
places them before the access log, after the casework.

In the handover export from version 4 (docs/export-format.md). Another organisation's export
carries only the concerns shared with it, and only the fields ``partnership.access.may_see_shared``
allows (``records_export.build_export``). The data protection officer reviews a subject access export before release: a concern can hold another
person's information, or information whose release could cause serious harm (DPA 2018
Schedules 2 and 3), which they may withhold.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from referrals.data_rights.sections import Section, _on

SAFEGUARDING_SECTIONS: list[Section] = [
    Section(
        key="safeguarding_concerns",
        title=gettext_lazy("Safeguarding concerns"),
        model="safeguarding.concern",
        person_path="person",
        description=gettext_lazy(
            "Concerns about your safety or someone else's that staff raised, what was done and the outcome."
        ),
        order_by=("raised_at", "pk"),
        heading=_on(gettext_lazy("Safeguarding concern"), "raised_at"),
        export=True,
    ),
    Section(
        key="safeguarding_concern_transitions",
        title=gettext_lazy("Safeguarding concerns: changes of status"),
        model="safeguarding.concerntransition",
        person_path="concern__person",
        order_by=("at", "pk"),
        heading=_on(gettext_lazy("Change of status"), "at"),
        export=True,
    ),
    Section(
        key="safeguarding_concern_actions",
        title=gettext_lazy("Safeguarding concerns: actions"),
        model="safeguarding.concernaction",
        person_path="concern__person",
        description=gettext_lazy("What was agreed to keep you or others safe, who would do it and by when."),
        order_by=("created_at", "pk"),
        heading=_on(gettext_lazy("Action agreed"), "created_at"),
        export=True,
    ),
    Section(
        key="safeguarding_concern_meetings",
        title=gettext_lazy("Safeguarding concerns: meetings with other agencies"),
        model="safeguarding.concernmeeting",
        person_path="concern__person",
        description=gettext_lazy("Meetings with other agencies about a concern: who attended and what was decided."),
        order_by=("held_on", "pk"),
        heading=_on(gettext_lazy("Meeting"), "held_on"),
        export=True,
    ),
    Section(
        key="safeguarding_concern_shares",
        title=gettext_lazy("Safeguarding concerns: shared with the Treatment Service"),
        model="safeguarding.concernshare",
        person_path="concern__person",
        description=gettext_lazy(
            "Concerns shared with a Treatment Service: with whom, when, on what lawful basis and why, "
            "and when the sharing ended."
        ),
        order_by=("shared_at", "pk"),
        heading=_on(gettext_lazy("Concern shared"), "shared_at"),
        export=True,
    ),
    Section(
        key="chronology_marks",
        title=gettext_lazy("Chronology: notes on events"),
        model="safeguarding.chronologymark",
        person_path="person",
        description=gettext_lazy("Notes staff added to events in your record for a chronology."),
        order_by=("event_at", "pk"),
        heading=_on(gettext_lazy("Note on an event"), "event_at"),
        export=True,
    ),
    Section(
        key="chronology_summaries",
        title=gettext_lazy("Chronology: summaries"),
        model="safeguarding.chronologysummary",
        person_path="person",
        description=gettext_lazy("Events written into a chronology of your record, such as another agency's visit."),
        order_by=("occurred_at", "pk"),
        heading=_on(gettext_lazy("Chronology entry"), "occurred_at"),
        export=True,
    ),
]
