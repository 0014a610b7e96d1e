import pytest

from referrals.services import referrals as referral_services
from tests.factories import ReferralFactory
from tests.states import allocate


def _allocated_person(*, spoc, hub, worker):
    referral = ReferralFactory()
    person = referral_services.person_create_from_referral(referral=referral, by=spoc)
    allocate(referral, spoc=spoc, hub=hub, worker=worker)
    return person


@pytest.fixture
def person(spoc_practitioner, hub, hub_worker):
    """Someone allocated to the hub worker in Carlisle."""
    return _allocated_person(spoc=spoc_practitioner, hub=hub, worker=hub_worker)


@pytest.fixture
def peer_person(spoc_practitioner, hub, peer_worker):
    """Someone allocated to the peer worker."""
    return _allocated_person(spoc=spoc_practitioner, hub=hub, worker=peer_worker)
