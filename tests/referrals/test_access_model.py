"""Who sees which referral and what of it (SEC-1, SEC-2): caseloads by grant, the hub view,
no safeguarding detail for peer workers, restricted referrals and breaking the glass."""

import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from partnership import grants
from partnership.models import AccessLog
from referrals import break_glass
from referrals.break_glass import BreakGlassRequired
from referrals.forms.access import REASON_TOO_LONG
from referrals.models import Consent, Triage
from referrals.selectors import referrals as selectors
from referrals.services import access as services_access
from referrals.services import allocation as allocation_services
from referrals.services import referrals as services
from referrals.services import treatment as services_treatment
from referrals.services import triage as triage_services
from referrals.services.consent import consent_record
from tests.factories import ReferralFactory

SCREENING_NOTE = "Told us about a recent overdose at home."
RISK_NOTE = "Lives with a partner who controls the money."
ESCALATION_NOTE = "Duty manager phoned the crisis team."


def allocate(referral, *, spoc, hub, worker):
    triage_services.triage_save_screening(
        referral=referral,
        by=spoc,
        council_of_residence="cumberland",
        risk=Triage.Risk.RED,
        risk_reasons=["overdose"],
        risk_notes=RISK_NOTE,
        screening_notes=SCREENING_NOTE,
    )
    triage_services.escalation_record(
        referral=referral,
        by=spoc,
        action="crisis_team",
        done_at=timezone.now(),
        done_by_name="Duty manager",
        notes=ESCALATION_NOTE,
    )
    triage_services.triage_complete(referral=referral, by=spoc, outcome=Triage.Outcome.ERS)
    allocation_services.referral_allocate(referral=referral, hub=hub, worker=worker, by=spoc)
    return referral


def detail(referral):
    return reverse("referrals:detail", args=[referral.reference])


def history(referral):
    return reverse("referrals:history", args=[referral.reference])


def break_glass_url(referral):
    return reverse("referrals:break_glass", args=[referral.reference])


def restriction_url(referral):
    return reverse("referrals:access_restriction", args=[referral.reference])


def page(response) -> str:
    return response.content.decode()


@pytest.fixture
def carlisle(spoc_practitioner, hub, hub_worker):
    """A referral allocated to the hub worker in Carlisle, linked to a person."""
    referral = allocate(
        ReferralFactory(subject_given_name="Morgan", subject_family_name="Fairweather"),
        spoc=spoc_practitioner,
        hub=hub,
        worker=hub_worker,
    )
    services.person_create_from_referral(referral=referral, by=spoc_practitioner)
    referral.refresh_from_db()
    return referral


# --- Caseloads ---------------------------------------------------------------------------------


def test_a_hub_worker_opens_a_colleagues_referral_in_their_hub(client, spoc_practitioner, hub, manager, hub_worker):
    colleagues = allocate(ReferralFactory(), spoc=spoc_practitioner, hub=hub, worker=manager)
    client.force_login(hub_worker)
    assert client.get(detail(colleagues)).status_code == 200
    assert colleagues.reference not in page(client.get(reverse("referrals:caseload")))
    assert colleagues.reference in page(client.get(reverse("referrals:hub_caseload")))


def test_a_hub_worker_in_another_hub_gets_not_found(client, carlisle, other_hub_worker):
    client.force_login(other_hub_worker)
    for url in [detail(carlisle), history(carlisle), reverse("referrals:person", args=[carlisle.person.reference])]:
        assert client.get(url).status_code == 404, url
    assert carlisle.reference not in page(client.get(reverse("referrals:hub_caseload")))


def test_a_peer_worker_sees_only_the_people_allocated_to_them(client, carlisle, spoc_practitioner, hub, peer_worker):
    theirs = allocate(ReferralFactory(), spoc=spoc_practitioner, hub=hub, worker=peer_worker)
    client.force_login(peer_worker)
    assert client.get(detail(carlisle)).status_code == 404
    assert client.get(detail(theirs)).status_code == 200
    assert client.get(reverse("referrals:hub_caseload")).status_code == 403


