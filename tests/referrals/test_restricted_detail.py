"""Restricted records stay restricted everywhere (SEC-1, roles table).

- A person behind a restriction is not named, counted or logged as viewed by the duplicate
  check or the referral page of a referral linked to them; the way in is break-glass.
- One rule (``partnership.access.may_see``) decides which fields are safeguarding or
  restriction detail and who sees them; the referral page, the history page, the consent page
  and the records export all ask it.
"""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.urls import reverse

from partnership.access import Audience, Detail, _detail, may_see, sees_detail
from partnership.models import AccessLog, Role
from referrals.data_rights import records_export as rx
from referrals.data_rights import records_import as rxi
from referrals.data_rights import services as data_rights
from referrals.models import Consent, Person, Triage
from referrals.services import access as access_services
from referrals.services import allocation as allocation_services
from referrals.services import consent as consent_services
from referrals.services import referrals as services
from referrals.services import triage as triage_services
from tests.factories import ReferralFactory
from tests.referrals import data_rights_state as state

RESTRICTION_REASON = "Brother-in-law of a member of staff"
LIFT_REASON = "Brother-in-law has left the service"
BASIS_NOTE = "Child at home disclosed bruising to the school nurse"
PROCESSING_REASON = "Disputes the accuracy of the overdose record"


def _allocated(spoc, hub, worker, **names):
    referral = ReferralFactory(subject_date_of_birth=None, **names)
    person = services.person_create_from_referral(referral=referral, by=spoc)
    triage_services.triage_save_screening(
        referral=referral, by=spoc, council_of_residence="cumberland", risk=Triage.Risk.GREEN
    )
    triage_services.triage_complete(referral=referral, by=spoc, outcome=Triage.Outcome.ERS)
    allocation_services.referral_allocate(referral=referral, hub=hub, worker=worker, by=spoc)
    referral.refresh_from_db()
    return referral, person


# --- A referral linked to a restricted person ---------------------------------------------------


@pytest.fixture
def linked_to_restricted(spoc_practitioner, manager, hub, hub_worker):
    """Morgan's first referral is restricted (allocated in Carlisle); a second referral, not
    restricted, has been linked to Morgan by the Carlisle team, who may see them."""
    restricted, person = _allocated(
        spoc_practitioner, hub, hub_worker, subject_given_name="Morgan", subject_family_name="Fairweather"
    )
    person.date_of_birth = None
    access_services.referral_restrict(referral=restricted, by=manager, reason=RESTRICTION_REASON)
    second = ReferralFactory(subject_given_name="M.", subject_family_name="F.", subject_date_of_birth=None)
    services.referral_link_person(referral=second, person=person, by=manager)
    second.refresh_from_db()
    restricted.refresh_from_db()
    return second, restricted, person


def _person_views(user, person) -> int:
    return AccessLog.objects.filter(
        user=user, action=AccessLog.Action.VIEW, object_type="referrals.person", object_id=person.pk
    ).count()


def test_the_duplicate_check_does_not_name_a_linked_person_behind_a_restriction(
    client, spoc_practitioner, linked_to_restricted
):
    second, restricted, person = linked_to_restricted
    client.force_login(spoc_practitioner)
    html = client.get(reverse("referrals:match", args=[second.reference])).content.decode()
    assert "Fairweather" not in html
    assert "other referral" not in html
    assert reverse("referrals:person", args=[person.reference]) not in html
    assert "a person record you need a reason to open" in html
    assert reverse("referrals:break_glass", args=[restricted.reference]) in html
    assert _person_views(spoc_practitioner, person) == 0


def test_opening_the_linked_person_from_the_duplicate_check_is_break_glass(
    client, spoc_practitioner, linked_to_restricted
):
    second, restricted, person = linked_to_restricted
    client.force_login(spoc_practitioner)
    match = reverse("referrals:match", args=[second.reference])
    client.post(
        reverse("referrals:break_glass", args=[restricted.reference]) + f"?next={match}", {"reason": "On the phone"}
    )
    assert AccessLog.objects.filter(
        user=spoc_practitioner, action=AccessLog.Action.BREAK_GLASS, reason="On the phone"
    ).exists()
    html = client.get(match).content.decode()
    assert "Morgan Fairweather" in html
    assert _person_views(spoc_practitioner, person) == 1


