"""Change between readings, drawn on the server as SVG, with the same numbers as a table for
screen readers and printing (ASM-5).

The total is drawn for a questionnaire; each domain for a star-style reading. Only complete
readings are drawn or tabled: an incomplete one has no score to show.

The SVG goes inline into the page, so it carries its own ``<title>`` and ``<desc>`` and
``role="img"``. The page's Content Security Policy allows no inline styles, so matplotlib's
``style`` attributes become SVG presentation attributes (which are not styles to the CSP) and
its ``<style>`` element is left out. Text stays text, in the service's system font stack: no
font is embedded or downloaded.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from django.utils import formats
from django.utils.translation import gettext as _
from matplotlib import rc_context
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure

from assessments.instruments.schema import Definition
from assessments.instruments.scoring import Result

FONT_STACK = "Helvetica Neue, Helvetica, Arial, sans-serif"
# GOV.UK Frontend colours: text, grid lines and the line drawn.
TEXT = "#0b0c0c"
GRID = "#b1b4b6"
LINE = "#1d70b8"


@dataclass(frozen=True)
class Reading:
    taken_on: dt.date
    result: Result


@dataclass(frozen=True)
class Table:
    caption: str
    head: list[str]
    rows: list[list[str]]


def _complete(readings: Sequence[Reading]) -> list[Reading]:
    return sorted((reading for reading in readings if reading.result.complete), key=lambda reading: reading.taken_on)


def _series(definition: Definition, readings: list[Reading]) -> list[tuple[str, list[int]]]:
    """(name, one value per reading): each domain for a star reading, otherwise the total."""
    if definition.kind == "star":
        return [(item.text, [reading.result.item_scores[item.id] for reading in readings]) for item in definition.items]
    return [(_("Total score"), [reading.result.total for reading in readings])]


def _date(day: dt.date) -> str:
    return formats.date_format(day, "j M Y")


def readings_table(definition: Definition, readings: Sequence[Reading]) -> Table:
    """The chart's numbers as rows: one row per reading (date, then each score), and for a
    questionnaire the change since the reading before and the band."""
    complete = _complete(readings)
    caption = _("%(title)s: readings over time") % {"title": definition.title}
    if definition.kind == "star":
        head = [_("Date")] + [item.text for item in definition.items]
        rows = [
            [_date(reading.taken_on)] + [str(reading.result.item_scores[item.id]) for item in definition.items]
            for reading in complete
        ]
        return Table(caption, head, rows)
    head = [_("Date"), _("Total score"), _("Change"), _("Band")]
    rows = []
    previous = None
    for reading in complete:
        total = reading.result.total
        change = "" if previous is None else f"{total - previous:+d}"
        band = reading.result.band.label if reading.result.band else ""
        rows.append([_date(reading.taken_on), str(total), change, band])
        previous = total
    return Table(caption, head, rows)


def _description(definition: Definition, complete: list[Reading]) -> str:
    if not complete:
        return _("No complete readings yet.")
    parts = []
    for name, values in _series(definition, complete):
        first, last = values[0], values[-1]
        if len(values) == 1:
            parts.append(_("%(name)s %(value)s") % {"name": name, "value": first})
        else:
            parts.append(_("%(name)s from %(first)s to %(last)s") % {"name": name, "first": first, "last": last})
    span = _date(complete[0].taken_on)
    if len(complete) > 1:
        span = _("%(first)s to %(last)s") % {"first": span, "last": _date(complete[-1].taken_on)}
    count = _("%(count)s readings, %(span)s") % {"count": len(complete), "span": span}
    return f"{count}: " + "; ".join(parts) + "."


# Text as text (no font embedded or downloaded) and stable ids: the same readings give the
# same SVG.
SVG_SETTINGS = {"svg.fonttype": "none", "svg.hashsalt": "ers-readings", "font.family": "sans-serif"}


def _draw(definition: Definition, complete: list[Reading]) -> str:
    with rc_context(SVG_SETTINGS):
        return _draw_figure(definition, complete)


def _style_axes(axes, low: int, high: int, dated: bool) -> None:
    axes.set_ylim(low - 0.5, high + 0.5)
    axes.grid(axis="y", color=GRID, linewidth=0.5)
    axes.tick_params(colors=TEXT, labelsize=8)
    if dated:
        locator = AutoDateLocator(minticks=2, maxticks=5)
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    else:
        axes.set_xticks([])
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _draw_figure(definition: Definition, complete: list[Reading]) -> str:
    days = [reading.taken_on for reading in complete]
    series = _series(definition, complete)
    if definition.kind == "star":
        # One small chart per domain: lines on one chart would hide each other and tell the
        # domains apart by colour alone.
        columns = min(5, len(series))
        rows = math.ceil(len(series) / columns)
        figure = Figure(figsize=(2.1 * columns, 2.2 * rows), dpi=72)
        grid = figure.subplots(rows, columns, sharey=True, squeeze=False)
        scale = definition.option_scores
        low, high = (scale.min, scale.max) if scale else (definition.total.min, definition.total.max)
        for axes, (name, values) in zip(grid.flat, series, strict=False):
            axes.plot(days, values, marker="o", linewidth=2, color=LINE)
            axes.set_title(textwrap.fill(name, 22), fontsize=9, color=TEXT)
            _style_axes(axes, low, high, bool(days))
        for axes in list(grid.flat)[len(series) :]:
            axes.set_visible(False)
    else:
        figure = Figure(figsize=(8, 3.5), dpi=72)
        axes = figure.add_subplot()
        name, values = series[0]
        axes.plot(days, values, marker="o", linewidth=2, color=LINE)
        axes.set_ylabel(name, color=TEXT)
        _style_axes(axes, definition.total.min, definition.total.max, bool(days))
        # Band boundaries as dashed lines, so a change of band shows.
        for band in definition.bands[1:]:
            axes.axhline(band.min - 0.5, color=GRID, linewidth=1, linestyle="--")
    if len(days) == 1:
        for axes in figure.axes:
            axes.set_xlim(days[0] - dt.timedelta(days=15), days[0] + dt.timedelta(days=15))
    figure.tight_layout()
    output = io.StringIO()
    FigureCanvasSVG(figure).print_svg(output, metadata={"Date": None, "Creator": None})
    return output.getvalue()


STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
FONT_SHORTHAND = re.compile(r"^(?:(?P<weight>bold|normal|[1-9]00)\s+)?(?P<size>[\d.]+px)\s+(?P<family>.+)$")


def _presentation_attributes(match: re.Match) -> str:
    attributes = []
    for declaration in match.group(1).split(";"):
        if ":" not in declaration:
            continue
        name, value = (part.strip() for part in declaration.split(":", 1))
        if name == "font":
            font = FONT_SHORTHAND.match(value)
            if font:
                attributes.append(f'font-size="{font["size"]}"')
                attributes.append(f"font-family={quoteattr(FONT_STACK)}")
                if font["weight"]:
                    attributes.append(f'font-weight="{font["weight"]}"')
            continue
        if name == "font-family":
            value = FONT_STACK
        attributes.append(f"{name}={quoteattr(value)}")
    return " " + " ".join(attributes) if attributes else ""


def _csp_safe(svg: str) -> str:
    svg = re.sub(r"<style[^>]*>.*?</style>|<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    return STYLE_ATTRIBUTE.sub(_presentation_attributes, svg)


def readings_chart_svg(
    definition: Definition, readings: Sequence[Reading], *, element_id: str = "readings-chart"
) -> str:
    """The readings as an inline SVG (markup to mark safe in a template), with a title and a
    description in words that screen readers announce."""
    complete = _complete(readings)
    svg = _csp_safe(_draw(definition, complete))
    svg = svg[svg.index("<svg") :]  # no XML declaration or doctype inside an HTML page
    title = _("%(title)s: change between readings") % {"title": definition.title}
    accessible = (
        f'<svg role="img" aria-labelledby="{element_id}-title {element_id}-desc" id="{element_id}" '
        f'class="app-readings-chart"'
    )
    head = (
        f'<title id="{element_id}-title">{escape(title)}</title>'
        f'<desc id="{element_id}-desc">{escape(_description(definition, complete))}</desc>'
    )
    svg = accessible + svg[len("<svg") :]
    opening_end = svg.index(">") + 1
    svg = svg[:opening_end] + head + svg[opening_end:]
    # Scales to its container rather than a fixed size in points.
    return re.sub(r'\s(width|height)="[\d.]+pt"', "", svg, count=2)
