"""Recording a referral (REF-1, REF-2), the duplicate check (REF-4) and the person page (§3.4.6)."""

import datetime as dt
import re
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from common.forms import dates, identifiers
from common.forms import fields as common_fields
from common.forms.dates import parse_time
from common.forms.identifiers import clean_uk_phone, nhs_number_is_valid
from partnership.models import AccessLog
from referrals.forms import intake as f
from referrals.forms import intake_messages as msg
from referrals.matching import SAME_DATE_OF_BIRTH, SIMILAR_NAME
from referrals.models import Person, Referral, Triage
from referrals.services import allocation as allocation_services
from referrals.services import referrals as services
from referrals.services import triage as triage_services
from referrals.views.intake import CHOOSE_A_PERSON, PERSON_NOT_FOUND
from tests.factories import PersonFactory, ReferralFactory
from tests.states import allocate

NEW = reverse("referrals:new")
# Those who may not record referrals at all: commissioners (no personal data), the data
# protection officer (does not meet people) and anyone without a role.
MAY_NOT_RECORD = ["commissioner", "data_protection_officer", "outsider"]
# No wrong door: staff outside the front door who record referrals but do not work the queue.
RECORD_ONLY = ["hub_worker", "peer_worker", "safeguarding_lead", "treatment_practitioner"]
NO_FRONT_DOOR = ["hub_worker", "peer_worker", "treatment_practitioner", "commissioner", "outsider"]
DOB = dt.date(1985, 3, 27)


def detail_url(referral) -> str:
    return f"/referrals/{referral.reference}/"


def match_url(referral) -> str:
    return reverse("referrals:match", kwargs={"reference": referral.reference})


def person_url(person) -> str:
    return reverse("referrals:person", kwargs={"person_ref": person.reference})


def an_hour_ago():
    return timezone.localtime() - dt.timedelta(hours=1)


