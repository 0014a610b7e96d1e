from django.apps import AppConfig


class ReportingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reporting"

    def ready(self) -> None:
        # Partnership draws the menu, the home-page redirect and the access log, but imports
        # no app of ours: reporting tells it about its pages and records here.
        from django.utils.translation import gettext_lazy as _

        from partnership import registry
        from partnership.access import can_run_reports, sees_published_reports

        def reads_published_reports_only(user) -> bool:
            return sees_published_reports(user) and not can_run_reports(user)

        # "Reports": managers run, preview and publish (RPT-1); commissioners read the archive
        # of published reports, and nothing else (RPT-5).
        registry.navigation_item_register(
            label=_("Reports"), url_name="reporting:runs", shown_to=can_run_reports, order=50
        )
        registry.navigation_item_register(
            label=_("Reports"), url_name="reporting:archive", shown_to=reads_published_reports_only, order=50
        )
        # RPT-6: the equity and disengagement-risk dashboards.
        from reporting.views_dashboards import register_dashboard_navigation

        register_dashboard_navigation()
        # Commissioners land on the published reports.
        registry.home_destination_register(
            url_name="reporting:archive", applies_to=reads_published_reports_only, order=40
        )

        def describe_versions(ids: set[int]) -> dict[int, str]:
            from reporting.models import ReportVersion, council_label

            rows = ReportVersion.objects.filter(pk__in=ids).values_list("pk", "quarter", "council", "number")
            return {
                pk: _("Report %(quarter)s, %(council)s, version %(number)s")
                % {"quarter": quarter, "council": council_label(council), "number": number}
                for pk, quarter, council, number in rows
            }

        registry.access_log_type_register(object_type="reporting.reportversion", describe=describe_versions)