def test_the_referral_page_does_not_name_a_linked_person_behind_a_restriction(
    client, spoc_practitioner, manager, linked_to_restricted
):
    second, restricted, person = linked_to_restricted
    client.force_login(spoc_practitioner)
    html = client.get(reverse("referrals:detail", args=[second.reference])).content.decode()
    assert "Morgan Fairweather" not in html
    assert reverse("referrals:break_glass", args=[restricted.reference]) in html
    # Their team, who open the restricted referral routinely, see who it is.
    client.force_login(manager)
    assert "Morgan Fairweather" in client.get(reverse("referrals:detail", args=[second.reference])).content.decode()


def test_the_history_page_leaves_out_the_person_history_of_someone_behind_a_restriction(
    client, spoc_practitioner, linked_to_restricted
):
    second, _restricted, _person = linked_to_restricted
    client.force_login(spoc_practitioner)
    html = client.get(reverse("referrals:history", args=[second.reference])).content.decode()
    assert "Fairweather" not in html


# --- Restriction detail: why a record is restricted ----------------------------------------------


@pytest.fixture
def peers_restricted_referral(spoc_practitioner, manager, hub, peer_worker):
    referral, person = _allocated(spoc_practitioner, hub, peer_worker)
    access_services.referral_restrict(referral=referral, by=manager, reason=RESTRICTION_REASON)
    access_services.referral_unrestrict(referral=referral, by=manager, reason=LIFT_REASON)
    access_services.referral_restrict(referral=referral, by=manager, reason=RESTRICTION_REASON)
    referral.refresh_from_db()
    return referral


def test_a_peer_workers_history_page_hides_the_restriction_reason_their_referral_page_hides(
    client, peer_worker, peers_restricted_referral
):
    referral = peers_restricted_referral
    client.force_login(peer_worker)
    page = client.get(reverse("referrals:detail", args=[referral.reference])).content.decode()
    history = client.get(reverse("referrals:history", args=[referral.reference])).content.decode()
    assert RESTRICTION_REASON not in page
    assert RESTRICTION_REASON not in history
    assert LIFT_REASON not in history  # the change reason that explains the change
    assert "Access restricted" in history  # that it changed is not hidden


def test_those_who_restrict_see_the_reason_in_the_history(client, manager, peers_restricted_referral):
    client.force_login(manager)
    history = client.get(reverse("referrals:history", args=[peers_restricted_referral.reference])).content.decode()
    assert RESTRICTION_REASON in history
    assert LIFT_REASON in history


def test_the_history_page_hides_why_processing_is_restricted(
    client, spoc_practitioner, hub, hub_worker, data_protection_officer
):
    referral, person = _allocated(spoc_practitioner, hub, hub_worker)
    data_rights.processing_restrict(person=person, by=data_protection_officer, reason=PROCESSING_REASON)
    client.force_login(hub_worker)
    history = client.get(reverse("referrals:history", args=[referral.reference])).content.decode()
    assert PROCESSING_REASON not in history


# --- Safeguarding detail -------------------------------------------------------------------------


@pytest.fixture
def safeguarding_basis(spoc_practitioner, hub, peer_worker):
    referral, person = _allocated(spoc_practitioner, hub, peer_worker)
    consent_services.consent_record(
        person=person,
        by=spoc_practitioner,
        recipient=Consent.Recipient.TREATMENT,
        given=False,
        lawful_basis=Consent.LawfulBasis.SAFEGUARDING,
        basis_note=BASIS_NOTE,
    )
    return person


def test_a_peer_workers_consent_page_hides_the_safeguarding_basis_note(client, peer_worker, safeguarding_basis):
    client.force_login(peer_worker)
    html = client.get(reverse("referrals:consent", args=[safeguarding_basis.reference])).content.decode()
    assert "Safeguarding a child or an adult at risk" in html  # the basis itself is shown
    assert BASIS_NOTE not in html


def test_the_front_door_sees_the_safeguarding_basis_note(client, spoc_practitioner, safeguarding_basis):
    client.force_login(spoc_practitioner)
    assert BASIS_NOTE in client.get(reverse("referrals:consent", args=[safeguarding_basis.reference])).content.decode()