def referral_form(**overrides) -> dict:
    """A phone self-referral, as SPOC staff would type it."""
    received = an_hour_ago()
    data = {
        "channel": "phone",
        "referrer_type": "self",
        "source": "self",
        "subject_given_name": "Siân",
        "subject_family_name": "Ó Briain-Nakamura",
        "subject_date_of_birth_0": "27",
        "subject_date_of_birth_1": "3",
        "subject_date_of_birth_2": "1985",
        "subject_nhs_number": "943 476 5919",
        "subject_address": "1 Example Street\r\nCarlisle",
        "subject_postcode": "ca1 1aa",
        "subject_phone": "07700 900982",
        "subject_email": "",
        "referrer_name": "",
        "referrer_relationship": "",
        "referrer_organisation": "",
        "referrer_role": "",
        "referrer_phone": "",
        "referrer_email": "",
        "substances": ["alcohol", "cannabis"],
        "reason": "Would like help to cut down drinking.",
        "is_urgent": "no",
        "pregnant": "unknown",
        "open_to_childrens_services": "no",
        "consent_to_contact": "yes",
        "contact_methods": ["phone", "text"],
        "safe_contact_times": "Weekday mornings",
        "safe_to_leave_message": "no",
        "received_date_0": str(received.day),
        "received_date_1": str(received.month),
        "received_date_2": str(received.year),
        "received_time": received.strftime("%H:%M"),
        "submission_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def professional(**overrides) -> dict:
    data = referral_form(
        referrer_type="professional",
        source="gp",
        referrer_name="Dr Priya Shah",
        referrer_organisation="Botchergate Surgery",
        referrer_role="GP",
        referrer_phone="01632 960001",
    )
    data.update(overrides)
    return data


@pytest.fixture
def spoc_client(client, spoc_practitioner):
    client.force_login(spoc_practitioner)
    return client


def errors_of(response) -> dict:
    return {field: [str(e) for e in errors] for field, errors in response.context["form"].errors.items()}


# --- Recording a referral -------------------------------------------------------------------


def test_the_form_offers_staff_channels_and_defaults_to_now(spoc_client):
    response = spoc_client.get(NEW)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    for channel in ("phone", "email", "in_person", "outreach", "in_reach", "hub_drop_in"):
        assert f'value="{channel}"' in html
    assert 'value="online"' not in html
    now = timezone.localtime()
    assert f'name="received_date_2" value="{now.year}"' in html
    assert re.search(r'name="submission_token" value="[0-9a-f-]{36}"', html)
    assert "immediate risk to life or safety" in html


def test_spoc_practitioner_records_a_phone_referral(spoc_client, spoc_practitioner):
    data = referral_form()
    response = spoc_client.post(NEW, data)

    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(referral)
    assert referral.channel == Referral.Channel.PHONE
    assert referral.created_by == spoc_practitioner
    assert referral.subject_given_name == "Siân"
    assert referral.subject_family_name == "Ó Briain-Nakamura"
    assert referral.subject_date_of_birth == DOB
    assert referral.subject_nhs_number == "9434765919"
    assert referral.subject_postcode == "CA1 1AA"
    assert referral.subject_phone == "07700900982"
    assert referral.subject_address == "1 Example Street\nCarlisle"
    assert referral.substances == ["alcohol", "cannabis"]
    assert referral.contact_methods == ["phone", "text"]
    assert referral.consent_to_contact is True
    assert referral.is_urgent is False
    assert referral.referrer_name == ""
    assert timezone.localtime(referral.received_at).strftime("%Y-%m-%d %H:%M") == (
        f"{int(data['received_date_2']):04d}-{int(data['received_date_1']):02d}-{int(data['received_date_0']):02d} "
        f"{data['received_time']}"
    )
    assert referral.history.first().history_user == spoc_practitioner


def test_a_referral_typed_up_later_keeps_the_time_it_was_received(spoc_client):
    yesterday = timezone.localtime() - dt.timedelta(days=1)
    spoc_client.post(
        NEW,
        referral_form(
            received_date_0=str(yesterday.day),
            received_date_1=str(yesterday.month),
            received_date_2=str(yesterday.year),
            received_time="9.05",
        ),
    )
    received = timezone.localtime(Referral.objects.get().received_at)
    assert (received.date(), received.hour, received.minute) == (yesterday.date(), 9, 5)


def test_an_urgent_referral_goes_to_the_top_priority(spoc_client):
    spoc_client.post(NEW, referral_form(is_urgent="yes"))
    referral = Referral.objects.get()
    assert referral.is_urgent is True
    assert referral.priority == Referral.Priority.URGENT


def test_manager_can_record_a_referral_too(client, manager):
    client.force_login(manager)
    assert client.get(NEW).status_code == 200
    assert client.post(NEW, referral_form(channel="outreach")).status_code == 302
    assert Referral.objects.get().channel == Referral.Channel.OUTREACH


def test_professional_referral_is_saved_with_the_referrers_details(spoc_client):
    response = spoc_client.post(NEW, professional())
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert (referral.referrer_name, referral.referrer_organisation, referral.referrer_role) == (
        "Dr Priya Shah",
        "Botchergate Surgery",
        "GP",
    )
    assert referral.referrer_phone == "01632960001"


def test_professional_referral_needs_the_referrers_organisation(spoc_client):
    response = spoc_client.post(NEW, professional(referrer_organisation=""))
    assert response.status_code == 200
    assert not Referral.objects.exists()
    assert errors_of(response)["referrer_organisation"] == [str(msg.REFERRER_ORGANISATION_REQUIRED)]
    html = response.content.decode()
    assert escape(str(msg.REFERRER_ORGANISATION_REQUIRED)) in html
    assert 'href="#id_referrer_organisation"' in html  # the error summary links to the box
    # Everything typed is kept.
    assert 'value="Dr Priya Shah"' in html
    assert 'value="Siân"' in html


def test_professional_referral_needs_job_title_and_a_way_to_reach_the_referrer(spoc_client):
    response = spoc_client.post(NEW, professional(referrer_role="", referrer_phone="", referrer_email=""))
    errors = errors_of(response)
    assert errors["referrer_role"] == [str(msg.REFERRER_ROLE_REQUIRED)]
    assert errors["referrer_phone"] == [str(msg.REFERRER_CONTACT_REQUIRED)]


def test_transfer_referral_needs_the_referrers_name(spoc_client):
    response = spoc_client.post(NEW, professional(referrer_type="transfer", referrer_name=""))
    assert errors_of(response)["referrer_name"] == [str(msg.REFERRER_NAME_REQUIRED)]


def test_family_referral_needs_the_relationship_and_a_way_to_reach_them(spoc_client):
    response = spoc_client.post(NEW, referral_form(referrer_type="family", source="family", referrer_name="Gwen Jones"))
    errors = errors_of(response)
    assert errors["referrer_relationship"] == [str(msg.REFERRER_RELATIONSHIP_REQUIRED)]
    assert errors["referrer_phone"] == [str(msg.REFERRER_CONTACT_REQUIRED)]
    assert "referrer_organisation" not in errors

    response = spoc_client.post(
        NEW,
        referral_form(
            referrer_type="family",
            source="family",
            referrer_name="Gwen Jones",
            referrer_relationship="Mother",
            referrer_email="gwen@example.org",
        ),
    )
    assert response.status_code == 302


def test_a_double_submit_creates_one_referral(spoc_client):
    data = referral_form()
    first = spoc_client.post(NEW, data)
    second = spoc_client.post(NEW, data)
    assert Referral.objects.count() == 1
    assert first["Location"] == second["Location"] == detail_url(Referral.objects.get())


def test_two_separate_forms_make_two_referrals(spoc_client):
    spoc_client.post(NEW, referral_form())
    spoc_client.post(NEW, referral_form())
    assert Referral.objects.count() == 2


def test_an_altered_token_still_saves_the_referral(spoc_client):
    assert spoc_client.post(NEW, referral_form(submission_token="not-a-uuid")).status_code == 302
    assert Referral.objects.get().submission_token is None


def _tomorrow():
    return timezone.localdate() + dt.timedelta(days=1)


BAD_INPUTS = [
    ({"channel": ""}, "channel", msg.CHANNEL_REQUIRED),
    ({"channel": "online"}, "channel", msg.CHANNEL_REQUIRED),
    ({"referrer_type": ""}, "referrer_type", msg.REFERRER_TYPE_REQUIRED),
    ({"source": ""}, "source", msg.SOURCE_REQUIRED),
    ({"source": "nowhere"}, "source", msg.SOURCE_REQUIRED),
    ({"subject_given_name": ""}, "subject_given_name", msg.GIVEN_NAME_REQUIRED),
    ({"subject_given_name": "   "}, "subject_given_name", msg.GIVEN_NAME_REQUIRED),
    ({"subject_given_name": "x" * 101}, "subject_given_name", msg.GIVEN_NAME_TOO_LONG),
    ({"subject_family_name": ""}, "subject_family_name", msg.FAMILY_NAME_REQUIRED),
    ({"subject_family_name": "12345"}, "subject_family_name", common_fields.NAME_NEEDS_A_LETTER),
    (
        {"subject_date_of_birth_0": "31", "subject_date_of_birth_1": "2"},
        "subject_date_of_birth",
        dates.DATE_OF_BIRTH_REAL,
    ),
    ({"subject_date_of_birth_1": "13"}, "subject_date_of_birth", dates.DATE_OF_BIRTH_REAL),
    ({"subject_date_of_birth_0": "ab"}, "subject_date_of_birth", dates.DATE_OF_BIRTH_REAL),
    ({"subject_date_of_birth_1": ""}, "subject_date_of_birth", dates.DATE_OF_BIRTH_MONTH),
    ({"subject_date_of_birth_0": ""}, "subject_date_of_birth", dates.DATE_OF_BIRTH_DAY),
    ({"subject_date_of_birth_2": ""}, "subject_date_of_birth", dates.DATE_OF_BIRTH_YEAR),
    ({"subject_date_of_birth_2": "85"}, "subject_date_of_birth", dates.YEAR_FOUR_DIGITS),
    ({"subject_date_of_birth_2": "1850"}, "subject_date_of_birth", dates.DATE_OF_BIRTH_TOO_EARLY),
    (
        # Dates relative to today are worked out when the test runs, not when it is collected:
        # a run that crosses midnight would otherwise post "tomorrow" after it has become today.
        lambda: {
            "subject_date_of_birth_0": str(_tomorrow().day),
            "subject_date_of_birth_1": str(_tomorrow().month),
            "subject_date_of_birth_2": str(_tomorrow().year),
        },
        "subject_date_of_birth",
        dates.DATE_OF_BIRTH_IN_FUTURE,
    ),
    ({"subject_nhs_number": "943 476 5918"}, "subject_nhs_number", identifiers.NHS_NUMBER_INVALID),
    ({"subject_nhs_number": "943 476 591"}, "subject_nhs_number", identifiers.NHS_NUMBER_LENGTH),
    ({"subject_nhs_number": "ABC 476 5919"}, "subject_nhs_number", identifiers.NHS_NUMBER_LENGTH),
    ({"subject_postcode": "NOT A POSTCODE"}, "subject_postcode", identifiers.POSTCODE_INVALID),
    ({"subject_phone": "12345"}, "subject_phone", identifiers.PHONE_INVALID),
    ({"subject_phone": "call me maybe"}, "subject_phone", identifiers.PHONE_INVALID),
    ({"subject_email": "not-an-email"}, "subject_email", common_fields.EMAIL_INVALID),
    ({"subject_address": "x" * 501}, "subject_address", common_fields.ADDRESS_TOO_LONG),
    ({"referrer_email": "nope@"}, "referrer_email", common_fields.EMAIL_INVALID),
    ({"substances": ["alcohol", "heroin-ish"]}, "substances", msg.SUBSTANCE_INVALID),
    ({"reason": "x" * 5001}, "reason", msg.REASON_TOO_LONG),
    ({"is_urgent": ""}, "is_urgent", msg.URGENT_REQUIRED),
    ({"pregnant": "maybe"}, "pregnant", msg.PREGNANT_REQUIRED),
    ({"open_to_childrens_services": ""}, "open_to_childrens_services", msg.CHILDRENS_SERVICES_REQUIRED),
    ({"consent_to_contact": ""}, "consent_to_contact", msg.CONSENT_REQUIRED),
    ({"contact_methods": []}, "contact_methods", msg.CONTACT_METHOD_REQUIRED),
    ({"contact_methods": ["pigeon"]}, "contact_methods", msg.CONTACT_METHOD_INVALID),
    ({"subject_phone": ""}, "subject_phone", msg.PHONE_NEEDED_FOR_METHOD),
    ({"contact_methods": ["email"]}, "subject_email", msg.EMAIL_NEEDED_FOR_METHOD),
    ({"contact_methods": ["letter"], "subject_address": ""}, "subject_address", msg.ADDRESS_NEEDED_FOR_METHOD),
    ({"safe_contact_times": "x" * 501}, "safe_contact_times", msg.SAFE_TIMES_TOO_LONG),
    ({"safe_to_leave_message": ""}, "safe_to_leave_message", msg.SAFE_TO_LEAVE_MESSAGE_REQUIRED),
    (
        {"received_date_0": "", "received_date_1": "", "received_date_2": ""},
        "received_date",
        msg.RECEIVED_DATE_REQUIRED,
    ),
    ({"received_date_0": "30", "received_date_1": "2"}, "received_date", msg.RECEIVED_DATE_REAL),
    (
        lambda: {
            "received_date_0": str(_tomorrow().day),
            "received_date_1": str(_tomorrow().month),
            "received_date_2": str(_tomorrow().year),
        },
        "received_date",
        msg.RECEIVED_DATE_IN_FUTURE,
    ),
    (lambda: {"received_date_2": str(timezone.localdate().year - 2)}, "received_date", msg.RECEIVED_DATE_TOO_OLD),
    ({"received_time": ""}, "received_time", msg.RECEIVED_TIME_REQUIRED),
    ({"received_time": "25:00"}, "received_time", msg.RECEIVED_TIME_INVALID),
    ({"received_time": "half past two"}, "received_time", msg.RECEIVED_TIME_INVALID),
]


@pytest.mark.parametrize(
    ("overrides", "field", "message"), BAD_INPUTS, ids=[f"{b[1]}-{i}" for i, b in enumerate(BAD_INPUTS)]
)
def test_bad_input_gives_its_specific_message_and_keeps_what_was_typed(spoc_client, overrides, field, message):
    overrides = overrides() if callable(overrides) else overrides
    data = referral_form(**overrides)
    response = spoc_client.post(NEW, data)

    assert response.status_code == 200
    assert not Referral.objects.exists()
    assert str(message) in errors_of(response)[field]
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert escape(str(message)) in html
    assert "<title>Error:" in html
    # What was typed is still there, including the bad value (a choice not on the list
    # cannot be shown, so only typed text is checked).
    if data["subject_given_name"] == "Siân":
        assert 'value="Siân"' in html
    for name, value in overrides.items():
        typed = name.startswith(("subject_", "referrer_", "received_", "safe_contact"))
        if typed and isinstance(value, str) and value.strip():
            assert escape(value) in html


def test_a_time_later_today_is_in_the_future(spoc_client, monkeypatch):
    # "An hour from now" must still be today. After 23:00 the clock is put back to 22:00 (never
    # forward: a clock ahead of the real one makes the signed-in session look idle for hours,
    # which is how a fixed noon failed whenever the suite ran in the morning).
    now = timezone.localtime()
    if now.hour >= 23:
        now = now.replace(hour=22, minute=0, second=0, microsecond=0)
        monkeypatch.setattr(timezone, "now", lambda: now)
    later = now + dt.timedelta(hours=1)
    response = spoc_client.post(
        NEW,
        referral_form(
            received_date_0=str(later.day),
            received_date_1=str(later.month),
            received_date_2=str(later.year),
            received_time=later.strftime("%H:%M"),
        ),
    )
    assert errors_of(response)["received_time"] == [str(msg.RECEIVED_TIME_IN_FUTURE)]


def test_the_error_summary_links_to_the_first_radio_and_the_date_part(spoc_client):
    response = spoc_client.post(NEW, referral_form(channel="", subject_date_of_birth_1=""))
    html = response.content.decode()
    assert 'href="#id_channel_1"' in html and 'id="id_channel_1"' in html
    assert 'href="#id_subject_date_of_birth_1"' in html and 'id="id_subject_date_of_birth_1"' in html


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"channel": ["phone", "email"], "substances": "alcohol"},
        {"subject_given_name": "Si\x00n"},
        {"subject_date_of_birth_0": "١٢", "subject_date_of_birth_1": "٣", "subject_date_of_birth_2": "١٩٨٥"},
        {
            "subject_date_of_birth_0": "1",
            "subject_date_of_birth_1": "1",
            "subject_date_of_birth_2": "99999999999999999999",
        },
        {"subject_date_of_birth_0": "0", "subject_date_of_birth_1": "0", "subject_date_of_birth_2": "0000"},
        {"received_time": "23:59:59:59"},
        {"subject_email": "a@" + "b" * 300 + ".com"},
        {"subject_phone": "+" + "4" * 200},
        {"submission_token": "x" * 5000},
        {"is_urgent": "\u202e"},
    ],
)
def test_no_input_causes_a_server_error(spoc_client, data):
    full = referral_form()
    full.update(data)
    for posted in (data, full):
        response = spoc_client.post(NEW, posted)
        assert response.status_code in (200, 302)


