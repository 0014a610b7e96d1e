"""The SPOC triage pages (REF-6 to REF-9, §3.1, §3.2.6, §3.2.11) as a practitioner uses them."""

import datetime as dt
import html
import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from common.forms import dates
from partnership.models import AccessLog, Role
from referrals import rules
from referrals.forms import allocation
from referrals.forms import triage as forms
from referrals.models import (
    ContactAttempt,
    Escalation,
    Referral,
    StatusTransition,
    TreatmentReferral,
    Triage,
    WarmIntroduction,
    YesNoUnknown,
)
from referrals.services import allocation as allocation_services
from referrals.services import triage as triage_services
from tests.factories import HubFactory, ReferralFactory, UserFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
PAGES = ["contact", "screening", "outcome", "escalation", "introduction", "allocate", "close", "reopen"]
NO_ACCESS = ["hub_worker", "peer_worker", "treatment_practitioner", "commissioner", "outsider"]


def url(page: str, referral: Referral) -> str:
    return reverse(f"referrals:{page}", args=[referral.reference])


def detail(referral: Referral) -> str:
    return reverse("referrals:detail", args=[referral.reference])


def escaped(text) -> str:
    return html.escape(str(text))


def page(response) -> str:
    return response.content.decode()


def last_message(response) -> str:
    # Messages pile up between requests that are not followed: the newest is this action's.
    return [str(m) for m in get_messages(response.wsgi_request)][-1]


def checked(content: str, name: str) -> list[str]:
    """The values of the ticked radios or checkboxes called ``name`` on the page."""
    values = []
    for tag in re.findall(r"<input[^>]*>", content, flags=re.S):
        if f'name="{name}"' in tag and re.search(r"\bchecked\b", tag):
            values.append(re.search(r'value="([^"]*)"', tag).group(1))
    return values


def when_data(when: dt.datetime) -> dict:
    local = when.astimezone(LONDON)
    return {
        "when_date_0": str(local.day),
        "when_date_1": str(local.month),
        "when_date_2": str(local.year),
        "when_time": local.strftime("%H:%M"),
    }


def screening_data(**overrides) -> dict:
    data = {
        "substances": ["alcohol"],
        "pregnant": "no",
        "open_to_childrens_services": "no",
        "mental_health_concern": "unknown",
        "homeless": "unknown",
        "screening_notes": "",
        "risk": "green",
        "risk_notes": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def years_ago(years: int) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years, day=min(today.day, 28))


@pytest.fixture
def spoc_client(client, spoc_practitioner):
    client.force_login(spoc_practitioner)
    return client


@pytest.fixture
def fixed_now(monkeypatch):
    """Noon on a Tuesday, so "later today" and "tomorrow" never cross midnight."""
    now = dt.datetime(2026, 3, 10, 12, 0, tzinfo=LONDON)
    monkeypatch.setattr(timezone, "now", lambda: now)
    return now


def triaged(referral, by):
    triage_services.contact_attempt_record(
        referral=referral,
        by=by,
        attempted_at=timezone.now() - dt.timedelta(minutes=30),
        method="phone",
        outcome="made_contact",
    )
    triage_services.triage_save_screening(
        referral=referral, by=by, substances=["alcohol"], council_of_residence="cumberland", risk="green"
    )
    triage_services.triage_complete(referral=referral, by=by, outcome=Triage.Outcome.ERS)
    referral.refresh_from_db()
    return referral


# --- Who may use the pages ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", NO_ACCESS)
@pytest.mark.parametrize("name", PAGES)
def test_only_front_door_staff_may_open_the_triage_pages(client, request, persona, name):
    client.force_login(request.getfixturevalue(persona))
    referral = ReferralFactory()

    assert client.get(url(name, referral)).status_code == 403
    assert client.post(url(name, referral), {"reason": "Trying anyway"}).status_code == 403
    referral.refresh_from_db()
    assert referral.status == Referral.Status.RECEIVED


@pytest.mark.parametrize("name", PAGES)
def test_the_triage_pages_ask_anyone_not_signed_in_to_sign_in(client, db, name):
    referral = ReferralFactory()
    response = client.get(url(name, referral))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", PAGES)