def test_a_records_export_for_another_organisation_holds_no_safeguarding_detail(
    spoc_practitioner, hub, hub_worker, treatment_org, data_protection_officer
):
    record = state.build(spoc=spoc_practitioner, hub=hub, hub_worker=hub_worker, treatment_org=treatment_org)
    consent_services.consent_record(
        person=record.person,
        by=spoc_practitioner,
        recipient=Consent.Recipient.GP,
        given=False,
        lawful_basis=Consent.LawfulBasis.SAFEGUARDING,
        basis_note=BASIS_NOTE,
    )
    data, _ = rxi.read_zip(rx.records_export(by=data_protection_officer, organisation=treatment_org).content)
    text = json.dumps(data, ensure_ascii=False)
    for detail in (state.RISK_NOTE, state.ESCALATION_NOTE, BASIS_NOTE):
        assert detail not in text, detail
    assert data["records"]["referrals.escalation"] == []
    assert state.GIVEN in text  # the record itself travels
    # The service's own copy (and an incoming provider's) is the whole record.
    whole = json.dumps(rxi.read_zip(rx.records_export(by=data_protection_officer).content)[0], ensure_ascii=False)
    for detail in (state.RISK_NOTE, state.ESCALATION_NOTE, BASIS_NOTE):
        assert detail in whole, detail


# --- The rule itself -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "safeguarding", "restriction"),
    [
        (Role.SPOC_PRACTITIONER, True, False),
        (Role.HUB_WORKER, True, False),
        (Role.PEER_WORKER, False, False),
        (Role.MANAGER, True, True),
        (Role.SAFEGUARDING_LEAD, True, True),
        (Role.DATA_PROTECTION_OFFICER, False, True),
        (Role.TREATMENT_PRACTITIONER, False, False),
        (Role.COMMISSIONER, False, False),
    ],
)
def test_who_sees_each_kind_of_detail(db, role, safeguarding, restriction):
    from tests.factories import UserFactory

    user = UserFactory(username=f"detail-{role}", membership__role=role)
    assert sees_detail(user, Detail.SAFEGUARDING) is safeguarding
    assert sees_detail(user, Detail.RESTRICTION) is restriction


def test_exports_to_another_organisation_see_no_detail_and_the_person_and_a_successor_see_all():
    for kind in Detail:
        assert not sees_detail(Audience.PARTNER_ORGANISATION, kind)
        assert sees_detail(Audience.DATA_SUBJECT, kind)
        assert sees_detail(Audience.INCOMING_PROVIDER, kind)


def test_the_declared_detail_fields_exist_and_ordinary_fields_are_not_detail(db):
    for (model, name), _kind in _detail.items():
        model_class = apps.get_model(model)
        if name != "*":
            model_class._meta.get_field(name)
    assert may_see(Audience.PARTNER_ORGANISATION, "referrals.person", "given_name")
    assert not may_see(Audience.PARTNER_ORGANISATION, "referrals.escalation", "action")
    for model, name in [
        ("referrals.triage", "risk_notes"),
        ("referrals.triage", "screening_notes"),
        ("referrals.triage", "risk_reasons"),
        ("referrals.consent", "basis_note"),
        ("referrals.escalation", "notes"),
        ("referrals.referral", "access_restriction_reason"),
        ("referrals.person", "processing_restriction_reason"),
    ]:
        assert not may_see(Audience.PARTNER_ORGANISATION, model, name), (model, name)
    assert Person._meta.get_field("processing_restriction_reason")


def test_the_subject_access_export_asks_the_rule_and_holds_everything_for_the_person(
    spoc_practitioner, hub, hub_worker, treatment_org
):
    from referrals.data_rights.collect import collect

    record = state.build(spoc=spoc_practitioner, hub=hub, hub_worker=hub_worker, treatment_org=treatment_org)

    def text(audience) -> str:
        sections = collect(record.person, audience=audience)
        return json.dumps([(s.records, s.history) for s in sections], ensure_ascii=False, default=str)

    for_the_person = text(Audience.DATA_SUBJECT)
    assert state.RISK_NOTE in for_the_person and state.ESCALATION_NOTE in for_the_person
    for_a_partner = text(Audience.PARTNER_ORGANISATION)
    assert state.RISK_NOTE not in for_a_partner and state.ESCALATION_NOTE not in for_a_partner
