"""Managers' complaint pages (SAF-4): the list with overdue stages, the detail page, the forms
with their specific messages, the person link by staff only, 404 for everyone else, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from partnership.models import AccessLog
from safeguarding import forms_complaints as f
from safeguarding import services_complaints as services
from safeguarding.models import Complaint
from tests.factories import ReferralFactory
from tests.safeguarding.complaint_state import public_complaint, recorded_complaint


def _url(name, complaint):
    return reverse(name, kwargs={"complaint_ref": complaint.reference})


NEW = {
    "kind": "complaint",
    "channel": "letter",
    "category": "staff",
    "received_on_0": "",
    "received_on_1": "",
    "received_on_2": "",
    "complainant_from": "family",
    "complainant_name": "Ruth Adeyemi",
    "complainant_phone": "",
    "complainant_email": "",
    "complainant_address": "4 Castle Street\nCarlisle",
    "wants_reply": "yes",
    "person_reference": "",
    "about_hub": "",
    "summary": "My dad was spoken to rudely at reception.",
    "desired_outcome": "",
}


def test_a_manager_records_a_complaint_that_came_by_letter(client, manager):
    client.force_login(manager)
    response = client.post(reverse("safeguarding:complaint_new"), NEW)
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response.url == _url("safeguarding:complaint", complaint)
    assert complaint.channel == "letter" and complaint.recorded_by == manager
    page = client.get(response.url).content.decode()
    assert complaint.reference in page and "Stage 1: local resolution" in page and "Hub manager" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("kind", "", f.KIND_REQUIRED),
        ("channel", "fax", f.CHANNEL_REQUIRED),
        ("category", "", f.CATEGORY_REQUIRED),
        ("complainant_from", "", f.FROM_REQUIRED),
        ("summary", "", f.SUMMARY_REQUIRED),
        ("summary", "x" * 5001, f.SUMMARY_TOO_LONG),
        ("person_reference", "P-NOSUCH22", f.PERSON_NOT_FOUND),
    ],
)
def test_each_mistake_has_its_own_message_and_keeps_what_was_typed(client, manager, field, value, message):
    client.force_login(manager)
    response = client.post(reverse("safeguarding:complaint_new"), {**NEW, field: value})
    page = response.content.decode()
    assert response.status_code == 200
    assert escape(str(message)) in page
    assert "Ruth Adeyemi" in page
    assert not Complaint.objects.exists()


def test_a_person_is_linked_by_staff_only_when_the_manager_may_open_them(client, manager, spoc_practitioner):
    referral = ReferralFactory()
    from referrals.services import referrals as referral_services

    person = referral_services.person_create_from_referral(referral=referral, by=spoc_practitioner)
    complaint = public_complaint()
    client.force_login(manager)
    edit = _url("safeguarding:complaint_edit", complaint)
    form_page = client.get(edit).content.decode()
    version = form_page.split('name="version" value="')[1].split('"')[0]
    data = {
        **NEW,
        "kind": "complaint",
        "channel": "public_form",
        "person_reference": person.reference.lower(),
        "investigation_notes": "Spoke to the receptionist.",
        "version": version,
    }
    response = client.post(edit, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    complaint.refresh_from_db()
    assert complaint.person == person and complaint.investigation_notes == "Spoke to the receptionist."
    # Opening a complaint about a person is logged against that person (SEC-2).
    client.get(_url("safeguarding:complaint", complaint))
    assert AccessLog.objects.filter(user=manager, person_id=person.pk, object_type="safeguarding.complaint").exists()


def test_the_list_shows_overdue_stages_first_with_a_tag(client, manager):
    late = recorded_complaint(manager, received_at=timezone.now() - dt.timedelta(days=40))
    on_time = recorded_complaint(manager)
    client.force_login(manager)
    page = client.get(reverse("safeguarding:complaints")).content.decode()
    assert page.index(late.reference) < page.index(on_time.reference)
    assert "Overdue" in page and "1 complaint is past its stage’s resolution target" in page
    overdue_only = client.get(reverse("safeguarding:complaints") + "?show=overdue").content.decode()
    assert late.reference in overdue_only and on_time.reference not in overdue_only


def test_the_response_is_drafted_approved_and_sent_through_the_pages(client, manager, other_hub_manager):
    complaint = public_complaint()
    client.force_login(manager)
    response_url = _url("safeguarding:complaint_response", complaint)
    version = client.get(response_url).content.decode().split('name="version" value="')[1].split('"')[0]
    assert client.post(response_url, {"text": "", "version": version}).status_code == 200
    client.post(response_url, {"text": "We are sorry.", "version": version})
    detail = client.get(_url("safeguarding:complaint", complaint)).content.decode()
    assert "waiting for another manager to approve it" in detail
    # The drafter's own approval is refused with the reason.
    version = detail.split('name="version" value="')[1].split('"')[0]
    client.post(_url("safeguarding:complaint_response_approve", complaint), {"version": version})
    assert services.current_stage(complaint).response_approved_at is None
    client.force_login(other_hub_manager)
    client.post(_url("safeguarding:complaint_response_approve", complaint), {"version": version})
    assert services.current_stage(complaint).response_approved_by == other_hub_manager
    send_url = _url("safeguarding:complaint_response_send", complaint)
    version = client.get(send_url).content.decode().split('name="version" value="')[1].split('"')[0]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    future = {"sent_on_0": tomorrow.day, "sent_on_1": tomorrow.month, "sent_on_2": tomorrow.year, "how": "letter"}
    refused = client.post(send_url, {**future, "version": version})
    assert escape(str(services.SENT_IN_FUTURE)) in refused.content.decode()
    today = timezone.localdate()
    sent = {"sent_on_0": today.day, "sent_on_1": today.month, "sent_on_2": today.year, "how": "letter"}
    assert client.post(send_url, {**sent, "version": version}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.RESPONDED


@pytest.mark.parametrize(
    "persona", ["spoc_practitioner", "hub_worker", "peer_worker", "safeguarding_lead", "commissioner", "outsider"]
)
def test_everyone_but_managers_gets_404_for_a_complaint_and_403_for_the_list(client, request, manager, persona):
    complaint = recorded_complaint(manager)
    client.force_login(request.getfixturevalue(persona))
    for name in ("safeguarding:complaint", "safeguarding:complaint_edit", "safeguarding:complaint_close"):
        assert client.get(_url(name, complaint)).status_code == 404, name
    assert client.get(reverse("safeguarding:complaints")).status_code == 403
    assert client.get(reverse("safeguarding:complaint_new")).status_code == 403


def test_the_list_and_detail_pages_run_a_fixed_number_of_queries(
    client, manager, other_hub_manager, django_assert_max_num_queries
):
    for _ in range(12):
        complaint = public_complaint()
    services.complaint_escalate(complaint=complaint, by=manager, reason="Serious", handler=other_hub_manager)
    client.force_login(manager)
    client.get(reverse("safeguarding:complaints"))  # the session and the banner's cache warm up
    with django_assert_max_num_queries(13):  # sign-in and menu (7), counts, the page
        assert client.get(reverse("safeguarding:complaints") + "?show=all").status_code == 200
    with django_assert_max_num_queries(15):  # the complaint, its stages, transitions, stage history, version
        assert client.get(_url("safeguarding:complaint", complaint)).status_code == 200
