"""The public complaints and compliments form (SAF-4, §3.17.1) at /complaints/: no sign-in,
nothing typed lost, translatable like the self-referral form, rate limited like it."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from safeguarding import forms_public as f
from safeguarding.models import Complaint, ComplaintStage, ComplaintTransition
from safeguarding.views_public import SESSION_REFERENCE_KEY

FORM_URL = "/complaints/"
DONE_URL = "/complaints/done/"


@pytest.fixture
def public():
    return Client()


def answers(**overrides) -> dict:
    data = {
        "submission_token": str(uuid.uuid4()),
        "homepage": "",
        "kind": "complaint",
        "complainant_from": "family",
        "category": "communication",
        "summary": "Nobody rang my son back for a fortnight.",
        "desired_outcome": "A call back and an explanation.",
        "wants_reply": "yes",
        "complainant_name": "Gwen Ashby",
        "complainant_phone": "07700 900456",
        "complainant_email": "",
        "complainant_address": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_form_is_at_complaints_and_needs_no_sign_in(public, db):
    assert reverse("safeguarding_public:form") == FORM_URL
    response = public.get(FORM_URL)
    assert response.status_code == 200
    assert "Make a complaint or pay a compliment" in response.content.decode()


def test_a_complaint_is_received_at_stage_one_with_a_reference_on_the_confirmation_page(public, db):
    response = public.post(FORM_URL, answers())

    assert response.status_code == 302 and response.url == DONE_URL
    complaint = Complaint.objects.get()
    assert complaint.channel == Complaint.Channel.PUBLIC_FORM
    assert complaint.person is None  # only staff link a complaint to a record
    assert complaint.complainant_phone == "07700900456"
    assert complaint.stage == Complaint.Stage.LOCAL_RESOLUTION and complaint.status == Complaint.Status.OPEN
    assert ComplaintStage.objects.get(complaint=complaint).responsible_role == "Hub manager"
    assert ComplaintTransition.objects.filter(complaint=complaint, to_status="open").count() == 1
    assert complaint.history.get().history_user is None
    done = public.get(DONE_URL)
    assert complaint.reference in done.content.decode()
    assert complaint.reference not in DONE_URL  # the reference travels in the session


def test_a_compliment_gets_its_own_confirmation(public, db):
    public.post(FORM_URL, answers(kind="compliment", wants_reply="no", complainant_name="", complainant_phone=""))
    assert Complaint.objects.get().kind == Complaint.Kind.COMPLIMENT
    assert "Compliment sent" in public.get(DONE_URL).content.decode()


def test_the_confirmation_page_without_a_complaint_goes_back_to_the_form(public, db):
    response = public.get(DONE_URL)
    assert response.status_code == 302 and response.url == FORM_URL


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("kind", f.KIND_REQUIRED),
        ("complainant_from", f.FROM_REQUIRED),
        ("category", f.CATEGORY_REQUIRED),
        ("summary", f.SUMMARY_REQUIRED),
        ("wants_reply", f.REPLY_REQUIRED),
    ],
)
def test_each_missing_answer_has_its_own_message_and_nothing_typed_is_lost(public, db, missing, message):
    response = public.post(FORM_URL, answers(**{missing: None}))

    assert response.status_code == 200
    page = response.content.decode()
    assert escape(str(message)) in page
    assert "Gwen Ashby" in page and "07700 900456" in page or "07700900456" in page
    assert Complaint.objects.count() == 0


def test_a_reply_needs_a_name_and_a_way_to_reply(public, db):
    response = public.post(FORM_URL, answers(complainant_name="  ", complainant_phone=""))
    page = response.content.decode()
    assert escape(str(f.NAME_REQUIRED)) in page
    assert escape(str(f.CONTACT_REQUIRED)) in page
    assert "Nobody rang my son back" in page
    assert Complaint.objects.count() == 0


def test_no_reply_wanted_needs_no_details(public, db):
    response = public.post(FORM_URL, answers(wants_reply="no", complainant_name="", complainant_phone=""))
    assert response.status_code == 302
    assert Complaint.objects.get().wants_reply is False


def test_too_long_is_said_not_cut(public, db):
    response = public.post(FORM_URL, answers(summary="x" * 5001))
    assert escape(str(f.SUMMARY_TOO_LONG)) in response.content.decode()


def test_the_same_form_sent_twice_makes_one_complaint_with_one_reference(public, db):
    data = answers()
    public.post(FORM_URL, data)
    first = public.session[SESSION_REFERENCE_KEY]
    public.post(FORM_URL, data)
    assert Complaint.objects.count() == 1
    assert public.session[SESSION_REFERENCE_KEY] == first


def test_a_bot_filling_the_honeypot_sees_success_and_nothing_is_saved(public, db):
    response = public.post(FORM_URL, answers(homepage="http://spam.example"))
    assert response.status_code == 302 and response.url == DONE_URL
    assert Complaint.objects.count() == 0


def test_changing_language_keeps_what_was_typed_and_shows_polish(public, db):
    response = public.post(FORM_URL, {**answers(), "change_language": "pl"})

    assert response.status_code == 200
    page = response.content.decode()
    assert 'lang="pl"' in page
    assert "Złóż skargę lub przekaż podziękowanie" in page
    assert "Nobody rang my son back" in page and "Gwen Ashby" in page
    assert Complaint.objects.count() == 0
    # The next page stays in Polish, errors included.
    again = public.post(FORM_URL, answers(summary=""))
    assert "Opisz, co się stało" in again.content.decode()


def test_the_polish_choice_does_not_reach_staff_pages(client, manager, db):
    client.post(FORM_URL, {**answers(), "change_language": "pl"})
    client.force_login(manager)
    staff_page = client.get(reverse("safeguarding:complaints")).content.decode()
    assert 'lang="en-gb"' in staff_page


def test_the_rate_limit_stops_a_flood_from_one_connection(public, db, settings):
    settings.PUBLIC_COMPLAINT_RATE_LIMIT = 2
    for _ in range(2):
        assert public.post(FORM_URL, answers()).status_code == 302
    blocked = public.post(FORM_URL, answers())
    assert blocked.status_code == 429
    assert blocked["Retry-After"] == "3600"
    assert Complaint.objects.count() == 2


def test_the_rate_limit_is_per_connection_and_mistakes_do_not_count(db, settings):
    settings.PUBLIC_COMPLAINT_RATE_LIMIT = 1
    first, second = Client(REMOTE_ADDR="192.0.2.1"), Client(REMOTE_ADDR="192.0.2.2")
    assert first.post(FORM_URL, answers(summary="")).status_code == 200  # a mistake
    assert first.post(FORM_URL, answers()).status_code == 302
    assert first.post(FORM_URL, answers()).status_code == 429
    assert second.post(FORM_URL, answers()).status_code == 302


def test_the_public_form_writes_in_a_fixed_number_of_queries(public, db, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):  # the complaint, its history, stage, transition, session
        public.post(FORM_URL, answers())
    with django_assert_max_num_queries(6):  # the session the post started
        public.get(FORM_URL)