def test_an_unknown_referral_is_not_found(spoc_client, name):
    assert spoc_client.get(reverse(f"referrals:{name}", args=["R-NOTTHERE"])).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_a_manager_may_use_the_triage_pages_and_each_view_is_logged(client, manager, name):
    client.force_login(manager)
    referral = ReferralFactory()
    response = client.get(url(name, referral))
    assert response.status_code == 200
    log = AccessLog.objects.get(user=manager)
    assert (log.action, log.object_type, log.object_id) == (AccessLog.Action.VIEW, "referrals.referral", referral.pk)


# --- The happy path -------------------------------------------------------------------------------


def test_contact_then_screening_then_ers_then_allocation(spoc_client, spoc_practitioner, hub, hub_worker):
    referral = ReferralFactory()
    spoc = spoc_practitioner
    spoke_at = timezone.now() - dt.timedelta(minutes=40)

    response = spoc_client.post(
        url("contact", referral), {**when_data(spoke_at), "method": "phone", "outcome": "made_contact", "notes": ""}
    )
    assert response.status_code == 302
    assert response.url == detail(referral)
    assert last_message(response) == "Contact attempt saved"

    response = spoc_client.post(url("screening", referral), screening_data())
    assert response.status_code == 302
    assert response.url == url("screening", referral)
    assert "Eligible" in page(spoc_client.get(url("screening", referral)))

    response = spoc_client.post(url("outcome", referral), {"outcome": "ers"})
    assert response.status_code == 302
    assert response.url == detail(referral)
    assert last_message(response) == "Triage outcome saved: Accept for ERS support"

    response = spoc_client.post(url("allocate", referral), {"hub": hub.pk, "worker": hub_worker.pk})
    assert response.status_code == 302
    assert response.url == detail(referral)
    assert last_message(response) == "Referral allocated to Carlisle"

    referral.refresh_from_db()
    assert referral.status == Referral.Status.ALLOCATED
    assert (referral.hub, referral.allocated_worker) == (hub, hub_worker)
    # REF-9: every step a KPI measures has its time.
    assert referral.first_contact_attempt_at == spoke_at.replace(second=0, microsecond=0)
    assert referral.first_contact_made_at == referral.first_contact_attempt_at
    assert referral.triage_completed_at is not None
    assert referral.allocated_at >= referral.triage_completed_at
    # History and transitions say who did it.
    assert set(StatusTransition.objects.filter(referral=referral).values_list("by", flat=True)) == {spoc.pk}
    assert referral.history.exclude(history_type="+").exclude(history_user=spoc).count() == 0
    assert Triage.history.filter(history_user=spoc).exists()
    assert ContactAttempt.objects.get().by == spoc


def test_save_and_return_goes_back_to_the_referral(spoc_client):
    referral = ReferralFactory()
    response = spoc_client.post(url("screening", referral), {**screening_data(), "save_and_return": ""})
    assert response.status_code == 302
    assert response.url == detail(referral)
    assert last_message(response) == "Screening saved"


# --- Contact attempt page -----------------------------------------------------------------------


def test_contact_page_puts_the_persons_contact_wishes_first(spoc_client, spoc_practitioner):
    referral = ReferralFactory(
        contact_methods=["text", "email"],
        safe_contact_times="Weekday mornings before 10",
        safe_to_leave_message=YesNoUnknown.NO,
    )
    triage_services.contact_attempt_record(
        referral=referral,
        by=spoc_practitioner,
        attempted_at=timezone.now() - dt.timedelta(minutes=20),
        method="text",
        outcome="no_answer",
        notes="Sent a text asking them to call back",
    )
    content = page(spoc_client.get(url("contact", referral)))

    assert escaped("Do not leave a message: the person has said it is not safe.") in content
    assert "Weekday mornings before 10" in content
    # The person's own wishes, not the form's list of every method.
    wishes = re.search(r"Ways to contact them</dt>\s*<dd[^>]*>(.*?)</dd>", content, re.S).group(1)
    assert re.findall(r"<li>(.*?)</li>", wishes) == ["Text message", "Email"]
    assert "Sent a text asking them to call back" in content
    assert content.index("Do not leave a message") < content.index("Previous contact attempts")


