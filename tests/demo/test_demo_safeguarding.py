"""Safeguarding in the demo (issue 11): what the demo's staff see when they sign in to
``seed_demo --without-history``. The lead's overview lists the open concerns, one about a child
in the household referred to the council with a strategy meeting and overdue actions; the
chronology has marks and summaries; the complaints list has every channel and stage; a live drug
alert shows on the pages of those who have not acknowledged it. A second run adds nothing."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from safeguarding.models import (
    ChronologyMark,
    ChronologySummary,
    Complaint,
    ComplaintStage,
    Concern,
    ConcernAction,
    DrugAlert,
    DrugAlertAcknowledgement,
)

# The live-alert banner is cached beyond each test's transaction: safeguarding's own autouse
# fixture empties the cache before and after each test here too.
from tests.safeguarding.conftest import _empty_cache  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(monkeypatch):
    monkeypatch.delenv("DJANGO_DEMO_PASSWORD", raising=False)
    out = StringIO()
    call_command("seed_demo", "--without-history", stdout=out)
    return out.getvalue()


def staff(username):
    return get_user_model().objects.get(username=username)


def page_for(client, username: str, url: str) -> str:
    client.force_login(staff(username))
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def section(html: str, anchor: str) -> str:
    """The part of the page from the heading with ``id=anchor`` to the next heading."""
    start = html.index(f'id="{anchor}"')
    following = html.find("<h2", start)
    return html[start : following if following != -1 else None]


def _counts() -> tuple:
    models = (Concern, ConcernAction, ChronologyMark, ChronologySummary, Complaint, ComplaintStage, DrugAlert)
    return (*(model.objects.count() for model in models), DrugAlertAcknowledgement.objects.count())


def test_the_lead_sees_open_concerns_the_child_referred_and_actions_overdue(seeded, client):
    html = page_for(client, "safeguarding", reverse("safeguarding:overview"))

    open_concerns = Concern.objects.filter(status__in=Concern.OPEN_STATUSES)
    assert open_concerns.count() >= 4
    for concern in open_concerns:
        assert concern.reference in section(html, "open")
    for concern in Concern.objects.filter(status=Concern.Status.CLOSED):
        assert concern.reference not in section(html, "open")
    assert Concern.objects.filter(status=Concern.Status.CLOSED).exclude(outcome="").count() >= 2
    cuckooing = Concern.objects.get(category=Concern.Category.CUCKOOING)
    assert cuckooing.reference in section(html, "awaiting")
    overdue = section(html, "overdue")
    assert "Weekly home visit" in overdue and "domestic violence adviser" in overdue
    assert "Share the support plan" not in overdue  # done
    assert "case conference" not in overdue  # not due yet
    categories = set(Concern.objects.values_list("category", flat=True))
    assert {Concern.Category.CUCKOOING, Concern.Category.COUNTY_LINES, Concern.Category.NEGLECT} <= categories
    assert set(Concern.objects.values_list("about", flat=True)) == {Concern.About.ADULT, Concern.About.CHILD}

    child_concern = Concern.objects.get(at_risk=Concern.AtRisk.CHILD_IN_HOUSEHOLD)
    assert child_concern.child is not None
    detail = page_for(client, "safeguarding", reverse("safeguarding:concern", args=[child_concern.reference]))
    assert "CSC-2026-0415" in section(detail, "council-referral")
    assert "Strategy meeting" in detail
    assert escape("Section 47 enquiry to start") in detail


def test_the_chronology_has_marked_entries_and_summaries_from_other_agencies(seeded, client):
    person = Concern.objects.get(at_risk=Concern.AtRisk.CHILD_IN_HOUSEHOLD).person
    html = page_for(client, "safeguarding", reverse("safeguarding:chronology", args=[person.reference]))

    assert ChronologyMark.objects.filter(person=person, significant=True).count() == 3
    assert escape("Significant: the child was at risk of neglect.") in html
    assert escape("Joint home visit with the social worker") in html
    assert escape("Carlisle primary school") in html


def test_the_manager_sees_complaints_from_every_channel_at_every_stage(seeded, client):
    html = page_for(client, "manager", reverse("safeguarding:complaints"))

    assert set(Complaint.objects.values_list("channel", flat=True)) == set(Complaint.Channel.values)
    for complaint in Complaint.objects.exclude(status__in=["closed", "withdrawn"]):
        assert complaint.reference in html
    escalated = Complaint.objects.get(stage=Complaint.Stage.FORMAL_INVESTIGATION)
    assert escalated.stages.get(stage=Complaint.Stage.FORMAL_INVESTIGATION).handler == staff("servicemanager")
    sent = ComplaintStage.objects.filter(response_sent_on__isnull=False)
    assert sent.count() >= 3 and all(s.response_approved_by == staff("servicemanager") for s in sent)
    assert ComplaintStage.objects.filter(response_text__gt="", response_approved_at__isnull=True).exists()
    closed = Complaint.objects.get(kind=Complaint.Kind.COMPLAINT, status=Complaint.Status.CLOSED)
    assert closed.outcome == Complaint.Outcome.PARTLY_UPHELD and closed.learning
    assert Complaint.objects.filter(status=Complaint.Status.WITHDRAWN).exists()
    assert Complaint.objects.filter(kind=Complaint.Kind.COMPLIMENT, outcome=Complaint.Outcome.SHARED).exists()

    detail = page_for(client, "manager", reverse("safeguarding:complaint", args=[escalated.reference]))
    assert "Stage 2: formal investigation" in detail


def test_a_live_drug_alert_is_on_the_pages_of_staff_who_have_not_acknowledged_it(seeded, client):
    alert = DrugAlert.objects.get()
    assert alert.is_live and alert.grade == DrugAlert.Grade.URGENT
    home = reverse("safeguarding:drug_alerts")

    banner = re.compile(r'class="govuk-notification-banner app-drug-alert"')
    peers_page = page_for(client, "peer", home)
    assert banner.search(peers_page) and alert.title in peers_page
    assert not banner.search(page_for(client, "hubworker", home))

    detail = page_for(client, "manager", reverse("safeguarding:drug_alert", args=[alert.reference]))
    read = section(detail, "acknowledged")
    for username in ("hubworker", "spoc", "hubworker2"):
        assert staff(username).get_full_name() in read
    assert staff("peer").get_full_name() in section(detail, "not-acknowledged")
    assert alert.issued_at < timezone.now()


def test_a_second_run_adds_no_safeguarding_records(seeded):
    before = _counts()
    second = StringIO()
    call_command("seed_demo", "--without-history", stdout=second)

    assert _counts() == before
    assert "Safeguarding added now: concerns 0, complaints and compliments 0, drug alerts 0, incidents 0." in (
        second.getvalue()
    )
