"""The text of a PDF, read back with poppler's ``pdftotext -layout`` (pages separated by form feeds).

scripts/test installs Debian's poppler-utils, so CI always has it: there a missing pdftotext fails
rather than skips, so a skip can never hide that a PDF was not checked."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest


def pdf_layout_text(pdf: bytes) -> str:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pdftotext is not installed: scripts/test installs Debian's poppler-utils")
        pytest.skip("pdftotext is not installed (Debian: apt-get install poppler-utils)")
    text = subprocess.run([pdftotext, "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout  # noqa: S603 (our own PDF)
    return text.decode("utf-8")


def pdf_text(pdf: bytes) -> str:
    """The text with its white space folded, for finding phrases across line breaks."""
    return " ".join(pdf_layout_text(pdf).split())
