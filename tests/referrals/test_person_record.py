"""The person record (issue 9): discovery of every app's ``person_record`` module, the identity
bar, the timeline (PLN-7) and "My work"."""

from __future__ import annotations

import datetime as dt
import sys
import types

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnership.models import AccessLog
from referrals import person_record_discovery as discovery
from referrals.models import Consent, ContactAttempt, OnwardReferral, Referral, Triage
from referrals.selectors import person_record as record
from referrals.services import access as services_access
from referrals.services import allocation as allocation_services
from referrals.services import consent as consent_services
from referrals.services import onward as onward_services
from referrals.services import referrals as services
from referrals.services import treatment as treatment_services
from referrals.services import triage as triage_services
from referrals.services.consent import consent_record
from tests.factories import ReferralFactory
from tests.states import allocate

FAKE = "tests_fake_app.person_record"


def person_url(name, person, **query):
    url = reverse(name, kwargs={"person_ref": person.reference})
    return url


@pytest.fixture
def allocated(spoc_practitioner, hub, hub_worker):
    """A person with one referral, screened (green), accepted and allocated to the hub worker."""
    referral = ReferralFactory(
        subject_given_name="Morwenna",
        subject_family_name="Tregothnan",
        subject_date_of_birth=dt.date(1990, 6, 15),
        received_at=timezone.now() - dt.timedelta(days=400),
    )
    services.person_create_from_referral(referral=referral, by=spoc_practitioner)
    allocate(referral, spoc=spoc_practitioner, hub=hub, worker=hub_worker)
    referral.refresh_from_db()
    return referral


@pytest.fixture
def person(allocated):
    return allocated.person


def _attempts(referral, by, count, *, start):
    """``count`` contact attempts an hour apart, newest at ``start`` (history is not the point
    here, volume is)."""
    ContactAttempt.objects.bulk_create(
        ContactAttempt(
            referral=referral,
            attempted_at=start - dt.timedelta(hours=n),
            method=ContactAttempt.Method.PHONE,
            outcome=ContactAttempt.Outcome.NO_ANSWER,
            by=by,
        )
        for n in range(count)
    )


# --- Discovery -----------------------------------------------------------------------------------


def _fake_events(*, person, user, before, limit):
    now = timezone.now()
    events = [
        {
            "at": now - dt.timedelta(minutes=n),
            "kind": "fake",
            "kind_label": "Fake",
            "title": f"Fake event {n}",
            "summary": "Risk detail" if n == 0 else "",
            "by": "",
            "href": None,
            "sensitive": n == 0,
        }
        for n in range(3)
    ]
    return [e for e in events if before is None or e["at"] < before][:limit]


@pytest.fixture
def fake_module(monkeypatch):
    """An app's person_record module, as another helper's app would declare it."""
    module = types.ModuleType(FAKE)
    module.TABS = [
        {"key": "fake", "label": "Fake tab", "url_name": "referrals:person_history", "order": 30, "visible": None},
        {
            "key": "hidden",
            "label": "Hidden tab",
            "url_name": "referrals:person",
            "order": 31,
            "visible": lambda u: False,
        },
    ]
    module.TIMELINE = [{"key": "fake", "label": "Fake", "visible": lambda u: True, "events": _fake_events}]
    module.HOME_PANELS = [
        {
            "key": "fake_panel",
            "title": "Reviews due (fake)",
            "order": 20,
            "visible": lambda u: True,
            "rows": lambda *, user, limit: [
                {
                    "person_ref": "P-AAAAAAAA",
                    "name": "Panel Person",
                    "text": "Review",
                    "due": dt.date(2026, 1, 2),
                    "href": "/x/",
                    "overdue": True,
                }
            ],
        }
    ]
    module.IDENTITY = [
        {
            "key": "engagement",
            "label": "Engagement",
            "order": 1,
            "visible": lambda u: True,
            "value": lambda **k: "Active",
        }
    ]
    module.ALERTS = [
        {"key": "safeguarding", "visible": lambda u: True, "alerts": lambda **k: [{"text": "Safeguarding concern"}]}
    ]
    monkeypatch.setitem(sys.modules, FAKE, module)
    names = [*discovery.installed_module_names(), FAKE]
    monkeypatch.setattr(discovery, "installed_module_names", lambda: names)
    discovery.clear_cache()
    yield module
    discovery.clear_cache()


def test_every_installed_apps_person_record_module_is_found():
    assert "referrals.person_record" in discovery.installed_module_names()


