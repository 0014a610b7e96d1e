"""The referral page, its history (SEC-2) and "Assign to me"."""

import datetime as dt
import re

import pytest
from django.urls import resolve, reverse
from django.utils import timezone

from partnership.models import AccessLog
from referrals.models import ContactAttempt, Referral, TreatmentReferral, Triage, YesNoUnknown
from referrals.services import allocation as allocation_services
from referrals.services import referrals as services
from referrals.services import triage as triage_services
from referrals.views.detail import ASSIGNEE_INVALID, ASSIGNEE_REQUIRED
from tests.factories import PersonFactory, ReferralFactory
from tests.states import allocate


def detail_url(referral):
    return reverse("referrals:detail", args=[referral.reference])


def history_url(referral):
    return reverse("referrals:history", args=[referral.reference])


def assign_url(referral):
    return reverse("referrals:assign", args=[referral.reference])


def online_referral(**data):
    """A referral as the public form makes it: nobody signed in."""
    fields = {
        "referrer_type": Referral.ReferrerType.SELF,
        "source": Referral.Source.SELF,
        "subject_given_name": "Siân",
        "subject_family_name": "Ó Briain-Nakamura",
        "subject_date_of_birth": dt.date(1990, 5, 17),
        "subject_phone": "07700 900123",
        "substances": ["alcohol", "cocaine"],
        "reason": "I want to cut down before my daughter's wedding.",
        "consent_to_contact": True,
        "contact_methods": ["phone", "text"],
        "safe_contact_times": "Weekday mornings",
        "safe_to_leave_message": YesNoUnknown.NO,
        **data,
    }
    referral, _created = services.referral_create(data=fields, channel=Referral.Channel.ONLINE, by=None)
    return referral


@pytest.fixture
def spoc_client(client, spoc_practitioner):
    client.force_login(spoc_practitioner)
    return client


# --- Routing ----------------------------------------------------------------------------------


def test_other_pages_are_not_taken_for_a_reference():
    assert resolve("/referrals/caseload/").url_name == "caseload"
    assert resolve("/referrals/new/").url_name == "new"
    assert resolve("/referrals/R-7K3M9QAB/").url_name == "detail"
    assert resolve("/referrals/R-7K3M9QAB/history/").url_name == "history"


# --- What the page shows ------------------------------------------------------------------


def test_the_page_shows_everything_about_the_referral(spoc_client, db):
    referral = online_referral()
    html = spoc_client.get(detail_url(referral)).content.decode()

    assert referral.reference in html
    assert "Siân Ó Briain-Nakamura" in html
    assert "17 May 1990" in html
    assert 'class="moj-identity-bar"' in html
    assert 'class="moj-sub-navigation"' in html
    for text in [
        "Online",
        "Self",
        "Alcohol",
        "Powder cocaine",
        "daughter&#x27;s wedding",
        "Weekday mornings",
        "Phone call, Text message",
    ]:
        assert text in html, text
    assert "Public online form" in html  # recorded by
    assert "Within 3 working days" in html  # routine first-contact target
    assert "Not linked to a person yet" in html
    assert reverse("referrals:match", args=[referral.reference]) in html


def test_a_linked_person_is_a_link_to_their_record(spoc_client, spoc_practitioner):
    referral = ReferralFactory()
    person = PersonFactory(given_name="Aoife", family_name="Kowalczyk")
    services.referral_link_person(referral=referral, person=person, by=spoc_practitioner)
    html = spoc_client.get(detail_url(referral)).content.decode()
    assert reverse("referrals:person", args=[person.reference]) in html
    assert "Aoife Kowalczyk" in html
    assert "Check for duplicates" not in html


def test_triage_risk_eligibility_and_automatic_treatment_referral_are_shown(spoc_client, spoc_practitioner):
    referral = ReferralFactory()
    triage_services.triage_save_screening(
        referral=referral,
        by=spoc_practitioner,
        council_of_residence="cumberland",
        pregnant=YesNoUnknown.YES,
        risk=Triage.Risk.RED,
        risk_reasons=[Triage.RiskReason.OVERDOSE],
    )
    html = spoc_client.get(detail_url(referral)).content.decode()
    assert 'class="govuk-tag govuk-tag--red">Red risk<' in html
    assert "Recent overdose or high overdose risk" in html
    assert "Eligible" in html
    assert "Pregnant: automatic referral to the Treatment Service" in html


