"""Drug alerts (SAF-5, §3.26.6): recorded, graded, circulated as a banner on every staff page
until each member of staff acknowledges it, acknowledgements shown to the manager; withdrawn
or expired alerts leave every page at once. The banner costs at most one query per page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from safeguarding import alerts_forms as f
from safeguarding import alerts_services as services
from safeguarding.alerts import forget_live_alerts, unacknowledged_alerts_for
from safeguarding.models import DrugAlert, DrugAlertAcknowledgement, DrugAlertTransition

BANNER = "app-drug-alert"


def issue(by, **overrides) -> DrugAlert:
    fields = {
        "title": "Heroin cut with nitazenes",
        "grade": DrugAlert.Grade.URGENT,
        "substance": "Heroin (brown powder)",
        "area": "Carlisle",
        "what_seen": "Three non-fatal overdoses in two days needing more than one dose of naloxone.",
        "advice": "Offer naloxone to everyone who uses opioids; do not use alone.",
        "source": DrugAlert.Source.LDIS,
        "expires_on": None,
        **overrides,
    }
    return services.drug_alert_issue(by=by, **fields)


FORM = {
    "title": "Strong pills sold as diazepam",
    "grade": "warning",
    "substance": "Blue tablets marked DAN 5620",
    "area": "Kendal",
    "what_seen": "Heavy sedation.",
    "advice": "Start with a small amount.",
    "source": "staff",
    "expires_on_0": "",
    "expires_on_1": "",
    "expires_on_2": "",
}


def test_a_manager_issues_an_alert_and_it_is_recorded_with_a_transition(client, manager):
    client.force_login(manager)
    response = client.post(reverse("safeguarding:drug_alert_new"), FORM)
    alert = DrugAlert.objects.get()
    assert response.status_code == 302
    assert (alert.grade, alert.status, alert.issued_by) == ("warning", "live", manager)
    assert DrugAlertTransition.objects.get(alert=alert).to_status == "live"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", f.TITLE_REQUIRED),
        ("grade", "", f.GRADE_REQUIRED),
        ("substance", "", f.SUBSTANCE_REQUIRED),
        ("area", "", f.AREA_REQUIRED),
        ("advice", "", f.ADVICE_REQUIRED),
        ("source", "rumour", f.SOURCE_REQUIRED),
    ],
)
def test_each_mistake_on_the_alert_form_has_its_own_message(client, manager, field, value, message):
    client.force_login(manager)
    response = client.post(reverse("safeguarding:drug_alert_new"), {**FORM, field: value})
    assert escape(str(message)) in response.content.decode()
    assert "Heavy sedation." in response.content.decode()
    assert not DrugAlert.objects.exists()


def test_an_alert_cannot_expire_in_the_past(manager):
    with pytest.raises(ValidationError):
        issue(manager, expires_on=timezone.localdate() - dt.timedelta(days=1))


@pytest.mark.parametrize("persona", ["hub_worker", "peer_worker", "spoc_practitioner", "treatment_practitioner"])
def test_only_managers_and_the_safeguarding_lead_issue_alerts(client, request, persona, safeguarding_lead):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        issue(user)
    client.force_login(user)
    assert client.get(reverse("safeguarding:drug_alert_new")).status_code == 403
    alert = issue(safeguarding_lead)
    assert client.get(reverse("safeguarding:drug_alert_withdraw", args=[alert.reference])).status_code == 403


def test_the_banner_is_on_every_staff_page_until_acknowledged(client, manager, hub_worker):
    alert = issue(manager)
    client.force_login(hub_worker)
    for url in (reverse("referrals:my_work"), reverse("recovery_plans:directory"), reverse("contacts:outreach")):
        page = client.get(url).content.decode()
        assert BANNER in page and alert.title in page, url
    response = client.post(
        reverse("safeguarding:drug_alert_acknowledge", args=[alert.reference]), {"next": reverse("contacts:outreach")}
    )
    assert response.status_code == 302 and response.url == reverse("contacts:outreach")
    acknowledgement = DrugAlertAcknowledgement.objects.get(alert=alert)
    assert acknowledgement.user == hub_worker and acknowledgement.acknowledged_at <= timezone.now()
    assert BANNER not in client.get(reverse("referrals:my_work")).content.decode()


def test_acknowledging_twice_records_once(manager, hub_worker):
    alert = issue(manager)
    first = services.drug_alert_acknowledge(alert=alert, by=hub_worker)
    assert services.drug_alert_acknowledge(alert=alert, by=hub_worker) == first
    assert DrugAlertAcknowledgement.objects.count() == 1


def test_the_manager_sees_who_has_and_has_not_acknowledged(client, manager, hub_worker, peer_worker, commissioner):
    alert = issue(manager)
    services.drug_alert_acknowledge(alert=alert, by=hub_worker)
    client.force_login(manager)
    page = client.get(reverse("safeguarding:drug_alert", args=[alert.reference])).content.decode()
    not_yet = page.split('id="not-acknowledged"')[1].split("</table>")[0]
    read = page.split('id="acknowledged"')[1].split("</table>")[0]
    assert peer_worker.get_full_name() in not_yet and manager.get_full_name() in not_yet
    assert hub_worker.get_full_name() in read and hub_worker.get_full_name() not in not_yet
    assert commissioner.get_full_name() not in page  # commissioners do not receive alerts


def test_a_withdrawn_alert_leaves_every_page_at_once(client, manager, hub_worker):
    alert = issue(manager)
    client.force_login(hub_worker)
    assert BANNER in client.get(reverse("referrals:my_work")).content.decode()
    services.drug_alert_withdraw(alert=alert, by=manager, reason="The batch was tested: not nitazenes")
    assert BANNER not in client.get(reverse("referrals:my_work")).content.decode()
    assert alert.transitions.last().to_status == "withdrawn"
    with pytest.raises(ValidationError):
        services.drug_alert_withdraw(alert=alert, by=manager, reason="Again")
    # A withdrawn alert is only for those who issue alerts to look back on.
    assert client.get(reverse("safeguarding:drug_alert", args=[alert.reference])).status_code == 404


def test_an_expired_alert_is_not_shown(manager, hub_worker, monkeypatch):
    today = timezone.localdate()
    alert = issue(manager, expires_on=today)
    assert [a["reference"] for a in unacknowledged_alerts_for(hub_worker)] == [alert.reference]
    # Tomorrow: the cached list carries each alert's expiry, so it expires untouched.
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today + dt.timedelta(days=1))
    assert unacknowledged_alerts_for(hub_worker) == []
    assert not DrugAlert.objects.get().is_live


@pytest.mark.parametrize("persona", ["commissioner", "data_protection_officer", "outsider"])
def test_people_who_do_not_meet_people_get_no_banner_and_no_alert_pages(client, request, manager, persona):
    alert = issue(manager)
    client.force_login(request.getfixturevalue(persona))
    assert BANNER not in client.get(reverse("home")).content.decode()
    assert client.get(reverse("safeguarding:drug_alerts")).status_code == 403
    assert client.get(reverse("safeguarding:drug_alert", args=[alert.reference])).status_code == 404


def test_an_emptied_cache_costs_no_query_when_nothing_was_live(hub_worker, django_assert_num_queries):
    from django.core.cache import cache

    hub_worker.membership  # noqa: B018
    cache.clear()  # a Redis restart, or another test's cache.clear()
    with django_assert_num_queries(0):
        assert unacknowledged_alerts_for(hub_worker) == []


def test_another_process_sees_a_new_alert_through_the_generation(manager, hub_worker):
    from safeguarding import alerts

    assert unacknowledged_alerts_for(hub_worker) == []
    issue(manager)
    alerts._live = (None, [])  # this process's copy from before, as another worker would hold
    assert len(unacknowledged_alerts_for(hub_worker)) == 1


def test_the_banner_is_not_on_public_pages(client, manager, hub_worker):
    issue(manager)
    client.force_login(hub_worker)
    assert BANNER not in client.get("/complaints/").content.decode()


def test_the_banner_costs_no_query_when_warm_and_one_at_most_when_cold(
    manager, hub_worker, django_assert_num_queries, django_assert_max_num_queries
):
    hub_worker.membership  # noqa: B018 (the menu has already loaded it on a real page)
    forget_live_alerts()  # nothing known, as in a process just started
    with django_assert_num_queries(1):
        assert unacknowledged_alerts_for(hub_worker) == []  # cold: one query
    with django_assert_num_queries(0):
        assert unacknowledged_alerts_for(hub_worker) == []  # warm, nothing live: none
    issue(manager)
    with django_assert_num_queries(1):
        assert len(unacknowledged_alerts_for(hub_worker)) == 1
    with django_assert_num_queries(0):
        assert len(unacknowledged_alerts_for(hub_worker)) == 1
    alert = DrugAlert.objects.get()
    services.drug_alert_acknowledge(alert=alert, by=hub_worker)
    with django_assert_max_num_queries(1):
        assert unacknowledged_alerts_for(hub_worker) == []


def test_a_page_with_the_banner_costs_one_query_more_than_without(
    client, manager, hub_worker, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(hub_worker)
    url = reverse("recovery_plans:directory")
    client.get(url)
    with CaptureQueriesContext(connection) as without:
        client.get(url)
    issue(manager)
    with CaptureQueriesContext(connection) as cold:
        page = client.get(url).content.decode()
    assert BANNER in page
    assert len(cold.captured_queries) <= len(without.captured_queries) + 1


def test_the_alert_list_is_a_fixed_number_of_queries(client, manager, hub_worker, django_assert_max_num_queries):
    for n in range(10):
        issue(manager, title=f"Alert {n}")
    client.force_login(manager)
    client.get(reverse("safeguarding:drug_alerts"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("safeguarding:drug_alerts")).status_code == 200
    alert = DrugAlert.objects.first()
    with django_assert_max_num_queries(12):
        assert client.get(reverse("safeguarding:drug_alert", args=[alert.reference])).status_code == 200


@pytest.mark.parametrize("back", ["a\x00b", "https://evil.example/", "//evil.example/", "x" * 20_000, "/\x1b[31m"])
def test_acknowledging_never_sends_anyone_off_site_or_breaks_on_a_strange_next(client, manager, hub_worker, back):
    alert = issue(manager)
    client.force_login(hub_worker)
    response = client.post(reverse("safeguarding:drug_alert_acknowledge", args=[alert.reference]), {"next": back})
    assert response.status_code == 302
    assert response.url == reverse("safeguarding:drug_alert", args=[alert.reference])
