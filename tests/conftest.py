"""Role personas (CONVENTIONS: tests) and shared fixtures."""

import pytest

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
def outsider(db):
    """Signed in, but with no membership of any organisation: may do nothing."""
    return UserFactory(username="outsider", membership=None)
