"""Worklists: the work waiting for the SPOC team and the data protection officer (§3.2.6,
§3.19, PAR-2, PAR-6).

Each list reads through ``referrals.selectors.worklists``, shows a page at a time, loads it in
a fixed number of queries and writes one access-log row naming the people on the page (SEC-2).
A restricted referral the user has no routine access to shows as "Restricted", never a name.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from common.pagination import paginate
from partnership.access import sees_front_door_worklists, sees_subject_access_deadlines, sees_worklists
from referrals.selectors import worklists as selectors
from referrals.selectors.referrals import record_list_view
from referrals.targets import STATUS_TAG_CLASS, DueStatus, describe_gap

PAGE_SIZE = 50
RESTRICTED = gettext_lazy("Restricted")

LISTS = (
    (
        "referrals:worklist_treatment",
        gettext_lazy("Referrals to the Treatment Service not yet sent"),
        gettext_lazy("Waiting to be sent, oldest first. Send each without unnecessary delay."),
        sees_front_door_worklists,
    ),
    (
        "referrals:worklist_targets",
        gettext_lazy("Referrals near or past their target"),
        gettext_lazy("Contact or triage overdue, or due within the next working day."),
        sees_front_door_worklists,
    ),
    (
        "referrals:worklist_consent",
        gettext_lazy("Consent reviews due"),
        gettext_lazy("Sharing decisions to check with the person again: every six months."),
        sees_front_door_worklists,
    ),
    (
        "referrals:worklist_subject_access",
        gettext_lazy("Subject access requests and their deadlines"),
        gettext_lazy("Requests not yet answered, against the one-month deadline."),
        sees_subject_access_deadlines,
    ),
)


def _date(day) -> str:
    return formats.date_format(day, "j F Y")


def _tag(status: str, text: str | None = None) -> dict:
    return {"tag": True, "text": text or DueStatus(status).label, "tag_class": STATUS_TAG_CLASS[status]}


def _log(request, person_ids, title: str, number: int) -> None:
    record_list_view(
        user=request.user,
        object_type="referrals.person",
        person_ids=person_ids,
        purpose=f"Worklist: {title}, page {number}",
    )


def _render(request, *, title, description, headers, rows, pages, empty):
    return render(
        request,
        "referrals/worklists/list.html",
        {
            "title": title,
            "description": description,
            "headers": headers,
            "rows": rows,
            "pages": pages,
            "empty": empty,
        },
    )


@login_required
@require_GET
def index(request):
    if not sees_worklists(request.user):
        raise PermissionDenied
    lists = [
        {"href": reverse(url_name), "title": title, "description": description}
        for url_name, title, description, shown_to in LISTS
        if shown_to(request.user)
    ]
    return render(request, "referrals/worklists/index.html", {"lists": lists})


@login_required
@require_GET
def treatment(request):
    if not sees_front_door_worklists(request.user):
        raise PermissionDenied
    pages = paginate(request, selectors.treatment_referrals_waiting(user=request.user), PAGE_SIZE)
    items = list(pages.page.object_list)
    hidden = selectors.referrals_shown_restricted(user=request.user, referral_ids=[tr.referral_id for tr in items])
    now = timezone.now()
    rows = []
    for tr in items:
        referral = tr.referral
        restricted = referral.pk in hidden
        if referral.triage_completed_at:
            since = _("%(gap)s since triage") % {"gap": describe_gap(referral.triage_completed_at, now)}
        else:
            since = _("Not triaged yet: made %(gap)s ago") % {"gap": describe_gap(tr.created_at, now)}
        rows.append(
            [
                {"text": referral.reference, "href": reverse("referrals:detail", args=[referral.reference])},
                {"text": str(RESTRICTED) if restricted else referral.subject_full_name},
                {"text": ", ".join(tr.reason_labels)},
                {"text": since},
                {
                    "text": _("Send"),
                    "href": reverse("referrals:treatment_send", args=[referral.reference, tr.reference]),
                    "hidden": _("referral %(reference)s") % {"reference": referral.reference},
                },
            ]
        )
    title = _("Referrals to the Treatment Service not yet sent")
    _log(request, [tr.referral.person_id for tr in items if tr.referral_id not in hidden], title, pages.page.number)
    return _render(
        request,
        title=title,
        description=_("Oldest first. Each waits for the person's consent, or another lawful basis, and sending."),
        headers=[_("Referral"), _("Name"), _("Why"), _("Waiting"), _("Action")],
        rows=rows,
        pages=pages,
        empty=_("No referrals to the Treatment Service are waiting to be sent."),
    )


@login_required
@require_GET
def targets(request):
    if not sees_front_door_worklists(request.user):
        raise PermissionDenied
    pages = paginate(request, selectors.referrals_near_target(user=request.user), PAGE_SIZE)
    rows = []
    shown = []
    for referral, result in pages.page.object_list:
        restricted = not referral.routine_access
        if not restricted:
            shown.append(referral.person_id)
        rows.append(
            [
                {"text": referral.reference, "href": reverse("referrals:detail", args=[referral.reference])},
                {"text": str(RESTRICTED) if restricted else referral.subject_full_name},
                {"text": referral.get_priority_display()},
                {"text": f"{result.measure_label} {result.target.describe()}"},
                _tag(result.status, result.text),
            ]
        )
    title = _("Referrals near or past their target")
    _log(request, shown, title, pages.page.number)
    return _render(
        request,
        title=title,
        description=_("Referrals whose contact or triage target is past, or due within the next working day."),
        headers=[_("Referral"), _("Name"), _("Priority"), _("Target"), _("Due")],
        rows=rows,
        pages=pages,
        empty=_("No referrals are near or past their target."),
    )


@login_required
@require_GET
def consent_reviews(request):
    if not sees_front_door_worklists(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    pages = paginate(request, selectors.consent_reviews_due(user=request.user, today=today), PAGE_SIZE)
    items = list(pages.page.object_list)
    hidden = selectors.people_shown_restricted(user=request.user, person_ids=[c.person_id for c in items])
    rows = []
    for consent in items:
        restricted = consent.person_id in hidden
        status = DueStatus.OVERDUE if consent.review_due < today else DueStatus.DUE_SOON
        text = _("Overdue since %(day)s") if status == DueStatus.OVERDUE else _("Due %(day)s")
        rows.append(
            [
                {"text": str(RESTRICTED) if restricted else consent.person.full_name}
                | ({} if restricted else {"href": reverse("referrals:consent", args=[consent.person.reference])}),
                {"text": consent.recipient_label},
                {"text": _("Agreed") if consent.given else _("Did not agree")},
                {"text": _date(timezone.localdate(consent.recorded_at))},
                _tag(status, text % {"day": _date(consent.review_due)}),
            ]
        )
    title = _("Consent reviews due")
    _log(request, [c.person_id for c in items if c.person_id not in hidden], title, pages.page.number)
    return _render(
        request,
        title=title,
        description=_(
            "Sharing decisions six months old or more, or within two weeks of it: ask the person again. "
            "The most overdue first."
        ),
        headers=[_("Person"), _("Sharing with"), _("Decision"), _("Recorded"), _("Review")],
        rows=rows,
        pages=pages,
        empty=_("No consent reviews are due."),
    )


@login_required
@require_GET
def subject_access(request):
    if not sees_subject_access_deadlines(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    pages = paginate(request, selectors.subject_access_requests_open(user=request.user), PAGE_SIZE)
    items = list(pages.page.object_list)
    rows = []
    for sar in items:
        deadline = sar.deadline
        if deadline < today:
            tag = _tag(DueStatus.OVERDUE, _("Overdue since %(day)s") % {"day": _date(deadline)})
        elif deadline - today <= selectors.SUBJECT_ACCESS_DUE_SOON:
            tag = _tag(DueStatus.DUE_SOON, _("Due %(day)s") % {"day": _date(deadline)})
        else:
            tag = _tag(DueStatus.ON_TIME, _("Due %(day)s") % {"day": _date(deadline)})
        rows.append(
            [
                {
                    "text": sar.person.full_name,
                    "href": reverse("referrals:subject_access", args=[sar.person.reference]),
                },
                {"text": sar.request_reference},
                {"text": _date(timezone.localdate(sar.created_at))},
                {"text": sar.get_status_display()},
                tag,
            ]
        )
    title = _("Subject access requests and their deadlines")
    _log(request, [sar.person_id for sar in items], title, pages.page.number)
    return _render(
        request,
        title=title,
        description=_(
            "Requests whose export is not ready yet. Each must be answered within one calendar month of "
            "receipt. The oldest first."
        ),
        headers=[_("Person"), _("Request reference"), _("Received"), _("Export"), _("Deadline")],
        rows=rows,
        pages=pages,
        empty=_("No subject access requests are waiting."),
    )


urlpatterns = [
    path("worklists/", index, name="worklists"),
    path("worklists/treatment/", treatment, name="worklist_treatment"),
    path("worklists/targets/", targets, name="worklist_targets"),
    path("worklists/consent-reviews/", consent_reviews, name="worklist_consent"),
    path("worklists/subject-access/", subject_access, name="worklist_subject_access"),
]
