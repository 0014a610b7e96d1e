"""Reporting's pages: the report runs and the archive (``urls_reports``) and the managers'
dashboards (``urls_dashboards``), under one namespace."""

from reporting.urls_dashboards import urlpatterns as dashboard_patterns
from reporting.urls_reports import urlpatterns as report_patterns

app_name = "reporting"
urlpatterns = [*report_patterns, *dashboard_patterns]
