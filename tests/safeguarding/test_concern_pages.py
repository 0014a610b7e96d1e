"""SAF-1 pages: who sees which concern (the lead every one, hub staff their people's, peer
workers and the Treatment Service no detail), the identity-bar alert and timeline events, the
lead's overview and home page, raising and working a concern through the forms, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from partnership.models import AccessLog
from safeguarding import services_concerns as services
from safeguarding.models import Concern, ConcernMeeting
from tests.safeguarding.conftest import allocated_person, raise_concern

NOT_FOUND, FORBIDDEN = 404, 403


def _url(name, concern):
    return reverse(f"safeguarding:{name}", kwargs={"concern_ref": concern.reference})


CONCERN_PAGES = ["concern", "concern_edit", "concern_status", "concern_referral", "concern_action_new"]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("hub_worker", 200),
        ("manager", 200),
        ("spoc_practitioner", 200),
        ("safeguarding_lead", 200),
        ("other_hub_worker", NOT_FOUND),
        ("other_hub_manager", NOT_FOUND),
        ("peer_worker", FORBIDDEN),
        ("treatment_practitioner", FORBIDDEN),
        ("commissioner", FORBIDDEN),
        ("data_protection_officer", FORBIDDEN),
    ],
)
def test_who_opens_a_concern(client, request, concern, persona, expected):
    client.force_login(request.getfixturevalue(persona))
    for name in CONCERN_PAGES:
        response = client.get(_url(name, concern))
        assert response.status_code == expected, name
        if expected != 200:
            assert b"SUMMARY-TEXT" not in response.content


def test_a_peer_worker_raises_a_concern_about_their_person_and_sees_no_detail_after(
    client, spoc_practitioner, hub, peer_worker
):
    theirs = allocated_person(spoc=spoc_practitioner, hub=hub, worker=peer_worker, given="Robin", family="Peer")
    client.force_login(peer_worker)
    response = client.post(
        reverse("safeguarding:concern_new", args=[theirs.reference]),
        {"category": "cuckooing", "at_risk": "person", "risk_level": "high", "summary": "PEER-SEEN strangers staying"},
    )
    concern = Concern.objects.get()
    assert response.status_code == 302 and response.url == reverse("referrals:person", args=[theirs.reference])
    page = client.get(response.url).content.decode()
    assert "PEER-SEEN" not in page and "Open safeguarding concern" not in page
    timeline = client.get(reverse("referrals:person_timeline", args=[theirs.reference])).content.decode()
    assert "Safeguarding concern raised" not in timeline
    assert client.get(_url("concern", concern)).status_code == FORBIDDEN
    assert client.get(reverse("safeguarding:person_concerns", args=[theirs.reference])).status_code == FORBIDDEN


def test_an_open_concern_alerts_the_identity_bar_and_shows_on_the_timeline(client, person, concern, hub_worker):
    client.force_login(hub_worker)
    page = client.get(reverse("referrals:person", args=[person.reference])).content.decode()
    assert "Open safeguarding concern" in page
    timeline = client.get(reverse("referrals:person_timeline", args=[person.reference])).content.decode()
    assert "Safeguarding concern raised: Neglect" in timeline
    services.concern_move(concern=concern, by=hub_worker, to_status="closed", outcome="early_help")
    page = client.get(reverse("referrals:person", args=[person.reference])).content.decode()
    assert "Open safeguarding concern" not in page


def test_the_lead_lands_on_the_overview_of_every_concern(
    client, person, child, hub_worker, safeguarding_lead, spoc_practitioner, other_hub, other_hub_worker
):
    elsewhere = allocated_person(
        spoc=spoc_practitioner, hub=other_hub, worker=other_hub_worker, given="Kendal", family="Person"
    )
    waiting = raise_concern(person, hub_worker, at_risk=Concern.AtRisk.CHILD_IN_HOUSEHOLD, child=child)
    theirs = raise_concern(elsewhere, other_hub_worker)
    services.concern_action_add(
        concern=theirs,
        by=other_hub_worker,
        description="OVERDUE-ACTION call the GP",
        due_on=timezone.localdate() - dt.timedelta(days=1),
        owner=other_hub_worker,
    )
    client.force_login(safeguarding_lead)

    home = client.get(reverse("home"))
    assert home.status_code == 302 and home.url == reverse("safeguarding:overview")
    page = client.get(home.url).content.decode()

    assert waiting.reference in page and theirs.reference in page and "OVERDUE-ACTION" in page
    log = AccessLog.objects.filter(user=safeguarding_lead).latest("pk")
    assert set(log.subjects.values_list("person_id", flat=True)) == {person.pk, elsewhere.pk}
    assert client.get(_url("concern", theirs)).status_code == 200


@pytest.mark.parametrize("persona", ["hub_worker", "manager", "peer_worker", "spoc_practitioner"])
def test_only_the_lead_has_the_overview(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("safeguarding:overview")).status_code == FORBIDDEN


def test_a_hub_worker_raises_a_concern_about_a_child_and_works_it_through_the_pages(
    client, person, child, hub_worker, safeguarding_lead
):
    client.force_login(hub_worker)
    response = client.post(
        reverse("safeguarding:concern_new", args=[person.reference]),
        {
            "category": "neglect",
            "at_risk": "child_in_household",
            "child": child.pk,
            "risk_level": "medium",
            "summary": "Child not collected from school twice this week",
        },
    )
    concern = Concern.objects.get()
    assert response.url == _url("concern", concern)
    assert concern.about == "child" and concern.status == Concern.Status.AWAITING_REFERRAL

    client.force_login(safeguarding_lead)
    detail = client.get(_url("concern_referral", concern))
    version = detail.context["form"].initial["version"]
    response = client.post(
        _url("concern_referral", concern),
        {
            "council": "cumberland",
            "council_reference": "CSC-778",
            "referred_on_0": "1",
            "referred_on_1": "12",
            "referred_on_2": "2026",
            "version": version,
        },
    )
    assert response.status_code == 302
    client.post(
        _url("concern_meeting_new", concern),
        {
            "kind": "strategy",
            "held_on_0": "2",
            "held_on_1": "12",
            "held_on_2": "2026",
            "attendees": "Social worker\nPolice",
            "decisions": "Section 47 enquiry",
        },
    )
    concern.refresh_from_db()
    assert (concern.status, concern.council_reference) == (Concern.Status.REFERRED, "CSC-778")
    assert ConcernMeeting.objects.get().kind == "strategy"
    page = client.get(_url("concern", concern)).content.decode()
    assert "CSC-778" in page and "Section 47 enquiry" in page


def test_a_form_shows_its_errors_and_saves_nothing(client, person, hub_worker):
    client.force_login(hub_worker)
    response = client.post(
        reverse("safeguarding:concern_new", args=[person.reference]), {"at_risk": "child_in_household"}
    )
    assert response.status_code == 200
    assert "Select the kind of concern" in response.content.decode()
    assert not Concern.objects.exists()


def test_the_concern_page_costs_the_same_however_many_actions_and_meetings(
    client, concern, hub_worker, django_assert_max_num_queries
):
    client.force_login(hub_worker)
    url = _url("concern", concern)
    services.concern_action_add(
        concern=concern, by=hub_worker, description="First", due_on=timezone.localdate(), owner=hub_worker
    )
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for n in range(6):
        services.concern_action_add(
            concern=concern, by=hub_worker, description=f"Action {n}", due_on=timezone.localdate(), owner=hub_worker
        )
        services.concern_meeting_record(
            concern=concern, by=hub_worker, kind="mash", held_on=timezone.localdate(), attendees="A", decisions="B"
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_overview_and_the_persons_list_cost_the_same_however_many_concerns(
    client, person, hub_worker, safeguarding_lead, django_assert_max_num_queries
):
    raise_concern(person, hub_worker)
    pages = [
        (safeguarding_lead, reverse("safeguarding:overview")),
        (hub_worker, reverse("safeguarding:person_concerns", args=[person.reference])),
    ]
    counts = []
    for user, url in pages:
        client.force_login(user)
        client.get(url)
        with django_assert_max_num_queries(40) as context:
            client.get(url)
        counts.append(len(context.captured_queries))
    for _ in range(5):
        concern = raise_concern(person, hub_worker, risk_level="high")
        services.concern_action_add(
            concern=concern,
            by=hub_worker,
            description="Late",
            due_on=timezone.localdate() - dt.timedelta(days=3),
            owner=hub_worker,
        )
    for (user, url), count in zip(pages, counts, strict=True):
        client.force_login(user)
        with django_assert_max_num_queries(count):
            assert client.get(url).status_code == 200


def test_the_overview_puts_the_highest_risk_first_then_the_oldest(person, hub_worker, safeguarding_lead):
    from safeguarding.selectors_concerns import overview_for

    low = raise_concern(person, hub_worker, risk_level="low")
    medium = raise_concern(person, hub_worker, risk_level="medium")
    high = raise_concern(person, hub_worker, risk_level="high")

    assert overview_for(user=safeguarding_lead).open_concerns == [high, medium, low]
    assert overview_for(user=safeguarding_lead, limit=1).open_concerns == [high]
