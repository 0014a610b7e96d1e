"""A built report's data as JSON and back, so a stored version's preview page, its PDF and its
CSVs all show the same disclosed numbers (RPT-5: a version never changes once written)."""

from __future__ import annotations

from datetime import date, datetime

from reporting.periods import Quarter
from reporting.report_data import Cell, ReportData, Row, Table, TargetResult

FORMAT = 1


def _table_to_json(table: Table) -> dict:
    return {
        "kpi_id": table.kpi_id,
        "title": table.title,
        "definition": table.definition,
        "requirement": table.requirement,
        "unit": table.unit,
        "dimensions": list(table.dimensions),
        "periods": [period.code for period in table.periods],
        "rows": [
            {
                "breakdown": [list(pair) for pair in row.breakdown],
                "label": row.label,
                "cells": [[cell.shown, cell.value, cell.suppressed] for cell in row.cells],
            }
            for row in table.rows
        ],
        "target": None if table.target is None else {"text": table.target.text, "met": table.target.met},
        "chart": table.chart,
        "notes": list(table.notes),
    }


def _table_from_json(data: dict) -> Table:
    target = data.get("target")
    return Table(
        kpi_id=data["kpi_id"],
        title=data["title"],
        definition=data["definition"],
        requirement=data["requirement"],
        unit=data["unit"],
        dimensions=tuple(data["dimensions"]),
        periods=tuple(Quarter.parse(code) for code in data["periods"]),
        rows=tuple(
            Row(
                breakdown=tuple((dimension, value) for dimension, value in row["breakdown"]),
                label=row["label"],
                cells=tuple(Cell(shown, value, suppressed) for shown, value, suppressed in row["cells"]),
            )
            for row in data["rows"]
        ),
        target=None if target is None else TargetResult(text=target["text"], met=target["met"]),
        chart=data.get("chart", False),
        notes=tuple(data.get("notes", ())),
    )


def report_data_to_json(data: ReportData) -> dict:
    return {
        "format": FORMAT,
        "quarter": data.quarter.code,
        "council": data.council,
        "schedule_version": data.schedule_version,
        "schedule_effective_from": data.schedule_effective_from.isoformat(),
        "generated_at": data.generated_at.isoformat(),
        "kpi_tables": [_table_to_json(table) for table in data.kpi_tables],
        "equality_tables": [_table_to_json(table) for table in data.equality_tables],
    }


def report_data_from_json(data: dict) -> ReportData:
    return ReportData(
        quarter=Quarter.parse(data["quarter"]),
        council=data["council"],
        schedule_version=data["schedule_version"],
        schedule_effective_from=date.fromisoformat(data["schedule_effective_from"]),
        generated_at=datetime.fromisoformat(data["generated_at"]),
        kpi_tables=tuple(_table_from_json(table) for table in data["kpi_tables"]),
        equality_tables=tuple(_table_from_json(table) for table in data.get("equality_tables", ())),
    )
