"""The notification pages: every open notification with its clock, the "Overdue notifications"
list the escalation job feeds, one notification, and recording it as sent."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguarding import services_incidents
from safeguarding.models import Notification, SeriousIncident
from safeguarding.services_notifications import SENT_AT_BEFORE_START, notifications_escalate
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _incident(by, *, hours_ago=0):
    known = timezone.now() - dt.timedelta(hours=hours_ago)
    return services_incidents.incident_record(
        model=SeriousIncident,
        by=by,
        seriousness="serious",
        category="regulatory_safety",
        incident_type="hse_reportable",
        occurred_at=known,
        known_at=known,
        description="A reportable injury",
        person=PersonFactory(council_of_residence="cumberland"),
    )


def test_the_list_shows_each_open_notification_with_its_clock(client, manager, django_assert_max_num_queries):
    for hours in (0, 50, 60, 70, 80, 90):
        _incident(manager, hours_ago=hours)
    client.force_login(manager)
    # The same number of queries for any number of rows (3 or 6: 14, mostly the session and menu).
    with django_assert_max_num_queries(14):
        response = client.get(reverse("safeguarding:notifications"))
    html = response.content.decode()
    assert html.count("Overdue by") == 5 and "Due in 1 day 23 hours" in html


def test_the_overdue_list_shows_only_overdue_ones_and_whether_escalated(client, safeguarding_lead):
    late = _incident(safeguarding_lead, hours_ago=50)
    on_time = _incident(safeguarding_lead)
    notifications_escalate()
    client.force_login(safeguarding_lead)
    html = client.get(reverse("safeguarding:notifications_overdue")).content.decode()
    late_ref = Notification.objects.get(subject_id=late.pk).reference
    on_time_ref = Notification.objects.get(subject_id=on_time.pk).reference
    assert late_ref in html and "Overdue by 2 hours" in html and "Escalated" in html
    assert on_time_ref not in html


def test_recording_a_notification_as_sent(client, manager):
    incident = _incident(manager, hours_ago=1)
    notification = Notification.objects.get(subject_id=incident.pk)
    client.force_login(manager)
    url = reverse("safeguarding:notification_sent", kwargs={"notification_ref": notification.reference})
    form = client.get(url).context["form"]
    now = timezone.localtime()
    data = {
        "version": form["version"].value(),
        "sent_date": now.strftime("%d/%m/%Y"),
        "sent_time": now.strftime("%H:%M"),
        "sent_how": "portal",
        "council_reference": "CUM-2231",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    notification.refresh_from_db()
    assert (notification.sent_how, notification.council_reference, notification.sent_by) == (
        "portal",
        "CUM-2231",
        manager,
    )
    detail = client.get(reverse("safeguarding:notification", kwargs={"notification_ref": notification.reference}))
    assert "Sent on time" in detail.content.decode()
    # Once sent, the form sends you back to the notification.
    assert client.get(url).status_code == 302


def test_a_sent_time_before_the_clock_started_gets_its_message_on_the_date(client, manager):
    incident = _incident(manager)
    notification = Notification.objects.get(subject_id=incident.pk)
    client.force_login(manager)
    url = reverse("safeguarding:notification_sent", kwargs={"notification_ref": notification.reference})
    form = client.get(url).context["form"]
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    data = {
        "version": form["version"].value(),
        "sent_date": yesterday.strftime("%d/%m/%Y"),
        "sent_time": "09:00",
        "sent_how": "email",
    }
    response = client.post(url, data)
    assert response.context["form"].errors["sent_date"] == [str(SENT_AT_BEFORE_START)]


@pytest.mark.parametrize(
    "persona", ["hub_worker", "peer_worker", "spoc_practitioner", "commissioner", "data_protection_officer"]
)
def test_other_roles_get_403(client, request, persona, manager):
    incident = _incident(manager)
    notification = Notification.objects.get(subject_id=incident.pk)
    client.force_login(request.getfixturevalue(persona))
    for url in (
        reverse("safeguarding:notifications"),
        reverse("safeguarding:notifications_overdue"),
        reverse("safeguarding:notification", kwargs={"notification_ref": notification.reference}),
    ):
        assert client.get(url).status_code == 403, url


def test_an_unknown_reference_is_404(client, manager):
    client.force_login(manager)
    assert (
        client.get(reverse("safeguarding:notification", kwargs={"notification_ref": "N-23456789"})).status_code == 404
    )


def test_a_managers_my_work_lists_overdue_notifications_first(
    client, manager, hub_worker, django_capture_on_commit_callbacks
):
    incident = _incident(manager, hours_ago=50)
    late = Notification.objects.get(subject_id=incident.pk)
    _incident(manager)  # not due yet
    client.force_login(manager)
    html = client.get(reverse("referrals:my_work")).content.decode()
    assert "Overdue notifications to councils" in html
    assert late.reference in html and "Overdue by 2 hours: notify Cumberland Council" in html
    # Hub workers do not oversee notifications.
    client.force_login(hub_worker)
    assert "Overdue notifications to councils" not in client.get(reverse("referrals:my_work")).content.decode()
