"""What the referrals app adds to the person record (the contract every app follows:
``referrals.person_record_discovery``): the record's own tabs, and the timeline sources for
the front door's work (PLN-7): referrals received, triage, contact attempts, referrals to the
Treatment Service and their outcomes, onward referrals and their outcomes, consent decisions;
and one panel of "My work", the caseload's consent reviews due.

Each source is one query, whatever the length of the history: at most ``limit`` rows strictly
before ``before``, newest first, over the person's referrals the user may see
(``visible_referrals_of``). Free-text notes never reach the timeline (they are on the pages
the events link to, behind those pages' own rules), and what peer support workers may not see
(risk, safeguarding detail) is left out here, not just hidden by the page.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnership.access import can_share_records, sees_referral_pages, sees_safeguarding_detail
from referrals.models import (
    Consent,
    ContactAttempt,
    OnwardReferral,
    Person,
    TreatmentReferral,
    TreatmentReferralTransition,
    Triage,
)
from referrals.selectors.person_record import caseload_people_for, visible_referrals_of
from referrals.selectors.worklists import current_consents_due


def _always(_user) -> bool:
    return True


TABS = [
    {
        "key": "overview",
        "label": gettext_lazy("Overview"),
        "url_name": "referrals:person",
        "order": 0,
        "visible": _always,
    },
    {
        "key": "timeline",
        "label": gettext_lazy("Timeline"),
        "url_name": "referrals:person_timeline",
        "order": 10,
        "visible": _always,
    },
    {
        "key": "sharing",
        "label": gettext_lazy("Sharing"),
        "url_name": "referrals:consent",
        "order": 80,
        "visible": can_share_records,
    },
    {
        "key": "history",
        "label": gettext_lazy("History"),
        "url_name": "referrals:person_history",
        "order": 90,
        "visible": _always,
    },
]


def _name(first: str | None, last: str | None, username: str | None) -> str:
    return f"{first or ''} {last or ''}".strip() or (username or "")


def _staff(user) -> str:
    return _name(user.first_name, user.last_name, user.username) if user is not None else ""


def _staff_columns(path: str) -> dict:
    """The names of the member of staff at ``path``, as columns of a UNION query's rows."""
    return {
        "by_first": F(f"{path}__first_name"),
        "by_last": F(f"{path}__last_name"),
        "by_username": F(f"{path}__username"),
    }


def _before(queryset: QuerySet, field: str, before: dt.datetime | None) -> QuerySet:
    return queryset.filter(**{f"{field}__lt": before}) if before is not None else queryset


def _event(*, at, kind, kind_label, title, summary="", by="", href=None, sensitive=False) -> dict:
    return {
        "at": at,
        "kind": kind,
        "kind_label": str(kind_label),
        "title": title,
        "summary": summary,
        "by": by,
        "href": href,
        "sensitive": sensitive,
    }


def _referral_href(reference: str) -> str:
    return reverse("referrals:detail", kwargs={"reference": reference})


# --- Referrals received ---------------------------------------------------------------------------

REFERRAL_LABEL = gettext_lazy("Referrals")


def referral_events(*, person: Person, user, before: dt.datetime | None, limit: int) -> list[dict]:
    rows = _before(visible_referrals_of(user=user, person=person), "received_at", before)
    return [
        _event(
            at=referral.received_at,
            kind="referral",
            kind_label=REFERRAL_LABEL,
            title=_("Referral %(reference)s received") % {"reference": referral.reference},
            summary=_("From: %(source)s. By: %(channel)s.")
            % {"source": referral.get_source_display(), "channel": referral.get_channel_display()},
            by=_staff(referral.created_by),
            href=_referral_href(referral.reference),
        )
        for referral in rows.select_related("created_by").order_by("-received_at", "-pk")[:limit]
    ]


# --- Triage: screening and outcome ---------------------------------------------------------------

TRIAGE_LABEL = gettext_lazy("Triage")


def triage_events(*, person: Person, user, before: dt.datetime | None, limit: int) -> list[dict]:
    """One event per triage: its outcome once completed, otherwise the start of screening."""
    rows = Triage.objects.filter(referral__in=visible_referrals_of(user=user, person=person)).annotate(
        event_at=Coalesce("completed_at", "started_at")
    )
    rows = _before(rows, "event_at", before).select_related("referral", "started_by", "completed_by")
    shows_risk = sees_safeguarding_detail(user)
    events = []
    for triage in rows.order_by("-event_at", "-pk")[:limit]:
        if triage.completed_at and triage.outcome:
            title = _("Triage outcome: %(outcome)s") % {"outcome": triage.get_outcome_display()}
            by = _staff(triage.completed_by)
        else:
            title = _("Screening started for referral %(reference)s") % {"reference": triage.referral.reference}
            by = _staff(triage.started_by)
        # Peer support workers see no risk sections (roles table): not even the rating.
        summary = _("Risk: %(rating)s") % {"rating": triage.get_risk_display()} if triage.risk and shows_risk else ""
        events.append(
            _event(
                at=triage.event_at,
                kind="triage",
                kind_label=TRIAGE_LABEL,
                title=title,
                summary=summary,
                by=by,
                href=_referral_href(triage.referral.reference),
                sensitive=bool(summary),
            )
        )
    return events


