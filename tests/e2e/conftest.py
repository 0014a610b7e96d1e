"""End-to-end tests: Debian's Chromium, driven by Playwright, against a real server.

Pages come from pytest-django's ``live_server``, which also serves static files (through
django.contrib.staticfiles' finders, so static/dist must have been built by
scripts/build-assets). Every page a test visits should pass ``assert_accessible(page)``:
axe-core, WCAG 2.2 AA.

Mark each module ``pytestmark = pytest.mark.e2e`` and each test
``@pytest.mark.django_db(transaction=True)`` (the server thread must see committed rows).
"""

import json
import os
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BUILT_CSS = Path(settings.BASE_DIR) / "static" / "dist" / "app.css"
PERSONA_PASSWORD = "correct horse battery staple"  # tests/factories.py UserFactory


@pytest.fixture(scope="module", autouse=True)
def _allow_orm_calls_beside_playwright():
    """Playwright's sync API keeps an event loop running in this thread, which makes Django
    refuse ORM calls here (SynchronousOnlyOperation). These tests are synchronous: allow them,
    for the e2e modules only."""
    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if saved is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


# One browser per module, not per session: while Playwright runs, its event loop makes
# Django keep separate database connections per context, and left running into the rest of
# the suite those connections stop PostgreSQL dropping the test database at the end.
@pytest.fixture(scope="module")
def browser(_allow_orm_calls_beside_playwright):
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: scripts/test installs Debian's chromium package")
    if not BUILT_CSS.exists() or not AXE_SCRIPT.exists():
        pytest.fail("static/dist or node_modules is missing: run scripts/build-assets first")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def own_page(browser, *, width: int = 1280, height: int = 900):
    """A page in a browser context of its own (its own cookies: nobody else's session)."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def page(browser):
    with own_page(browser) as page:
        yield page


@pytest.fixture
def public_page(browser):
    """A browser of its own for the member of the public: nobody is signed in there."""
    with own_page(browser) as page:
        yield page


@pytest.fixture
def treatment_page(browser):
    """A browser of the Treatment Service's own: nothing of the ERS session is shared with it."""
    with own_page(browser) as page:
        yield page


def _describe(violation: dict) -> str:
    lines = [f"{violation['id']} ({violation.get('impact')}): {violation['help']}", f"  {violation['helpUrl']}"]
    for node in violation["nodes"]:
        lines.append(f"  - {json.dumps(node['target'])}: {node.get('failureSummary', '').replace(chr(10), ' ')}")
    return "\n".join(lines)


def run_axe(page) -> list[dict]:
    """axe-core's violations for the page as it is now (WCAG 2.0, 2.1 and 2.2, A and AA)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, not added as an inline <script>: the
        # Content Security Policy (scripts only from 'self' or with the nonce) blocks those.
        page.evaluate(AXE_SCRIPT.read_text())
    result = page.evaluate(
        "async (tags) => await window.axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    return result["violations"]


def checked(page) -> None:
    """axe-core on the page once it has loaded (styles applied, GOV.UK Frontend run)."""
    page.wait_for_load_state("load")
    assert_accessible(page)


def assert_accessible(page) -> None:
    """Fail with each violation's id, help text and target nodes if axe-core finds any."""
    violations = run_axe(page)
    assert not violations, f"axe-core found {len(violations)} violation(s) on {page.url}:\n" + "\n".join(
        _describe(v) for v in violations
    )


@pytest.fixture(name="assert_accessible")
def assert_accessible_fixture():
    return assert_accessible


def authenticator_app_for(user):
    """The member of staff's confirmed authenticator app (SEC-3), set up if they have none."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        return TOTPDevice.objects.create(user=user, name="Test authenticator app", confirmed=True)
    # A code is accepted once and wrong ones make the next wait: start clean, so the same
    # persona can sign in again within the same 30 seconds.
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    device.refresh_from_db()
    return device


def code_shown_now(device) -> str:
    """The 6-digit code the authenticator app shows now."""
    from django_otp.oath import totp

    token = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return f"{token:0{device.digits}d}"


def sign_in_on(page, live_server, user, password: str = PERSONA_PASSWORD, *, check=None):
    """Sign in through the form, as a person would: the password, then the code from their
    authenticator app when the service asks for one. ``check`` (for example
    ``assert_accessible``) is called on each sign-in page on the way."""
    device = authenticator_app_for(user)
    page.goto(f"{live_server.url}/sign-in/")
    if check:
        check(page)
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if urlsplit(page.url).path == reverse("otp_verify"):
        if check:
            check(page)
        page.get_by_label("Code").fill(code_shown_now(device))
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()
    return page


@pytest.fixture
def sign_in(page, live_server):
    """``sign_in(user)``: ``sign_in_on`` for this test's page."""

    def _sign_in(user, password: str = PERSONA_PASSWORD, *, check=None):
        return sign_in_on(page, live_server, user, password, check=check)

    return _sign_in