def test_parts_of_an_app_are_found_too(tmp_path, monkeypatch):
    package = tmp_path / "split_app"
    package.mkdir()
    for name in ("__init__", "person_record", "person_record_contacts", "person_records_not_this", "other"):
        (package / f"{name}.py").write_text("")
    config = types.SimpleNamespace(name="split_app", path=str(package))
    assert discovery._module_names_of(config) == ["split_app.person_record", "split_app.person_record_contacts"]


def test_discovered_lists_respect_visible_and_order(fake_module, hub_worker):
    # Among the record's own tabs and the fake one (other installed apps add theirs too).
    ours = {"overview", "timeline", "fake", "sharing", "history"}
    tabs = [tab["key"] for tab in discovery.tabs_for(hub_worker) if tab["key"] in ours]
    assert tabs == ["overview", "timeline", "fake", "sharing", "history"]
    assert "fake" in [s["key"] for s in discovery.timeline_sources_for(hub_worker)]
    panels = [p["key"] for p in discovery.home_panels_for(hub_worker)]
    assert panels.index("fake_panel") < panels.index("consent_reviews")


def test_discovery_imports_each_module_once(monkeypatch):
    discovery.clear_cache()
    first = discovery.modules()
    assert discovery.modules() is first


def test_the_person_page_shows_what_other_apps_add(client, hub_worker, person, fake_module):
    client.force_login(hub_worker)
    html = client.get(person_url("referrals:person", person)).content.decode()
    assert "Fake tab" in html and "Hidden tab" not in html
    assert "Engagement: Active" in html
    assert "Safeguarding concern" in html
    timeline = client.get(person_url("referrals:person_timeline", person)).content.decode()
    assert "Fake event 0" in timeline and "Risk detail" in timeline


def test_a_peer_worker_sees_no_sensitive_summary_even_when_a_source_forgets(
    client, spoc_practitioner, hub, peer_worker, fake_module
):
    referral = ReferralFactory()
    services.person_create_from_referral(referral=referral, by=spoc_practitioner)
    allocate(referral, spoc=spoc_practitioner, hub=hub, worker=peer_worker)
    client.force_login(peer_worker)
    html = client.get(person_url("referrals:person_timeline", referral.person)).content.decode()
    assert "Fake event 0" in html
    assert "Risk detail" not in html


def test_my_work_shows_every_home_panel(client, hub_worker, person, fake_module):
    client.force_login(hub_worker)
    html = client.get(reverse("referrals:my_work")).content.decode()
    assert "Reviews due (fake)" in html and "Panel Person" in html and "Overdue" in html
    assert person.full_name in html


# --- The identity bar ------------------------------------------------------------------------------


def test_the_identity_bar_says_who_this_is_and_who_works_with_them(client, spoc_practitioner, hub_worker, hub, person):
    services.person_update(
        person=person, by=spoc_practitioner, reason="Asked", preferred_name="Wenna", pronouns="she/her"
    )
    client.force_login(hub_worker)
    html = client.get(person_url("referrals:person", person)).content.decode()
    bar = html[html.index('id="identity-bar"') : html.index("moj-sub-navigation")]
    assert "Morwenna Tregothnan" in bar
    assert "Prefers Wenna" in bar and "Pronouns: she/her" in bar
    age = record.rules.age_on(dt.date(1990, 6, 15), timezone.localdate())
    assert "15 Jun 1990" in bar and f"age {age}" in bar
    assert (hub_worker.get_full_name() or hub_worker.username) in bar
    assert hub.name in bar
    assert "Green risk at triage" in bar


def test_a_peer_worker_sees_no_risk_rating(client, spoc_practitioner, hub, peer_worker):
    referral = ReferralFactory()
    services.person_create_from_referral(referral=referral, by=spoc_practitioner)
    allocate(referral, spoc=spoc_practitioner, hub=hub, worker=peer_worker)
    client.force_login(peer_worker)
    html = client.get(person_url("referrals:person", referral.person)).content.decode()
    assert "risk at triage" not in html
    timeline = client.get(person_url("referrals:person_timeline", referral.person)).content.decode()
    assert "Triage outcome" in timeline and "Risk:" not in timeline


