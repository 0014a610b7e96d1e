"""PLN-2, §3.4.2: review prompts raised by what happens elsewhere: a reassessment (a material
change to the needs, risks or substances section), a safeguarding concern in the risks section,
disengagement (no longer active, or flagged by the nightly job), and information from a partner
(a Treatment or onward referral's outcome). Only for people with a current plan; they show on
the plan page and on "Plans due"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models.codes import Trigger
from assessments.services import assessment_section_save
from recovery_plans.models import ReviewPrompt
from recovery_plans.services import engagement as engagement_services
from recovery_plans.services import plans as plan_services
from referrals import review_triggers
from referrals.models import Consent, TreatmentReferral
from referrals.review_triggers import ReviewTrigger, review_trigger_fire
from referrals.selectors.consent import sharing_basis
from referrals.services import onward as onward_services
from referrals.services import treatment as treatment_services
from referrals.services.consent import consent_record
from referrals.services.treatment_escalation import treatment_referral_escalate

pytestmark = pytest.mark.django_db

Trig = ReviewPrompt.Trigger


def _prompts(person) -> list[tuple[str, str]]:
    return list(
        ReviewPrompt.objects.filter(person=person, answered_at__isnull=True)
        .order_by("pk")
        .values_list("trigger", "detail")
    )


def _triggers(person) -> list[str]:
    return [trigger for trigger, _detail in _prompts(person)]


def _save(person, by, key, **values):
    return assessment_section_save(person=person, key=key, values=values, by=by)


# --- The registry ------------------------------------------------------------------------------


def test_the_plan_keeper_and_the_registry_share_one_list_of_codes():
    assert ReviewPrompt.Trigger is ReviewTrigger
    assert set(ReviewTrigger.values) == {
        "reassessment",
        "disengagement",
        "safeguarding_alert",
        "partner_information",
        "goal_completed",
    }


def test_recovery_plans_registers_its_handler_when_it_starts():
    assert review_triggers._handlers == [plan_services.review_trigger_handle]


def test_an_unknown_trigger_is_refused_before_anything_is_written(person):
    with pytest.raises(ValueError):
        review_trigger_fire(person=person, trigger="horoscope", by=None)


def test_firing_with_no_handler_registered_does_nothing(plan, monkeypatch):
    monkeypatch.setattr(review_triggers, "_handlers", [])
    assert review_trigger_fire(person=plan.person, trigger=Trig.REASSESSMENT, by=None) is None
    assert _prompts(plan.person) == []


def test_registering_again_replaces_the_handler(monkeypatch):
    monkeypatch.setattr(review_triggers, "_handlers", [])
    calls = []
    review_triggers.review_trigger_register(lambda **kwargs: calls.append("first"))
    review_triggers.review_trigger_register(lambda **kwargs: calls.append("second"))
    review_trigger_fire(person=object(), trigger=Trig.REASSESSMENT, by=None)
    assert calls == ["second"]


def test_a_person_without_a_current_plan_gets_no_prompt(person, hub_worker):
    assert review_trigger_fire(person=person, trigger=Trig.PARTNER_INFORMATION, by=hub_worker, detail="x") is None
    _save(person, hub_worker, "needs", needs="Somewhere to live")
    engagement_services.engagement_set_inactive(person=person, by=hub_worker, reason="disengaged")
    assert _prompts(person) == []


def test_a_replaced_plan_is_not_a_current_one(plan, hub_worker):
    new = plan_services.plan_create(
        person=plan.person, by=hub_worker, review_due=timezone.localdate() + dt.timedelta(days=28)
    )
    assert plan_services.review_trigger_handle(person=plan.person, trigger=Trig.REASSESSMENT, by=hub_worker) is not None
    new.status = "replaced"
    new.save()
    ReviewPrompt.objects.all().delete()
    assert plan_services.review_trigger_handle(person=plan.person, trigger=Trig.REASSESSMENT, by=hub_worker) is None


# --- Reassessment and safeguarding (assessments) ------------------------------------------------


@pytest.mark.parametrize(
    ("key", "values"),
    [
        ("needs", {"needs": "Somewhere settled to live"}),
        ("risks", {"risk_to_self": "Overdose after a period of abstinence"}),
        ("substances", {"primary_substance": "alcohol"}),
        ("substances", {"injecting": "currently"}),
    ],
)
def test_a_material_change_to_the_assessment_prompts_a_review(plan, hub_worker, key, values):
    saved = _save(plan.person, hub_worker, key, **values)
    assert _triggers(plan.person) == [Trig.REASSESSMENT]
    assert saved.review_prompted == (Trig.REASSESSMENT,)
    prompt = ReviewPrompt.objects.get(person=plan.person)
    assert prompt.raised_by == hub_worker and "updated" in prompt.detail


@pytest.mark.parametrize(
    ("key", "values"),
    [
        ("equality", {"sex": "female"}),
        ("carers", {"caring_role": "yes"}),
        ("substances", {"notes": "Drinks mostly at weekends"}),
    ],
)
def test_a_change_that_does_not_touch_the_plan_prompts_nothing(plan, hub_worker, key, values):
    saved = _save(plan.person, hub_worker, key, **values)
    assert _prompts(plan.person) == [] and saved.review_prompted == ()


def test_saving_a_section_unchanged_prompts_nothing(plan, hub_worker):
    _save(plan.person, hub_worker, "needs", needs="A flat")
    plan_services.plan_review_record(
        plan=plan,
        by=hub_worker,
        reviewed_on=timezone.localdate(),
        what_changed="Housing",
        goals_progress="Started",
        next_review=timezone.localdate() + dt.timedelta(days=28),
    )
    assert _prompts(plan.person) == []
    _save(plan.person, hub_worker, "needs", needs="A flat")
    assert _prompts(plan.person) == []


def test_saving_the_same_section_again_keeps_one_open_prompt(plan, hub_worker):
    _save(plan.person, hub_worker, "needs", needs="A flat")
    _save(plan.person, hub_worker, "needs", needs="A flat near my children")
    _save(plan.person, hub_worker, "substances", primary_substance="alcohol")
    assert _triggers(plan.person) == [Trig.REASSESSMENT, Trig.REASSESSMENT]  # one per section


def test_a_safeguarding_concern_in_the_risks_section_is_a_safeguarding_alert(plan, hub_worker):
    saved = _save(plan.person, hub_worker, "risks", safeguarding="SECRET: ex-partner waits outside the hub")
    assert set(saved.review_prompted) == {Trig.REASSESSMENT, Trig.SAFEGUARDING_ALERT}
    alert = ReviewPrompt.objects.get(person=plan.person, trigger=Trig.SAFEGUARDING_ALERT)
    assert "SECRET" not in alert.detail  # what was written stays in the assessment


@pytest.mark.parametrize("trigger", [Trigger.CHILD_PROTECTION, Trigger.ADULT_SAFEGUARDING])
def test_a_safeguarding_escalation_trigger_is_a_safeguarding_alert(plan, hub_worker, trigger):
    _save(plan.person, hub_worker, "risks", triggers=[trigger])
    assert Trig.SAFEGUARDING_ALERT in _triggers(plan.person)


def test_another_escalation_trigger_is_a_reassessment_only(plan, hub_worker):
    _save(plan.person, hub_worker, "risks", triggers=[Trigger.PSYCHOLOGICAL])
    assert _triggers(plan.person) == [Trig.REASSESSMENT]


def test_the_section_page_says_a_review_was_prompted(client, plan, hub_worker):
    client.force_login(hub_worker)
    url = reverse("assessments:section", args=[plan.person.reference, "needs"])
    response = client.post(url, {"version": 0, "needs": "A flat"}, follow=True)
    assert "A review of the person&#x27;s recovery plan has been prompted" in response.content.decode()
    assert _triggers(plan.person) == [Trig.REASSESSMENT]


# --- Disengagement (recovery_plans' own) ----------------------------------------------------------


@pytest.mark.parametrize("reason", ["disengaged", "asked_not_contacted", "goals_met", "moved_away"])
def test_becoming_inactive_prompts_a_review(plan, hub_worker, reason):
    engagement_services.engagement_set_inactive(person=plan.person, by=hub_worker, reason=reason)
    [(trigger, detail)] = _prompts(plan.person)
    assert trigger == Trig.DISENGAGEMENT and detail.startswith("No longer active: ")


def test_a_death_prompts_no_review(plan, hub_worker):
    engagement_services.engagement_set_inactive(person=plan.person, by=hub_worker, reason="died")
    assert _prompts(plan.person) == []


def test_the_nightly_flag_prompts_a_review_once(plan, settings):
    settings.ERS_REENGAGEMENT_AFTER_DAYS = 28
    later = timezone.now() + dt.timedelta(days=29)
    assert engagement_services.reengagement_flags_raise(now=later) == 1
    assert engagement_services.reengagement_flags_raise(now=later + dt.timedelta(days=1)) == 0
    assert _prompts(plan.person) == [(Trig.DISENGAGEMENT, "No contact in 28 days")]
    prompt = ReviewPrompt.objects.get(person=plan.person)
    assert prompt.raised_by is None


# --- Information from a partner (referrals) --------------------------------------------------------


def test_a_treatment_outcome_prompts_a_review(plan, hub_worker, treatment_org, treatment_practitioner):
    person = plan.person
    _save(person, hub_worker, "risks", triggers=[Trigger.PSYCHOLOGICAL])
    ReviewPrompt.objects.all().delete()
    waiting = treatment_referral_escalate(person=person, by=hub_worker, reason_detail="Worsening wellbeing")
    consent_record(person=person, by=hub_worker, recipient=Consent.Recipient.TREATMENT, given=True)
    basis = sharing_basis(list(Consent.objects.filter(person=person)), recipient=Consent.Recipient.TREATMENT)
    sent = treatment_services.treatment_referral_send(
        treatment_referral=waiting, by=hub_worker, organisation=treatment_org, consent=basis
    )
    assert sent.status == TreatmentReferral.Status.SENT and _prompts(person) == []  # sending is not news
    treatment_services.treatment_referral_record_outcome(
        treatment_referral=sent, by=treatment_practitioner, accepted=False, reason="SECRET: open to Barrow"
    )
    [(trigger, detail)] = _prompts(person)
    assert trigger == Trig.PARTNER_INFORMATION and detail == "Treatment Service outcome: Not accepted"


def test_an_onward_referral_outcome_prompts_a_review(plan, hub_worker):
    referral = plan.person.referrals.get()
    onward = onward_services.onward_referral_record(
        referral=referral, by=hub_worker, service_type="housing", organisation_name="Carlisle Housing Options"
    )
    assert _prompts(plan.person) == []
    onward_services.onward_referral_record_outcome(onward_referral=onward, by=hub_worker, outcome="accepted")
    [(trigger, detail)] = _prompts(plan.person)
    assert trigger == Trig.PARTNER_INFORMATION and detail.endswith(": Accepted")


# --- Where they show -------------------------------------------------------------------------------


def test_a_prompted_plan_shows_on_plans_due_before_its_review_date(client, plan, hub_worker):
    plan_services.plan_agreement_record(
        plan=plan, by=hub_worker, agreed_by_person=False, review_due=timezone.localdate() + dt.timedelta(days=90)
    )
    client.force_login(hub_worker)
    url = reverse("recovery_plans:due")

    def reviews_table():
        content = client.get(url).content.decode()
        return content[content.index('id="reviews-due"') : content.index('id="actions-due"')]

    assert plan.person.full_name not in reviews_table()
    _save(plan.person, hub_worker, "needs", needs="A flat")
    table = reviews_table()
    assert plan.person.full_name in table and "Review prompted" in table
    plan_page = client.get(reverse("recovery_plans:overview", args=[plan.person.reference])).content.decode()
    assert 'id="review-prompts"' in plan_page and "Reassessment" in plan_page
