"""The report as a PDF (RPT-5), made with WeasyPrint like the subject access export.

The same context draws the managers' preview page (``templates/reporting/preview.html``) from
the version's stored data, so the preview and the PDF always show the same figures.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from reporting.models import council_label
from reporting.report_data import ReportData, Table


def disclosure_footnote() -> str:
    """The footnote under every table, from the settings in force (RPT-4)."""
    threshold = settings.REPORT_SUPPRESSION_THRESHOLD
    base = settings.REPORT_ROUNDING_BASE
    return f"* means 1 to {threshold}; figures rounded to the nearest {base}; - means withheld"


def _table_context(table: Table, *, charts: bool) -> dict:
    chart = None
    if charts and table.chart and table.rows:
        from reporting.charts import table_chart_svg

        chart = mark_safe(table_chart_svg(table))  # noqa: S308 (our own SVG: numbers and escaped words)
    return {"table": table, "chart": chart, "anchor": f"table-{table.kpi_id}"}


def report_context(data: ReportData, *, charts: bool = True) -> dict:
    return {
        "service": settings.SERVICE_NAME,
        "data": data,
        "quarter": data.quarter,
        "council": council_label(data.council),
        "footnote": disclosure_footnote(),
        "kpi_tables": [_table_context(table, charts=charts) for table in data.kpi_tables],
        "equality_tables": [_table_context(table, charts=charts) for table in data.equality_tables],
    }


def report_html(data: ReportData) -> str:
    return render_to_string("reporting/pdf/report.html", report_context(data))


def report_pdf(data: ReportData) -> bytes:
    # Imported here: WeasyPrint loads Pango and fonts, which only this path needs.
    from weasyprint import HTML

    return HTML(string=report_html(data), base_url=str(settings.BASE_DIR)).write_pdf()