def test_restriction_and_young_carer_alerts(client, spoc_practitioner, hub, hub_worker, safeguarding_lead):
    sixteen = timezone.localdate() - dt.timedelta(days=16 * 366)
    referral = ReferralFactory(
        support_for=Referral.SupportFor.CARER,
        substances=[],
        cared_for_relationship=Referral.CaredForRelationship.PARENT,
        cared_for_substances=["alcohol"],
        subject_date_of_birth=sixteen,
    )
    services.person_create_from_referral(referral=referral, by=spoc_practitioner)
    triage_services.triage_save_screening(referral=referral, by=spoc_practitioner, council_of_residence="cumberland")
    triage_services.triage_complete(referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.CARER_SUPPORT)
    allocation_services.referral_allocate(referral=referral, hub=hub, worker=hub_worker, by=spoc_practitioner)
    services_access.referral_restrict(referral=referral, by=safeguarding_lead, reason="A relative of staff")
    client.force_login(hub_worker)
    html = client.get(person_url("referrals:person", referral.person)).content.decode()
    assert "Young carer" in html
    assert "Restricted record" in html


# --- The timeline (PLN-7) ---------------------------------------------------------------------------


def _walk(client, person, query=""):
    """Every event title on every page, following "Older events"; and the queries per page."""
    import re

    url = person_url("referrals:person_timeline", person) + query
    titles, counts = [], []
    while url:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        counts.append(len(queries))
        html = response.content.decode()
        titles.extend(re.findall(r'<time datetime="([^"]+)"', html))
        older = re.search(r'href="(\?[^"]*)" rel="next"', html)
        url = person_url("referrals:person_timeline", person) + older.group(1).replace("&amp;", "&") if older else None
    return titles, counts


def test_the_timeline_merges_every_source_newest_first(client, spoc_practitioner, hub_worker, allocated, person):
    _attempts(allocated, spoc_practitioner, 3, start=allocated.received_at + dt.timedelta(hours=5))
    consent_record(person=person, by=spoc_practitioner, recipient=Consent.Recipient.TREATMENT, given=True)
    client.force_login(hub_worker)
    html = client.get(person_url("referrals:person_timeline", person)).content.decode()
    kinds = [chunk.split('"')[0] for chunk in html.split('data-kind="')[1:]]
    assert kinds[0] == "consent"  # just now
    assert set(kinds) == {"consent", "triage", "contact_attempt", "referral"}
    assert kinds[-1] == "referral"  # received first of all
    assert f"Referral {allocated.reference} received" in html


def test_the_timeline_filters_by_kind_with_nothing_personal_in_the_address(
    client, spoc_practitioner, hub_worker, allocated, person
):
    _attempts(allocated, spoc_practitioner, 2, start=timezone.now() - dt.timedelta(days=1))
    client.force_login(hub_worker)
    response = client.get(person_url("referrals:person_timeline", person), {"kind": "contact_attempt"})
    html = response.content.decode()
    kinds = {chunk.split('"')[0] for chunk in html.split('data-kind="')[1:]}
    assert kinds == {"contact_attempt"}
    assert 'value="contact_attempt" checked' in html
    assert 'value="referral">' in html  # unchecked
    # An unknown kind is ignored: everything is shown.
    html = client.get(person_url("referrals:person_timeline", person), {"kind": "nonsense"}).content.decode()
    assert 'data-kind="referral"' in html


@pytest.mark.parametrize("size", [5, 400])
def test_every_page_of_a_long_timeline_costs_the_same_queries(
    client, spoc_practitioner, hub_worker, allocated, person, size
):
    _attempts(allocated, spoc_practitioner, size, start=timezone.now() - dt.timedelta(minutes=1))
    client.force_login(hub_worker)
    client.get(person_url("referrals:person_timeline", person))  # warm the content-type cache
    times, counts = _walk(client, person)
    # Every event once, newest first: the referral, the triage, and the contact attempts.
    assert len(times) == size + 2
    assert len(set(times)) == len(times)
    assert times == sorted(times, reverse=True)
    assert len(set(counts)) == 1, counts
    # One query per timeline source (every installed app's), plus the page's own (with each
    # app's identity-bar alerts: a safeguarding concern is one).
    assert counts[0] <= 15 + len(discovery.timeline_sources_for(hub_worker))


def test_a_long_history_costs_no_more_queries_than_a_short_one(
    client, spoc_practitioner, hub_worker, allocated, person, django_assert_max_num_queries
):
    client.force_login(hub_worker)
    client.get(person_url("referrals:person_timeline", person))
    with CaptureQueriesContext(connection) as short:
        client.get(person_url("referrals:person_timeline", person))
    _attempts(allocated, spoc_practitioner, 500, start=timezone.now() - dt.timedelta(minutes=1))
    for n in range(30):
        consent_record(person=person, by=spoc_practitioner, recipient=Consent.Recipient.GP, given=bool(n % 2))
    with django_assert_max_num_queries(len(short)):
        client.get(person_url("referrals:person_timeline", person))


