"""The chronology as a PDF (SAF-2, §3.15.9), made with WeasyPrint like the plan and the subject
access export: A4 landscape; the table's header repeated on every page (``thead`` as a
table-header-group); the person's name and reference, "OFFICIAL-SENSITIVE" and "Page X of Y" on
every page (page margin boxes, the name carried by ``string-set`` so no CSS string escaping is
needed); who produced it and when, and the period it covers.

The rows come from ``chronology.entries`` (a generator, window by window) and each is written
out as its row of HTML at once; no entry object outlives its row (only the HTML text is kept,
which WeasyPrint needs whole). The heading is written last, as the period covered starts at the
first entry when no "from" date is given. The page template is
``safeguarding/chronology/pdf.html``; each row is written by ``_row``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc

from django.conf import settings
from django.template.loader import get_template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _

from partnership.models import staff_display_name
from safeguarding import chronology

MARKING = "OFFICIAL-SENSITIVE"
# The chronology is read in windows (``chronology.entries``); the PDF reads it all, so it asks
# for two years at a time (a quarter of the queries of the page's half years; about 400 rows at
# the rate, so the memory still follows one window, not the whole history).
WINDOW = dt.timedelta(days=731)


def period_words(start: dt.datetime, end: dt.datetime) -> str:
    last = timezone.localtime(end - dt.timedelta(microseconds=1)).date()
    first = timezone.localtime(start).date()
    return f"{date_format(first, 'j F Y')} to {date_format(last, 'j F Y')}"


def _lines(text: str) -> str:
    """The text escaped, its line breaks kept as line breaks: the cells are ``white-space:
    pre-line``, so a new line needs no ``<br>`` element (each is a box of its own to lay out)."""
    return escape(text.replace("\r\n", "\n").replace("\r", "\n"))


def _row(entry: chronology.Entry) -> str:
    """One entry as its row of the table, in the councils' five columns. Written directly rather
    than through a template: thousands of rows, and a template's context costs more than the row."""
    author = f"\n{escape(entry.author)}" if entry.author else ""
    detail = f'\n<span class="detail">{_lines(entry.detail)}</span>' if entry.detail else ""
    opening = '<tr class="significant">' if entry.significant else "<tr>"
    return (
        f"{opening}<td>{date_format(timezone.localtime(entry.at), 'j M Y H:i')}</td>"
        f"<td>{escape(entry.agency)}{author}</td>"
        f"<td>{_lines(entry.event)}{detail}</td>"
        f"<td>{_lines(entry.significance)}</td>"
        f"<td>{_lines(entry.action_outcome)}</td></tr>\n"
    )


def chronology_html(*, person, user, filters: chronology.Filters) -> str:
    start, end = chronology.period_of(person=person, filters=filters)
    page = get_template("safeguarding/chronology/pdf.html")
    rows, first = [], None
    for entry in chronology.entries(person=person, user=user, filters=filters, window=WINDOW):
        first = first or entry.at
        rows.append(_row(entry))
    if not rows:
        rows.append(f'<tr><td colspan="5">{escape(_("Nothing recorded in this period."))}</td></tr>')
    if filters.date_from is None and first is not None:
        start = min(start, first)  # records from before the first referral are in too
    context = {
        "service": settings.SERVICE_NAME,
        "person": person,
        "marking": MARKING,
        "generated_by": staff_display_name(user),
        "generated_at": date_format(timezone.localtime(), "j F Y \\a\\t H:i"),
        "period": period_words(start, end),
        "significant_only": filters.significant_only,
        "ROWS": "<!--ROWS-->",
    }
    head, tail = page.render(context).split("<!--ROWS-->", 1)
    return "".join([head, *rows, tail])


# The browser defaults the chronology's own markup needs. WeasyPrint applies its whole HTML
# user-agent stylesheet (some 250 rules, for every element HTML has) to each element of the
# document; at ten years of history that cascade and the boxes it styles were about half the
# time of the layout. The chronology is markup we write ourselves, from these few elements,
# so it is laid out with just their defaults (measured by ``manage.py benchmark_chronology``).
USER_AGENT_CSS = """
html, body, div, p, h1, h2 { display: block; }
head, style, title, script { display: none; }
table { display: table; border-spacing: 0; }
thead { display: table-header-group; }
tbody { display: table-row-group; }
tr { display: table-row; }
th, td { display: table-cell; }
th { font-weight: bold; }
strong, b { font-weight: bold; }
span, strong, b { display: inline; }
p { margin: 1em 0; }
br::before { content: "\\A"; white-space: pre-line; }
@page {
  @top-left { text-align: left; vertical-align: middle; }
  @top-center { text-align: center; vertical-align: middle; }
  @top-right { text-align: right; vertical-align: middle; }
  @bottom-left { text-align: left; vertical-align: middle; }
  @bottom-center { text-align: center; vertical-align: middle; }
  @bottom-right { text-align: right; vertical-align: middle; }
}
"""


@functools.cache
def _document_class():
    from weasyprint import CSS, HTML

    defaults = CSS(string=USER_AGENT_CSS)

    class ChronologyHTML(HTML):
        """Our own markup, laid out with only the defaults it needs (``USER_AGENT_CSS``)."""

        def _ua_stylesheets(self, forms=False):
            return [defaults]

    # WeasyPrint's hook for its user-agent stylesheet; should a later release drop it, the
    # document is laid out as any other (slower, the same pages).
    return ChronologyHTML if hasattr(HTML, "_ua_stylesheets") else HTML


@contextlib.contextmanager
def _without_cyclic_collection():
    """WeasyPrint builds hundreds of thousands of boxes, all alive until the PDF is written, and
    Python's cycle collector walks every one of them again each time it runs: at ten years that
    made the layout grow faster than the rows (1.5 times the time per row). Nothing the layout
    makes is garbage until the document is dropped, so the collector waits until then
    (reference counting still frees everything else as usual)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def chronology_layout(html: str):
    """The laid-out document (WeasyPrint's pages), ready to be written."""
    # Imported when first asked for: WeasyPrint loads Pango and fonts, which only this path needs.
    with _without_cyclic_collection():
        return _document_class()(string=html, base_url=str(settings.BASE_DIR)).render()


def chronology_write(document) -> bytes:
    with _without_cyclic_collection():
        return document.write_pdf()


def chronology_pdf(*, person, user, filters: chronology.Filters) -> bytes:
    html = chronology_html(person=person, user=user, filters=filters)
    return chronology_write(chronology_layout(html))
