"""A recovery plan from end to end, in a real browser (PLN-1, PLN-2, PLN-5).

A hub worker opens the plan page of a person on their caseload, starts a plan (after a first
try with nothing filled in), writes two goals in the person's own words and three actions (one
for themselves, one for a partner agency from the directory, one for the person), then records
a review, which sets the next review date. axe-core checks every page on the way.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import formats, timezone
from playwright.sync_api import expect

from recovery_plans.forms.plans import REVIEW_DUE_REQUIRED
from recovery_plans.models import PlanAction, PlanReview, RecoveryPlan
from recovery_plans.services import directory as directory_services
from tests.e2e.conftest import checked
from tests.recovery_plans.conftest import allocated_person

pytestmark = pytest.mark.e2e

GOALS = ["I want to see my kids every weekend", "I'd like to get back into work"]
PARTNER = "Step Ahead Employment"


def fill_date(page, group: str, day: dt.date) -> None:
    fields = page.get_by_role("group", name=group)
    fields.get_by_label("Day").fill(str(day.day))
    fields.get_by_label("Month").fill(str(day.month))
    fields.get_by_label("Year").fill(str(day.year))


@pytest.mark.django_db(transaction=True)
def test_a_hub_worker_writes_a_plan_with_the_person_and_reviews_it(
    page, live_server, sign_in, spoc_practitioner, hub, hub_worker, manager
):
    person = allocated_person(spoc=spoc_practitioner, hub=hub, worker=hub_worker)
    directory_services.directory_entry_create(by=manager, name=PARTNER, kind="employment", offer="CV help")
    today = timezone.localdate()
    sign_in(hub_worker, check=checked)

    page.goto(live_server.url + reverse("recovery_plans:overview", kwargs={"person_ref": person.reference}))
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery plan")
    checked(page)
    page.get_by_role("link", name="Start a recovery plan").click()
    page.get_by_role("button", name="Start the plan").click()
    expect(page.get_by_role("alert")).to_contain_text(str(REVIEW_DUE_REQUIRED))
    checked(page)
    fill_date(page, "When will the plan be reviewed?", today + dt.timedelta(days=28))
    page.get_by_role("button", name="Start the plan").click()
    expect(page.get_by_text("Plan started")).to_be_visible()
    checked(page)

    for goal in GOALS:
        page.get_by_role("link", name="Add a goal").click()
        checked(page)
        page.get_by_label("The goal, in the person's own words").fill(goal)
        page.get_by_role("button", name="Add goal").click()
        expect(page.get_by_text(f"“{goal}”")).to_be_visible()

    actions = [
        ("Weekly check-in at the hub", "A member of staff", ("owner_worker", hub_worker.get_full_name())),
        ("CV workshop", "A partner agency", ("owner_partner", PARTNER)),
        ("Ring the GP surgery to register", "The person", None),
    ]
    for index, (description, owner, choice) in enumerate(actions):
        page.get_by_role("link", name="Add an action").click()
        if index == 0:
            checked(page)
        page.get_by_label("What will be done").fill(description)
        page.get_by_role("group", name="Who will do it?").get_by_label(owner, exact=True).check()
        if choice:
            page.locator(f"select[name={choice[0]}]").select_option(label=choice[1])
        page.locator("select[name=goal]").select_option(label=GOALS[index % 2])
        fill_date(page, "Target date", today + dt.timedelta(days=7 * (index + 1)))
        page.get_by_role("button", name="Add action").click()
        expect(page.get_by_role("cell", name=description).first).to_be_visible()
    checked(page)

    page.get_by_role("link", name="Record a review").first.click()
    checked(page)
    fill_date(page, "Date of the review", today)
    page.get_by_label("What has changed?").fill("Moved into a supported flat")
    page.get_by_label("How are they getting on with their goals?").fill("Seeing the children on Saturdays")
    next_review = today + dt.timedelta(days=56)
    fill_date(page, "Date of the next review", next_review)
    page.get_by_role("button", name="Record review").click()
    expect(page.get_by_text("Review recorded")).to_be_visible()
    expect(page.get_by_text("Moved into a supported flat")).to_be_visible()
    checked(page)

    plan = RecoveryPlan.objects.get(person=person)
    assert plan.review_due == next_review
    assert list(plan.goals.values_list("in_own_words", flat=True)) == GOALS
    assert sorted(PlanAction.objects.filter(plan=plan).values_list("owner", flat=True)) == [
        "partner",
        "person",
        "worker",
    ]
    assert PlanReview.objects.filter(plan=plan, reviewed_by=hub_worker).count() == 1
    assert formats.date_format(next_review, "j M Y") in page.get_by_role("main").inner_text()
