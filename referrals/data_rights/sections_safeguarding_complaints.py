"""The subject access and handover export sections for complaints and compliments linked to a
person's record (SAF-4), named by model label so ``referrals`` imports no safeguarding module.
``sections.SECTIONS`` places them before the access log.

A complaint from the public form is linked to no one until staff link it, so only complaints a
member of staff has linked to the person are theirs here. Drug alerts are about a substance and
an area, never a person, and have no section.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from referrals.data_rights.sections import Section, _on

COMPLAINT_SECTIONS: list[Section] = [
    Section(
        key="complaints",
        title=gettext_lazy("Complaints and compliments"),
        model="safeguarding.complaint",
        person_path="person",
        description=gettext_lazy(
            "Complaints and compliments about the service linked to your record: what was said, "
            "how it was looked into, the outcome and what the service learnt."
        ),
        order_by=("received_at", "pk"),
        heading=_on(gettext_lazy("Complaint or compliment"), "received_at"),
    ),
    Section(
        key="complaint_stages",
        title=gettext_lazy("Complaints: stages and written responses"),
        model="safeguarding.complaintstage",
        person_path="complaint__person",
        description=gettext_lazy(
            "Each stage of a complaint, who was responsible, its target date and the written reply."
        ),
        order_by=("started_at", "pk"),
    ),
]
