"""No personal data in any URL (SEC-2): a name, date of birth, NHS number, postcode or phone
number in an address lands in server logs, browser history and proxies.

Every page, as every member of staff, is fetched (the authorisation matrix's world and URL
walk) and read: each search or filter form that is sent by GET may only carry choices (select
boxes, tick boxes, radios) and the few typed values named below, none of them about a person;
a search that takes a name or an NHS number must be posted. And no link, form action or
redirect on any page carries the person's details.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import unquote_plus

import pytest
from django.test import Client
from django.urls import reverse

from tests.test_authorisation_matrix import DATE_OF_BIRTH, FAMILY, GIVEN, NHS_NUMBER, STAFF, every_page
from tests.test_authorisation_matrix import world as world  # the matrix's fixture, used here

# Typed values a GET form may carry, and why each is not about a person.
TYPED_IN_THE_URL = {
    "person": "the access log's person reference: a random code, not a detail of the person",
    "reference": "a referral reference: a random code",
    "username": "a member of staff's username, for the access log's 'what did this user open?'",
    "date_from": "a date range over the access log, not a date of birth",
    "date_to": "a date range over the access log, not a date of birth",
    "page": "a page number",
}
CHOICES = {"select", "checkbox", "radio", "submit", "button", "reset"}
PUBLIC_PAGES = ["public:start", "public:form", "safeguarding_public:form", "login", "password_reset"]


class _Forms(HTMLParser):
    """Every form's method and fields, and every URL the page links to or sends to."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.urls: list[str] = []
        self._form: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("href", "action", "src", "formaction"):
            if attrs.get(name):
                self.urls.append(attrs[name])
        if tag == "form":
            self._form = {"method": (attrs.get("method") or "get").lower(), "fields": []}
            self.forms.append(self._form)
        elif tag in {"input", "select", "textarea", "button"} and self._form is not None and attrs.get("name"):
            kind = attrs.get("type", "text").lower() if tag == "input" else tag
            if tag == "button":
                kind = "button"
            self._form["fields"].append((attrs["name"], kind))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def _read(html: str) -> _Forms:
    parser = _Forms()
    parser.feed(html)
    return parser


def personal_details() -> list[str]:
    born = DATE_OF_BIRTH
    return [
        GIVEN.lower(),
        FAMILY.lower(),
        NHS_NUMBER,
        born.isoformat(),
        born.strftime("%d/%m/%Y"),
        f"{born.day}/{born.month}/{born.year}",
    ]


def problems_on(label: str, response) -> list[str]:
    found = []
    location = response.headers.get("Location", "")
    urls = [location] if location else []
    if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
        page = _read(response.content.decode())
        urls += page.urls
        for form in page.forms:
            if form["method"] != "get":
                continue
            for name, kind in form["fields"]:
                if kind not in CHOICES and name not in TYPED_IN_THE_URL:
                    found.append(f"{label}: a GET form sends the typed field {name!r} in the URL")
    for url in urls:
        readable = unquote_plus(url).lower()
        found += [f"{label}: {detail!r} in the URL {url}" for detail in personal_details() if detail in readable]
    return found


def test_no_page_puts_personal_data_in_a_url(client, request, world):
    found = []
    for page in every_page():
        url = reverse(page.name, kwargs=world.kwargs(page))
        for persona in STAFF:
            client.logout()
            client.force_login(request.getfixturevalue(persona))
            found += problems_on(f"{page.name} as {persona}", client.get(url))
    assert not found, "\n".join(sorted(set(found)))


@pytest.mark.django_db
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_no_public_page_puts_personal_data_in_a_url(name):
    assert problems_on(name, Client().get(reverse(name))) == []


def test_the_check_finds_a_search_by_name_sent_in_the_url():
    # The rule itself: the data-rights search as it was (?q=McCarthy) is caught.
    class Page:
        status_code = 200
        headers: dict = {}
        content = b'<form method="get"><input type="search" name="q"><button>Search</button></form>'

        def get(self, name, default=""):
            return "text/html; charset=utf-8" if name == "Content-Type" else default

    assert problems_on("old data rights", Page()) == [
        "old data rights: a GET form sends the typed field 'q' in the URL"
    ]


def test_the_data_rights_search_is_posted_and_a_query_string_searches_nothing(client, data_protection_officer, world):
    client.force_login(data_protection_officer)
    url = reverse("referrals:data_rights")

    assert client.get(url, {"q": FAMILY}).context["people"] is None
    posted = client.post(url, {"q": FAMILY})
    assert [person.pk for person in posted.context["people"]] == [world.person.pk]
