"""The managers' dashboards (RPT-6, §3.23.11): equity and disengagement risk.

Thin views: a GET filter form (quarter, council, and on the equity dashboard the
characteristic), the selectors in ``reporting.dashboards``, a template. Managers see exact
figures; commissioners the disclosed ones (RPT-4); anyone else is refused (403). A hand-edited
address gets a GOV.UK error summary naming the filter to fix, and the figures for the defaults.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from common.forms.errors import GovUKFormMixin
from partnership.access import sees_dashboards, sees_exact_dashboard_figures, sees_hub_caseload
from partnership.models import Council
from reporting.dashboards import LONG_FLAG_DAYS, chart_svg, disengagement_dashboard, equity_dashboard, quarter_choices
from reporting.equality import CHARACTERISTICS
from reporting.report_data import WHOLE_SERVICE

QUARTER_INVALID = _("Choose a quarter from the list")
COUNCIL_INVALID = _("Choose a council from the list")
CHARACTERISTIC_INVALID = _("Choose a characteristic from the list")
DEFAULT_CHARACTERISTIC = "ethnicity"


class DashboardFilterForm(GovUKFormMixin, forms.Form):
    quarter = forms.ChoiceField(label=_("Quarter"), required=False, error_messages={"invalid_choice": QUARTER_INVALID})
    council = forms.ChoiceField(
        label=_("Council"),
        required=False,
        choices=[(WHOLE_SERVICE, _("Whole service")), *Council.choices],
        error_messages={"invalid_choice": COUNCIL_INVALID},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.quarters = quarter_choices()
        self.fields["quarter"].choices = [
            (quarter.code, f"{quarter.label}{_(' (so far)') if index == 0 else ''}")
            for index, quarter in enumerate(self.quarters)
        ]

    def choice(self) -> dict:
        """What to show: each valid filter as chosen, the default for any missing or wrong."""
        valid = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        by_code = {quarter.code: quarter for quarter in self.quarters}
        return {
            "quarter": by_code.get(valid.get("quarter") or "", self.quarters[0]),
            "council": valid.get("council") or WHOLE_SERVICE,
        }


class EquityFilterForm(DashboardFilterForm):
    characteristic = forms.ChoiceField(
        label=_("Characteristic"),
        required=False,
        choices=[(c.key, c.title) for c in CHARACTERISTICS],
        error_messages={"invalid_choice": CHARACTERISTIC_INVALID},
    )

    def choice(self) -> dict:
        valid = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        return {**super().choice(), "characteristic": valid.get("characteristic") or DEFAULT_CHARACTERISTIC}


def _filters(request: HttpRequest, form_class):
    if not sees_dashboards(request.user):
        raise PermissionDenied
    form = form_class(request.GET or None)
    if form.is_bound:
        form.is_valid()
    return form, form.choice()


def _chart(table) -> str | None:
    svg = chart_svg(table)
    # Drawn by our own code from counts alone (reporting.charts): nothing a user typed.
    return mark_safe(svg) if svg else None  # noqa: S308


@login_required
@require_GET
def equity(request: HttpRequest) -> HttpResponse:
    form, choice = _filters(request, EquityFilterForm)
    exact = sees_exact_dashboard_figures(request.user)
    dashboard = equity_dashboard(exact=exact, **choice)
    return render(
        request,
        "reporting/dashboards/equity.html",
        {
            "form": form,
            "choice": choice,
            "exact": exact,
            "dashboard": dashboard,
            "trend_chart": _chart(dashboard.trend),
            "council_label": dict(form.fields["council"].choices)[choice["council"]],
            "active": "equity",
        },
    )


@login_required
@require_GET
def disengagement(request: HttpRequest) -> HttpResponse:
    form, choice = _filters(request, DashboardFilterForm)
    exact = sees_exact_dashboard_figures(request.user)
    dashboard = disengagement_dashboard(exact=exact, **choice)
    tables = [
        (dashboard.flagged, _("Hub")),
        (dashboard.inactive_by_reason, _("Reason")),
        (dashboard.inactive_by_hub, _("Hub")),
        (dashboard.reentries, _("Hub")),
    ]
    return render(
        request,
        "reporting/dashboards/disengagement.html",
        {
            "form": form,
            "choice": choice,
            "exact": exact,
            "dashboard": dashboard,
            "figures": [{"table": table, "chart": _chart(table), "heading": heading} for table, heading in tables],
            "long_flag_days": LONG_FLAG_DAYS,
            "council_label": dict(form.fields["council"].choices)[choice["council"]],
            # Managers follow these to the people themselves (their hub's lists, logged there).
            "sees_people": sees_hub_caseload(request.user),
            "active": "disengagement",
        },
    )


def register_dashboard_navigation() -> None:
    """The menu item, for ``ReportingConfig.ready()`` to call (helper B owns reporting/apps.py)."""
    from partnership import registry

    registry.navigation_item_register(
        label=_("Dashboards"), url_name="reporting:dashboard_equity", shown_to=sees_dashboards, order=51
    )


urlpatterns = [
    path("dashboards/equity/", equity, name="dashboard_equity"),
    path("dashboards/disengagement/", disengagement, name="dashboard_disengagement"),
]