def test_contact_page_warns_when_nobody_knows_if_a_message_is_safe(spoc_client):
    content = page(spoc_client.get(url("contact", ReferralFactory(safe_to_leave_message=YesNoUnknown.UNKNOWN))))
    assert "Do not leave a message: we do not know whether it is safe." in content


def test_contact_page_defaults_to_now(spoc_client, fixed_now):
    content = page(spoc_client.get(url("contact", ReferralFactory())))
    assert 'name="when_date_0" value="10"' in content
    assert 'name="when_date_2" value="2026"' in content
    assert 'value="12:00"' in content


def test_a_contact_attempt_later_today_is_refused_and_what_was_typed_is_kept(spoc_client, fixed_now):
    referral = ReferralFactory()
    data = {**when_data(fixed_now + dt.timedelta(hours=3)), "method": "phone", "outcome": "no_answer", "notes": "Tried"}

    response = spoc_client.post(url("contact", referral), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {"when_time": [str(forms.WHEN_IN_FUTURE)]}
    content = page(response)
    assert 'value="15:00"' in content
    assert checked(content, "method") == ["phone"]
    assert checked(content, "outcome") == ["no_answer"]
    assert "Tried</textarea>" in content
    assert not ContactAttempt.objects.exists()


def test_a_contact_attempt_tomorrow_is_refused_on_the_date(spoc_client, fixed_now):
    referral = ReferralFactory()
    response = spoc_client.post(
        url("contact", referral),
        {**when_data(fixed_now + dt.timedelta(days=1)), "method": "phone", "outcome": "no_answer"},
    )
    assert response.context["form"].errors == {"when_date": [str(forms.WHEN_IN_FUTURE)]}


def test_a_contact_attempt_before_the_referral_arrived_is_refused(spoc_client, fixed_now):
    referral = ReferralFactory(received_at=fixed_now - dt.timedelta(hours=2))
    response = spoc_client.post(
        url("contact", referral),
        {**when_data(fixed_now - dt.timedelta(days=2)), "method": "phone", "outcome": "no_answer"},
    )
    expected = forms.CONTACT_BEFORE_RECEIVED % {"received": "10 March 2026 at 10:00"}
    assert response.context["form"].errors == {"when_date": [str(expected)]}


@pytest.mark.parametrize(
    ("day", "month", "year", "time", "field", "message"),
    [
        ("31", "2", "2026", "10:00", "when_date", dates.DATE_NOT_REAL),
        ("30", "13", "2026", "10:00", "when_date", dates.DATE_NOT_REAL),
        ("tw", "3", "2026", "10:00", "when_date", dates.DATE_NOT_NUMBERS),
        ("1", "3", "26", "10:00", "when_date", dates.DATE_YEAR_FOUR_DIGITS),
        ("", "3", "2026", "10:00", "when_date", dates.DATE_DAY_MISSING),
        ("", "", "", "10:00", "when_date", dates.DATE_REQUIRED),
        ("1", "3", "2026", "25:00", "when_time", dates.TIME_INVALID),
        ("1", "3", "2026", "half ten", "when_time", dates.TIME_INVALID),
        ("1", "3", "2026", "", "when_time", dates.TIME_REQUIRED),
        ("99999999999999999999", "3", "2026", "10:00", "when_date", dates.DATE_NOT_REAL),
    ],
)
def test_bad_dates_and_times_get_a_specific_message_and_keep_what_was_typed(
    spoc_client, fixed_now, day, month, year, time, field, message
):
    referral = ReferralFactory(received_at=dt.datetime(2026, 2, 1, 9, 0, tzinfo=LONDON))
    data = {"when_date_0": day, "when_date_1": month, "when_date_2": year, "when_time": time}
    response = spoc_client.post(url("contact", referral), {**data, "method": "phone", "outcome": "no_answer"})

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [str(message)]
    content = page(response)
    assert escaped(message) in content
    assert "There is a problem" in content
    for typed in (day, month, year, time):
        if typed:
            assert f'value="{escaped(typed)}"' in content


def test_over_long_notes_are_refused_with_the_limit_and_kept(spoc_client):
    referral = ReferralFactory()
    notes = "Siân Ó Briain-Nakamura called back. " * 60  # over 2,000 characters
    data = {
        **when_data(timezone.now() - dt.timedelta(minutes=5)),
        "method": "phone",
        "outcome": "no_answer",
        "notes": notes,
    }

    response = spoc_client.post(url("contact", referral), data)

    assert response.context["form"].errors == {"notes": [str(forms.NOTES_TOO_LONG_2000)]}
    assert escaped(notes.strip()) in page(response)


def test_missing_choices_each_get_their_own_message(spoc_client):
    response = spoc_client.post(url("contact", ReferralFactory()), when_data(timezone.now()))
    errors = response.context["form"].errors
    assert errors["method"] == [str(forms.METHOD_REQUIRED)]
    assert errors["outcome"] == [str(forms.CONTACT_OUTCOME_REQUIRED)]
    content = page(response)
    # The error summary links to the first radio of each question.
    assert 'href="#id_method_1"' in content
    assert 'href="#id_outcome_1"' in content


# --- Screening page -------------------------------------------------------------------------------


def test_screening_is_prefilled_from_the_referral_and_says_mental_health_never_excludes(spoc_client):
    referral = ReferralFactory(substances=["opioids", "crack"])
    content = page(spoc_client.get(url("screening", referral)))
    assert checked(content, "substances") == ["opioids", "crack"]
    assert "These never exclude anyone from support" in content


def test_pregnancy_makes_an_automatic_treatment_referral_shown_on_the_page(spoc_client, spoc_practitioner):
    referral = ReferralFactory()
    response = spoc_client.post(url("screening", referral), screening_data(pregnant="yes"))
    assert response.status_code == 302

    automatic = TreatmentReferral.objects.get(referral=referral)
    assert (automatic.reason, automatic.automatic, automatic.created_by) == (
        TreatmentReferral.Reason.PREGNANT,
        True,
        spoc_practitioner,
    )
    content = page(spoc_client.get(url("screening", referral)))
    expected = f"Automatically referred to the Treatment Service: {TreatmentReferral.Reason.PREGNANT.label}"
    assert escaped(expected) in content
    # The outcome page says so before the choice is made.
    outcome_page = page(spoc_client.get(url("outcome", referral)))
    assert escaped(TreatmentReferral.Reason.PREGNANT.label) in outcome_page
    assert outcome_page.index("automatic-treatment") < outcome_page.index('name="outcome"')


def test_ers_only_is_refused_for_a_pregnant_person_with_the_reason(spoc_client):
    referral = ReferralFactory()
    spoc_client.post(url("screening", referral), screening_data(pregnant="yes"))

    response = spoc_client.post(url("outcome", referral), {"outcome": "ers"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"outcome": [str(triage_services.OUTCOME_NEEDS_TREATMENT)]}
    assert escaped(triage_services.OUTCOME_NEEDS_TREATMENT) in page(response)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.IN_TRIAGE


def test_a_childrens_services_referral_is_automatically_referred_to_treatment(spoc_client):
    referral = ReferralFactory(source=Referral.Source.CHILD_PROTECTION)
    spoc_client.post(url("screening", referral), screening_data())
    content = page(spoc_client.get(url("screening", referral)))
    assert escaped(TreatmentReferral.Reason.CHILDRENS_SERVICES.label) in content


def test_eligibility_is_shown_with_the_reasons_after_saving(spoc_client):
    referral = ReferralFactory(subject_postcode="")  # the postcode cannot tell: staff ask
    content = page(spoc_client.get(url("screening", referral)))
    assert "Save the screening to see whether the person is eligible." in content

    spoc_client.post(url("screening", referral), screening_data(council_of_residence="outside_area", substances=None))
    content = page(spoc_client.get(url("screening", referral)))
    assert "Not eligible" in content
    assert escaped(rules.NOT_ELIGIBLE_OUT_OF_AREA) in content
    assert escaped(rules.NOT_ELIGIBLE_NO_SUBSTANCE) in content


def test_mental_health_and_homelessness_leave_the_person_eligible_on_the_page(spoc_client):
    referral = ReferralFactory()
    spoc_client.post(url("screening", referral), screening_data(mental_health_concern="yes", homeless="yes"))
    content = page(spoc_client.get(url("screening", referral)))
    assert "From the screening saved, the person is eligible for support." in content


def test_red_risk_needs_a_reason_and_the_screening_typed_is_kept(spoc_client):
    referral = ReferralFactory()
    response = spoc_client.post(
        url("screening", referral), screening_data(risk="red", screening_notes="Lives with two children")
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"risk_reasons": [str(forms.RISK_REASONS_REQUIRED)]}
    content = page(response)
    assert "Lives with two children</textarea>" in content
    assert checked(content, "risk") == ["red"]
    assert not Triage.objects.exists()


def test_over_long_screening_notes_are_refused(spoc_client):
    response = spoc_client.post(url("screening", ReferralFactory()), screening_data(screening_notes="x" * 5001))
    assert response.context["form"].errors == {"screening_notes": [str(forms.NOTES_TOO_LONG_5000)]}


def test_a_made_up_answer_is_refused_without_a_server_error(spoc_client):
    response = spoc_client.post(
        url("screening", ReferralFactory(subject_postcode="")),
        screening_data(council_of_residence="maybe", substances=["sugar"]),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["council_of_residence"] == [str(forms.COUNCIL_REQUIRED)]
    assert "substances" in errors


# --- Under 18 (§3.1.3) ---------------------------------------------------------------------------


def test_an_under_18_shows_a_warning_and_the_commissioner_agreement(spoc_client):
    referral = ReferralFactory(subject_date_of_birth=years_ago(16))
    content = page(spoc_client.get(url("screening", referral)))
    assert "under-18-warning" in content
    assert 'name="under_18_commissioner_agreement"' in content
    assert 'name="commissioner_agreement_reference"' in content

    adult = page(spoc_client.get(url("screening", ReferralFactory(subject_date_of_birth=years_ago(30)))))
    assert "under-18-warning" not in adult
    assert 'name="under_18_commissioner_agreement"' not in adult


def test_an_under_18_without_agreement_cannot_be_accepted(spoc_client):
    referral = ReferralFactory(subject_date_of_birth=years_ago(17))
    spoc_client.post(url("screening", referral), screening_data())

    response = spoc_client.post(url("outcome", referral), {"outcome": "ers"})

    expected = triage_services.OUTCOME_NOT_ELIGIBLE_MISMATCH % {"reasons": rules.NOT_ELIGIBLE_UNDER_18}
    assert response.context["form"].errors == {"outcome": [str(expected)]}
    referral.refresh_from_db()
    assert referral.status == Referral.Status.IN_TRIAGE


def test_an_agreement_needs_its_reference_and_then_the_young_person_can_be_accepted(spoc_client):
    referral = ReferralFactory(subject_date_of_birth=years_ago(17))
    response = spoc_client.post(url("screening", referral), screening_data(under_18_commissioner_agreement="on"))
    assert response.context["form"].errors == {
        "commissioner_agreement_reference": [str(forms.AGREEMENT_REFERENCE_REQUIRED)]
    }

    spoc_client.post(
        url("screening", referral),
        screening_data(under_18_commissioner_agreement="on", commissioner_agreement_reference="CA-2026-07"),
    )
    assert spoc_client.post(url("outcome", referral), {"outcome": "ers"}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.TRIAGED
    assert referral.triage.commissioner_agreement_reference == "CA-2026-07"


# --- Outcome page ---------------------------------------------------------------------------------


def test_not_eligible_needs_a_reason_and_keeps_the_choice(spoc_client):
    referral = ReferralFactory(subject_postcode="")
    spoc_client.post(url("screening", referral), screening_data(council_of_residence="outside_area"))

    response = spoc_client.post(url("outcome", referral), {"outcome": "not_eligible", "outcome_reason": ""})

    assert response.context["form"].errors == {"outcome_reason": [str(triage_services.OUTCOME_REASON_REQUIRED)]}
    assert checked(page(response), "outcome") == ["not_eligible"]

    response = spoc_client.post(
        url("outcome", referral), {"outcome": "not_eligible", "outcome_reason": "Lives outside Cumbria"}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.CLOSED


def test_signposting_needs_to_say_where(spoc_client):
    referral = ReferralFactory()
    spoc_client.post(url("screening", referral), screening_data())
    response = spoc_client.post(url("outcome", referral), {"outcome": "signpost"})
    assert response.context["form"].errors == {"signposted_to": [str(triage_services.OUTCOME_SIGNPOST_REQUIRED)]}


def test_only_the_revealing_outcomes_point_at_a_reveal(spoc_client):
    content = page(spoc_client.get(url("outcome", ReferralFactory())))
    assert content.count("data-reveals=") == 2
    assert "aria-controls" not in content
    assert 'id="conditional_outcome_3"' in content  # signpost
    assert 'id="conditional_outcome_4"' in content  # not eligible


def test_a_triaged_referral_explains_that_the_outcome_is_recorded(spoc_client, spoc_practitioner):
    referral = triaged(ReferralFactory(), spoc_practitioner)
    response = spoc_client.get(url("outcome", referral))
    assert "Triage is already complete. The outcome was: Accept for ERS support." in page(response)
    assert response.context["form"] is None
    response = spoc_client.post(url("outcome", referral), {"outcome": "signpost", "signposted_to": "Elsewhere"})
    assert response.status_code == 200
    referral.refresh_from_db()
    assert referral.triage.outcome == Triage.Outcome.ERS


# --- Allocation -------------------------------------------------------------------------------


def test_allocating_to_a_worker_from_another_hub_is_refused_on_the_worker_field(
    spoc_client, spoc_practitioner, hub, other_hub_worker
):
    referral = triaged(ReferralFactory(), spoc_practitioner)

    response = spoc_client.post(url("allocate", referral), {"hub": hub.pk, "worker": other_hub_worker.pk})

    assert response.status_code == 200
    assert response.context["form"].errors == {"worker": ["Choose a worker from the Carlisle hub."]}
    content = page(response)
    assert f'<option value="{other_hub_worker.pk}" data-hub="{other_hub_worker.membership.hub_id}" selected>' in content
    referral.refresh_from_db()
    assert referral.status == Referral.Status.TRIAGED


def test_workers_are_grouped_by_hub_and_only_caseholders_are_offered(
    spoc_client, spoc_practitioner, hub_worker, other_hub_worker, peer_worker, manager, safeguarding_lead
):
    referral = triaged(ReferralFactory(), spoc_practitioner)
    content = page(spoc_client.get(url("allocate", referral)))
    assert '<optgroup label="Carlisle">' in content
    assert '<optgroup label="Kendal">' in content
    for worker in (hub_worker, other_hub_worker, peer_worker, manager):
        assert f'<option value="{worker.pk}" data-hub="{worker.membership.hub_id}">' in content
    for not_a_worker in (spoc_practitioner, safeguarding_lead):
        assert f'<option value="{not_a_worker.pk}"' not in content


def test_each_worker_is_in_their_own_hubs_group_and_the_script_narrows_the_list(
    spoc_client, spoc_practitioner, hub_worker, other_hub_worker, peer_worker, manager
):
    """Without JavaScript the <optgroup> per hub says who works where; with it,
    static/js/allocate.js shows only the chosen hub's workers (data-hub on each option)."""
    referral = triaged(ReferralFactory(), spoc_practitioner)
    content = page(spoc_client.get(url("allocate", referral)))
    groups = {
        label: set(map(int, re.findall(r'<option value="(\d+)"', options)))
        for label, options in re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', content, flags=re.S)
    }
    for worker in (hub_worker, other_hub_worker, peer_worker, manager):
        assert worker.pk in groups[worker.membership.hub.name]
        assert all(worker.pk not in members for name, members in groups.items() if name != worker.membership.hub.name)
    assert '<script src="/static/js/allocate.js"></script>' in content


def test_a_referral_not_yet_triaged_explains_why_it_cannot_be_allocated(spoc_client, hub, hub_worker):
    referral = ReferralFactory()
    response = spoc_client.get(url("allocate", referral))
    assert response.context["form"] is None
    content = page(response)
    assert "cannot-allocate" in content
    assert url("outcome", referral) in content
    assert detail(referral) in content
    response = spoc_client.post(url("allocate", referral), {"hub": hub.pk, "worker": hub_worker.pk})
    referral.refresh_from_db()
    assert referral.allocated_worker is None


def test_missing_hub_and_worker_each_get_a_message(spoc_client, spoc_practitioner, hub):
    referral = triaged(ReferralFactory(), spoc_practitioner)
    response = spoc_client.post(url("allocate", referral), {"worker": "not-a-number"})
    errors = response.context["form"].errors
    assert errors["hub"] == [str(allocation.HUB_REQUIRED)]
    assert errors["worker"] == [str(allocation.WORKER_INVALID)]


@pytest.mark.parametrize("workers_per_hub", [1, 8])
def test_the_allocation_page_reads_in_a_fixed_number_of_queries(
    spoc_client, spoc_practitioner, ers, django_assert_max_num_queries, workers_per_hub
):
    referral = triaged(ReferralFactory(), spoc_practitioner)
    for hub_number in range(3):
        hub = HubFactory(organisation=ers, name=f"Hub {hub_number}")
        for n in range(workers_per_hub):
            UserFactory(
                username=f"worker-{hub_number}-{n}",
                membership__organisation=ers,
                membership__hub=hub,
                membership__role=Role.HUB_WORKER,
            )
    with django_assert_max_num_queries(15):  # +1: the version the form is loaded from (SEC-5)
        response = spoc_client.get(url("allocate", referral))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [1, 10])
def test_the_contact_and_escalation_pages_read_in_a_fixed_number_of_queries(
    spoc_client, spoc_practitioner, django_assert_max_num_queries, rows
):
    referral = ReferralFactory(received_at=timezone.now() - dt.timedelta(days=2))
    for n in range(rows):
        recorder = UserFactory(username=f"recorder-{n}", membership__role=Role.SPOC_PRACTITIONER)
        when = timezone.now() - dt.timedelta(hours=n + 1)
        triage_services.contact_attempt_record(
            referral=referral, by=recorder, attempted_at=when, method="phone", outcome="no_answer"
        )
        triage_services.escalation_record(
            referral=referral, by=recorder, action="manager", done_at=when, done_by_name="Duty manager"
        )
    with django_assert_max_num_queries(13):
        assert spoc_client.get(url("contact", referral)).status_code == 200
    with django_assert_max_num_queries(13):
        assert spoc_client.get(url("escalation", referral)).status_code == 200


# --- Escalation and warm introduction ------------------------------------------------------------


def test_escalation_page_shows_the_protocol_and_defaults_to_the_users_name(spoc_client, spoc_practitioner):
    referral = ReferralFactory(is_urgent=True)
    content = page(spoc_client.get(url("escalation", referral)))
    protocol = content[content.index('id="escalation-protocol"') :]
    for step in ("call 999", "NHS 111 and choose option 2", "safeguarding referral to the council", "duty manager"):
        assert step in protocol
    assert protocol.index("999") < protocol.index("NHS 111") < protocol.index("safeguarding") < protocol.index("duty")
    assert f'value="{escaped(spoc_practitioner.get_full_name())}"' in content


def test_an_escalation_action_is_recorded_with_who_did_it(spoc_client, spoc_practitioner):
    referral = ReferralFactory(is_urgent=True)
    done_at = timezone.now() - dt.timedelta(minutes=10)
    data = {
        "action": "emergency_services",
        **when_data(done_at),
        "done_by_name": "Siân Ó Briain-Nakamura",
        "notes": "Ambulance on the way",
    }
    response = spoc_client.post(url("escalation", referral), {**data, "save_and_add": ""})

    assert response.status_code == 302
    assert response.url == url("escalation", referral)
    escalation = Escalation.objects.get()
    assert (escalation.action, escalation.done_by_name, escalation.recorded_by) == (
        "emergency_services",
        "Siân Ó Briain-Nakamura",
        spoc_practitioner,
    )
    assert escalation.history.get().history_user == spoc_practitioner
    content = page(spoc_client.get(url("escalation", referral)))
    assert "Siân Ó Briain-Nakamura" in content
    assert "Emergency services called (999)" in content


def test_an_escalation_in_the_future_or_without_a_name_is_refused(spoc_client, fixed_now):
    referral = ReferralFactory()
    data = {"action": "manager", **when_data(fixed_now + dt.timedelta(days=1)), "done_by_name": "  "}
    response = spoc_client.post(url("escalation", referral), data)
    errors = response.context["form"].errors
    assert errors["when_date"] == [str(forms.WHEN_IN_FUTURE)]
    assert errors["done_by_name"] == [str(forms.DONE_BY_REQUIRED)]
    assert not Escalation.objects.exists()


def test_a_warm_introduction_is_recorded(spoc_client, spoc_practitioner):
    referral = ReferralFactory()
    data = {
        "introduced_to": "Dr Chidi Okafor",
        "organisation": "Cumbria Treatment Service",
        **when_data(timezone.now() - dt.timedelta(minutes=5)),
        "notes": "Three-way call",
    }
    response = spoc_client.post(url("introduction", referral), data)
    assert response.status_code == 302
    assert response.url == detail(referral)
    assert last_message(response) == "Warm introduction saved"
    intro = WarmIntroduction.objects.get()
    assert (intro.introduced_by, intro.introduced_to) == (spoc_practitioner, "Dr Chidi Okafor")


def test_a_warm_introduction_needs_who_and_where_and_refuses_over_long_names(spoc_client):
    referral = ReferralFactory()
    response = spoc_client.post(
        url("introduction", referral), {**when_data(timezone.now()), "introduced_to": "", "organisation": "x" * 201}
    )
    errors = response.context["form"].errors
    assert errors == {
        "introduced_to": [str(forms.INTRODUCED_TO_REQUIRED)],
        "organisation": [str(forms.ORGANISATION_TOO_LONG)],
    }


# --- Close and reopen ---------------------------------------------------------------------------


def test_closing_needs_a_reason_and_records_it(spoc_client, spoc_practitioner):
    referral = ReferralFactory()
    response = spoc_client.post(url("close", referral), {"reason": "   "})
    assert response.context["form"].errors == {"reason": [str(allocation.CLOSE_REASON_REQUIRED)]}

    response = spoc_client.post(url("close", referral), {"reason": "Duplicate referral"})
    assert response.status_code == 302
    assert response.url == detail(referral)
    assert last_message(response) == "Referral closed"
    referral.refresh_from_db()
    assert referral.status == Referral.Status.CLOSED
    transition = referral.transitions.get()
    assert (transition.reason, transition.by) == ("Duplicate referral", spoc_practitioner)


def test_a_closed_referral_can_be_reopened_with_a_reason(spoc_client, spoc_practitioner):
    referral = ReferralFactory()
    allocation_services.referral_close(referral=referral, by=spoc_practitioner, reason="No reply")

    assert "cannot-close" in page(spoc_client.get(url("close", referral)))
    response = spoc_client.post(url("reopen", referral), {"reason": ""})
    assert response.context["form"].errors == {"reason": [str(allocation.REOPEN_REASON_REQUIRED)]}

    response = spoc_client.post(url("reopen", referral), {"reason": "They called back"})
    assert response.status_code == 302
    assert last_message(response) == "Referral reopened"
    referral.refresh_from_db()
    assert referral.status == Referral.Status.RECEIVED
    assert referral.transitions.last().reason == "They called back"


def test_an_open_referral_cannot_be_reopened(spoc_client):
    referral = ReferralFactory()
    response = spoc_client.get(url("reopen", referral))
    assert response.context["form"] is None
    assert "Only a closed referral can be reopened." in page(response)


def test_an_over_long_close_reason_is_refused(spoc_client):
    referral = ReferralFactory()
    response = spoc_client.post(url("close", referral), {"reason": "r" * 501})
    assert response.context["form"].errors == {"reason": [str(allocation.REASON_TOO_LONG)]}
    referral.refresh_from_db()
    assert referral.status == Referral.Status.RECEIVED


def test_an_empty_screening_names_each_unanswered_question(spoc_client):
    response = spoc_client.post(url("screening", ReferralFactory()), {})
    errors = response.context["form"].errors
    assert errors == {
        "pregnant": [str(forms.PREGNANT_REQUIRED)],
        "open_to_childrens_services": [str(forms.CHILDRENS_SERVICES_REQUIRED)],
        "mental_health_concern": [str(forms.MENTAL_HEALTH_REQUIRED)],
        "homeless": [str(forms.HOMELESS_REQUIRED)],
    }
    assert 'href="#id_pregnant_1"' in page(response)
