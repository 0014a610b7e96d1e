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

import datetime as dt

from django.conf import settings
from django.template.defaultfilters import linebreaksbr
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
    """The text escaped, its line breaks kept (as the ``linebreaksbr`` filter does)."""
    return linebreaksbr(text, autoescape=True)


def _row(entry: chronology.Entry) -> str:
    """One entry as its row of the table, in the councils' five columns. Written directly rather
    than through a template: thousands of rows, and a template's context costs more than the row."""
    author = f"<br>{escape(entry.author)}" if entry.author else ""
    detail = f'<br><span class="detail">{_lines(entry.detail)}</span>' if entry.detail else ""
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


def chronology_layout(html: str):
    """The laid-out document (WeasyPrint's pages), ready to be written."""
    # Imported here: WeasyPrint loads Pango and fonts, which only this path needs.
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).render()


def chronology_write(document) -> bytes:
    return document.write_pdf()


def chronology_pdf(*, person, user, filters: chronology.Filters) -> bytes:
    html = chronology_html(person=person, user=user, filters=filters)
    return chronology_write(chronology_layout(html))
