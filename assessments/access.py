"""Who may do what with a person's assessment, by role (which people: the referrals selectors).

Built on ``partnership.access``: the caseworkers and the front door read assessments of the
people they may open; peer workers read them too, except the risks section, which is
safeguarding detail (``may_see``); only those who see safeguarding detail change them, since a
section's save may raise an escalation (ASM-6)."""

from __future__ import annotations

from partnership.access import (
    may_see,
    reads_whole_record_for_chronology,
    sees_referral_pages,
    sees_safeguarding_detail,
)


def can_view_assessment(user) -> bool:
    return sees_referral_pages(user)


def can_edit_assessment(user) -> bool:
    return sees_referral_pages(user) and sees_safeguarding_detail(user)


def can_view_section(user, model_label: str) -> bool:
    return can_view_assessment(user) and may_see(user, model_label)


def reads_assessment_in_timeline(user) -> bool:
    """The assessment's events on a timeline: whoever reads the assessment, and the
    safeguarding lead reading a whole record into a chronology (the selector has checked the
    person has a concern)."""
    return can_view_assessment(user) or reads_whole_record_for_chronology(user)


def reads_section_in_timeline(user, model_label: str) -> bool:
    return reads_assessment_in_timeline(user) and may_see(user, model_label)
