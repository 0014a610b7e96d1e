"""Naming who handles a complaint's current stage (SAF-4, §3.17.4 "named roles or positions
responsible at each stage"): the page linked from the complaint, the change on the complaint's
page and in its history, two managers at once (SEC-5), a complaint escalated while the page was
open, only managers named and only managers naming, and a fixed number of queries."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import escape

from common.audit import ProcessingRestricted
from referrals.data_rights import services as data_rights
from safeguarding import forms_complaints as f
from safeguarding import services_complaints as services
from safeguarding.models import Complaint, ComplaintStage
from tests.factories import PersonFactory
from tests.safeguarding.complaint_state import public_complaint, recorded_complaint

pytestmark = pytest.mark.django_db


def _url(name, complaint):
    return reverse(name, kwargs={"complaint_ref": complaint.reference})


def _form(client, complaint) -> dict:
    """The handler page's hidden fields as loaded now."""
    html = client.get(_url("safeguarding:complaint_stage_assign", complaint)).content.decode()
    version = html.split('name="version" value="')[1].split('"')[0]
    stage = html.split('name="stage" value="')[1].split('"')[0]
    return {"version": version, "stage": stage}


def _name(user) -> str:
    return user.get_full_name()


def test_a_manager_names_who_handles_the_stage_from_the_complaint_page(client, manager, other_hub_manager):
    complaint = public_complaint()
    client.force_login(manager)
    detail = client.get(_url("safeguarding:complaint", complaint)).content.decode()
    assert _url("safeguarding:complaint_stage_assign", complaint) in detail
    assert "Not named yet" in detail
    page = client.get(_url("safeguarding:complaint_stage_assign", complaint)).content.decode()
    # Only managers are offered; a fresh page shows no "someone else changed this" banner.
    assert _name(other_hub_manager) in page and _name(manager) in page
    assert "Someone else changed this" not in page
    response = client.post(
        _url("safeguarding:complaint_stage_assign", complaint),
        {**_form(client, complaint), "handler": other_hub_manager.pk},
    )
    assert response.status_code == 302 and response.url == _url("safeguarding:complaint", complaint)
    assert services.current_stage(complaint).handler == other_hub_manager
    detail = client.get(response.url).content.decode()
    handled = detail.split('id="stage-handler"')[1].split("</div>")[0]
    assert _name(other_hub_manager) in handled
    history = detail.split('id="complaint-history"')[1].split("</ul>")[0]
    assert f"Stage 1: local resolution handled by {_name(other_hub_manager)} ({_name(manager)})" in history
    # Saved through the audited write, with who and why.
    row = ComplaintStage.history.filter(handler=other_hub_manager).get()
    assert row.history_user == manager and row.history_change_reason == "Complaint handler named"


def test_reassigning_keeps_each_handler_in_the_history(client, manager, other_hub_manager):
    complaint = public_complaint()
    client.force_login(manager)
    url = _url("safeguarding:complaint_stage_assign", complaint)
    client.post(url, {**_form(client, complaint), "handler": manager.pk})
    page = client.get(url).content.decode()
    assert f'<option value="{manager.pk}" selected>' in page  # the current handler is chosen
    client.post(url, {**_form(client, complaint), "handler": other_hub_manager.pk})
    client.post(url, {**_form(client, complaint), "handler": ""})
    assert services.current_stage(complaint).handler is None
    history = client.get(_url("safeguarding:complaint", complaint)).content.decode()
    history = history.split('id="complaint-history"')[1].split("</ul>")[0]
    first = history.index(f"handled by {_name(manager)}")
    second = history.index(f"handled by {_name(other_hub_manager)}")
    cleared = history.index("no one named to handle it")
    assert first < second < cleared


def test_two_managers_at_once_the_second_is_shown_the_first_ones_choice(client, manager, other_hub_manager):
    complaint = public_complaint()
    client.force_login(manager)
    loaded = _form(client, complaint)
    services.complaint_stage_assign(stage=services.current_stage(complaint), by=other_hub_manager, handler=manager)
    url = _url("safeguarding:complaint_stage_assign", complaint)
    refused = client.post(url, {**loaded, "handler": other_hub_manager.pk})
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Someone else changed this while you were editing it" in page
    assert f"Changed by {_name(other_hub_manager)}" in page
    assert f'<option value="{other_hub_manager.pk}" selected>' in page  # what they chose is kept
    assert services.current_stage(complaint).handler == manager
    # Having read it, saving again keeps theirs.
    version = page.split('name="version" value="')[1].split('"')[0]
    again = client.post(url, {**loaded, "version": version, "handler": other_hub_manager.pk})
    assert again.status_code == 302
    assert services.current_stage(complaint).handler == other_hub_manager