def test_unicode_names_are_kept_exactly(spoc_client):
    spoc_client.post(NEW, referral_form(subject_given_name="Zoë", subject_family_name="Nguyễn-O’Connor"))
    referral = Referral.objects.get()
    assert (referral.subject_given_name, referral.subject_family_name) == ("Zoë", "Nguyễn-O’Connor")


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("9434765919", True),
        ("4010232137", True),
        ("9434765918", False),  # wrong check digit
        ("4857773456", False),  # the format example on GOV.UK pages, not a real number
        ("1234567890", False),  # check digit would be 10: never issued
        ("943476591", False),
        ("", False),
    ],
)
def test_nhs_number_check_digit(number, valid):
    assert nhs_number_is_valid(number) is valid


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("07700 900982", "07700900982"), ("+44 (0)7700 900982", "07700900982"), ("01632-960-001", "01632960001")],
)
def test_uk_phone_numbers_are_stored_as_digits(typed, stored):
    assert clean_uk_phone(typed) == stored


@pytest.mark.parametrize(
    ("typed", "time"),
    [
        ("14:30", dt.time(14, 30)),
        ("9.05", dt.time(9, 5)),
        ("2:30pm", dt.time(14, 30)),
        ("12am", dt.time(0, 0)),
        ("24:00", None),
    ],
)
def test_times_are_read_as_people_type_them(typed, time):
    assert parse_time(typed) == time