# --- Contact attempts ----------------------------------------------------------------------------

CONTACT_ATTEMPT_LABEL = gettext_lazy("Contact attempts")


def contact_attempt_events(*, person: Person, user, before: dt.datetime | None, limit: int) -> list[dict]:
    rows = ContactAttempt.objects.filter(referral__in=visible_referrals_of(user=user, person=person))
    rows = _before(rows, "attempted_at", before).select_related("by", "referral")
    return [
        _event(
            at=attempt.attempted_at,
            kind="contact_attempt",
            kind_label=CONTACT_ATTEMPT_LABEL,
            title=_("Contact attempt: %(method)s") % {"method": attempt.get_method_display()},
            summary=attempt.get_outcome_display(),
            by=_staff(attempt.by),
            href=_referral_href(attempt.referral.reference),
        )
        for attempt in rows.order_by("-attempted_at", "-pk")[:limit]
    ]


# --- Referrals to the Treatment Service, and their outcomes (PAR-3) ------------------------------

TREATMENT_LABEL = gettext_lazy("Treatment Service")
MADE = "made"
TREATMENT_TITLES = {
    MADE: gettext_lazy("Referral to the Treatment Service made"),
    TreatmentReferral.Status.PENDING: gettext_lazy("Referral to the Treatment Service waiting to be sent again"),
    TreatmentReferral.Status.SENT: gettext_lazy("Referral sent to the Treatment Service"),
    TreatmentReferral.Status.ACCEPTED: gettext_lazy("Accepted by the Treatment Service"),
    TreatmentReferral.Status.DECLINED: gettext_lazy("Not accepted by the Treatment Service"),
    TreatmentReferral.Status.WITHDRAWN: gettext_lazy("Referral to the Treatment Service withdrawn before it was sent"),
}
_EVENT_COLUMNS = ("event_at", "what", "reference", "referral_reference", "by_first", "by_last", "by_username")


def treatment_events(*, person: Person, user, before: dt.datetime | None, limit: int) -> list[dict]:
    """Each referral to the Treatment Service when it was made, and every change of its status
    after (sent, accepted, not accepted, withdrawn): one UNION query."""
    visible = visible_referrals_of(user=user, person=person)
    made = _before(
        TreatmentReferral.objects.filter(referral__in=visible).annotate(
            event_at=F("created_at"),
            what=Value(MADE, output_field=CharField()),
            referral_reference=F("referral__reference"),
            **_staff_columns("created_by"),
        ),
        "event_at",
        before,
    ).values_list(*_EVENT_COLUMNS)
    moves = _before(
        TreatmentReferralTransition.objects.filter(treatment_referral__referral__in=visible).annotate(
            event_at=F("at"),
            what=F("to_status"),
            reference=F("treatment_referral__reference"),
            referral_reference=F("treatment_referral__referral__reference"),
            **_staff_columns("by"),
        ),
        "event_at",
        before,
    ).values_list(*_EVENT_COLUMNS)
    rows = made.order_by().union(moves.order_by(), all=True).order_by("-event_at")[:limit]
    return [
        _event(
            at=at,
            kind="treatment",
            kind_label=TREATMENT_LABEL,
            title=str(TREATMENT_TITLES.get(what, what)),
            summary=_("Reference %(reference)s") % {"reference": reference},
            by=_name(first, last, username),
            href=_referral_href(referral_reference),
        )
        for at, what, reference, referral_reference, first, last, username in rows
    ]


# --- Onward referrals and their outcomes (PAR-4) -------------------------------------------------

ONWARD_LABEL = gettext_lazy("Onward referrals")


def onward_events(*, person: Person, user, before: dt.datetime | None, limit: int) -> list[dict]:
    rows = OnwardReferral.objects.filter(referral__in=visible_referrals_of(user=user, person=person))
    rows = _before(rows, "sent_at", before).select_related("sent_by")
    href = reverse("referrals:consent", kwargs={"person_ref": person.reference}) if can_share_records(user) else None
    events = []
    for onward in rows.order_by("-sent_at", "-pk")[:limit]:
        if onward.outcome:
            summary = _("Outcome: %(outcome)s") % {"outcome": onward.get_outcome_display()}
            if onward.outcome_on:
                summary += " " + _("(%(date)s)") % {"date": date_format(onward.outcome_on, "j M Y")}
        else:
            summary = _("No outcome recorded yet")
        events.append(
            _event(
                at=onward.sent_at,
                kind="onward",
                kind_label=ONWARD_LABEL,
                title=_("Referred to %(organisation)s (%(service)s)")
                % {"organisation": onward.organisation_name, "service": onward.get_service_type_display()},
                summary=summary,
                by=_staff(onward.sent_by),
                href=href,
            )
        )
    return events


