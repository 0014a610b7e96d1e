"""The recovery plan pages (PLN-1, PLN-2): people/<person_ref>/plan/...

Thin views: the selectors decide whose plan a user may open (403 for a role that never reads
plans, 404 for a person not theirs) and write the access-log row; the services decide and save.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common.forms.errors import add_service_errors
from partnership.access import can_write_recovery_plans, may_see, sees_recovery_plans
from partnership.access_log import access_log_record
from partnership.models import AccessLog
from recovery_plans.forms.plans import (
    ActionDoneForm,
    ActionForm,
    GoalAchievedForm,
    GoalForm,
    NeedForm,
    PlanAgreementForm,
    PlanStartForm,
    ReviewForm,
    RiskForm,
)
from recovery_plans.models import PlanAction, PlanGoal
from recovery_plans.printable import plan_pdf
from recovery_plans.selectors.directory import partners_to_own_actions
from recovery_plans.selectors.plans import (
    DUE_SOON_DAYS,
    actions_due_for,
    current_plan_of,
    plan_page_for,
    plan_person_get,
    reviews_due_for,
    staff_to_own_actions,
)
from recovery_plans.services import plans as services
from referrals.selectors.referrals import record_list_view


def _overview_url(person) -> str:
    return reverse("recovery_plans:overview", kwargs={"person_ref": person.reference})


def _for_writing(request: HttpRequest, person_ref: str, purpose: str):
    """The person and their current plan, for a page that changes it: a role that never
    writes plans is refused before anything is looked up."""
    if not can_write_recovery_plans(request.user):
        raise PermissionDenied
    person = plan_person_get(user=request.user, person_ref=person_ref, purpose=purpose)
    return person, current_plan_of(person=person)


def _context(request, person, **extra) -> dict:
    return {
        "person": person,
        "overview_url": _overview_url(person),
        "may_write": can_write_recovery_plans(request.user),
        **extra,
    }


@login_required
@require_http_methods(["GET"])
def plan_overview(request: HttpRequest, person_ref: str) -> HttpResponse:
    person = plan_person_get(user=request.user, person_ref=person_ref, purpose="Recovery plan")
    page = plan_page_for(user=request.user, person=person)
    return render(request, "recovery_plans/plan.html", _context(request, person, page=page, earlier=False))


@login_required
@require_http_methods(["GET"])
def plan_earlier(request: HttpRequest, person_ref: str, plan_pk: int) -> HttpResponse:
    person = plan_person_get(user=request.user, person_ref=person_ref, purpose="Earlier recovery plan")
    page = plan_page_for(user=request.user, person=person, plan_pk=plan_pk)
    return render(request, "recovery_plans/plan.html", _context(request, person, page=page, earlier=True))


def _form_page(request, person, form, *, title: str, intro: str = "") -> HttpResponse:
    return render(request, "recovery_plans/form.html", _context(request, person, form=form, title=title, intro=intro))


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest, person_ref: str) -> HttpResponse:
    person, plan = _for_writing(request, person_ref, "Start a recovery plan")
    form = PlanStartForm(request.POST or None, replacing=plan is not None)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_create(person=person, by=request.user, review_due=form.cleaned_data["review_due"])
        except ValidationError as error:
            add_service_errors(form, error, default="review_due")
        else:
            messages.success(request, _("Plan started"))
            return redirect(_overview_url(person))
    intro = (
        _("The new plan replaces the current one, which stays readable as an earlier plan.")
        if plan is not None
        else _("Write the plan with the person: their goals in their own words, what they need and who will do what.")
    )
    return _form_page(
        request, person, form, title=_("Start a new recovery plan") if plan else _("Start a recovery plan"), intro=intro
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_agreement(request: HttpRequest, person_ref: str) -> HttpResponse:
    person, plan = _for_writing(request, person_ref, "Plan agreement and review date")
    if plan is None:
        return redirect(_overview_url(person))
    form = PlanAgreementForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_agreement_record(
                plan=plan, by=request.user, expected_version=form.expected_version, **form.service_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error, field_map={"agreed_by_person": "agreed"}, default="agreed")
        else:
            messages.success(request, _("Plan agreement saved"))
            return redirect(_overview_url(person))
    return _form_page(request, person, form, title=_("Agreement and review date"))


def _add_page(request, person_ref: str, *, purpose, form_class, title, save, saved_message, intro="", **form_kwargs):
    person, plan = _for_writing(request, person_ref, purpose)
    if plan is None:
        return redirect(_overview_url(person))
    kwargs = {name: value(plan) if callable(value) else value for name, value in form_kwargs.items()}
    form = form_class(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            save(plan, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, saved_message)
            return redirect(_overview_url(person))
    return _form_page(request, person, form, title=title, intro=intro)


@login_required
@require_http_methods(["GET", "POST"])
def goal_new(request: HttpRequest, person_ref: str) -> HttpResponse:
    return _add_page(
        request,
        person_ref,
        purpose="Add a goal",
        form_class=GoalForm,
        title=_("Add a goal"),
        saved_message=_("Goal added"),
        save=lambda plan, data: services.plan_goal_add(plan=plan, by=request.user, in_own_words=data["in_own_words"]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def need_new(request: HttpRequest, person_ref: str) -> HttpResponse:
    return _add_page(
        request,
        person_ref,
        purpose="Add a need",
        form_class=NeedForm,
        title=_("Add a need"),
        saved_message=_("Need added"),
        save=lambda plan, data: services.plan_need_add(
            plan=plan, by=request.user, area=data["area"], description=data["description"], support=data["support"]
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def risk_new(request: HttpRequest, person_ref: str) -> HttpResponse:
    if not may_see(request.user, "recovery_plans.planrisk"):
        raise PermissionDenied
    return _add_page(
        request,
        person_ref,
        purpose="Add a risk",
        form_class=RiskForm,
        title=_("Add a risk"),
        saved_message=_("Risk added"),
        save=lambda plan, data: services.plan_risk_add(
            plan=plan, by=request.user, description=data["description"], mitigation=data["mitigation"]
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest, person_ref: str) -> HttpResponse:
    return _add_page(
        request,
        person_ref,
        purpose="Add an action",
        form_class=ActionForm,
        title=_("Add an action"),
        saved_message=_("Action added"),
        plan=lambda plan: plan,
        staff=lambda plan: staff_to_own_actions(person=plan.person),
        partners=partners_to_own_actions(),
        save=lambda plan, data: services.plan_action_add(
            plan=plan,
            by=request.user,
            description=data["description"],
            owner=data["owner"],
            owner_worker=data["owner_worker"],
            owner_partner=data["owner_partner"],
            goal=data["goal"],
            target_date=data["target_date"],
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_new(request: HttpRequest, person_ref: str) -> HttpResponse:
    return _add_page(
        request,
        person_ref,
        purpose="Record a plan review",
        form_class=ReviewForm,
        title=_("Record a plan review"),
        saved_message=_("Review recorded"),
        intro=_("Recording a review answers every review prompt on the plan and sets the next review date."),
        save=lambda plan, data: services.plan_review_record(
            plan=plan,
            by=request.user,
            reviewed_on=data["reviewed_on"],
            what_changed=data["what_changed"],
            goals_progress=data["goals_progress"],
            next_review=data["next_review"],
        ),
    )


def _mark(request, person_ref: str, *, model, pk: int, form_class, save, saved_message) -> HttpResponse:
    person, plan = _for_writing(request, person_ref, saved_message)
    if plan is None:
        return redirect(_overview_url(person))
    obj = get_object_or_404(model.objects.select_related("plan__person"), pk=pk, plan=plan)
    form = form_class(request.POST, version_of=obj)
    if form.is_valid():
        try:
            save(obj, expected_version=form.expected_version)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, saved_message)
    return redirect(_overview_url(person))


@login_required
@require_POST
def goal_achieved(request: HttpRequest, person_ref: str, goal_pk: int) -> HttpResponse:
    return _mark(
        request,
        person_ref,
        model=PlanGoal,
        pk=goal_pk,
        form_class=GoalAchievedForm,
        saved_message=_("Goal recorded as achieved: a review has been prompted"),
        save=lambda goal, **kw: services.plan_goal_achieve(goal=goal, by=request.user, **kw),
    )


@login_required
@require_POST
def action_done(request: HttpRequest, person_ref: str, action_pk: int) -> HttpResponse:
    return _mark(
        request,
        person_ref,
        model=PlanAction,
        pk=action_pk,
        form_class=ActionDoneForm,
        saved_message=_("Action recorded as done"),
        save=lambda action, **kw: services.plan_action_done(action=action, by=request.user, **kw),
    )


@login_required
@require_http_methods(["GET"])
def plan_print(request: HttpRequest, person_ref: str) -> HttpResponse:
    """The person's own copy of their current plan, as a PDF; the download is access-logged
    as an export (SEC-2)."""
    person = plan_person_get(user=request.user, person_ref=person_ref, purpose="Recovery plan page")
    plan = current_plan_of(person=person)
    if plan is None:
        return redirect(_overview_url(person))
    access_log_record(
        user=request.user,
        action=AccessLog.Action.EXPORT,
        obj=plan,
        person_id=person.pk,
        reason="Printed plan for the person",
    )
    response = HttpResponse(plan_pdf(plan=plan), content_type="application/pdf")
    # Never the person's name: file names end up in download folders and logs.
    response["Content-Disposition"] = 'attachment; filename="your-recovery-plan.pdf"'
    return response


# Enough for any caseload or hub; the home page's panels show the first few.
DUE_LIST_LIMIT = 200


@login_required
@require_http_methods(["GET"])
def plans_due(request: HttpRequest) -> HttpResponse:
    """PLN-2: plan reviews and actions due soon or overdue: a worker's own caseload, a
    manager's hub. The people listed are access-logged like any list of names (SEC-2)."""
    if not sees_recovery_plans(request.user):
        raise PermissionDenied
    reviews = list(reviews_due_for(user=request.user, limit=DUE_LIST_LIMIT))
    actions = list(actions_due_for(user=request.user, limit=DUE_LIST_LIMIT))
    person_ids = {plan.person_id for plan in reviews} | {action.plan.person_id for action in actions}
    record_list_view(
        user=request.user, object_type="referrals.person", person_ids=sorted(person_ids), purpose="Plans due"
    )
    context = {"reviews": reviews, "actions": actions, "today": timezone.localdate(), "days": DUE_SOON_DAYS}
    return render(request, "recovery_plans/due.html", context)