@pytest.mark.parametrize("persona", MAY_NOT_RECORD)
def test_staff_who_do_not_meet_people_cannot_record_referrals(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, referral_form()).status_code == 403
    assert client.get(reverse("referrals:recorded")).status_code == 403
    assert not Referral.objects.exists()


@pytest.mark.parametrize("persona", MAY_NOT_RECORD)
def test_the_service_refuses_them_too(request, persona):
    form = f.StaffReferralForm(referral_form())
    assert form.is_valid(), form.errors
    with pytest.raises(PermissionDenied):
        services.referral_create(
            data=form.referral_data(), channel=Referral.Channel.PHONE, by=request.getfixturevalue(persona)
        )


@pytest.mark.parametrize("persona", RECORD_ONLY)
def test_anyone_who_meets_people_records_a_referral_into_the_spoc_queue(
    client, request, persona, spoc_practitioner, django_assert_max_num_queries
):
    """No wrong door: a peer worker at a drop-in, a Treatment practitioner, a recovery worker or
    the safeguarding lead records the referral; it lands in the SPOC queue; they see its
    reference and what happens next, but neither the queue nor the referral."""
    client.force_login(request.getfixturevalue(persona))
    assert client.get(NEW).status_code == 200
    response = client.post(NEW, referral_form(channel="hub_drop_in"))
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:recorded")

    referral = Referral.objects.get()
    assert referral.channel == Referral.Channel.HUB_DROP_IN
    assert referral.status == Referral.Status.RECEIVED
    assert referral.created_by == request.getfixturevalue(persona)

    confirmation = client.get(reverse("referrals:recorded"))
    assert confirmation.status_code == 200
    html = confirmation.content.decode()
    assert referral.reference in html
    assert "What happens next" in html
    assert "Siân" not in html  # nothing about the person on the confirmation page

    # Not visible to them afterwards: the queue is refused, the referral is not there.
    assert client.get(reverse("referrals:queue")).status_code == 403
    assert client.get(detail_url(referral)).status_code in (403, 404)
    assert client.get(match_url(referral)).status_code == 403

    # It is in the SPOC queue.
    client.force_login(spoc_practitioner)
    with django_assert_max_num_queries(40):
        queue = client.get(reverse("referrals:queue"))
    assert referral.reference in queue.content.decode()


