"""Recovery plans (PLN-1), reviews and review prompts (PLN-2), the person's printed copy, and
the plan's part of the person record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from partnership.models import AccessLog
from recovery_plans import person_record
from recovery_plans.models import PlanAction, PlanGoal, RecoveryPlan, ReviewPrompt
from recovery_plans.services import directory as directory_services
from recovery_plans.services import plans as services
from tests.recovery_plans.conftest import allocated_person

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _overview(person):
    return reverse("recovery_plans:overview", kwargs={"person_ref": person.reference})


def test_a_new_plan_replaces_the_current_one_which_stays_readable(plan, person, hub_worker, client):
    new = services.plan_create(person=person, by=hub_worker, review_due=TODAY() + dt.timedelta(days=7))
    plan.refresh_from_db()
    assert plan.status == RecoveryPlan.Status.REPLACED and plan.replaced_at is not None
    assert new.replaces == plan and new.status == RecoveryPlan.Status.CURRENT
    client.force_login(hub_worker)
    page = client.get(reverse("recovery_plans:earlier", kwargs={"person_ref": person.reference, "plan_pk": plan.pk}))
    assert "I want to see my kids every weekend" in page.content.decode()
    with pytest.raises(ValidationError) as error:
        services.plan_goal_add(plan=plan, by=hub_worker, in_own_words="Too late")
    assert error.value.messages == [str(services.PLAN_NOT_CURRENT)]


def test_agreement_says_how_the_person_agreed(plan, hub_worker):
    with pytest.raises(ValidationError):
        services.plan_agreement_record(plan=plan, by=hub_worker, agreed_by_person=True, review_due=plan.review_due)
    services.plan_agreement_record(
        plan=plan,
        by=hub_worker,
        agreed_by_person=True,
        agreed_how="in_person_signed",
        agreed_on=TODAY(),
        review_due=plan.review_due,
    )
    plan.refresh_from_db()
    assert plan.agreed_by_person and plan.get_agreed_how_display() == "In person, signed"


def test_an_action_has_one_owner_a_worker_in_the_hub_a_partner_or_the_person(
    plan, hub_worker, manager, other_hub_worker
):
    entry = directory_services.directory_entry_create(by=manager, name="Step Ahead", kind="employment", offer="CVs")
    to_partner = services.plan_action_add(
        plan=plan, by=hub_worker, description="CV workshop", owner="partner", owner_partner=entry, target_date=TODAY()
    )
    assert to_partner.owner_name == "Step Ahead"
    to_worker = services.plan_action_add(
        plan=plan, by=hub_worker, description="Check in", owner="worker", owner_worker=hub_worker, target_date=TODAY()
    )
    assert to_worker.owner_worker == hub_worker
    with pytest.raises(ValidationError):
        services.plan_action_add(plan=plan, by=hub_worker, description="x", owner="worker", target_date=TODAY())
    with pytest.raises(ValidationError):
        services.plan_action_add(
            plan=plan,
            by=hub_worker,
            description="x",
            owner="worker",
            owner_worker=other_hub_worker,
            target_date=TODAY(),
        )
    directory_services.directory_entry_update(entry=entry, by=manager, active=False)
    with pytest.raises(ValidationError):
        services.plan_action_add(
            plan=plan, by=hub_worker, description="x", owner="partner", owner_partner=entry, target_date=TODAY()
        )


def test_only_hub_workers_and_managers_of_the_persons_hub_write_plans(
    plan, person, peer_worker, other_hub_worker, other_hub_manager, spoc_practitioner, manager
):
    for user in (peer_worker, other_hub_worker, other_hub_manager, spoc_practitioner):
        with pytest.raises(PermissionDenied):
            services.plan_goal_add(plan=plan, by=user, in_own_words="Not theirs")
    services.plan_goal_add(plan=plan, by=manager, in_own_words="The manager may")


def test_achieving_a_goal_prompts_a_review_until_one_is_recorded(plan, person, hub_worker, client):
    goal = plan.goals.get()
    services.plan_goal_achieve(goal=goal, by=hub_worker)
    prompt = ReviewPrompt.objects.get(person=person)
    assert prompt.trigger == ReviewPrompt.Trigger.GOAL_COMPLETED and prompt.raised_by == hub_worker
    client.force_login(hub_worker)
    assert 'id="review-prompts"' in client.get(_overview(person)).content.decode()
    review = services.plan_review_record(
        plan=plan,
        by=hub_worker,
        reviewed_on=TODAY(),
        what_changed="Moved flat",
        goals_progress="One achieved",
        next_review=TODAY() + dt.timedelta(days=56),
    )
    prompt.refresh_from_db()
    plan.refresh_from_db()
    assert prompt.answered_by_review == review and prompt.answered_at is not None
    assert plan.review_due == TODAY() + dt.timedelta(days=56)
    assert 'id="review-prompts"' not in client.get(_overview(person)).content.decode()


@pytest.mark.parametrize("trigger", ReviewPrompt.Trigger.values)
def test_other_apps_raise_a_prompt_for_every_trigger(person, trigger, spoc_practitioner):
    prompt = services.review_prompt_raise(person=person, trigger=trigger, by=None, detail="From elsewhere")
    assert prompt.trigger == trigger and prompt.raised_by is None


def test_an_unknown_trigger_is_refused(person):
    with pytest.raises(ValueError):
        services.review_prompt_raise(person=person, trigger="horoscope", by=None)


def test_a_review_needs_its_next_date_after_it(plan, hub_worker):
    with pytest.raises(ValidationError) as error:
        services.plan_review_record(
            plan=plan, by=hub_worker, reviewed_on=TODAY(), what_changed="a", goals_progress="b", next_review=TODAY()
        )
    assert error.value.message_dict == {"next_review": [str(services.NEXT_REVIEW_NOT_AFTER)]}


def test_peer_workers_read_the_plan_of_their_person_but_never_its_risks(
    spoc_practitioner, hub, peer_worker, hub_worker, client
):
    person = allocated_person(spoc=spoc_practitioner, hub=hub, worker=peer_worker, given="Idris", family="Pennant")
    plan = services.plan_create(person=person, by=hub_worker, review_due=TODAY())
    services.plan_risk_add(plan=plan, by=hub_worker, description="RISK-TEXT relapse", mitigation="MITIGATION-TEXT")
    services.plan_goal_add(plan=plan, by=hub_worker, in_own_words="Join the walking group")
    client.force_login(peer_worker)
    content = client.get(_overview(person)).content.decode()
    assert "Join the walking group" in content
    assert "RISK-TEXT" not in content and "MITIGATION-TEXT" not in content and "Add a goal" not in content
    client.force_login(hub_worker)
    assert "RISK-TEXT" in client.get(_overview(person)).content.decode()


def test_the_plan_page_is_logged_and_keeps_a_constant_query_count(
    plan, person, hub_worker, client, django_assert_max_num_queries
):
    client.force_login(hub_worker)
    client.get(_overview(person))  # warm caches (sessions, content types)
    with django_assert_max_num_queries(30) as small:
        client.get(_overview(person))
    for n in range(15):
        goal = services.plan_goal_add(plan=plan, by=hub_worker, in_own_words=f"Goal {n}")
        services.plan_action_add(
            plan=plan, by=hub_worker, description=f"A{n}", owner="person", target_date=TODAY(), goal=goal
        )
        services.plan_review_record(
            plan=plan,
            by=hub_worker,
            reviewed_on=TODAY(),
            what_changed="c",
            goals_progress="p",
            next_review=TODAY() + dt.timedelta(days=1),
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(_overview(person))
    assert response.status_code == 200
    assert AccessLog.objects.filter(person_id=person.pk, action=AccessLog.Action.VIEW, reason="Recovery plan").exists()


def test_marking_an_action_done_from_an_old_page_is_refused(plan, person, hub_worker, manager, client):
    action = plan.actions.get()
    client.force_login(hub_worker)
    url = reverse("recovery_plans:action_done", kwargs={"person_ref": person.reference, "action_pk": action.pk})
    old_version = action.history.latest().history_id
    services.plan_action_done(action=action, by=manager)
    action.done_on = None
    client.post(url, {"version": old_version})
    action.refresh_from_db()
    assert action.done_on == TODAY()
    assert PlanAction.history.filter(id=action.pk).count() == 2  # created, done once


def test_marking_done_and_achieved_from_the_page(plan, person, hub_worker, client):
    client.force_login(hub_worker)
    page = client.get(_overview(person))
    goal, action = page.context["page"].goals[0], page.context["page"].actions[0]
    client.post(
        reverse("recovery_plans:action_done", kwargs={"person_ref": person.reference, "action_pk": action.pk}),
        {"version": action.version},
    )
    client.post(
        reverse("recovery_plans:goal_achieved", kwargs={"person_ref": person.reference, "goal_pk": goal.pk}),
        {"version": goal.version},
    )
    assert PlanAction.objects.get(pk=action.pk).done_on == TODAY()
    assert PlanGoal.objects.get(pk=goal.pk).status == PlanGoal.Status.ACHIEVED


def test_the_printed_plan_is_written_to_the_person_without_staff_only_detail(plan, person, hub_worker, client):
    from django.template.loader import render_to_string

    from recovery_plans.printable import plan_document

    html = render_to_string("recovery_plans/print.html", plan_document(plan=plan))
    assert "Your recovery plan" in html and "I want to see my kids every weekend" in html
    assert "RISK-TEXT" not in html and "Naloxone kit" not in html
    client.force_login(hub_worker)
    response = client.get(reverse("recovery_plans:print", kwargs={"person_ref": person.reference}))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert person.given_name not in response["Content-Disposition"]
    assert AccessLog.objects.filter(person_id=person.pk, action=AccessLog.Action.EXPORT, object_id=plan.pk).exists()


def test_timeline_events_come_newest_first_in_one_query(plan, person, hub_worker, django_assert_num_queries):
    services.plan_goal_achieve(goal=plan.goals.get(), by=hub_worker)
    services.plan_action_done(action=plan.actions.get(), by=hub_worker)
    services.plan_review_record(
        plan=plan,
        by=hub_worker,
        reviewed_on=TODAY(),
        what_changed="Settled",
        goals_progress="g",
        next_review=TODAY() + dt.timedelta(days=9),
    )
    with django_assert_num_queries(1):
        events = person_record.events(person=person, user=hub_worker, before=None, limit=50)
    kinds = [event["kind"] for event in events]
    assert {"plan_started", "goal_achieved", "action_done", "plan_review", "plan_changed"} <= set(kinds)
    assert [e["at"] for e in events] == sorted((e["at"] for e in events), reverse=True)
    older = person_record.events(person=person, user=hub_worker, before=events[1]["at"], limit=50)
    assert all(e["at"] < events[1]["at"] for e in older)
    assert len(person_record.events(person=person, user=hub_worker, before=None, limit=2)) == 2


def test_home_panels_show_overdue_reviews_and_due_actions_of_the_caseload(
    plan, person, hub_worker, manager, other_hub_manager, django_assert_num_queries
):
    services.plan_agreement_record(plan=plan, by=hub_worker, agreed_by_person=False, review_due=plan.started_on)
    for user in (hub_worker, manager):
        with django_assert_num_queries(4):  # the grant keys, then the panel's query (each)
            reviews = person_record.review_rows(user=user, limit=10)
            actions = person_record.action_rows(user=user, limit=10)
        assert [row["person_ref"] for row in reviews] == [person.reference]
        assert [row["text"] for row in actions] == ["Call the housing team"]
    assert person_record.review_rows(user=other_hub_manager, limit=10) == []


def test_the_plans_due_page_lists_overdue_reviews_and_logs_who_it_showed(
    plan, person, hub_worker, manager, other_hub_manager, client, django_assert_max_num_queries
):
    plan.started_on = plan.review_due = TODAY() - dt.timedelta(days=3)  # as if written weeks ago
    plan.save()
    url = reverse("recovery_plans:due")
    for user in (hub_worker, manager):
        client.force_login(user)
        client.get(url)
        with django_assert_max_num_queries(20):
            content = client.get(url).content.decode()
        assert person.full_name in content and "Overdue" in content and "Call the housing team" in content
        assert AccessLog.objects.filter(user=user, reason="Plans due", subjects__person_id=person.pk).exists()
    client.force_login(other_hub_manager)
    assert person.full_name not in client.get(url).content.decode()


def test_raising_the_same_prompt_again_while_it_is_open_makes_no_second(person):
    first = services.review_prompt_raise(
        person=person, trigger="disengagement", by=None, detail="No contact in 28 days"
    )
    again = services.review_prompt_raise(
        person=person, trigger="disengagement", by=None, detail="No contact in 28 days"
    )
    other = services.review_prompt_raise(
        person=person, trigger="disengagement", by=None, detail="Missed 3 appointments"
    )
    assert again == first and other != first
    assert ReviewPrompt.objects.filter(person=person).count() == 2


def test_a_prompt_under_a_restriction_needs_the_callers_exemption(person, data_protection_officer):
    from common.audit import Exemption, ProcessingRestricted
    from referrals.data_rights import services as data_rights

    data_rights.processing_restrict(person=person, by=data_protection_officer, reason="Accuracy contested")
    with pytest.raises(ProcessingRestricted):
        services.review_prompt_raise(person=person, trigger="safeguarding_alert", by=None)
    prompt = services.review_prompt_raise(
        person=person, trigger="safeguarding_alert", by=None, exemption=Exemption.VITAL_INTERESTS
    )
    assert prompt.pk is not None
