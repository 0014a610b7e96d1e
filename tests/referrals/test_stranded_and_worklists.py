"""Nothing stranded after triage (§3.2.6, §3.19), priority that follows what triage learns
(§3.2.6, §3.15.5) and the worklists (PAR-2, PAR-6)."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from partnership.models import AccessLog
from referrals import rules
from referrals.data_rights import services as data_rights
from referrals.data_rights.models import SubjectAccessRequest, subject_access_deadline
from referrals.models import (
    Consent,
    Referral,
    StatusTransition,
    TreatmentReferral,
    TreatmentReferralTransition,
    Triage,
    YesNoUnknown,
)
from referrals.services import allocation as allocation_services
from referrals.services import referrals as services
from referrals.services import treatment as treatment_services
from referrals.services import triage as triage_services
from referrals.services.consent import consent_record
from tests.factories import OrganisationFactory, PersonFactory, ReferralFactory

QUEUE = reverse("referrals:queue")
TREATMENT_LIST = reverse("referrals:worklist_treatment")
TARGETS_LIST = reverse("referrals:worklist_targets")
CONSENT_LIST = reverse("referrals:worklist_consent")
SAR_LIST = reverse("referrals:worklist_subject_access")
Reason = TreatmentReferral.Reason


def screen(referral, by, **overrides):
    fields = {"substances": ["alcohol"], "council_of_residence": "cumberland", "risk": Triage.Risk.GREEN}
    fields.update(overrides)
    return triage_services.triage_save_screening(referral=referral, by=by, **fields)


def linked(spoc, **fields):
    referral = ReferralFactory(**fields)
    services.person_create_from_referral(referral=referral, by=spoc)
    referral.refresh_from_db()
    return referral


def send(referral, spoc, organisation):
    consent = consent_record(person=referral.person, by=spoc, recipient=Consent.Recipient.TREATMENT, given=True)
    tr = referral.treatment_referrals.get(status=TreatmentReferral.Status.PENDING)
    return treatment_services.treatment_referral_send(
        treatment_referral=tr, by=spoc, organisation=organisation, consent=consent, reason_for_referral="Help"
    )


def references_in(response) -> list[str]:
    return re.findall(r">(R-[0-9A-Z]{8})</a>", response.content.decode())


@pytest.fixture
def spoc_client(client, spoc_practitioner):
    client.force_login(spoc_practitioner)
    return client


# --- (a) "Refer to the Treatment Service" waits until its referral is sent ----------------


def test_treatment_only_stays_triaged_until_sent_then_closes(spoc_practitioner, treatment_org):
    referral = linked(spoc_practitioner)
    screen(referral, spoc_practitioner)
    triage_services.triage_complete(referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.TREATMENT)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.TRIAGED

    send(referral, spoc_practitioner, treatment_org)

    referral.refresh_from_db()
    assert referral.status == Referral.Status.CLOSED
    last = StatusTransition.objects.filter(referral=referral).last()
    assert (last.to_status, last.reason) == (Referral.Status.CLOSED, "Sent to the Treatment Service")


def test_ers_and_treatment_stays_open_after_sending(spoc_practitioner, treatment_org):
    referral = linked(spoc_practitioner)
    screen(referral, spoc_practitioner)
    triage_services.triage_complete(referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.BOTH)
    send(referral, spoc_practitioner, treatment_org)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.TRIAGED


def test_closing_by_hand_is_refused_while_a_treatment_referral_waits(spoc_practitioner, spoc_client):
    referral = ReferralFactory()
    screen(referral, spoc_practitioner, pregnant=YesNoUnknown.YES)
    with pytest.raises(ValidationError) as excinfo:
        allocation_services.referral_close(referral=referral, by=spoc_practitioner, reason="Duplicate")
    assert excinfo.value.messages == [str(allocation_services.CLOSE_TREATMENT_PENDING)]
    referral.refresh_from_db()
    assert referral.status == Referral.Status.IN_TRIAGE
    assert not referral.may_close()

    url = reverse("referrals:close", args=[referral.reference])
    page = spoc_client.get(url).content.decode()
    assert "has not been sent" in page and 'name="reason"' not in page
    spoc_client.post(url, {"reason": "Duplicate"})
    referral.refresh_from_db()
    assert referral.status == Referral.Status.IN_TRIAGE


def test_an_outcome_that_closes_withdraws_the_waiting_referral(spoc_practitioner):
    referral = ReferralFactory()
    screen(referral, spoc_practitioner, pregnant=YesNoUnknown.YES, council_of_residence="outside_area")
    triage_services.triage_complete(
        referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.NOT_ELIGIBLE, outcome_reason="Leeds"
    )
    tr = referral.treatment_referrals.get()
    assert tr.status == TreatmentReferral.Status.WITHDRAWN
    referral.refresh_from_db()
    assert referral.status == Referral.Status.CLOSED


# --- (b) One pending Treatment referral per referral ------------------------------------


def test_both_outcome_reuses_the_automatic_referral(spoc_practitioner):
    referral = ReferralFactory(source=Referral.Source.EARLY_HELP)
    screen(referral, spoc_practitioner, pregnant=YesNoUnknown.YES)
    triage_services.triage_complete(referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.BOTH)
    tr = referral.treatment_referrals.get()
    assert tr.reasons == [Reason.PREGNANT, Reason.CHILDRENS_SERVICES, Reason.TRIAGE_OUTCOME]
    assert tr.automatic and tr.status == TreatmentReferral.Status.PENDING
    assert tr.history.first().history_change_reason == "Reasons for the referral to the Treatment Service updated"


# --- (c) An automatic referral whose reason goes is withdrawn ----------------------------


@pytest.mark.parametrize("field", ["pregnant", "open_to_childrens_services"])
def test_correcting_screening_withdraws_the_automatic_referral(spoc_practitioner, field):
    referral = ReferralFactory()
    screen(referral, spoc_practitioner, **{field: YesNoUnknown.YES})
    screen(referral, spoc_practitioner, **{field: YesNoUnknown.NO})

    tr = referral.treatment_referrals.get()
    assert tr.status == TreatmentReferral.Status.WITHDRAWN
    transition = TreatmentReferralTransition.objects.get(treatment_referral=tr)
    assert (transition.from_status, transition.to_status) == ("pending", "withdrawn")
    assert transition.by == spoc_practitioner
    assert tr.history.first().history_change_reason.startswith("Referral to the Treatment Service withdrawn")
    assert not referral.has_pending_treatment_referral()

    # Yes again: the same referral is reinstated, not a second one made.
    screen(referral, spoc_practitioner, **{field: YesNoUnknown.YES})
    assert referral.treatment_referrals.get().status == TreatmentReferral.Status.PENDING


def test_a_corrected_reason_leaves_the_triage_outcome_standing(spoc_practitioner):
    referral = ReferralFactory()
    screen(referral, spoc_practitioner, pregnant=YesNoUnknown.YES)
    triage_services.triage_complete(referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.BOTH)
    screen(referral, spoc_practitioner, pregnant=YesNoUnknown.NO)
    tr = referral.treatment_referrals.get()
    assert tr.status == TreatmentReferral.Status.PENDING
    assert tr.reasons == [Reason.TRIAGE_OUTCOME]
    assert not tr.automatic


def test_a_sent_referral_is_never_withdrawn(spoc_practitioner, treatment_org):
    referral = linked(spoc_practitioner)
    screen(referral, spoc_practitioner, pregnant=YesNoUnknown.YES)
    triage_services.triage_complete(referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.BOTH)
    send(referral, spoc_practitioner, treatment_org)
    screen(referral, spoc_practitioner, pregnant=YesNoUnknown.NO)
    assert referral.treatment_referrals.get().status == TreatmentReferral.Status.SENT


# --- Priority follows what triage learns --------------------------------------------------


def test_rules_triage_priority_and_raising():
    assert rules.triage_priority(source="gp", open_to_childrens_services="no", risk="red") == Referral.Priority.URGENT
    assert (
        rules.triage_priority(source="gp", open_to_childrens_services="yes", risk="amber")
        == Referral.Priority.CHILDRENS_SERVICES
    )
    assert rules.triage_priority(source="gp", open_to_childrens_services="no", risk="") == Referral.Priority.ROUTINE
    # Only raises, and only on new facts.
    assert rules.raised_priority(current=3, before=3, after=1) == 1
    assert rules.raised_priority(current=1, before=3, after=2) == 1
    assert rules.raised_priority(current=3, before=2, after=2) == 3


@pytest.mark.parametrize(
    ("screening", "expected"),
    [
        ({"open_to_childrens_services": YesNoUnknown.YES}, Referral.Priority.CHILDRENS_SERVICES),
        ({"risk": Triage.Risk.RED, "risk_reasons": ["overdose"]}, Referral.Priority.URGENT),
    ],
)
def test_screening_raises_priority_and_the_queue_follows(spoc_client, spoc_practitioner, screening, expected):
    older = ReferralFactory(received_at=timezone.now() - dt.timedelta(hours=30))
    newer = ReferralFactory(received_at=timezone.now() - dt.timedelta(hours=2), channel=Referral.Channel.ONLINE)
    assert references_in(spoc_client.get(QUEUE)) == [older.reference, newer.reference]

    screen(newer, spoc_practitioner, **screening)

    newer.refresh_from_db()
    assert newer.priority == expected
    assert "Priority raised" in newer.history.first().history_change_reason
    assert references_in(spoc_client.get(QUEUE)) == [newer.reference, older.reference]


def test_screening_never_lowers_a_hand_set_priority(spoc_practitioner):
    referral = ReferralFactory()
    allocation_services.referral_prioritise(
        referral=referral, by=spoc_practitioner, priority=Referral.Priority.URGENT, reason="Overdose last night"
    )
    screen(referral, spoc_practitioner, open_to_childrens_services=YesNoUnknown.YES)
    referral.refresh_from_db()
    assert referral.priority == Referral.Priority.URGENT


def test_priority_by_hand_keeps_who_and_why(spoc_client, spoc_practitioner):
    referral = ReferralFactory()
    url = reverse("referrals:priority", args=[referral.reference])
    assert spoc_client.get(url).status_code == 200

    response = spoc_client.post(url, {"priority": Referral.Priority.URGENT, "reason": "  "})
    assert str(allocation_services.PRIORITY_REASON_REQUIRED) in response.content.decode()
    referral.refresh_from_db()
    assert referral.priority == Referral.Priority.ROUTINE

    response = spoc_client.post(url, {"priority": "99", "reason": "x"})
    assert response.status_code == 200

    response = spoc_client.post(url, {"priority": Referral.Priority.URGENT, "reason": "Overdose last night"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.priority == Referral.Priority.URGENT
    record = referral.history.first()
    assert record.history_user == spoc_practitioner
    assert record.priority_reason == "Overdose last night"
    assert record.history_change_reason == "Priority changed by hand from Routine to Urgent"


def test_priority_service_needs_a_reason(spoc_practitioner):
    referral = ReferralFactory()
    with pytest.raises(ValidationError) as excinfo:
        allocation_services.referral_prioritise(
            referral=referral, by=spoc_practitioner, priority=Referral.Priority.URGENT, reason=""
        )
    assert excinfo.value.message_dict == {"reason": [str(allocation_services.PRIORITY_REASON_REQUIRED)]}


# --- Worklists ----------------------------------------------------------------------------


def _waiting_treatment_referrals(spoc, count):
    for n in range(count):
        referral = linked(spoc, subject_given_name=f"Waiting{n}")
        screen(referral, spoc, pregnant=YesNoUnknown.YES)


@pytest.mark.parametrize("count", [1, 8])
def test_treatment_worklist_lists_unsent_oldest_first_in_constant_queries(
    spoc_client, spoc_practitioner, treatment_org, count, django_assert_max_num_queries
):
    _waiting_treatment_referrals(spoc_practitioner, count)
    sent = linked(spoc_practitioner, subject_given_name="Alreadysent")
    screen(sent, spoc_practitioner, pregnant=YesNoUnknown.YES)
    send(sent, spoc_practitioner, treatment_org)
    AccessLog.objects.all().delete()

    with django_assert_max_num_queries(16):
        response = spoc_client.get(TREATMENT_LIST)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Alreadysent" not in page
    names = re.findall(r"Waiting\d+", page)
    assert names == [f"Waiting{n}" for n in range(count)]
    assert "Not triaged yet" in page
    log = AccessLog.objects.get()
    assert log.subjects.count() == count
    assert log.reason == "Worklist: Referrals to the Treatment Service not yet sent, page 1"


def test_consent_worklist_shows_current_reviews_due(spoc_client, spoc_practitioner):
    due = PersonFactory(given_name="Reviewdue")
    replaced = PersonFactory(given_name="Replaced")
    fresh = PersonFactory(given_name="Fresh")
    old = timezone.now() - dt.timedelta(days=200)
    consent_record(person=due, by=spoc_practitioner, recipient=Consent.Recipient.GP, given=True, recorded_at=old)
    consent_record(person=replaced, by=spoc_practitioner, recipient=Consent.Recipient.GP, given=True, recorded_at=old)
    consent_record(person=replaced, by=spoc_practitioner, recipient=Consent.Recipient.GP, given=False)
    consent_record(person=fresh, by=spoc_practitioner, recipient=Consent.Recipient.GP, given=True)

    page = spoc_client.get(CONSENT_LIST).content.decode()

    assert "Reviewdue" in page and "Overdue since" in page
    assert "Replaced" not in page and "Fresh" not in page


def test_subject_access_deadline_is_one_calendar_month():
    assert subject_access_deadline(dt.date(2026, 1, 31)) == dt.date(2026, 2, 28)
    assert subject_access_deadline(dt.date(2026, 3, 10)) == dt.date(2026, 4, 10)


def test_subject_access_worklist_shows_overdue_for_the_dpo_only(client, data_protection_officer, spoc_practitioner):
    person = PersonFactory(given_name="Askedlate")
    sar = data_rights.subject_access_request_create(
        person=person, by=data_protection_officer, request_reference="SAR-9", reason="By letter"
    )
    SubjectAccessRequest.objects.filter(pk=sar.pk).update(created_at=timezone.now() - dt.timedelta(days=40))
    answered = data_rights.subject_access_request_create(
        person=PersonFactory(given_name="Answered"), by=data_protection_officer, request_reference="S2", reason="x"
    )
    SubjectAccessRequest.objects.filter(pk=answered.pk).update(status=SubjectAccessRequest.Status.READY)

    client.force_login(data_protection_officer)
    page = client.get(SAR_LIST).content.decode()
    assert "Askedlate" in page and "Overdue since" in page
    assert "Answered" not in page

    client.force_login(spoc_practitioner)
    assert client.get(SAR_LIST).status_code == 403


def test_targets_worklist_shows_overdue_and_due_soon_not_later(spoc_client):
    overdue = ReferralFactory(
        received_at=timezone.now() - dt.timedelta(hours=6), is_urgent=True, priority=Referral.Priority.URGENT
    )
    later = ReferralFactory(received_at=timezone.now())
    page = spoc_client.get(TARGETS_LIST).content.decode()
    assert overdue.reference in page and "Overdue by" in page
    assert later.reference not in page


def test_worklist_index_shows_each_role_its_lists(client, spoc_practitioner, data_protection_officer):
    client.force_login(spoc_practitioner)
    page = client.get(reverse("referrals:worklists")).content.decode()
    assert TREATMENT_LIST in page and SAR_LIST not in page
    client.force_login(data_protection_officer)
    page = client.get(reverse("referrals:worklists")).content.decode()
    assert SAR_LIST in page and TREATMENT_LIST not in page


def test_treatment_organisation_is_not_needed_for_the_list(spoc_client):
    # An empty list says so, without a table.
    OrganisationFactory(kind="treatment")
    page = spoc_client.get(TREATMENT_LIST).content.decode()
    assert "No referrals to the Treatment Service are waiting to be sent." in page


def test_a_treatment_only_referral_waiting_to_be_sent_cannot_be_allocated(spoc_practitioner, hub, hub_worker):
    """REF-7: "Refer to the Treatment Service" keeps the referral at triaged until it is sent;
    it never goes to a hub's caseload."""
    referral = ReferralFactory()
    screen(referral, spoc_practitioner)
    triage_services.triage_complete(referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.TREATMENT)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.TRIAGED
    with pytest.raises(ValidationError):
        allocation_services.referral_allocate(referral=referral, hub=hub, worker=hub_worker, by=spoc_practitioner)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.TRIAGED and referral.allocated_worker_id is None