def test_reallocation_takes_the_page_away_from_the_old_worker_at_once(
    client, carlisle, spoc_practitioner, other_hub, hub_worker, other_hub_worker
):
    client.force_login(hub_worker)
    assert client.get(detail(carlisle)).status_code == 200
    allocation_services.referral_reallocate(
        referral=carlisle, hub=other_hub, worker=other_hub_worker, by=spoc_practitioner, reason="Moved"
    )
    assert client.get(detail(carlisle)).status_code == 404
    assert client.get(reverse("referrals:person", args=[carlisle.person.reference])).status_code == 404
    assert carlisle.reference not in page(client.get(reverse("referrals:caseload")))


def test_a_manager_sees_their_hub_caseload_with_who_holds_each(client, carlisle, manager, hub_worker):
    client.force_login(manager)
    response = client.get(reverse("referrals:hub_caseload"))
    assert response.status_code == 200
    assert carlisle.reference in page(response)
    assert escape(hub_worker.get_full_name()) in page(response)
    assert reverse("referrals:hub_caseload") in page(client.get(reverse("referrals:queue")))  # in the menu


def test_a_hub_worker_who_leaves_the_hub_group_stops_seeing_its_referrals_at_once(
    client, spoc_practitioner, hub, hub_worker, manager
):
    # Allocated to the manager, so the hub worker sees it only through the hub's group.
    referral = allocate(ReferralFactory(), spoc=spoc_practitioner, hub=hub, worker=manager)
    hub_group = grants.hub_group(hub.pk)
    assert hub_worker.groups.filter(pk=hub_group.pk).exists()
    assert list(selectors.hub_caseload_for(user=hub_worker)) == [referral]
    client.force_login(hub_worker)
    assert referral.reference in page(client.get(reverse("referrals:hub_caseload")))

    hub_worker.groups.remove(hub_group)

    # The same user object, no re-read: the group ids are looked up afresh every time.
    assert list(selectors.hub_caseload_for(user=hub_worker)) == []
    assert not selectors.referrals_visible_to(user=hub_worker).filter(pk=referral.pk).exists()
    assert referral.reference not in page(client.get(reverse("referrals:hub_caseload")))
    assert client.get(detail(referral)).status_code == 404


@pytest.mark.parametrize("persona", ["spoc_practitioner", "peer_worker", "treatment_practitioner", "commissioner"])
def test_the_hub_caseload_is_for_hub_teams_only(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("referrals:hub_caseload")).status_code == 403


@pytest.mark.parametrize("size", [1, 8])
def test_the_hub_caseload_takes_the_same_queries_whatever_its_size(
    client, spoc_practitioner, hub, hub_worker, manager, size, django_assert_max_num_queries
):
    for n in range(size):
        referral = allocate(ReferralFactory(), spoc=spoc_practitioner, hub=hub, worker=manager if n % 2 else hub_worker)
        services.person_create_from_referral(referral=referral, by=spoc_practitioner)
    client.force_login(hub_worker)
    # Session, user, second-factor device, membership, count(*), the page (workers joined, the
    # grant check a subquery), organisation (menu), the session save and the savepoints, and
    # the access-log row with its subject rows (one bulk insert).
    with django_assert_max_num_queries(
        15
    ):  # +1: _holds reads the permission id and the user's group ids first (benchmarks/README.md, hub caseload)
        response = client.get(reverse("referrals:hub_caseload"))
    assert page(response).count("/referrals/R-") == size


@pytest.mark.parametrize("size", [1, 10])
def test_a_hub_workers_referral_page_takes_the_same_queries_whatever_its_size(
    client, spoc_practitioner, hub, hub_worker, size, django_assert_max_num_queries
):
    referral = allocate(ReferralFactory(), spoc=spoc_practitioner, hub=hub, worker=hub_worker)
    for _ in range(size):
        triage_services.warm_introduction_record(
            referral=referral,
            by=spoc_practitioner,
            introduced_to="Sam",
            organisation="Housing",
            introduced_at=timezone.now(),
        )
    client.force_login(hub_worker)
    # Session, user, second-factor device, membership, the referral (its grant check a
    # subquery), one query per related list and the triage, the access-log row, the
    # break-glass openings the allocated worker is shown, targets, the menu's organisation,
    # onward referrals, the feedback on first contact, the session save and the savepoints:
    # none of them per row.
    with django_assert_max_num_queries(
        23
    ):  # +1: _holds reads the permission id and the user's group ids first (benchmarks/README.md, hub caseload)
        response = client.get(detail(referral))
    assert response.status_code == 200


