"""The managers' equity and disengagement-risk dashboards (RPT-6): /reports/dashboards/..."""

from reporting.views_dashboards import urlpatterns as dashboard_urlpatterns

urlpatterns: list = [*dashboard_urlpatterns]
