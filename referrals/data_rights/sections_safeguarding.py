"""The subject access sections for safeguarding concerns and the chronology (SAF-1, SAF-2),
named by model label so ``referrals`` imports no ``safeguarding`` module. ``sections.SECTIONS``
places them before the access log, after the casework.

Not yet in the handover export (``export=False``): adding models to it makes a new version of
the ``ers-export`` format (docs/export-format.md, "Versioning"), which the three parts of
safeguarding (concerns, notifications, complaints) should make together, once. The data
protection officer reviews a subject access export before release: a concern can hold another
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
        export=False,
    ),
    Section(
        key="safeguarding_concern_transitions",
        title=gettext_lazy("Safeguarding concerns: changes of status"),
        model="safeguarding.concerntransition",
        person_path="concern__person",
        order_by=("at", "pk"),
        heading=_on(gettext_lazy("Change of status"), "at"),
        export=False,
    ),
    Section(
        key="safeguarding_concern_actions",
        title=gettext_lazy("Safeguarding concerns: actions"),
        model="safeguarding.concernaction",
        person_path="concern__person",
        description=gettext_lazy("What was agreed to keep you or others safe, who would do it and by when."),
        order_by=("created_at", "pk"),
        heading=_on(gettext_lazy("Action agreed"), "created_at"),
        export=False,
    ),
    Section(
        key="safeguarding_concern_meetings",
        title=gettext_lazy("Safeguarding concerns: meetings with other agencies"),
        model="safeguarding.concernmeeting",
        person_path="concern__person",
        description=gettext_lazy("Meetings with other agencies about a concern: who attended and what was decided."),
        order_by=("held_on", "pk"),
        heading=_on(gettext_lazy("Meeting"), "held_on"),
        export=False,
    ),
    Section(
        key="chronology_marks",
        title=gettext_lazy("Chronology: notes on events"),
        model="safeguarding.chronologymark",
        person_path="person",
        description=gettext_lazy("Notes staff added to events in your record for a chronology."),
        order_by=("event_at", "pk"),
        heading=_on(gettext_lazy("Note on an event"), "event_at"),
        export=False,
    ),
    Section(
        key="chronology_summaries",
        title=gettext_lazy("Chronology: summaries"),
        model="safeguarding.chronologysummary",
        person_path="person",
        description=gettext_lazy("Events written into a chronology of your record, such as another agency's visit."),
        order_by=("occurred_at", "pk"),
        heading=_on(gettext_lazy("Chronology entry"), "occurred_at"),
        export=False,
    ),
]
