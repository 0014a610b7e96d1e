"""What safeguarding concerns add to the person record (the issue 9 contract,
``referrals.person_record_discovery``): the Safeguarding tab, concern events on the timeline
(PLN-7; and so in the chronology, SAF-2) and the alert on the identity bar (SAF-1).

All of it is safeguarding detail: only those who work on concerns see it (never peer support
workers, volunteers or another organisation). The timeline source is one UNION query.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import CharField, DateField, F, TextField, Value
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnership.access import sees_concerns
from referrals.models import Consent
from safeguarding.models import Concern, ConcernAction, ConcernMeeting, ConcernShare, ConcernTransition

LABEL = gettext_lazy("Safeguarding")
_COLUMNS = ("event_at", "what", "code", "code2", "code3", "text", "ref", "on", "by_first", "by_last", "by_username")


def _part(queryset, *, at: str, what: str, ref: str, by: str, code="", code2="", code3="", text="", on=None):
    def column(value, field):
        if value is None or value == "":
            # PostgreSQL types a bare NULL in a UNION as text: cast it to the column's type.
            return (
                Cast(Value(None), output_field=field) if isinstance(field, DateField) else Value("", output_field=field)
            )
        return F(value)

    return (
        queryset.annotate(
            event_at=F(at),
            what=Value(what, output_field=CharField()),
            code=column(code, CharField()),
            code2=column(code2, CharField()),
            code3=column(code3, CharField()),
            text=column(text, TextField()),
            ref=F(ref),
            on=column(on, DateField()),
            by_first=F(f"{by}__first_name"),
            by_last=F(f"{by}__last_name"),
            by_username=F(f"{by}__username"),
        )
        .order_by()
        .values_list(*_COLUMNS)
    )


def _title(what, code, code2, code3, text, on) -> tuple[str, str]:
    if what == "raised":
        return (
            _("Safeguarding concern raised: %(category)s") % {"category": Concern.Category(code).label},
            _("At risk: %(who)s. Risk level: %(risk)s.")
            % {"who": Concern.AtRisk(code3).label, "risk": Concern.RiskLevel(code2).label},
        )
    if what == "status":
        return _("Safeguarding concern: %(status)s") % {"status": Concern.Status(code).label}, text or ""
    if what == "action_added":
        due = date_format(on, "j M Y") if on else ""
        return _("Safeguarding action agreed, due %(due)s") % {"due": due}, text or ""
    if what == "action_done":
        return _("Safeguarding action done"), text or ""
    if what == "shared":
        basis = dict(Consent.LawfulBasis.choices).get(code2, code2)
        return _("Safeguarding concern shared with %(organisation)s") % {"organisation": code}, f"{basis}. {text or ''}"
    if what == "share_stopped":
        return _("Safeguarding concern no longer shared with %(organisation)s") % {"organisation": code}, text or ""
    held = date_format(on, "j M Y") if on else ""
    return _("%(meeting)s on %(date)s") % {"meeting": ConcernMeeting.Kind(code).label, "date": held}, text or ""


def events(*, person, user, before: dt.datetime | None, limit: int) -> list[dict]:
    """Concerns raised, their changes of status (the referral to the council among them),
    actions agreed and done, multi-agency meetings, shares with the Treatment Service and their
    end: newest first, one query."""
    if not sees_concerns(user):
        return []
    concerns = Concern.objects.filter(person=person)
    actions = ConcernAction.objects.filter(concern__person=person)
    shares = ConcernShare.objects.filter(concern__person=person)
    parts = [
        _part(
            concerns, at="raised_at", what="raised", ref="reference", by="raised_by", code="category",
            code2="risk_level", code3="at_risk",
        ),
        _part(
            ConcernTransition.objects.filter(concern__person=person).exclude(from_status=""),
            at="at", what="status", ref="concern__reference", by="by", code="to_status", text="reason",
        ),
        _part(
            actions, at="created_at", what="action_added", ref="concern__reference", by="created_by",
            text="description", on="due_on",
        ),
        _part(
            actions.filter(done_at__isnull=False), at="done_at", what="action_done", ref="concern__reference",
            by="done_by", text="description",
        ),
        _part(
            ConcernMeeting.objects.filter(concern__person=person), at="recorded_at", what="meeting",
            ref="concern__reference", by="recorded_by", code="kind", text="decisions", on="held_on",
        ),
        _part(
            shares, at="shared_at", what="shared", ref="concern__reference", by="shared_by",
            code="organisation__name", code2="lawful_basis", text="reason",
        ),
        _part(
            shares.filter(withdrawn_at__isnull=False), at="withdrawn_at", what="share_stopped",
            ref="concern__reference", by="withdrawn_by", code="organisation__name", text="withdrawal_reason",
        ),
    ]  # fmt: skip
    if before is not None:
        parts = [part.filter(event_at__lt=before) for part in parts]
    rows = parts[0].union(*parts[1:], all=True).order_by("-event_at")[:limit]
    result = []
    for at, what, code, code2, code3, text, ref, on, first, last, username in rows:
        title, summary = _title(what, code, code2, code3, text, on)
        result.append(
            {
                "at": at if timezone.is_aware(at) else timezone.make_aware(at),
                "kind": "safeguarding",
                "kind_label": str(LABEL),
                "title": title,
                "summary": summary[:300],
                "by": f"{first or ''} {last or ''}".strip() or (username or ""),
                "href": reverse("safeguarding:concern", kwargs={"concern_ref": ref}),
                "sensitive": True,
            }
        )
    return result


def alerts(*, person, user) -> list[dict]:
    """SAF-1: an open concern puts an alert on the identity bar (one query)."""
    open_levels = list(
        Concern.objects.filter(person=person, status__in=Concern.OPEN_STATUSES).values_list("risk_level", flat=True)
    )
    if not open_levels:
        return []
    high = Concern.RiskLevel.HIGH in open_levels
    return [{"text": _("Open safeguarding concern"), "colour": "red" if high else "orange"}]


TABS = [
    {
        "key": "safeguarding",
        "label": LABEL,
        "url_name": "safeguarding:person_concerns",
        "order": 60,
        "visible": sees_concerns,
    },
]
TIMELINE = [{"key": "safeguarding", "label": LABEL, "visible": sees_concerns, "events": events}]
ALERTS = [{"key": "safeguarding", "visible": sees_concerns, "alerts": alerts}]