def test_a_peer_worker_records_an_in_reach_referral_and_cannot_open_it(client, peer_worker):
    client.force_login(peer_worker)
    response = client.post(NEW, referral_form(channel="in_reach"), follow=True)
    referral = Referral.objects.get()
    assert referral.channel == Referral.Channel.IN_REACH
    assert response.redirect_chain == [(reverse("referrals:recorded"), 302)]
    assert referral.reference in response.content.decode()
    assert client.get(reverse("referrals:queue")).status_code == 403
    assert client.get(detail_url(referral)).status_code == 404


def test_a_treatment_practitioner_records_a_referral_and_cannot_open_it(client, treatment_practitioner):
    client.force_login(treatment_practitioner)
    response = client.post(NEW, referral_form(channel="in_person"))
    assert response["Location"] == reverse("referrals:recorded")
    referral = Referral.objects.get()
    assert client.get(reverse("referrals:queue")).status_code == 403
    assert client.get(detail_url(referral)).status_code in (403, 404)
    assert client.get(reverse("referrals:shared_people")).content.decode().count(referral.reference) == 0


def test_the_front_door_still_goes_on_to_the_referral(spoc_client):
    response = spoc_client.post(NEW, referral_form())
    assert response["Location"] == detail_url(Referral.objects.get())


