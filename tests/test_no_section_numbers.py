"""User-facing text never shows specification section numbers ("§3.1.4").

They belong in code comments and docstrings, where they point a developer into the
commissioning documents; a person using the service has never read those documents. Every
string in the code (outside docstrings and comments), every template outside its comments and
every translation may reach someone, so none may carry one.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.urls import reverse

from referrals.models import YesNoUnknown
from tests.factories import ReferralFactory

ROOT = Path(__file__).resolve().parent.parent
SECTION = "§"
SKIPPED_DIRS = {".venv", "node_modules", "tests", "migrations", "static", ".git"}
COMMENT = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}", re.DOTALL)


def _python_files():
    for path in ROOT.rglob("*.py"):
        if not SKIPPED_DIRS & set(path.relative_to(ROOT).parts):
            yield path


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def test_no_string_in_the_code_carries_a_section_number():
    offending = []
    for path in _python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = _docstrings(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and SECTION in node.value
                and id(node) not in docstrings
            ):
                offending.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:60]}")
    assert not offending, "\n".join(offending)


def test_no_template_shows_a_section_number():
    offending = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = COMMENT.sub("", path.read_text(encoding="utf-8"))
        offending.extend(
            f"{path.relative_to(ROOT)}: {line.strip()[:60]}" for line in text.splitlines() if SECTION in line
        )
    assert not offending, "\n".join(offending)


def test_no_translation_carries_a_section_number():
    for po in (ROOT / "locale").rglob("*.po"):
        entries = [line for line in po.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
        assert not [line for line in entries if SECTION in line], po


@pytest.mark.parametrize("persona", ["spoc_practitioner", "peer_worker"])
def test_the_main_pages_show_no_section_number(client, db, request, persona):
    referral = ReferralFactory(pregnant=YesNoUnknown.YES)
    client.force_login(request.getfixturevalue(persona))
    urls = [reverse("referrals:new"), reverse("home")]
    if persona == "spoc_practitioner":
        urls += [
            reverse("referrals:queue"),
            reverse("referrals:queue") + "?status=bogus",
            reverse("referrals:detail", kwargs={"reference": referral.reference}),
            reverse("referrals:screening", kwargs={"reference": referral.reference}),
            reverse("referrals:outcome", kwargs={"reference": referral.reference}),
            reverse("referrals:escalation", kwargs={"reference": referral.reference}),
            reverse("referrals:introduction", kwargs={"reference": referral.reference}),
        ]
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert SECTION not in response.content.decode(), url


@pytest.mark.parametrize("language", ["en-gb", "pl"])
def test_the_public_pages_show_no_section_number(client, db, settings, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for url in (reverse("public:start"), reverse("public:form"), reverse("public:form") + "nope/"):
        assert SECTION not in client.get(url).content.decode(), url
