"""Consent and lawful basis (PAR-2): who the person agrees to share with, recorded with who and
when, reviewed every 6 months (TH), and withdrawal honoured at once (SEC-1)."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from common.audit import ProcessingRestricted
from partnership.models import AccessLog
from referrals.forms.sharing import AGENCY_NAME_REQUIRED, BASIS_NOTE_REQUIRED, WITHDRAWAL_REASON_REQUIRED
from referrals.models import Consent, Disclosure, Referral, TreatmentReferral, Triage, add_months
from referrals.selectors.consent import current_consents, reviews_due, sharing_allowed, sharing_basis
from referrals.services import allocation as allocation_services
from referrals.services import consent as consent_services
from referrals.services import treatment as treatment_services
from referrals.services import triage as triage_services
from referrals.services.grants import organisations_shared_with, share_person_with_organisation
from tests.factories import PersonFactory, ReferralFactory

Recipient = Consent.Recipient
Basis = Consent.LawfulBasis


def consent_url(person):
    return reverse("referrals:consent", args=[person.reference])


def consent_new_url(person):
    return reverse("referrals:consent_new", args=[person.reference])


def withdraw_url(consent):
    return reverse("referrals:consent_withdraw", args=[consent.person.reference, consent.pk])


def shared_url(person):
    return reverse("referrals:shared_person", args=[person.reference])


@pytest.fixture
def person(db):
    return PersonFactory(given_name="Siân", family_name="Ó Briain-Nakamura")


@pytest.fixture
def spoc_client(client, spoc_practitioner):
    client.force_login(spoc_practitioner)
    return client


def is_checked(html, name, value):
    inputs = re.findall(r"<input[^>]*>", html, flags=re.S)
    return any(f'name="{name}"' in i and f'value="{value}"' in i and "checked" in i for i in inputs)


def noon_on(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def record(person, by, **fields):
    fields.setdefault("recipient", Recipient.TREATMENT)
    fields.setdefault("given", True)
    return consent_services.consent_record(person=person, by=by, **fields)


def referred_to_treatment(spoc, person):
    """A referral for ``person`` triaged as ERS support and Treatment, ready to send."""
    referral = ReferralFactory(person=person)
    triage_services.triage_save_screening(
        referral=referral, by=spoc, council_of_residence="cumberland", risk=Triage.Risk.GREEN
    )
    triage_services.triage_complete(referral=referral, by=spoc, outcome=Triage.Outcome.BOTH)
    return referral, referral.treatment_referrals.get()


def send(spoc, person, organisation):
    referral, tr = referred_to_treatment(spoc, person)
    consents = list(Consent.objects.filter(person=person))
    basis = sharing_basis(consents, recipient=Recipient.TREATMENT)
    return treatment_services.treatment_referral_send(
        treatment_referral=tr, by=spoc, organisation=organisation, consent=basis
    )


# --- Recording ------------------------------------------------------------------------------


def test_consent_is_recorded_with_who_when_and_a_review_six_months_on(person, spoc_practitioner):
    before = timezone.now()
    consent = record(person, spoc_practitioner)

    assert consent.recorded_by == spoc_practitioner
    assert consent.recorded_at >= before
    assert consent.lawful_basis == Basis.CONSENT
    assert consent.given is True
    assert consent.review_due == add_months(timezone.localdate(consent.recorded_at), 6)
    history = consent.history.get()
    assert history.history_user == spoc_practitioner
    assert history.history_change_reason == "Consent recorded"


def test_the_review_date_falls_on_the_last_day_of_a_shorter_month():
    assert add_months(dt.date(2025, 8, 31), 6) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2023, 8, 31), 6) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2026, 3, 15), 6) == dt.date(2026, 9, 15)
    assert add_months(dt.date(2026, 9, 30), 6) == dt.date(2027, 3, 30)


def test_another_agency_must_be_named(person, spoc_practitioner):
    with pytest.raises(ValidationError) as error:
        record(person, spoc_practitioner, recipient=Recipient.OTHER_AGENCY)
    assert error.value.message_dict == {"agency_name": [str(consent_services.CONSENT_AGENCY_NAME_REQUIRED)]}


def test_a_basis_other_than_consent_must_be_explained(person, spoc_practitioner):
    with pytest.raises(ValidationError) as error:
        record(person, spoc_practitioner, given=False, lawful_basis=Basis.VITAL_INTERESTS)
    assert error.value.message_dict == {"basis_note": [str(consent_services.CONSENT_BASIS_NOTE_REQUIRED)]}


def test_a_decision_cannot_be_recorded_in_the_future(person, spoc_practitioner):
    with pytest.raises(ValidationError):
        record(person, spoc_practitioner, recorded_at=timezone.now() + dt.timedelta(days=1))


@pytest.mark.parametrize("persona", ["treatment_practitioner", "commissioner", "outsider"])
def test_only_ers_staff_record_consent(person, request, persona):
    with pytest.raises(PermissionDenied):
        record(person, request.getfixturevalue(persona))


def test_a_later_no_replaces_an_earlier_yes(person, spoc_practitioner):
    earlier = record(person, spoc_practitioner, recorded_at=timezone.now() - dt.timedelta(days=30))
    later = record(person, spoc_practitioner, given=False)
    consents = list(Consent.objects.filter(person=person))

    assert current_consents(consents) == [later]
    assert earlier.allows_sharing  # still true of the old row on its own...
    assert not sharing_allowed(consents, recipient=Recipient.TREATMENT)  # ...but the person has said no


def test_another_lawful_basis_allows_sharing_without_consent(person, spoc_practitioner):
    record(person, spoc_practitioner, given=False)
    record(
        person,
        spoc_practitioner,
        given=False,
        lawful_basis=Basis.SAFEGUARDING,
        basis_note="Unborn baby at risk; the safeguarding lead agreed sharing.",
    )
    assert sharing_allowed(list(Consent.objects.filter(person=person)), recipient=Recipient.TREATMENT)


# --- The pages --------------------------------------------------------------------------------


def test_the_consent_page_shows_decisions_and_is_access_logged(spoc_client, spoc_practitioner, person):
    record(person, spoc_practitioner)
    record(person, spoc_practitioner, recipient=Recipient.OTHER_AGENCY, agency_name="Shelter Cumbria", given=False)

    response = spoc_client.get(consent_url(person))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Consent and sharing" in html
    assert "Siân Ó Briain-Nakamura" in html
    assert "The Treatment Service" in html
    assert "Shelter Cumbria" in html
    assert "Consent review due" not in html
    assert "Nothing has been shared with another organisation." in html
    assert AccessLog.objects.filter(
        user=spoc_practitioner, action=AccessLog.Action.VIEW, object_type="referrals.person", person_id=person.pk
    ).exists()


def test_recording_consent_through_the_form(spoc_client, spoc_practitioner, person):
    response = spoc_client.post(
        consent_new_url(person),
        {
            "recipient": Recipient.OTHER_AGENCY,
            "agency_name": "Shelter Cumbria",
            "given": "yes",
            "lawful_basis": "consent",
        },
    )

    assert response.status_code == 302
    assert response.url == consent_url(person)
    consent = Consent.objects.get(person=person)
    assert (consent.recipient, consent.agency_name, consent.given, consent.recorded_by) == (
        Recipient.OTHER_AGENCY,
        "Shelter Cumbria",
        True,
        spoc_practitioner,
    )
    assert "Consent to share with Shelter Cumbria recorded" in spoc_client.get(response.url).content.decode()


def test_the_form_says_what_is_missing_and_keeps_what_was_typed(spoc_client, person):
    response = spoc_client.post(
        consent_new_url(person),
        {"recipient": Recipient.OTHER_AGENCY, "agency_name": "", "given": "no", "lawful_basis": Basis.VITAL_INTERESTS},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert str(AGENCY_NAME_REQUIRED) in html
    assert str(BASIS_NOTE_REQUIRED).replace("'", "&#x27;") in html
    assert is_checked(html, "lawful_basis", "vital_interests")
    assert is_checked(html, "given", "no")
    assert is_checked(html, "recipient", "other_agency")
    assert not Consent.objects.exists()


def test_nonsense_input_never_breaks_the_form(spoc_client, person):
    response = spoc_client.post(
        consent_new_url(person),
        {"recipient": "everyone", "given": "perhaps", "lawful_basis": "because", "basis_note": "x" * 5000},
    )
    assert response.status_code == 200
    assert not Consent.objects.exists()


# --- The 6-month review (TH) ----------------------------------------------------------------------


def test_the_review_prompt_appears_once_consent_is_six_months_old(spoc_client, spoc_practitioner, person):
    referral = ReferralFactory(person=person)
    six_months_ago = add_months(timezone.localdate(), -6)
    consent = record(person, spoc_practitioner, recorded_at=noon_on(six_months_ago))
    assert consent.review_due == timezone.localdate()

    for url in [
        reverse("referrals:person", args=[person.reference]),
        reverse("referrals:detail", args=[referral.reference]),
        consent_url(person),
    ]:
        html = spoc_client.get(url).content.decode()
        assert "Consent review due" in html, url


def test_no_review_prompt_before_six_months(spoc_client, spoc_practitioner, person):
    referral = ReferralFactory(person=person)
    a_day_short = add_months(timezone.localdate(), -6) + dt.timedelta(days=1)
    record(person, spoc_practitioner, recorded_at=noon_on(a_day_short))

    for url in [
        reverse("referrals:person", args=[person.reference]),
        reverse("referrals:detail", args=[referral.reference]),
    ]:
        assert "Consent review due" not in spoc_client.get(url).content.decode()


def test_the_review_comes_due_as_time_passes(spoc_practitioner, person, monkeypatch):
    consent = record(person, spoc_practitioner)
    assert reviews_due([consent]) == []

    later = timezone.now() + dt.timedelta(days=185)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert reviews_due([consent]) == [consent]


def test_asking_again_clears_the_prompt(spoc_practitioner, person):
    old = record(person, spoc_practitioner, recorded_at=timezone.now() - dt.timedelta(days=200))
    assert reviews_due([old]) == [old]
    new = record(person, spoc_practitioner)
    assert reviews_due(list(Consent.objects.filter(person=person))) == []
    assert new.review_due > timezone.localdate()


# --- Withdrawal, honoured at once (PAR-2, SEC-1) ----------------------------------------------------


def test_withdrawing_treatment_consent_removes_access_at_once(
    client, spoc_practitioner, treatment_practitioner, treatment_org, person
):
    consent = record(person, spoc_practitioner)
    send(spoc_practitioner, person, treatment_org)
    client.force_login(treatment_practitioner)
    assert client.get(shared_url(person)).status_code == 200

    client.force_login(spoc_practitioner)
    response = client.post(withdraw_url(consent), {"reason": "Asked us to stop sharing, by phone today."})
    assert response.status_code == 302

    consent.refresh_from_db()
    assert consent.withdrawn_by == spoc_practitioner
    assert consent.withdrawal_reason == "Asked us to stop sharing, by phone today."
    client.force_login(treatment_practitioner)
    assert client.get(shared_url(person)).status_code == 404
    assert "Ó Briain-Nakamura" not in client.get(reverse("referrals:shared_people")).content.decode()


def test_withdrawal_keeps_access_while_another_lawful_basis_holds(
    spoc_practitioner, treatment_practitioner, treatment_org, person, client
):
    consent = record(person, spoc_practitioner)
    record(
        person,
        spoc_practitioner,
        given=False,
        lawful_basis=Basis.SAFEGUARDING,
        basis_note="Child protection plan: shared with the agreement of the safeguarding lead.",
    )
    send(spoc_practitioner, person, treatment_org)

    consent_services.consent_withdraw(consent=consent, by=spoc_practitioner, reason="Person asked")

    client.force_login(treatment_practitioner)
    assert client.get(shared_url(person)).status_code == 200


def test_a_later_no_for_treatment_removes_access_like_a_withdrawal(
    spoc_practitioner, treatment_practitioner, treatment_org, person, client
):
    record(person, spoc_practitioner)
    send(spoc_practitioner, person, treatment_org)

    record(person, spoc_practitioner, given=False)

    client.force_login(treatment_practitioner)
    assert client.get(shared_url(person)).status_code == 404


def test_withdrawing_needs_a_reason(spoc_client, spoc_practitioner, person):
    consent = record(person, spoc_practitioner)
    response = spoc_client.post(withdraw_url(consent), {"reason": "   "})
    assert response.status_code == 200
    assert str(WITHDRAWAL_REASON_REQUIRED) in response.content.decode()
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_a_no_cannot_be_withdrawn_and_a_withdrawal_not_repeated(spoc_practitioner, person):
    declined = record(person, spoc_practitioner, given=False)
    with pytest.raises(ValidationError):
        consent_services.consent_withdraw(consent=declined, by=spoc_practitioner, reason="x")
    given = record(person, spoc_practitioner)
    consent_services.consent_withdraw(consent=given, by=spoc_practitioner, reason="Person asked")
    with pytest.raises(ValidationError):
        consent_services.consent_withdraw(consent=given, by=spoc_practitioner, reason="Again")


def test_withdrawal_of_gp_consent_leaves_treatment_access_alone(
    spoc_practitioner, treatment_practitioner, treatment_org, person, client
):
    record(person, spoc_practitioner)
    gp = record(person, spoc_practitioner, recipient=Recipient.GP)
    send(spoc_practitioner, person, treatment_org)
    consent_services.consent_withdraw(consent=gp, by=spoc_practitioner, reason="Person asked")
    client.force_login(treatment_practitioner)
    assert client.get(shared_url(person)).status_code == 200


# --- Disclosures on the consent page (PAR-5) ----------------------------------------------------------


def test_the_consent_page_lists_every_disclosure(spoc_client, spoc_practitioner, treatment_org, person):
    record(person, spoc_practitioner)
    send(spoc_practitioner, person, treatment_org)

    html = spoc_client.get(consent_url(person)).content.decode()

    disclosure = Disclosure.objects.get(person=person)
    assert disclosure.to_organisation_name in html
    assert str(Disclosure.Dataset.TREATMENT_REFERRAL.label) in html
    assert "Cumbria Treatment Service (demo)" in html  # and it can see the shared record now


def test_disclosures_are_append_only(spoc_practitioner, treatment_org, person):
    record(person, spoc_practitioner)
    send(spoc_practitioner, person, treatment_org)
    disclosure = Disclosure.objects.get()
    with pytest.raises(ValueError):
        disclosure.save()
    with pytest.raises(ValueError):
        disclosure.delete()


# --- Who may use these pages --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["treatment_practitioner", "commissioner", "outsider", "hub_worker", "peer_worker"])
def test_people_without_access_to_the_person_get_not_found(client, spoc_practitioner, request, persona, person):
    consent = record(person, spoc_practitioner)
    client.force_login(request.getfixturevalue(persona))
    for url in [consent_url(person), consent_new_url(person), withdraw_url(consent)]:
        assert client.get(url).status_code == 404, url
    assert client.post(withdraw_url(consent), {"reason": "x"}).status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_a_treatment_practitioner_cannot_use_ers_consent_pages_even_for_a_shared_person(
    client, spoc_practitioner, treatment_practitioner, treatment_org, person
):
    consent = record(person, spoc_practitioner)
    send(spoc_practitioner, person, treatment_org)
    client.force_login(treatment_practitioner)
    for url in [consent_url(person), consent_new_url(person), withdraw_url(consent)]:
        assert client.get(url).status_code in (403, 404), url


def test_an_allocated_hub_worker_records_consent(client, spoc_practitioner, hub, hub_worker, person):
    referral = ReferralFactory(person=person)
    triage_services.triage_save_screening(
        referral=referral, by=spoc_practitioner, council_of_residence="cumberland", risk="green"
    )
    triage_services.triage_complete(referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.ERS)
    allocation_services.referral_allocate(referral=referral, hub=hub, worker=hub_worker, by=spoc_practitioner)
    assert Referral.objects.get(pk=referral.pk).status == Referral.Status.ALLOCATED

    client.force_login(hub_worker)
    assert client.get(consent_url(person)).status_code == 200
    response = client.post(consent_new_url(person), {"recipient": "gp", "given": "yes", "lawful_basis": "consent"})
    assert response.status_code == 302
    assert Consent.objects.get(person=person).recorded_by == hub_worker


@pytest.mark.parametrize("size", [1, 15])
def test_the_consent_page_costs_the_same_queries_however_much_is_recorded(
    spoc_client, spoc_practitioner, treatment_org, person, size, django_assert_max_num_queries
):
    for n in range(size):
        record(person, spoc_practitioner, recipient=Recipient.OTHER_AGENCY, agency_name=f"Agency {n}")
        record(person, spoc_practitioner, recipient=Recipient.GP, given=bool(n % 2))
    record(person, spoc_practitioner)
    send(spoc_practitioner, person, treatment_org)
    spoc_client.get(consent_url(person))  # warm the content-type cache
    # Session, user, device, membership, person, restriction check, consents, access-log row,
    # who can see it now (2), disclosures, savepoints and the session save; and the person
    # record's identity bar (the person's referrals, triage, hub and worker joined: one; open
    # safeguarding concerns for its alert: one).
    with django_assert_max_num_queries(19):
        response = spoc_client.get(consent_url(person))
    assert response.content.decode().count("Agency ") >= size


def test_sharing_grants_come_from_the_grants_module_only(spoc_practitioner, treatment_org, person):
    # The consent services never grant access themselves: only sending does, through grants.
    record(person, spoc_practitioner)
    assert organisations_shared_with(person=person) == []
    share_person_with_organisation(person=person, organisation=treatment_org, by=spoc_practitioner, reason="Test")
    assert organisations_shared_with(person=person) == [treatment_org]
    assert TreatmentReferral.objects.count() == 0


# --- Restriction of processing (PAR-6) ------------------------------------------------------


def _restrict(person):
    # Set directly: the restriction service is the data protection officer's, tested elsewhere.
    person.processing_restricted = True
    person.save(update_fields=["processing_restricted"])


def test_no_consent_is_recorded_while_processing_is_restricted(person, spoc_practitioner):
    _restrict(person)

    with pytest.raises(ProcessingRestricted):
        record(person, spoc_practitioner, recipient=Consent.Recipient.TREATMENT, given=True)
    assert not Consent.objects.filter(person=person).exists()


def test_consent_can_still_be_withdrawn_while_processing_is_restricted(person, spoc_practitioner):
    consent = record(person, spoc_practitioner, recipient=Consent.Recipient.TREATMENT, given=True)
    _restrict(person)

    consent_services.consent_withdraw(consent=consent, by=spoc_practitioner, reason="Asked us to stop")

    consent.refresh_from_db()
    assert consent.is_withdrawn
    assert consent.history.first().history_user == spoc_practitioner


def test_no_disclosure_is_logged_while_processing_is_restricted(person, spoc_practitioner, treatment_org):
    _restrict(person)

    with pytest.raises(ProcessingRestricted):
        consent_services.disclosure_record(
            person=person,
            by=spoc_practitioner,
            dataset=Disclosure.Dataset.ONWARD_REFERRAL,
            lawful_basis=Consent.LawfulBasis.CONSENT,
            to_organisation=treatment_org,
        )
    assert not Disclosure.objects.filter(person=person).exists()