@pytest.mark.parametrize("persona", RECORD_ONLY)
def test_a_form_with_errors_is_shown_again_to_them(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(NEW, referral_form(subject_given_name=""))
    assert response.status_code == 200
    assert errors_of(response)["subject_given_name"] == [str(msg.GIVEN_NAME_REQUIRED)]
    assert not Referral.objects.exists()


def test_the_confirmation_page_without_a_recorded_referral_goes_back_to_the_form(client, peer_worker):
    client.force_login(peer_worker)
    response = client.get(reverse("referrals:recorded"))
    assert response.status_code == 302
    assert response["Location"] == NEW


@pytest.mark.parametrize(
    ("persona", "shown"),
    [
        ("spoc_practitioner", True),
        ("manager", True),
        ("hub_worker", True),
        ("peer_worker", True),
        ("safeguarding_lead", True),
        ("treatment_practitioner", True),
        ("commissioner", False),
        ("data_protection_officer", False),
    ],
)
def test_record_a_referral_is_in_the_menu_for_everyone_who_may(client, request, persona, shown):
    client.force_login(request.getfixturevalue(persona))
    html = client.get(reverse("home"), follow=True).content.decode()
    assert (f'href="{NEW}"' in html) is shown


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    response = client.get(NEW)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# --- The duplicate check --------------------------------------------------------------------


@pytest.fixture
def known_person(spoc_practitioner):
    """Someone the service already knows, with one earlier (closed) referral."""
    earlier = ReferralFactory(
        subject_given_name="Sian",
        subject_family_name="Nakamura",
        subject_date_of_birth=DOB,
        subject_postcode="CA1 1AA",
        received_at=timezone.now() - dt.timedelta(days=400),
    )
    person = services.person_create_from_referral(referral=earlier, by=spoc_practitioner)
    allocation_services.referral_close(referral=earlier, by=spoc_practitioner, reason="Moved away")
    return person


@pytest.fixture
def new_referral(db):
    return ReferralFactory(
        subject_given_name="Siân",
        subject_family_name="Ó Briain-Nakamura",
        subject_date_of_birth=DOB,
        subject_postcode="CA1 1AA",
    )


def test_the_duplicate_check_shows_likely_matches_with_reasons(spoc_client, known_person, new_referral):
    stranger = PersonFactory(given_name="Robert", family_name="Taylor", postcode="CA1 1AA")
    response = spoc_client.get(match_url(new_referral))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Siân Ó Briain-Nakamura" in html  # the referral, side by side
    assert "Sian Nakamura" in html  # the likely match
    assert str(SAME_DATE_OF_BIRTH) in html and str(SIMILAR_NAME) in html
    assert "1 referral" in html and "Closed" in html  # their earlier history
    assert f'name="person" value="{known_person.pk}"' in html
    assert "This is the same person" in html
    assert "None of these: create a new person" in html
    assert stranger.full_name not in html  # sharing only a postcode is not a match


def test_every_person_shown_in_the_duplicate_check_is_access_logged(
    spoc_client, spoc_practitioner, known_person, new_referral
):
    other = PersonFactory(given_name="Sian", family_name="Nakamura", date_of_birth=dt.date(1970, 1, 1))
    spoc_client.get(match_url(new_referral))
    reason = f"Duplicate check for {new_referral.reference}"
    # One list row naming everyone shown (SEC-2), not a row each.
    (row,) = AccessLog.objects.filter(user=spoc_practitioner, object_type="referrals.person", reason=reason)
    assert (row.action, row.object_id, row.person_id) == (AccessLog.Action.VIEW, 0, None)
    assert {subject.person_id for subject in row.subjects.all()} == {known_person.pk, other.pk}
    assert AccessLog.objects.filter(object_type="referrals.referral", object_id=new_referral.pk, reason=reason).exists()


def test_linking_to_an_existing_person_is_recorded_in_history(
    spoc_client, spoc_practitioner, known_person, new_referral
):
    response = spoc_client.post(match_url(new_referral), {"action": "link", "person": known_person.pk})

    assert response.status_code == 302
    assert response["Location"] == detail_url(new_referral)
    new_referral.refresh_from_db()
    assert new_referral.person == known_person
    latest = new_referral.history.first()
    assert latest.history_user == spoc_practitioner
    assert latest.history_change_reason == "Linked to an existing person"
    assert Person.objects.count() == 1


def test_none_of_these_creates_a_new_person_recorded_in_history(
    spoc_client, spoc_practitioner, known_person, new_referral
):
    response = spoc_client.post(match_url(new_referral), {"action": "new"})

    assert response.status_code == 302
    new_referral.refresh_from_db()
    person = new_referral.person
    assert person is not None and person != known_person
    assert (person.given_name, person.family_name, person.postcode) == ("Siân", "Ó Briain-Nakamura", "CA1 1AA")
    assert new_referral.history.first().history_user == spoc_practitioner
    assert person.history.first().history_user == spoc_practitioner
    assert Person.objects.count() == 2


def test_no_matches_still_offers_a_new_person(spoc_client, db):
    referral = ReferralFactory(subject_given_name="Unique", subject_family_name="Name")
    html = spoc_client.get(match_url(referral)).content.decode()
    assert "Nobody we know has details like these" in html
    assert "None of these: create a new person" in html


def test_an_already_linked_referral_shows_who_it_is_linked_to(
    spoc_client, spoc_practitioner, known_person, new_referral
):
    services.referral_link_person(referral=new_referral, person=known_person, by=spoc_practitioner)
    html = spoc_client.get(match_url(new_referral)).content.decode()
    assert person_url(known_person) in html
    assert "This is the same person" not in html
    assert "They have had 1 other referral." in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "link"}, CHOOSE_A_PERSON),
        ({"action": "link", "person": "abc"}, PERSON_NOT_FOUND),
        ({"action": "link", "person": "99999999"}, PERSON_NOT_FOUND),
        ({"action": "link", "person": "99999999999999999999999"}, PERSON_NOT_FOUND),
        ({"action": "merge"}, CHOOSE_A_PERSON),
        ({}, CHOOSE_A_PERSON),
    ],
)
def test_a_bad_choice_on_the_duplicate_check_is_explained(spoc_client, new_referral, data, message):
    response = spoc_client.post(match_url(new_referral), data)
    assert response.status_code == 200
    assert escape(str(message)) in response.content.decode()
    new_referral.refresh_from_db()
    assert new_referral.person is None