# --- Consent decisions (PAR-2) -------------------------------------------------------------------

CONSENT_LABEL = gettext_lazy("Consent and sharing")
_CONSENT_COLUMNS = (
    "event_at",
    "what",
    "recipient",
    "agency_name",
    "given",
    "lawful_basis",
    "by_first",
    "by_last",
    "by_username",
)


def consent_events(*, person: Person, user, before: dt.datetime | None, limit: int) -> list[dict]:
    """Each decision about sharing when it was recorded, and each withdrawal: one UNION query.
    Why sharing was lawful without consent is safeguarding detail: it stays on the page."""
    decisions = Consent.objects.filter(person=person)
    recorded = _before(
        decisions.annotate(
            event_at=F("recorded_at"),
            what=Value("recorded", output_field=CharField()),
            **_staff_columns("recorded_by"),
        ),
        "event_at",
        before,
    ).values_list(*_CONSENT_COLUMNS)
    withdrawn = _before(
        decisions.filter(withdrawn_at__isnull=False).annotate(
            event_at=F("withdrawn_at"),
            what=Value("withdrawn", output_field=CharField()),
            **_staff_columns("withdrawn_by"),
        ),
        "event_at",
        before,
    ).values_list(*_CONSENT_COLUMNS)
    rows = recorded.order_by().union(withdrawn.order_by(), all=True).order_by("-event_at")[:limit]
    href = reverse("referrals:consent", kwargs={"person_ref": person.reference})
    recipients = dict(Consent.Recipient.choices)
    bases = dict(Consent.LawfulBasis.choices)
    events = []
    for at, what, recipient, agency_name, given, lawful_basis, first, last, login in rows:
        who = agency_name if recipient == Consent.Recipient.OTHER_AGENCY and agency_name else recipients[recipient]
        if what == "withdrawn":
            title, summary = _("Consent withdrawn: %(who)s") % {"who": who}, ""
        elif lawful_basis == Consent.LawfulBasis.CONSENT:
            title = (_("Agreed to sharing with %(who)s") if given else _("Did not agree to sharing with %(who)s")) % {
                "who": who
            }
            summary = ""
        else:
            title = _("Lawful basis for sharing with %(who)s recorded") % {"who": who}
            summary = str(bases.get(lawful_basis, lawful_basis))
        events.append(
            _event(
                at=at,
                kind="consent",
                kind_label=CONSENT_LABEL,
                title=title,
                summary=summary,
                by=_name(first, last, login),
                href=href,
            )
        )
    return events


# --- My work: consent reviews due for the caseload (PAR-2) ------------------------------------------


def consent_review_rows(*, user, limit: int) -> list[dict]:
    """TH: consent "should be sought every 6 months": current decisions about the caseload's
    sharing whose review is due within a fortnight or overdue, the most overdue first."""
    today = timezone.localdate()
    due = current_consents_due(people=caseload_people_for(user=user), today=today)[:limit]
    return [
        {
            "person_ref": consent.person.reference,
            "name": consent.person.full_name,
            "text": _("Ask again about sharing with %(who)s") % {"who": consent.recipient_label},
            "due": consent.review_due,
            "href": reverse("referrals:consent", kwargs={"person_ref": consent.person.reference}),
            "overdue": consent.review_due < today,
        }
        for consent in due
    ]


HOME_PANELS = [
    {
        "key": "consent_reviews",
        "title": gettext_lazy("Consent reviews due"),
        "order": 80,
        "visible": can_share_records,
        "rows": consent_review_rows,
    }
]

TIMELINE = [
    {"key": "referral", "label": REFERRAL_LABEL, "visible": sees_referral_pages, "events": referral_events},
    {"key": "triage", "label": TRIAGE_LABEL, "visible": sees_referral_pages, "events": triage_events},
    {
        "key": "contact_attempt",
        "label": CONTACT_ATTEMPT_LABEL,
        "visible": sees_referral_pages,
        "events": contact_attempt_events,
    },
    {"key": "treatment", "label": TREATMENT_LABEL, "visible": sees_referral_pages, "events": treatment_events},
    {"key": "onward", "label": ONWARD_LABEL, "visible": sees_referral_pages, "events": onward_events},
    {"key": "consent", "label": CONSENT_LABEL, "visible": can_share_records, "events": consent_events},
]
