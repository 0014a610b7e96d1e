"""The subject access export (PAR-6, §3.16.4): everything held on a person.

``build_document`` gathers every section (``collect.collect``) into one plain dict, which is
written twice: as JSON (machine-readable, the raw values and their labels) and as a PDF made
with WeasyPrint from ``templates/referrals/data_rights/export.html`` (readable, with a
cover page and contents). ``build_zip`` puts both in one zip. Nothing here checks
permissions or writes to the database: ``data_rights.services`` does.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from referrals.data_rights.collect import collect
from referrals.data_rights.sections import staff_name

FORMAT = "ers-subject-access"
# 2: the request and the person are named by their references ("SAR-...", "P-..."), not
# by row numbers.
VERSION = 2


def build_document(*, person, generated_by, request_reference: str = "", our_reference: str = "") -> dict:
    """Everything held on ``person`` as one JSON-ready dict (see ``FORMAT``)."""
    now = timezone.now()
    sections = collect(person)
    return {
        "format": FORMAT,
        "version": VERSION,
        "service": settings.SERVICE_NAME,
        "generated_at": now.isoformat(),
        "generated_at_display": date_format(timezone.localtime(now), "j F Y, H:i"),
        "generated_by": {"username": generated_by.username, "name": staff_name(generated_by)},
        "request": {"our_reference": our_reference, "reference": request_reference},
        "person": {"reference": person.reference, "name": person.full_name},
        "sections": [
            {
                "key": data.section.key,
                "title": str(data.section.title),
                "description": str(data.section.description),
                "records": data.records,
                "history": data.history,
            }
            for data in sections
        ],
    }


def to_json(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False).encode("utf-8")


def render_html(document: dict) -> str:
    return render_to_string("referrals/data_rights/export.html", {"doc": document, "title": _pdf_title(document)})


def _pdf_title(document: dict) -> str:
    return _("Information we hold about %(name)s") % {"name": document["person"]["name"]}


def to_pdf(document: dict) -> bytes:
    # Imported here: WeasyPrint loads Pango and fonts, which only this path needs.
    from weasyprint import HTML

    html = render_html(document)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def file_stem(our_reference: str = "") -> str:
    # Never the person's name: file names end up in download folders and logs.
    return f"subject-access-{our_reference}" if our_reference else "subject-access"


def build_zip(document: dict) -> bytes:
    """The PDF and the JSON file in one zip, each named by the request, never the person."""
    stem = file_stem(document["request"]["our_reference"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{stem}.pdf", to_pdf(document))
        archive.writestr(f"{stem}.json", to_json(document))
    return buffer.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