def test_creating_a_new_person_for_a_linked_referral_is_refused(
    spoc_client, spoc_practitioner, known_person, new_referral
):
    services.referral_link_person(referral=new_referral, person=known_person, by=spoc_practitioner)
    response = spoc_client.post(match_url(new_referral), {"action": "new"})
    assert response.status_code == 200
    assert "This referral is already linked to a person." in response.content.decode()
    assert Person.objects.count() == 1


@pytest.mark.parametrize("persona", NO_FRONT_DOOR)
def test_staff_without_front_door_access_cannot_use_the_duplicate_check(
    client, request, persona, known_person, new_referral
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(match_url(new_referral)).status_code == 403
    assert client.post(match_url(new_referral), {"action": "link", "person": known_person.pk}).status_code == 403
    new_referral.refresh_from_db()
    assert new_referral.person is None


def test_an_unknown_referral_is_not_found(spoc_client):
    assert spoc_client.get("/referrals/R-ZZZZZZZZ/person/").status_code == 404


# --- The person page ------------------------------------------------------------------------


def test_the_person_page_lists_every_referral_newest_first(spoc_client, spoc_practitioner, known_person):
    newest = ReferralFactory(person=known_person, received_at=timezone.now() - dt.timedelta(days=1))
    middle = ReferralFactory(person=known_person, received_at=timezone.now() - dt.timedelta(days=30))
    triage_services.triage_save_screening(
        referral=middle, by=spoc_practitioner, council_of_residence="cumberland", risk=Triage.Risk.GREEN
    )
    triage_services.triage_complete(
        referral=middle, by=spoc_practitioner, outcome=Triage.Outcome.SIGNPOST, signposted_to="GP"
    )
    oldest = known_person.referrals.get(pk__lt=newest.pk, received_at__lt=middle.received_at)

    response = spoc_client.get(person_url(known_person))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    references = re.findall(r">(R-[0-9A-Z]{8})</a>", html)
    assert references == [newest.reference, middle.reference, oldest.reference]
    assert f'href="{detail_url(newest)}"' in html
    assert str(Triage.Outcome.SIGNPOST.label) in html
    assert "Sian" in html


def test_viewing_a_person_is_access_logged(spoc_client, spoc_practitioner, known_person):
    spoc_client.get(person_url(known_person))
    assert AccessLog.objects.filter(
        user=spoc_practitioner, object_type="referrals.person", object_id=known_person.pk, person_id=known_person.pk
    ).exists()


@pytest.mark.parametrize("referral_count", [2, 20])
def test_the_person_page_costs_the_same_queries_however_many_referrals(
    spoc_client, known_person, referral_count, django_assert_max_num_queries
):
    for days in range(referral_count - 1):
        ReferralFactory(person=known_person, received_at=timezone.now() - dt.timedelta(days=days + 1))
    # Session, user, membership, organisation, person, referrals (triage joined), access-log
    # row, the session save and the request's savepoints: the same at 2 or 20 referrals.
    # +1: the person's consent decisions, for the review reminder (PAR-2).
    # +1: the session's second-factor device (SEC-3).
    # (16: the identity bar's safeguarding alert is one query, the same at any size.)
    with django_assert_max_num_queries(
        16
    ):  # +1: _holds reads the permission id and the user's group ids first (benchmarks/README.md, hub caseload)
        response = spoc_client.get(person_url(known_person))
    assert response.status_code == 200
    assert response.content.decode().count('class="govuk-table__row"') == referral_count + 1


def test_a_caseworker_sees_a_person_allocated_to_them_but_no_one_else(
    client, spoc_practitioner, hub, hub_worker, other_hub_worker, known_person
):
    referral = ReferralFactory(person=known_person)
    allocate(referral, spoc=spoc_practitioner, hub=hub, worker=hub_worker)
    stranger = PersonFactory()

    client.force_login(hub_worker)
    response = client.get(person_url(known_person))
    assert response.status_code == 200
    html = response.content.decode()
    # Only the referrals they may open are listed.
    assert referral.reference in html
    assert known_person.referrals.exclude(pk=referral.pk).get().reference not in html
    assert client.get(person_url(stranger)).status_code == 404

    client.force_login(other_hub_worker)
    assert client.get(person_url(known_person)).status_code == 404


@pytest.mark.parametrize("persona", NO_FRONT_DOOR)
def test_people_are_not_found_for_staff_who_may_not_see_them(client, request, persona, known_person):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(person_url(known_person)).status_code == 404
    assert not AccessLog.objects.filter(object_type="referrals.person", object_id=known_person.pk).exists()


def test_an_unknown_person_is_not_found(spoc_client):
    assert spoc_client.get("/referrals/people/P-ZZZZZZZZ/").status_code == 404