def test_events_at_the_same_moment_are_never_split_between_pages(spoc_practitioner, hub_worker, allocated, person):
    moment = timezone.now() - dt.timedelta(hours=1)
    _attempts(allocated, spoc_practitioner, 3, start=moment + dt.timedelta(hours=2))
    ContactAttempt.objects.bulk_create(
        ContactAttempt(
            referral=allocated,
            attempted_at=moment,
            method=ContactAttempt.Method.TEXT,
            outcome=ContactAttempt.Outcome.NO_ANSWER,
            by=spoc_practitioner,
        )
        for _n in range(4)
    )
    seen, before = [], None
    while True:
        page = record.person_timeline_for(user=hub_worker, person=person, kinds=None, before=before, page_size=5)
        seen.extend(page.events)
        if page.next_before is None:
            break
        before = page.next_before
    # Three attempts, then four at one moment (a page of 5 would split them), the triage and
    # the referral: every one of them once.
    assert len(seen) == 3 + 4 + 2
    assert [e["at"] for e in seen] == sorted((e["at"] for e in seen), reverse=True)


def test_treatment_and_onward_referrals_and_their_outcomes_are_on_the_timeline(
    client, spoc_practitioner, hub, hub_worker, treatment_org, treatment_practitioner
):
    referral = ReferralFactory()
    person = services.person_create_from_referral(referral=referral, by=spoc_practitioner)
    triage_services.triage_save_screening(
        referral=referral,
        by=spoc_practitioner,
        council_of_residence="cumberland",
        risk=Triage.Risk.AMBER,
        risk_reasons=[Triage.RiskReason.INJECTING],
    )
    triage_services.triage_complete(referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.BOTH)
    allocation_services.referral_allocate(referral=referral, hub=hub, worker=hub_worker, by=spoc_practitioner)
    consent = consent_record(person=person, by=spoc_practitioner, recipient=Consent.Recipient.TREATMENT, given=True)
    treatment_services.treatment_referral_send(
        treatment_referral=referral.treatment_referrals.get(),
        by=spoc_practitioner,
        organisation=treatment_org,
        consent=consent,
    )
    onward = onward_services.onward_referral_record(
        referral=referral,
        by=hub_worker,
        service_type=OnwardReferral.ServiceType.HOUSING,
        organisation_name="Housing Options",
    )
    onward_services.onward_referral_record_outcome(
        onward_referral=onward, by=hub_worker, outcome=OnwardReferral.Outcome.ACCEPTED, outcome_on=timezone.localdate()
    )
    consent.refresh_from_db()
    consent_services.consent_withdraw(consent=consent, by=hub_worker, reason="Changed their mind")
    client.force_login(hub_worker)
    html = client.get(person_url("referrals:person_timeline", person)).content.decode()
    assert "Referral to the Treatment Service made" in html
    assert "Referral sent to the Treatment Service" in html
    assert "Referred to Housing Options (Housing)" in html and "Outcome: Accepted" in html
    assert "Agreed to sharing with The Treatment Service" in html
    assert "Consent withdrawn: The Treatment Service" in html
    assert "Risk: Amber" in html


def test_a_bad_cursor_shows_the_newest_page(client, hub_worker, person):
    client.force_login(hub_worker)
    response = client.get(person_url("referrals:person_timeline", person), {"before": "not a time"})
    assert response.status_code == 200
    assert 'data-kind="referral"' in response.content.decode()


def test_each_source_answers_in_one_query(spoc_practitioner, hub_worker, allocated, person):
    _attempts(allocated, spoc_practitioner, 5, start=timezone.now() - dt.timedelta(hours=1))
    consent_record(person=person, by=spoc_practitioner, recipient=Consent.Recipient.TREATMENT, given=True)
    for source in discovery.timeline_sources_for(hub_worker):
        with CaptureQueriesContext(connection) as queries:
            source["events"](person=person, user=hub_worker, before=None, limit=3)
        assert len(queries) == 1, source["key"]


# --- Access and the access log -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["referrals:person", "referrals:person_timeline", "referrals:person_history"])
def test_each_person_page_writes_an_access_log_row(client, hub_worker, person, name):
    client.force_login(hub_worker)
    assert client.get(person_url(name, person)).status_code == 200
    assert AccessLog.objects.filter(user=hub_worker, person_id=person.pk, action=AccessLog.Action.VIEW).exists()


