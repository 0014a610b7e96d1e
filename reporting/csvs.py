"""One tidy CSV per report table (RPT-5): kpi id, period, breakdown, value, suppressed flag.

A commissioner's analyst loads every file the same way; the value column holds exactly what the
PDF shows ("*" and "-" for suppressed and withheld figures), so the two never disagree.
"""

from __future__ import annotations

import csv
import io
import re

from reporting.report_data import CSV_HEADER, ReportData, Table


def csv_name(table: Table) -> str:
    """``referrals_by_source.csv``: the KPI id, safe as a file name."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", table.kpi_id) + ".csv"


def table_csv(data: ReportData, table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(data.tidy_rows(table))
    return buffer.getvalue().encode("utf-8")


def report_csvs(data: ReportData) -> dict[str, bytes]:
    """Every table's CSV by file name, in the report's order."""
    return {csv_name(table): table_csv(data, table) for table in data.tables}