def test_contact_attempts_and_status_changes_are_listed_with_who_and_why(spoc_client, spoc_practitioner):
    spoc_practitioner.first_name, spoc_practitioner.last_name = "Priya", "Shah"
    spoc_practitioner.save()
    referral = ReferralFactory()
    triage_services.contact_attempt_record(
        referral=referral,
        by=spoc_practitioner,
        attempted_at=timezone.now(),
        method=ContactAttempt.Method.PHONE,
        outcome=ContactAttempt.Outcome.NO_ANSWER,
    )
    html = spoc_client.get(detail_url(referral)).content.decode()
    assert "No answer" in html
    assert "Received to Contact attempted" in html
    assert "Priya Shah" in html
    assert 'class="moj-timeline"' in html


def test_kpi_times_show_the_target_and_whether_it_was_met(spoc_client, spoc_practitioner):
    referral = ReferralFactory(received_at=timezone.now() - dt.timedelta(minutes=30))
    triage_services.contact_attempt_record(
        referral=referral, by=spoc_practitioner, attempted_at=timezone.now(), method="phone", outcome="made_contact"
    )
    html = spoc_client.get(detail_url(referral)).content.decode()
    assert "Met with" in html
    assert "Within 3 working days" in html


# --- Actions follow the status ---------------------------------------------------------------


def test_a_new_referral_offers_contact_screening_and_outcome_but_not_allocation(spoc_client, db):
    referral = ReferralFactory()
    html = spoc_client.get(detail_url(referral)).content.decode()
    for name in ["contact", "screening", "outcome", "escalation", "close"]:
        assert reverse(f"referrals:{name}", args=[referral.reference]) in html, name
    assert reverse("referrals:allocate", args=[referral.reference]) not in html
    assert reverse("referrals:reopen", args=[referral.reference]) not in html


def test_allocate_is_offered_only_once_triaged(spoc_client, spoc_practitioner):
    referral = ReferralFactory()
    triage_services.triage_save_screening(referral=referral, by=spoc_practitioner, council_of_residence="cumberland")
    triage_services.triage_complete(referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.ERS)
    html = spoc_client.get(detail_url(referral)).content.decode()
    assert reverse("referrals:allocate", args=[referral.reference]) in html
    assert reverse("referrals:outcome", args=[referral.reference]) not in html


def test_a_closed_referral_can_only_be_reopened(spoc_client, spoc_practitioner):
    referral = ReferralFactory()
    allocation_services.referral_close(referral=referral, by=spoc_practitioner, reason="Duplicate referral")
    html = spoc_client.get(detail_url(referral)).content.decode()
    assert reverse("referrals:reopen", args=[referral.reference]) in html
    for name in ["contact", "outcome", "allocate", "close", "escalation"]:
        assert reverse(f"referrals:{name}", args=[referral.reference]) not in html, name
    assert "Duplicate referral" in html


def test_an_urgent_referral_puts_the_escalation_protocol_first(spoc_client, db):
    referral = ReferralFactory(is_urgent=True, priority=Referral.Priority.URGENT)
    html = spoc_client.get(detail_url(referral)).content.decode()
    assert "This referral is urgent. Follow the escalation protocol" in html
    assert "govuk-button--warning" in html
    assert 'class="moj-badge moj-badge--red"><span class="govuk-visually-hidden">Priority: </span>Urgent<' in html


# --- The next step: one primary button (rules.next_step) ----------------------------------------


def primary_button(html: str) -> str | None:
    """The text of the page's primary action, or None."""
    match = re.search(
        r'<a href="([^"]+)" role="button" draggable="false" class="govuk-button" [^>]*id="next-step">([^<]+)</a>', html
    )
    return (match.group(2), match.group(1)) if match else None


def test_the_primary_action_follows_the_referral_from_received_to_allocated(
    spoc_client, spoc_practitioner, hub, hub_worker
):
    referral = ReferralFactory()
    ref = referral.reference

    def primary():
        return primary_button(spoc_client.get(detail_url(referral)).content.decode())

    assert primary() == ("Record a contact attempt", reverse("referrals:contact", args=[ref]))
    triage_services.contact_attempt_record(
        referral=referral, by=spoc_practitioner, attempted_at=timezone.now(), method="phone", outcome="no_answer"
    )
    assert primary() == ("Record screening and risk", reverse("referrals:screening", args=[ref]))
    triage_services.triage_save_screening(
        referral=referral, by=spoc_practitioner, council_of_residence="cumberland", risk=Triage.Risk.GREEN
    )
    assert primary() == ("Record the triage outcome", reverse("referrals:outcome", args=[ref]))
    triage_services.triage_complete(referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.ERS)
    assert primary() == ("Allocate to a hub and worker", reverse("referrals:allocate", args=[ref]))
    allocation_services.referral_allocate(referral=referral, hub=hub, worker=hub_worker, by=spoc_practitioner)
    assert primary() is None


