"""The attack suite: what a penetration tester did by hand, kept so it holds as pages are added.

Every page the project serves (the authorisation matrix's walk of the URL conf, built from the
same world of real records), as every persona who may open it: each form on the page is sent
back with every field set to a hostile value (empty, 20,000 characters, NUL, emoji,
right-to-left text, script and SQL payloads, impossible and far-future dates, negative and
huge numbers), GET forms and the page's own query string included. Any answer of 500 or more
fails, as does a script payload coming back unescaped, personal data in any address (a
redirect or a link), or a page for a signed-in user without ``Cache-Control: no-store``.
Hypothesis adds generated text on top of the fixed payloads.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import SecondFactorClient
from tests.test_authorisation_matrix import (
    DATE_OF_BIRTH,
    FAMILY,
    GIVEN,
    NHS_NUMBER,
    STAFF,
    every_page,
)
from tests.test_authorisation_matrix import world as world  # noqa: F401, PLC0414 (the fixture)

SCRIPT = '<script>alert("x")</script>'
PAYLOADS = [
    "",
    "x" * 20_000,
    "a\x00b",
    "🙂🚀 ünïcødé",
    "\u202eevil\u202c",
    SCRIPT,
    "' OR '1'='1' --",
    "31/12/9999",
    "9999-12-31",
    "0",
    "-1",
    "99999999999999999999999",
    "1e308",
]
# One field at a time, the values most likely to get past a form into a query.
FIELD_PAYLOADS = ["x" * 20_000, "a\x00b", SCRIPT, "31/12/9999", "-1", "99999999999999999999999"]
# The day, month and year boxes of a GOV.UK date: impossible and far-future dates.
DATE_PARTS = [("31", "2", "2026"), ("31", "12", "9999"), ("0", "0", "0"), ("-1", "13", "99999"), ("1", "1", "1")]
# Pages a fuzzed POST would end the crawl's session or is not ours to fuzz.
NOT_POSTED = {"logout", "password_change", "password_reset_confirm"}
PERSONAL = [GIVEN, FAMILY, NHS_NUMBER, DATE_OF_BIRTH.isoformat(), DATE_OF_BIRTH.strftime("%d/%m/%Y")]


class _Forms(HTMLParser):
    """The forms on a page: method, action and the names of their fields."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.links: list[str] = []
        self._form: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "form":
            self._form = {"method": (attrs.get("method") or "get").lower(), "action": attrs.get("action"), "fields": {}}
            self.forms.append(self._form)
        elif tag in ("input", "select", "textarea") and self._form is not None and attrs.get("name"):
            self._form["fields"].setdefault(attrs["name"], attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def _parse(response) -> _Forms:
    parser = _Forms()
    if "html" in response.get("Content-Type", ""):
        parser.feed(response.content.decode(errors="replace"))
    return parser


def _hostile(fields: dict, payload: str, dates: tuple[str, str, str]) -> dict:
    data = {}
    for name, value in fields.items():
        if name == "csrfmiddlewaretoken":
            data[name] = value
        elif re.search(r"_[012]$", name):
            data[name] = dates[int(name[-1])]
        else:
            data[name] = payload
    return data


class Crawl:
    def __init__(self, request):
        # A server error comes back as the 500 page a user would get, not as an exception.
        self.client, self.request = SecondFactorClient(raise_request_exception=False), request
        self.problems: dict[str, str] = {}  # one line per kind of problem and place

    def report(self, where: str, kind: str, detail: str = "") -> None:
        self.problems.setdefault(f"{where}: {kind}", detail)

    def summary(self) -> str:
        return "\n".join(f"{key} {detail}".rstrip() for key, detail in list(self.problems.items())[:60])

    def sign_in(self, persona: str) -> None:
        self.client.logout()
        if persona != "anonymous":
            self.client.force_login(self.request.getfixturevalue(persona))

    def check(self, persona: str, method: str, url: str, response, sent: str = "") -> None:
        where = f"{method} {url} as {persona}"
        if response.status_code >= 500:
            self.report(where, f"server error {response.status_code}", f"for {sent[:60]!r}")
            return
        body = response.content.decode(errors="replace") if "html" in response.get("Content-Type", "") else ""
        if SCRIPT in body:
            self.report(where, "the script payload came back unescaped")
        addresses = [response.get("Location", "")] + _parse(response).links
        for address in addresses:
            if any(value.lower() in address.lower() for value in PERSONAL):
                self.report(where, "personal data in an address", address[:80])
        if persona != "anonymous" and "no-store" not in response.get("Cache-Control", ""):
            self.report(where, "no Cache-Control: no-store")

    def fuzz_page(self, persona: str, url: str, payloads, allow_post: bool) -> None:
        self.sign_in(persona)
        page = self.client.get(url)
        self.check(persona, "GET", url, page)
        if page.status_code != 200:
            return
        forms = _parse(page).forms
        # The page's own query string: paging and sorting, then every GET form's fields.
        query_fields = {"page": "", "sort": "", "q": ""}
        for form in forms:
            if form["method"] == "get":
                query_fields.update(form["fields"])
        for index, payload in enumerate(payloads):
            dates = DATE_PARTS[index % len(DATE_PARTS)]
            target = f"{url}?{urlencode(_hostile(query_fields, payload, dates))}"
            self.check(persona, "GET", url, self.client.get(target), payload)
        if not allow_post:
            return
        # One field at a time too: a filter whose other fields are invalid never runs its query,
        # which is how a far-future date got past a test that set every field at once.
        for name in sorted(set(query_fields) - {"csrfmiddlewaretoken"}):
            for index, payload in enumerate(FIELD_PAYLOADS):
                value = _hostile({name: ""}, payload, DATE_PARTS[index % len(DATE_PARTS)])
                self.check(persona, "GET", url, self.client.get(f"{url}?{urlencode(value)}"), f"{name}={payload}")
        for form in forms:
            if form["method"] != "post":
                continue
            action = form["action"] or url
            if urlsplit(action).netloc:
                continue
            for index, payload in enumerate(payloads):
                dates = DATE_PARTS[index % len(DATE_PARTS)]
                self.sign_in(persona)
                response = self.client.post(action, _hostile(form["fields"], payload, dates))
                self.check(persona, "POST", action, response, payload)


def _allowed_pages(world):
    from tests.test_authorisation_matrix import EXPECTED, OK

    for page in every_page():
        url = reverse(page.name, kwargs=world.kwargs(page))
        personas = [p for p in [*STAFF, "anonymous"] if EXPECTED[page.name][p] == OK]
        yield page, url, personas


def test_no_hostile_value_in_any_field_of_any_page_breaks_or_leaks(request, world):
    crawl = Crawl(request)
    for page, url, personas in _allowed_pages(world):
        for position, persona in enumerate(personas):
            # Every persona who may open the page reads it with hostile query strings; the
            # first one also sends back each of its forms (posting is what changes records).
            allow_post = position == 0 and page.name not in NOT_POSTED
            crawl.fuzz_page(persona, url, PAYLOADS, allow_post)
    assert not crawl.problems, crawl.summary()


@pytest.mark.django_db(transaction=False)
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=st.text(min_size=0, max_size=300))
def test_generated_text_in_every_search_and_filter_never_breaks_a_page(request, world, text):
    crawl = Crawl(request)
    for _page, url, personas in _allowed_pages(world):
        if not personas:
            continue
        crawl.sign_in(personas[0])
        for form in _parse(crawl.client.get(url)).forms:
            if form["method"] == "get":
                target = f"{url}?{urlencode(_hostile(form['fields'], text, ('1', '1', text[:8])))}"
                crawl.check(personas[0], "GET", url, crawl.client.get(target), text)
    assert not crawl.problems, crawl.summary()
