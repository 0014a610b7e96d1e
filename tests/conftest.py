"""Role personas (CONVENTIONS: tests) and shared fixtures."""

import pytest
from django.http import HttpRequest
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnership.models import Role
from tests.factories import HubFactory, OrganisationFactory, UserFactory


@pytest.fixture
def ers(db):
    return OrganisationFactory(name="Cumbria ERS (demo)", kind="ers")


@pytest.fixture
def treatment_org(db):
    return OrganisationFactory(name="Cumbria Treatment Service (demo)", kind="treatment")


@pytest.fixture
def council(db):
    return OrganisationFactory(name="Cumberland Council (demo)", kind="council")


@pytest.fixture
def hub(ers):
    return HubFactory(organisation=ers, name="Carlisle")


@pytest.fixture
def other_hub(ers):
    return HubFactory(organisation=ers, name="Kendal")


@pytest.fixture
def spoc_practitioner(ers):
    return UserFactory(username="spoc", membership__organisation=ers, membership__role=Role.SPOC_PRACTITIONER)


@pytest.fixture
def manager(ers, hub):
    return UserFactory(
        username="manager", membership__organisation=ers, membership__hub=hub, membership__role=Role.MANAGER
    )


@pytest.fixture
def hub_worker(ers, hub):
    return UserFactory(
        username="hubworker", membership__organisation=ers, membership__hub=hub, membership__role=Role.HUB_WORKER
    )


@pytest.fixture
def other_hub_worker(ers, other_hub):
    return UserFactory(
        username="otherhubworker",
        membership__organisation=ers,
        membership__hub=other_hub,
        membership__role=Role.HUB_WORKER,
    )


@pytest.fixture
def other_hub_manager(ers, other_hub):
    """The manager of another hub (Kendal): the front door everywhere, casework in Kendal only."""
    return UserFactory(
        username="otherhubmanager",
        membership__organisation=ers,
        membership__hub=other_hub,
        membership__role=Role.MANAGER,
    )


@pytest.fixture
def peer_worker(ers, hub):
    return UserFactory(
        username="peer", membership__organisation=ers, membership__hub=hub, membership__role=Role.PEER_WORKER
    )


@pytest.fixture
def safeguarding_lead(ers):
    return UserFactory(username="safeguarding", membership__organisation=ers, membership__role=Role.SAFEGUARDING_LEAD)


@pytest.fixture
def treatment_practitioner(treatment_org):
    return UserFactory(
        username="treatment", membership__organisation=treatment_org, membership__role=Role.TREATMENT_PRACTITIONER
    )


@pytest.fixture
def commissioner(council):
    return UserFactory(username="commissioner", membership__organisation=council, membership__role=Role.COMMISSIONER)


@pytest.fixture
def data_protection_officer(ers):
    return UserFactory(
        username="dpo",
        first_name="Dana",
        last_name="Protection",
        membership__organisation=ers,
        membership__role=Role.DATA_PROTECTION_OFFICER,
    )


@pytest.fixture
def outsider(db):
    """Signed in, but with no membership of any organisation: may do nothing."""
    return UserFactory(username="outsider", membership=None)


def current_code(device: TOTPDevice) -> str:
    """The 6-digit code the member of staff's authenticator app shows now."""
    token = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return f"{token:0{device.digits}d}"


class SecondFactorClient(Client):
    """Django's test client, whose ``force_login`` (and ``login``) signs in as staff are after
    both steps: the session is verified with a confirmed authenticator-app device (SEC-3,
    partnership/two_factor.py), so tests reach staff pages as before. Tests of the second
    factor itself sign in through the pages, or use a plain ``django.test.Client``."""

    def _login(self, user, backend=None):
        super()._login(user, backend)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Test authenticator app", confirmed=True)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    def login(self, **credentials):
        # django-axes' backend needs the request to count failures by username and address.
        if "request" not in credentials:
            request = HttpRequest()
            request.META["REMOTE_ADDR"] = "127.0.0.1"
            credentials["request"] = request
        return super().login(**credentials)


@pytest.fixture
def client():
    """pytest-django's ``client``, signed in with the second factor by ``force_login``."""
    return SecondFactorClient()


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's ``admin_client`` (a signed-in superuser), with the second factor."""
    client = SecondFactorClient()
    client.force_login(admin_user)
    return client


@pytest.fixture(autouse=True)
def _no_language_carried_between_tests():
    """The test client runs views in this thread, and a public page in Polish leaves Polish
    active here afterwards; every test starts from the default language, as every request
    in production does (LocaleMiddleware activates one per request)."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(scope="session", autouse=True)
def _content_types_of_this_test_database(django_db_setup, django_db_blocker):
    """Django caches content types by id for the life of the process. Where one process runs
    pytest more than once (mutmut's runs, scripts/mutants), the second test database numbers
    them differently: start each session with an empty cache."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


@pytest.fixture(scope="session", autouse=True)
def _no_drug_alert_is_live_in_a_new_test_database(django_db_setup):
    """SAF-5: the drug-alert banner keeps what is live in memory (safeguarding.alerts), read on
    a process's first staff page. A new test database has no alerts, so the first page of the
    run need not ask: pages' query counts stay the same whichever test runs first."""
    from safeguarding.alerts import live_alerts_known_empty

    live_alerts_known_empty()