# --- Peer workers never see safeguarding detail -------------------------------------------------


def test_a_peer_worker_sees_their_persons_referral_without_safeguarding_detail(
    client, spoc_practitioner, hub, peer_worker
):
    referral = allocate(ReferralFactory(), spoc=spoc_practitioner, hub=hub, worker=peer_worker)
    client.force_login(peer_worker)
    for url in [detail(referral), history(referral)]:
        content = page(client.get(url))
        for secret in [SCREENING_NOTE, RISK_NOTE, ESCALATION_NOTE, "Recent overdose or high overdose risk"]:
            assert secret not in content, (url, secret)
    assert "Red risk" in page(client.get(detail(referral)))  # the rating itself, for their safety


def test_a_peer_worker_does_not_see_the_risk_sent_to_treatment_in_the_history(
    client, spoc_practitioner, hub, peer_worker, treatment_org
):
    referral = ReferralFactory()
    person = services.person_create_from_referral(referral=referral, by=spoc_practitioner)
    triage_services.triage_save_screening(
        referral=referral,
        by=spoc_practitioner,
        council_of_residence="cumberland",
        risk=Triage.Risk.RED,
        risk_reasons=["overdose"],
    )
    triage_services.triage_complete(referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.BOTH)
    allocation_services.referral_allocate(referral=referral, hub=hub, worker=peer_worker, by=spoc_practitioner)
    consent = consent_record(person=person, by=spoc_practitioner, recipient=Consent.Recipient.TREATMENT, given=True)
    services_treatment.treatment_referral_send(
        treatment_referral=referral.treatment_referrals.get(),
        by=spoc_practitioner,
        organisation=treatment_org,
        consent=consent,
    )
    client.force_login(peer_worker)
    assert "Recent overdose or high overdose risk" not in page(client.get(history(referral)))
    assert "Recent overdose or high overdose risk" not in page(client.get(detail(referral)))


def test_a_hub_worker_sees_the_safeguarding_detail(client, carlisle, hub_worker):
    client.force_login(hub_worker)
    content = page(client.get(detail(carlisle)))
    for secret in [SCREENING_NOTE, RISK_NOTE, ESCALATION_NOTE]:
        assert secret in content
    assert RISK_NOTE in page(client.get(history(carlisle)))


# --- Restricted referrals ----------------------------------------------------------------------


@pytest.fixture
def restricted(carlisle, manager):
    services_access.referral_restrict(referral=carlisle, by=manager, reason="The person is a member of staff")
    carlisle.refresh_from_db()
    return carlisle


def test_a_manager_restricts_a_referral_with_who_when_and_why_in_the_history(carlisle, manager):
    services_access.referral_restrict(referral=carlisle, by=manager, reason="  Staff member's brother ")
    carlisle.refresh_from_db()
    assert carlisle.access_restricted
    assert carlisle.access_restricted_by == manager
    assert carlisle.access_restriction_reason == "Staff member's brother"
    record = carlisle.history.first()
    assert (record.history_user, record.history_change_reason) == (manager, "Access restricted")


@pytest.mark.parametrize("persona", ["spoc_practitioner", "hub_worker", "peer_worker", "commissioner"])
def test_only_managers_and_the_safeguarding_lead_restrict(request, carlisle, persona):
    with pytest.raises(PermissionDenied):
        services_access.referral_restrict(referral=carlisle, by=request.getfixturevalue(persona), reason="x")


