"""States of a referral reached through the services, shared by the tests (CONVENTIONS: states
that matter are reached through services, so history, transitions and grants are real)."""

from referrals.models import Triage
from referrals.services import allocation as allocation_services
from referrals.services import triage as triage_services


def allocate(referral, *, spoc, hub, worker):
    """Screened (green, lives in Cumberland), accepted for ERS support and allocated."""
    triage_services.triage_save_screening(
        referral=referral, by=spoc, council_of_residence="cumberland", risk=Triage.Risk.GREEN
    )
    triage_services.triage_complete(referral=referral, by=spoc, outcome=Triage.Outcome.ERS)
    allocation_services.referral_allocate(referral=referral, hub=hub, worker=worker, by=spoc)
    return referral