def test_a_complaint_escalated_while_the_page_was_open_is_not_given_a_handler_unread(
    client, manager, other_hub_manager
):
    complaint = public_complaint()
    client.force_login(manager)
    loaded = _form(client, complaint)
    services.complaint_escalate(complaint=complaint, by=other_hub_manager, reason="Serious")
    url = _url("safeguarding:complaint_stage_assign", complaint)
    refused = client.post(url, {**loaded, "handler": manager.pk})
    page = refused.content.decode()
    assert refused.status_code == 200
    message = f.STAGE_MOVED_ON % {"stage": Complaint.Stage.FORMAL_INVESTIGATION.label}
    assert escape(message) in page
    assert not ComplaintStage.objects.filter(handler__isnull=False).exists()
    # The page now carries the stage it is at: saving again names the new stage's handler.
    stage = page.split('name="stage" value="')[1].split('"')[0]
    version = page.split('name="version" value="')[1].split('"')[0]
    assert stage == Complaint.Stage.FORMAL_INVESTIGATION
    assert client.post(url, {"stage": stage, "version": version, "handler": manager.pk}).status_code == 302
    complaint.refresh_from_db()
    assert services.current_stage(complaint).handler == manager
    assert complaint.stages.get(stage=Complaint.Stage.LOCAL_RESOLUTION).handler is None


def test_someone_who_is_not_a_manager_cannot_be_named(client, manager, hub_worker):
    complaint = public_complaint()
    client.force_login(manager)
    url = _url("safeguarding:complaint_stage_assign", complaint)
    response = client.post(url, {**_form(client, complaint), "handler": hub_worker.pk})
    assert response.status_code == 200 and escape(str(f.HANDLER_NOT_OFFERED)) in response.content.decode()
    for nonsense in ("not-a-number", "99999999999999999999"):
        response = client.post(url, {**_form(client, complaint), "handler": nonsense})
        assert response.status_code == 200 and escape(str(f.HANDLER_NOT_OFFERED)) in response.content.decode()
    # The service refuses too, whoever calls it, for a stage and on escalation.
    with pytest.raises(ValidationError) as refused:
        services.complaint_stage_assign(stage=services.current_stage(complaint), by=manager, handler=hub_worker)
    assert refused.value.message_dict == {"handler": [str(services.NOT_A_HANDLER)]}
    with pytest.raises(ValidationError):
        services.complaint_escalate(complaint=complaint, by=manager, reason="Serious", handler=hub_worker)
    assert not ComplaintStage.objects.filter(handler__isnull=False).exists()
    complaint.refresh_from_db()
    assert complaint.stage == Complaint.Stage.LOCAL_RESOLUTION


def test_a_closed_or_withdrawn_complaint_is_not_given_a_handler(client, manager):
    complaint = recorded_complaint(manager)
    services.complaint_withdraw(complaint=complaint, by=manager, reason="Sorted out on the phone")
    client.force_login(manager)
    detail = client.get(_url("safeguarding:complaint", complaint)).content.decode()
    assert _url("safeguarding:complaint_stage_assign", complaint) not in detail
    url = _url("safeguarding:complaint_stage_assign", complaint)
    response = client.post(url, {**_form(client, complaint), "handler": manager.pk})
    assert escape(str(services.FINISHED_NOT_ASSIGNED)) in response.content.decode()
    assert services.current_stage(complaint).handler is None


def test_an_earlier_stage_is_not_given_a_handler(manager):
    complaint = recorded_complaint(manager)
    first = services.current_stage(complaint)
    services.complaint_escalate(complaint=complaint, by=manager, reason="Serious")
    first.complaint.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.complaint_stage_assign(stage=first, by=manager, handler=manager)
    assert refused.value.messages == [str(services.NOT_CURRENT_STAGE)]


def test_a_complaint_about_a_restricted_person_is_not_changed(manager, data_protection_officer):
    person = PersonFactory()
    complaint = recorded_complaint(manager, person=person)
    data_rights.processing_restrict(person=person, by=data_protection_officer, reason="Accuracy contested")
    with pytest.raises(ProcessingRestricted):
        services.complaint_stage_assign(stage=services.current_stage(complaint), by=manager, handler=manager)
    assert services.current_stage(complaint).handler is None


@pytest.mark.parametrize(
    "persona", ["spoc_practitioner", "hub_worker", "peer_worker", "safeguarding_lead", "commissioner", "outsider"]
)
def test_only_managers_name_a_handler(client, request, manager, persona):
    complaint = recorded_complaint(manager)
    user = request.getfixturevalue(persona)
    client.force_login(user)
    url = _url("safeguarding:complaint_stage_assign", complaint)
    assert client.get(url).status_code == 404
    posted = {"stage": complaint.stage, "version": "", "handler": manager.pk}
    assert client.post(url, posted).status_code == 404
    with pytest.raises(PermissionDenied):
        services.complaint_stage_assign(stage=services.current_stage(complaint), by=user, handler=manager)
    assert services.current_stage(complaint).handler is None


def test_the_complaint_page_costs_the_same_queries_however_long_its_history(
    client, manager, other_hub_manager, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    complaint = public_complaint()
    client.force_login(manager)
    url = _url("safeguarding:complaint", complaint)
    client.get(url)  # the session and the banner's cache warm up
    with CaptureQueriesContext(connection) as short:
        client.get(url)
    for handler in [manager, other_hub_manager] * 4:
        services.complaint_stage_assign(stage=services.current_stage(complaint), by=manager, handler=handler)
    services.complaint_escalate(complaint=complaint, by=manager, reason="Serious", handler=other_hub_manager)
    with django_assert_max_num_queries(len(short)):
        page = client.get(url).content.decode()
    assert page.count("handled by") == 9