def test_the_primary_action_is_not_repeated_in_the_actions_menu(spoc_client, db):
    referral = ReferralFactory()
    html = spoc_client.get(detail_url(referral)).content.decode()
    contact = reverse("referrals:contact", args=[referral.reference])
    assert html.count(f'href="{contact}"') == 1
    # The other steps stay in the menu.
    assert reverse("referrals:screening", args=[referral.reference]) in html
    assert 'data-button-text="Actions"' in html


def test_a_treatment_referral_waiting_is_the_next_step_once_triaged(spoc_client, spoc_practitioner):
    referral = ReferralFactory()
    triage_services.triage_save_screening(
        referral=referral, by=spoc_practitioner, council_of_residence="cumberland", risk=Triage.Risk.GREEN
    )
    triage_services.triage_complete(referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.BOTH)
    waiting = referral.treatment_referrals.get(status=TreatmentReferral.Status.PENDING)
    html = spoc_client.get(detail_url(referral)).content.decode()
    assert primary_button(html) == (
        "Send the referral to the Treatment Service",
        reverse("referrals:treatment_send", args=[referral.reference, waiting.reference]),
    )
    # Allocation is still there, in the menu.
    assert reverse("referrals:allocate", args=[referral.reference]) in html


def test_only_the_front_door_sees_the_primary_action(client, spoc_practitioner, hub, hub_worker):
    referral = allocate(ReferralFactory(), spoc=spoc_practitioner, hub=hub, worker=hub_worker)
    client.force_login(hub_worker)
    html = client.get(detail_url(referral)).content.decode()
    assert 'id="next-step"' not in html
    assert "moj-button-menu" not in html


# --- The target in the identity bar ---------------------------------------------------------------


def test_the_identity_bar_shows_the_first_contact_target_until_an_attempt(spoc_client, spoc_practitioner):
    referral = ReferralFactory(received_at=timezone.now() - dt.timedelta(minutes=30))
    response = spoc_client.get(detail_url(referral))
    target = response.context["next_target"]
    assert target.measure == "first_contact"
    bar = _identity_bar(response.content.decode())
    assert "Target: First contact attempt, due" in bar
    assert timezone.localtime(target.due_at).strftime("%H:%M") in bar
    assert target.text in bar and target.text.startswith("Due in")

    triage_services.contact_attempt_record(
        referral=referral, by=spoc_practitioner, attempted_at=timezone.now(), method="phone", outcome="made_contact"
    )
    bar = _identity_bar(spoc_client.get(detail_url(referral)).content.decode())
    assert "Target: Triage completed, due" in bar


def test_the_identity_bar_says_when_the_target_is_overdue(spoc_client, db):
    referral = ReferralFactory(
        priority=Referral.Priority.URGENT, is_urgent=True, received_at=timezone.now() - dt.timedelta(hours=6)
    )
    bar = _identity_bar(spoc_client.get(detail_url(referral)).content.decode())
    assert "govuk-tag--red" in bar
    assert "Overdue by 2 hours" in bar


def test_the_identity_bar_says_when_the_target_was_met(spoc_client, spoc_practitioner, hub, hub_worker):
    referral = ReferralFactory(received_at=timezone.now() - dt.timedelta(minutes=30))
    triage_services.contact_attempt_record(
        referral=referral, by=spoc_practitioner, attempted_at=timezone.now(), method="phone", outcome="made_contact"
    )
    allocate(referral, spoc=spoc_practitioner, hub=hub, worker=hub_worker)
    bar = _identity_bar(spoc_client.get(detail_url(referral)).content.decode())
    assert "Target: Triage completed" in bar
    assert "govuk-tag--green" in bar


def _identity_bar(html: str) -> str:
    start = html.index('class="moj-identity-bar"')
    return html[start : html.index("moj-sub-navigation", start)]


# --- Who may see it ----------------------------------------------------------------------------


def test_hub_worker_sees_their_allocated_referral_but_not_anyone_elses(
    client, spoc_practitioner, hub, other_hub, hub_worker, other_hub_worker
):
    mine = allocate(ReferralFactory(), spoc=spoc_practitioner, hub=hub, worker=hub_worker)
    theirs = allocate(ReferralFactory(), spoc=spoc_practitioner, hub=other_hub, worker=other_hub_worker)
    client.force_login(hub_worker)

    response = client.get(detail_url(mine))
    assert response.status_code == 200
    # Caseworkers see the record but the front-door actions are not theirs.
    assert reverse("referrals:close", args=[mine.reference]) not in response.content.decode()
    assert "Assign to me" not in response.content.decode()

    assert client.get(detail_url(theirs)).status_code == 404
    assert client.get(history_url(theirs)).status_code == 404