def test_restricting_needs_a_reason_and_lifting_keeps_the_history(carlisle, safeguarding_lead):
    with pytest.raises(ValidationError) as excinfo:
        services_access.referral_restrict(referral=carlisle, by=safeguarding_lead, reason=" ")
    assert excinfo.value.message_dict == {"reason": [str(services_access.RESTRICT_REASON_REQUIRED)]}
    services_access.referral_restrict(referral=carlisle, by=safeguarding_lead, reason="Family of staff")
    with pytest.raises(ValidationError):
        services_access.referral_restrict(referral=carlisle, by=safeguarding_lead, reason="Again")
    services_access.referral_unrestrict(referral=carlisle, by=safeguarding_lead, reason="Staff member left")
    carlisle.refresh_from_db()
    assert not carlisle.access_restricted
    reasons = list(carlisle.history.values_list("history_change_reason", flat=True)[:2])
    assert reasons == ["Restriction lifted: Staff member left", "Access restricted"]


def test_the_allocated_worker_and_hub_team_open_a_restricted_referral_routinely(
    client, restricted, hub_worker, manager
):
    for user in (hub_worker, manager):
        client.force_login(user)
        response = client.get(detail(restricted))
        assert response.status_code == 200
        assert "restricted-notice" in page(response)


def test_the_front_door_outside_the_hub_must_give_a_reason_first(client, restricted, spoc_practitioner):
    client.force_login(spoc_practitioner)
    response = client.get(detail(restricted))
    assert response.status_code == 302
    assert response.url == f"{break_glass_url(restricted)}?next=%2Freferrals%2F{restricted.reference}%2F"
    form = client.get(response.url)
    assert form.status_code == 200
    assert restricted.subject_family_name not in page(form)
    assert not AccessLog.objects.filter(user=spoc_practitioner).exists()


def test_breaking_the_glass_is_logged_and_lets_the_session_in(client, restricted, spoc_practitioner):
    client.force_login(spoc_practitioner)
    response = client.post(
        f"{break_glass_url(restricted)}?next={history(restricted)}", {"reason": "Person in crisis on the phone"}
    )
    assert response.status_code == 302
    assert response.url == history(restricted)
    row = AccessLog.objects.get(action=AccessLog.Action.BREAK_GLASS)
    assert (row.user, row.object_id, row.person_id) == (spoc_practitioner, restricted.pk, restricted.person_id)
    assert row.reason == "Person in crisis on the phone"
    assert client.get(detail(restricted)).status_code == 200
    assert client.get(reverse("referrals:screening", args=[restricted.reference])).status_code == 200
    assert client.get(reverse("referrals:person", args=[restricted.person.reference])).status_code == 200


def test_the_break_glass_reason_is_required_and_limited(client, restricted, spoc_practitioner):
    client.force_login(spoc_practitioner)
    response = client.post(break_glass_url(restricted), {"reason": "   "})
    assert response.status_code == 200
    assert str(services_access.BREAK_GLASS_REASON_REQUIRED) in page(response)
    assert "govuk-error-summary" in page(response)
    response = client.post(break_glass_url(restricted), {"reason": "x" * 501})
    assert str(REASON_TOO_LONG % {"max": 500}) in page(response)
    assert "x" * 501 in page(response)  # what was typed is kept
    assert not AccessLog.objects.filter(action=AccessLog.Action.BREAK_GLASS).exists()
    assert client.get(detail(restricted)).status_code == 302


def test_break_glass_lasts_an_hour_and_only_this_session(client, restricted, spoc_practitioner, monkeypatch):
    client.force_login(spoc_practitioner)
    client.post(break_glass_url(restricted), {"reason": "Duty call"})
    assert client.get(detail(restricted)).status_code == 200
    later = time.time() + break_glass.BREAK_GLASS_SECONDS + 1
    monkeypatch.setattr(break_glass.time, "time", lambda: later)
    assert client.get(detail(restricted)).status_code == 302
    monkeypatch.undo()

    client.post(break_glass_url(restricted), {"reason": "Duty call again"})
    assert client.get(detail(restricted)).status_code == 200
    client.logout()  # signing out ends the session, and the break-glass with it
    client.force_login(spoc_practitioner)
    assert client.get(detail(restricted)).status_code == 302


