"""The authorisation matrix for POSTs (SEC-1): every page, every persona the matrix refuses
(tests/test_authorisation_matrix.py), posted to with a plausible form: the answer is a refusal
(403, 404, 405 for a page that takes no POST, or the sign-in page) and nothing is written.

The world is the matrix's: a referral allocated in Carlisle, a second hub (Kendal) with its own
manager, a peer worker with an allocation of their own, and a person shared with no other
organisation.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.urls import reverse

from tests.test_authorisation_matrix import (
    EXPECTED,
    FORBIDDEN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    PERSONAS,
    RECORDING_PERSONAS,
    SIGN_IN,
    STAFF,
    _outcome,
    every_page,
    world,  # noqa: F401 (the fixture)
)

# POST-only actions (405 to every GET): who may post, and what everyone else gets.
POST_ONLY_ALLOWED = {
    "referrals:assign": {"spoc_practitioner", "manager"},
    "referrals:subject_access_retry": {"data_protection_officer"},
    "logout": set(PERSONAS),
    "contacts:reenter": {"hub_worker", "manager"},
    "reporting:run_retry": {"manager", "other_hub_manager"},
    "safeguarding:incident_action_done": {"safeguarding_lead", "manager", "other_hub_manager"},
    "safeguarding:concern_action_done": {"hub_worker", "manager", "spoc_practitioner", "safeguarding_lead"},
    "safeguarding:complaint_response_approve": {"manager", "other_hub_manager"},
    "safeguarding:drug_alert_acknowledge": set(RECORDING_PERSONAS),
}
POST_ONLY_REFUSED = {
    # Re-entry is about Carlisle's person: another hub's staff get 404, as for no such person.
    "contacts:reenter": {"other_hub_manager": NOT_FOUND, "other_hub_worker": NOT_FOUND},
    # Kendal's manager is at the front door, but the referral is Carlisle's casework.
    "referrals:assign": {"other_hub_manager": NOT_FOUND},
    # Another hub's staff: the concern is about a person not theirs, as if it did not exist.
    "safeguarding:concern_action_done": {"other_hub_manager": NOT_FOUND, "other_hub_worker": NOT_FOUND},
    # A complaint is as if it did not exist for anyone who does not handle complaints.
    "safeguarding:complaint_response_approve": {
        p: NOT_FOUND for p in STAFF if p not in {"manager", "other_hub_manager"}
    },
    # So is an alert for anyone who does not receive alerts.
    "safeguarding:drug_alert_acknowledge": {p: NOT_FOUND for p in STAFF if p not in RECORDING_PERSONAS},
}
REFUSED = {FORBIDDEN, NOT_FOUND, SIGN_IN}
# Tables whose rows a refused request may add: the session and sign-in machinery.
NOT_RECORDS = {"sessions", "axes", "otp_totp", "otp_static", "django_otp", "admin"}


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label not in NOT_RECORDS and not model._meta.proxy
    }


def _payload(request, the_world) -> dict:
    """Fields most forms in the project read, filled in as an allowed user would: if a check
    were missing, a post like this would write something."""
    hub, worker = request.getfixturevalue("hub"), request.getfixturevalue("hub_worker")
    return {
        "reason": "A refused role must never get this far",
        "action": "new",
        "person": the_world.person.pk,
        "assignee": request.getfixturevalue("spoc_practitioner").pk,
        "hub": hub.pk,
        "worker": worker.pk,
        "recipient": "treatment",
        "given": "yes",
        "lawful_basis": "consent",
        "method": "phone",
        "outcome": "made_contact",
        "attempted_at_0": "1/12/2026",
        "attempted_at_1": "09:00",
        "priority": "urgent",
        "phone": "07700900999",
        "request_reference": "SAR-X",
        "status": "accepted",
    }


def _refusals(page_name: str) -> dict[str, object]:
    """persona -> the refusal the matrix gives them for this page (none for allowed ones)."""
    expected = EXPECTED[page_name]
    if page_name in POST_ONLY_ALLOWED:
        allowed = POST_ONLY_ALLOWED[page_name]
        refused = {p: FORBIDDEN for p in STAFF if p not in allowed}
        refused.update(POST_ONLY_REFUSED.get(page_name, {}))
        if "anonymous" not in allowed:
            refused["anonymous"] = SIGN_IN
        return refused
    return {persona: expected[persona] for persona in PERSONAS if expected[persona] in REFUSED}


def test_every_post_from_a_refused_persona_is_refused_and_writes_nothing(client, request, world):  # noqa: F811
    data = _payload(request, world)
    wrong, tried = [], 0
    for page in every_page():
        url = reverse(page.name, kwargs=world.kwargs(page))
        for persona, refusal in _refusals(page.name).items():
            client.logout()
            if persona != "anonymous":
                client.force_login(request.getfixturevalue(persona))
            before = _row_counts()
            got = _outcome(client.post(url, data))
            tried += 1
            if got not in (refusal, NOT_ALLOWED):
                wrong.append(f"POST {page.name} as {persona}: expected {refusal}, got {got}")
            written = {label: n - before[label] for label, n in _row_counts().items() if n != before[label]}
            if written:
                wrong.append(f"POST {page.name} as {persona} wrote {written}")
    assert tried > 400
    assert not wrong, "\n".join(wrong)


def test_a_post_only_action_is_refused_to_everyone_the_matrix_refuses(client, request, world):  # noqa: F811
    """Sanity for the table above: the allowed roles do get through."""
    client.force_login(request.getfixturevalue("manager"))
    response = client.post(
        reverse("referrals:assign", args=[world.referral.reference]),
        {"assignee": request.getfixturevalue("spoc_practitioner").pk},
    )
    assert response.status_code in (OK, 302)


# --- The manager's reach ----------------------------------------------------------------------


def test_a_manager_works_the_front_door_in_every_hub(client, other_hub_manager, db):
    from tests.factories import ReferralFactory

    client.force_login(other_hub_manager)
    waiting = ReferralFactory(subject_given_name="Sam", subject_family_name="Queue")
    assert "Queue" in client.get(reverse("referrals:queue")).content.decode()
    assert client.get(reverse("referrals:detail", args=[waiting.reference])).status_code == OK
    assert client.get(reverse("referrals:screening", args=[waiting.reference])).status_code == OK


@pytest.mark.parametrize(("persona", "expected"), [("manager", OK), ("other_hub_manager", NOT_FOUND)])
def test_a_manager_opens_casework_of_their_own_hub_only(client, request, world, persona, expected):  # noqa: F811
    """Carlisle's allocated referral, its person and their consent: Carlisle's manager opens
    them; Kendal's manager gets 404, as for a record that does not exist."""
    client.force_login(request.getfixturevalue(persona))
    for url in (
        reverse("referrals:detail", args=[world.referral.reference]),
        reverse("referrals:history", args=[world.referral.reference]),
        reverse("referrals:person", args=[world.person.reference]),
        reverse("referrals:consent", args=[world.person.reference]),
    ):
        assert client.get(url).status_code == expected, url


def test_the_peer_worker_opens_their_own_allocation_and_nothing_else(client, peer_worker, world):  # noqa: F811
    client.force_login(peer_worker)
    assert client.get(reverse("referrals:detail", args=[world.peer_referral.reference])).status_code == OK
    assert client.get(reverse("referrals:detail", args=[world.referral.reference])).status_code == NOT_FOUND


@pytest.mark.parametrize("name", ["referrals:shared_person", "referrals:shared_outcome"])
def test_the_treatment_service_gets_not_found_for_a_person_not_shared_with_it(
    client,
    treatment_practitioner,
    world,  # noqa: F811
    name,
):
    client.force_login(treatment_practitioner)
    kwargs = {"person_ref": world.unshared_person.reference}
    if name == "referrals:shared_outcome":
        kwargs["treatment_ref"] = world.treatment_referral.reference
    url = reverse(name, kwargs=kwargs)
    before = _row_counts()
    assert client.get(url).status_code == NOT_FOUND
    assert client.post(url, {"status": "accepted", "treatment_case_id": "T-1"}).status_code in (NOT_FOUND, NOT_ALLOWED)
    assert _row_counts() == before