@pytest.mark.parametrize("persona", ["peer_worker", "treatment_practitioner", "commissioner", "outsider"])
def test_anyone_without_access_gets_not_found(client, db, request, persona):
    referral = ReferralFactory()
    client.force_login(request.getfixturevalue(persona))
    assert client.get(detail_url(referral)).status_code == 404
    assert client.get(history_url(referral)).status_code == 404
    assert not AccessLog.objects.exists()


def test_a_reference_that_does_not_exist_is_not_found(spoc_client):
    assert spoc_client.get("/referrals/R-22222222/").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in_first(client, db):
    referral = ReferralFactory()
    for url in [detail_url(referral), history_url(referral), "/referrals/R-22222222/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


# --- The access log (SEC-2) ---------------------------------------------------------------------


def test_every_view_of_the_referral_page_adds_an_access_log_row(spoc_client, spoc_practitioner):
    referral = ReferralFactory()
    person = PersonFactory()
    services.referral_link_person(referral=referral, person=person, by=spoc_practitioner)

    spoc_client.get(detail_url(referral))
    spoc_client.get(detail_url(referral))
    spoc_client.get(history_url(referral))

    rows = list(AccessLog.objects.order_by("pk"))
    assert len(rows) == 3
    assert {(r.user_id, r.action, r.object_type, r.object_id, r.person_id) for r in rows} == {
        (spoc_practitioner.pk, AccessLog.Action.VIEW, "referrals.referral", referral.pk, person.pk)
    }


# --- Assigning -----------------------------------------------------------------------------------


def test_assign_to_me(spoc_client, spoc_practitioner):
    referral = ReferralFactory()
    response = spoc_client.post(assign_url(referral), {"assignee": spoc_practitioner.pk}, follow=True)
    referral.refresh_from_db()
    assert referral.assigned_to == spoc_practitioner
    assert f"Referral {referral.reference} is assigned to you." in response.content.decode()
    assert referral.history.first().history_user == spoc_practitioner


def test_assign_to_a_colleague_at_the_front_door(spoc_client, manager):
    referral = ReferralFactory()
    response = spoc_client.post(assign_url(referral), {"assignee": manager.pk})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.assigned_to == manager


@pytest.mark.parametrize(("value", "message"), [("", ASSIGNEE_REQUIRED), ("not-a-number", ASSIGNEE_INVALID)])
def test_assigning_to_nobody_or_nonsense_explains_the_problem(spoc_client, value, message):
    referral = ReferralFactory()
    response = spoc_client.post(assign_url(referral), {"assignee": value})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert str(message) in html
    referral.refresh_from_db()
    assert referral.assigned_to is None


def test_a_caseworker_cannot_be_given_a_front_door_referral(spoc_client, hub_worker):
    referral = ReferralFactory()
    response = spoc_client.post(assign_url(referral), {"assignee": hub_worker.pk})
    assert str(ASSIGNEE_INVALID) in response.content.decode()
    referral.refresh_from_db()
    assert referral.assigned_to is None


def test_only_the_front_door_may_assign(client, spoc_practitioner, hub, hub_worker):
    referral = allocate(ReferralFactory(), spoc=spoc_practitioner, hub=hub, worker=hub_worker)
    client.force_login(hub_worker)
    assert client.post(assign_url(referral), {"assignee": hub_worker.pk}).status_code == 403
    referral.refresh_from_db()
    # Still the SPOC practitioner who triaged it (whoever starts work on a referral takes it).
    assert referral.assigned_to == spoc_practitioner


def test_assigning_needs_a_post(spoc_client, db):
    referral = ReferralFactory()
    assert spoc_client.get(assign_url(referral)).status_code == 405


# --- History (SEC-2) -------------------------------------------------------------------------------


def test_history_names_the_user_who_made_each_change(spoc_client, spoc_practitioner, manager):
    spoc_practitioner.first_name, spoc_practitioner.last_name = "Priya", "Shah"
    spoc_practitioner.save()
    manager.first_name, manager.last_name = "Tomasz", "Nowak"
    manager.save()
    referral = online_referral()
    services.referral_assign(referral=referral, to=manager, by=spoc_practitioner)
    triage_services.contact_attempt_record(
        referral=referral, by=manager, attempted_at=timezone.now(), method="phone", outcome="made_contact"
    )
    triage_services.triage_save_screening(
        referral=referral,
        by=manager,
        council_of_residence="cumberland",
        risk=Triage.Risk.AMBER,
        risk_reasons=["homelessness"],
    )
    services.person_create_from_referral(referral=referral, by=spoc_practitioner)

    response = spoc_client.get(history_url(referral))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Public online form" in html  # the referral came in with nobody signed in
    assert "Referral: created" in html
    assert "Referral: changed" in html and "by Priya Shah" in html
    assert "Reason: Assigned" in html
    assert "Contact attempt: created" in html and "by Tomasz Nowak" in html
    assert "Triage: created" in html
    assert "Person record: created" in html
    # Fields changed, old and new, by their labels; choices by their labels.
    assert "Assigned to" in html and "Tomasz Nowak" in html
    assert "In triage" in html  # a status shown by its label
    assert "Homeless or at risk of homelessness" in html
    assert "Amber" in html
    # Newest first: the person record was the last change.
    assert html.index("Person record: created") < html.index("Referral: created")


def test_history_shows_old_and_new_values(spoc_client, spoc_practitioner):
    referral = ReferralFactory(subject_postcode="")  # no postcode: the council is asked
    triage_services.triage_save_screening(referral=referral, by=spoc_practitioner, council_of_residence="")
    triage_services.triage_save_screening(referral=referral, by=spoc_practitioner, council_of_residence="cumberland")
    html = spoc_client.get(history_url(referral)).content.decode()
    row = html[html.index("Lives in the area") :][:400]
    assert "Not known" in row and "Yes" in row


def test_the_history_page_is_access_logged(spoc_client, spoc_practitioner):
    referral = ReferralFactory()
    spoc_client.get(history_url(referral))
    log = AccessLog.objects.get()
    assert (log.user, log.object_id, log.reason) == (spoc_practitioner, referral.pk, "History")


# --- Query counts -----------------------------------------------------------------------------------


def _busy_referral(spoc, manager, size):
    referral = online_referral(is_urgent=True)
    person = PersonFactory()
    services.referral_link_person(referral=referral, person=person, by=spoc)
    services.referral_assign(referral=referral, to=manager, by=spoc)
    for n in range(size):
        triage_services.contact_attempt_record(
            referral=referral,
            by=spoc if n % 2 else manager,
            attempted_at=timezone.now(),
            method="phone",
            outcome="no_answer",
        )
        triage_services.escalation_record(
            referral=referral, by=spoc, action="manager", done_at=timezone.now(), done_by_name="Duty manager"
        )
        triage_services.warm_introduction_record(
            referral=referral,
            by=manager,
            introduced_to="Sam",
            organisation="Housing Options",
            introduced_at=timezone.now(),
        )
        services.person_update(
            person=person, by=manager if n % 2 else spoc, reason="Phone corrected", phone=f"0770090{n:04d}"
        )
    for n in range(size):
        allocation_services.referral_close(referral=referral, by=spoc, reason=f"Closed {n}")
        allocation_services.referral_reopen(referral=referral, by=manager, reason=f"Reopened {n}")
    # Screened last: its automatic referral to the Treatment Service, waiting to be sent,
    # keeps the referral from closing (nothing stranded).
    triage_services.triage_save_screening(
        referral=referral,
        by=spoc,
        council_of_residence="cumberland",
        pregnant="yes",
        risk="red",
        risk_reasons=["overdose"],
    )
    return referral


@pytest.mark.parametrize("size", [1, 10])
def test_referral_page_takes_the_same_number_of_queries_whatever_its_size(
    spoc_client, spoc_practitioner, manager, size, django_assert_max_num_queries
):
    referral = _busy_referral(spoc_practitioner, manager, size)
    # +2: the consent review reminder and the onward referrals list (one query each, PAR-2, PAR-4).
    # +1: the person's feedback on their first contact (§3.2.9).
    # +1: the version the assign form is loaded from (SEC-5).
    # +1: whether the linked person is behind a restriction (SEC-1), when linked.
    with django_assert_max_num_queries(25):
        response = spoc_client.get(detail_url(referral))
    assert response.content.decode().count("Reopened ") == size


@pytest.mark.parametrize("size", [1, 10])
def test_history_page_takes_the_same_number_of_queries_whatever_its_size(
    spoc_client, spoc_practitioner, manager, size, django_assert_max_num_queries
):
    referral = _busy_referral(spoc_practitioner, manager, size)
    # +1: the session's second-factor device (SEC-3); +1: whether the linked person is behind a
    # restriction (SEC-1).
    with django_assert_max_num_queries(22):
        response = spoc_client.get(history_url(referral))
    assert response.content.decode().count("Reason: Reopened") == size
