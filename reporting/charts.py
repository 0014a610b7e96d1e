"""A report table drawn as a chart: inline SVG for the PDF and the pages (RPT-5, RPT-6).

Drawn with matplotlib's object interface (``Figure`` and the SVG canvas, never ``pyplot``'s
global state, so two builds in one worker process cannot draw on each other's figure), with
text kept as text so the PDF's words can be searched and read aloud. The chart is a picture of
the table, never a replacement for it: the table is always printed beside it, so a withheld
figure ("*" or "-") is simply a gap in the line, never drawn as a number.
"""

from __future__ import annotations

import io
import re
from html import escape

from reporting.report_data import Table

# At most this many lines on one chart; a longer table is still printed in full beside it.
MAX_SERIES = 8
# Distinguishable colours (the GOV.UK palette), with a marker each so colour is never the only cue.
COLOURS = ("#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#b58840", "#28a197", "#6f777b")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")

_ID = re.compile(r'id="([^"]+)"')


def _prefix_ids(svg: str, prefix: str) -> str:
    """Every id made unique to this chart: a page holds many charts, and matplotlib numbers its
    ids the same way in each."""
    ids = set(_ID.findall(svg))
    for old in sorted(ids, key=len, reverse=True):
        svg = svg.replace(f'id="{old}"', f'id="{prefix}{old}"')
        svg = svg.replace(f"url(#{old})", f"url(#{prefix}{old})")
        svg = svg.replace(f'href="#{old}"', f'href="#{prefix}{old}"')
    return svg


def chart_title(table: Table) -> str:
    periods = f"{table.periods[0].short_label} to {table.periods[-1].short_label}" if table.periods else ""
    return f"Chart: {table.title}, {periods}. The figures are in the table beside it."


def table_chart_svg(table: Table) -> str:
    """The table's rows as lines over its periods, as an ``<svg>`` element with ``role="img"``
    and a ``<title>`` naming it (the caller prints the table too)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.4, 2.8))
    FigureCanvasSVG(figure)
    axes = figure.add_subplot()
    labels = [period.short_label for period in table.periods]
    positions = list(range(len(labels)))
    for index, row in enumerate(table.rows[:MAX_SERIES]):
        values = [cell.value if cell.value is not None and not cell.suppressed else float("nan") for cell in row.cells]
        axes.plot(
            positions,
            values,
            label=str(row.label),  # a lazy translation is not a str to matplotlib
            color=COLOURS[index % len(COLOURS)],
            marker=MARKERS[index % len(MARKERS)],
            linewidth=1.5,
        )
    axes.set_xticks(positions, labels, fontsize=8)
    axes.tick_params(axis="y", labelsize=8)
    axes.set_ylim(bottom=0)
    axes.grid(axis="y", color="#b1b4b6", linewidth=0.5)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if table.rows:
        axes.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    figure.tight_layout()
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": table.kpi_id}):
        figure.savefig(buffer, format="svg")
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    prefix = re.sub(r"[^A-Za-z0-9_-]", "-", f"chart-{table.kpi_id}-")
    svg = _prefix_ids(svg, prefix)
    title_id = f"{prefix}title"
    svg = svg.replace("<svg ", f'<svg role="img" aria-labelledby="{title_id}" ', 1)
    opening_end = svg.index(">") + 1
    return f'{svg[:opening_end]}<title id="{title_id}">{escape(chart_title(table))}</title>{svg[opening_end:]}'
