from django.urls import path

from recovery_plans.views import directory, plans
from referrals.converters import PERSON

app_name = "recovery_plans"

PLAN = f"people/<{PERSON}:person_ref>/plan/"

urlpatterns = [
    path(PLAN, plans.plan_overview, name="overview"),
    path(f"{PLAN}earlier/<int:plan_pk>/", plans.plan_earlier, name="earlier"),
    path(f"{PLAN}new/", plans.plan_new, name="new"),
    path(f"{PLAN}agreement/", plans.plan_agreement, name="agreement"),
    path(f"{PLAN}goals/new/", plans.goal_new, name="goal_new"),
    path(f"{PLAN}goals/<int:goal_pk>/achieved/", plans.goal_achieved, name="goal_achieved"),
    path(f"{PLAN}needs/new/", plans.need_new, name="need_new"),
    path(f"{PLAN}risks/new/", plans.risk_new, name="risk_new"),
    path(f"{PLAN}actions/new/", plans.action_new, name="action_new"),
    path(f"{PLAN}actions/<int:action_pk>/done/", plans.action_done, name="action_done"),
    path(f"{PLAN}review/", plans.review_new, name="review"),
    path(f"{PLAN}print/", plans.plan_print, name="print"),
    path("plans/due/", plans.plans_due, name="due"),
    path("directory/", directory.directory, name="directory"),
    path("directory/new/", directory.directory_new, name="directory_new"),
    path("directory/<int:entry_pk>/edit/", directory.directory_edit, name="directory_edit"),
]