def test_the_allocated_worker_sees_who_broke_the_glass_when_and_why(client, restricted, spoc_practitioner, hub_worker):
    client.force_login(spoc_practitioner)
    client.post(break_glass_url(restricted), {"reason": "Safeguarding call from the police"})
    client.force_login(hub_worker)
    content = page(client.get(detail(restricted)))
    assert "break-glass-openings" in content
    assert "Safeguarding call from the police" in content
    assert escape(spoc_practitioner.get_full_name()) in content


def test_the_queue_shows_restricted_instead_of_the_name(client, spoc_practitioner, manager, hub):
    waiting = ReferralFactory(subject_given_name="Rowan", subject_family_name="Hidden")
    services_access.referral_restrict(referral=waiting, by=manager, reason="Staff member")
    client.force_login(spoc_practitioner)
    content = page(client.get(reverse("referrals:queue")))
    assert waiting.reference in content
    assert "Hidden" not in content
    assert "Restricted" in content


def test_the_safeguarding_lead_restricts_by_reference_without_seeing_the_referral(client, carlisle, safeguarding_lead):
    client.force_login(safeguarding_lead)
    response = client.get(restriction_url(carlisle))
    assert response.status_code == 200
    assert carlisle.subject_family_name not in page(response)
    response = client.post(restriction_url(carlisle), {"reason": "Relative of a manager"})
    assert response.status_code == 302
    carlisle.refresh_from_db()
    assert carlisle.access_restricted
    assert client.get(detail(carlisle)).status_code == 404  # still no referral pages


def test_a_manager_restricts_and_lifts_from_the_referral_page(client, carlisle, manager):
    client.force_login(manager)
    assert restriction_url(carlisle) in page(client.get(detail(carlisle)))
    response = client.post(restriction_url(carlisle), {"reason": ""})
    assert str(services_access.RESTRICT_REASON_REQUIRED) in page(response)
    assert client.post(restriction_url(carlisle), {"reason": "Staff member"}).url == detail(carlisle)
    assert "Lift the restriction" in page(client.get(detail(carlisle)))
    response = client.post(restriction_url(carlisle), {"reason": "y" * 81})
    assert str(REASON_TOO_LONG % {"max": 80}) in page(response)
    client.post(restriction_url(carlisle), {"reason": "No longer needed"})
    carlisle.refresh_from_db()
    assert not carlisle.access_restricted


@pytest.mark.parametrize("persona", ["spoc_practitioner", "hub_worker", "peer_worker", "treatment_practitioner"])
def test_others_may_not_use_the_restriction_page(client, request, carlisle, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(restriction_url(carlisle)).status_code == 403


def test_caseworkers_cannot_break_the_glass(client, restricted, other_hub_worker):
    client.force_login(other_hub_worker)
    assert client.get(break_glass_url(restricted)).status_code == 403
    assert client.get(detail(restricted)).status_code == 404


def test_break_glass_on_an_open_referral_just_goes_to_it(client, carlisle, spoc_practitioner):
    client.force_login(spoc_practitioner)
    response = client.get(break_glass_url(carlisle))
    assert (response.status_code, response.url) == (302, detail(carlisle))


def test_break_glass_never_sends_anyone_to_another_site(client, restricted, spoc_practitioner):
    client.force_login(spoc_practitioner)
    response = client.post(f"{break_glass_url(restricted)}?next=https://evil.example/", {"reason": "Duty"})
    assert response.url == detail(restricted)


def test_without_the_middleware_a_restricted_referral_is_refused(restricted, spoc_practitioner):
    """The rule fails closed: the selector's exception is a PermissionDenied."""
    with pytest.raises(BreakGlassRequired) as excinfo:
        selectors.referral_get_for(user=spoc_practitioner, reference=restricted.reference, purpose="")
    assert isinstance(excinfo.value, PermissionDenied)


def test_a_closed_restricted_referral_stays_restricted_and_readable_to_its_worker(
    client, restricted, spoc_practitioner, hub_worker
):
    allocation_services.referral_close(referral=restricted, by=spoc_practitioner, reason="Done")
    client.force_login(spoc_practitioner)
    assert client.get(detail(restricted)).status_code == 302
    client.force_login(hub_worker)
    assert client.get(detail(restricted)).status_code == 200