@pytest.mark.parametrize("name", ["referrals:person_timeline", "referrals:person_history"])
def test_someone_elses_person_is_not_found(client, other_hub_worker, person, name):
    client.force_login(other_hub_worker)
    assert client.get(person_url(name, person)).status_code == 404


def test_pronouns_are_corrected_like_any_other_detail(client, spoc_practitioner, person):
    from tests.referrals.test_rectification import form_data

    client.force_login(spoc_practitioner)
    url = reverse("referrals:rectify", kwargs={"person_ref": person.reference})
    page = client.get(url).content.decode()
    assert 'name="pronouns"' in page
    client.post(url, form_data(person, pronouns="  they/them ", reason="Told us their pronouns"))
    person.refresh_from_db()
    assert person.pronouns == "they/them"


def test_the_history_shows_a_correction_with_its_reason(client, spoc_practitioner, hub_worker, person):
    services.person_update(person=person, by=spoc_practitioner, reason="Told us their pronouns", pronouns="they/them")
    client.force_login(hub_worker)
    html = client.get(person_url("referrals:person_history", person)).content.decode()
    assert "Told us their pronouns" in html and "they/them" in html


# --- My work -----------------------------------------------------------------------------------------


def test_hub_workers_land_on_my_work(client, hub_worker, person):
    client.force_login(hub_worker)
    response = client.get(reverse("home"))
    assert response["Location"] == reverse("referrals:my_work")
    html = client.get(response["Location"]).content.decode()
    assert person.full_name in html
    assert reverse("referrals:person", kwargs={"person_ref": person.reference}) in html


def test_a_manager_sees_their_hubs_caseload(client, manager, person):
    client.force_login(manager)
    html = client.get(reverse("referrals:my_work")).content.decode()
    assert "My hub's caseload" in html and person.full_name in html


def test_the_front_door_has_no_my_work(client, spoc_practitioner):
    client.force_login(spoc_practitioner)
    assert client.get(reverse("referrals:my_work")).status_code == 403


@pytest.mark.parametrize("people", [1, 12])
def test_my_work_costs_the_same_queries_however_big_the_caseload(
    client, spoc_practitioner, hub, hub_worker, people, django_assert_max_num_queries
):
    for _n in range(people):
        referral = ReferralFactory()
        services.person_create_from_referral(referral=referral, by=spoc_practitioner)
        allocate(referral, spoc=spoc_practitioner, hub=hub, worker=hub_worker)
    client.force_login(hub_worker)
    client.get(reverse("referrals:my_work"))
    # Session, user, device, membership, the caseload (one), one per panel, the people the
    # panels name, the access-log row and its subjects, savepoints and the session save.
    # ... plus two per further panel another app adds (its rows and the people they name).
    with django_assert_max_num_queries(16 + 2 * (len(discovery.home_panels_for(hub_worker)) - 1)):
        response = client.get(reverse("referrals:my_work"))
    assert response.status_code == 200


def test_my_work_lists_the_caseloads_consent_reviews_due(
    client, spoc_practitioner, hub_worker, other_hub_worker, person
):
    consent = consent_record(person=person, by=spoc_practitioner, recipient=Consent.Recipient.GP, given=True)
    consent.review_due = timezone.localdate() - dt.timedelta(days=3)
    consent.save()
    client.force_login(hub_worker)
    html = client.get(reverse("referrals:my_work")).content.decode()
    panel = html[html.index('id="panel-consent_reviews"') :]
    assert person.full_name in panel and "Ask again about sharing with Their GP" in panel and "Overdue" in panel
    client.force_login(other_hub_worker)
    html = client.get(reverse("referrals:my_work")).content.decode()
    assert person.full_name not in html


@pytest.mark.parametrize("people", [1, 8])
def test_my_work_with_panels_costs_the_same_queries_however_many_rows(
    client, spoc_practitioner, hub, hub_worker, people, django_assert_max_num_queries
):
    for _n in range(people):
        referral = ReferralFactory()
        person = services.person_create_from_referral(referral=referral, by=spoc_practitioner)
        allocate(referral, spoc=spoc_practitioner, hub=hub, worker=hub_worker)
        consent = consent_record(person=person, by=spoc_practitioner, recipient=Consent.Recipient.GP, given=True)
        consent.review_due = timezone.localdate()
        consent.save()
    client.force_login(hub_worker)
    client.get(reverse("referrals:my_work"))
    with django_assert_max_num_queries(16 + 2 * (len(discovery.home_panels_for(hub_worker)) - 1)):
        response = client.get(reverse("referrals:my_work"))
    assert response.content.decode().count("Ask again about sharing") == people
