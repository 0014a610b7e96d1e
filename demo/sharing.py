"""Consent and sharing in the demo (PAR-2 to PAR-5), after ``DemoReferrals.run``.

Gives the Treatment Service demo user something to see: for the allocated people whose triage
outcome was "ERS and Treatment", consent to share with the Treatment Service, their Treatment
referrals sent, and an outcome recorded by the Treatment practitioner on one; and one onward
referral to a housing service. Each step goes through the services and looks at what is
already recorded first, so a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from demo.referrals import DemoReferrals
from demo.scenarios import OUT, clock_at
from partnership.access import role_of
from partnership.models import Organisation, Role
from referrals.models import Consent, OnwardReferral, Referral, TreatmentReferral
from referrals.services import consent as consent_services
from referrals.services import onward as services_onward
from referrals.services import treatment as services_treatment

# The onward referral (PAR-4): a housing service, with the person's consent to share with it.
ONWARD_HOUSING = "Carlisle Housing Options (demo)"


class DemoSharing:
    """The sharing steps for the referrals a ``DemoReferrals`` run made or found."""

    def __init__(self, demo: DemoReferrals):
        self.now, self.spoc = demo.now, demo.spoc
        self.referrals, self.plans, self.workers_by_hub = demo.referrals, demo.plans, demo.workers_by_hub

    def share(self, *, treatment: Organisation, treatment_user) -> int:
        """After ``run``: consent, Treatment referrals sent (one with its outcome) and one
        onward referral, each only if not recorded yet. Returns how many steps were taken.

        No random draws here: the moments follow each referral's allocation, so a second run
        finds everything in place and does nothing."""
        steps = 0
        fresh = Referral.objects.select_related("person", "allocated_worker__membership", "assigned_to").in_bulk(
            [referral.pk for referral in self.referrals.values()]
        )
        referral_for = {key: fresh[referral.pk] for key, referral in self.referrals.items()}
        # Allocated people whose triage outcome was "ERS and Treatment": ERS support carries
        # on while the Treatment Service sees them (§3.19.3).
        both = [
            referral_for[plan.key]
            for plan in self.plans
            if plan.stage == "allocated" and plan.outcome == OUT.BOTH and plan.key in referral_for
        ]
        for referral in both:
            steps += self._send_to_treatment(referral, treatment)
        if both:
            # The Treatment practitioner accepts the longest-waiting one and books them in.
            steps += self._treatment_outcome(min(both, key=lambda r: r.allocated_at), treatment_user)
        # One onward referral, on the demo hub worker's own caseload.
        onward = next(
            (
                referral_for[plan.key]
                for plan in self.plans
                if plan.stage == "allocated"
                and plan.outcome == OUT.ERS
                and plan.key in referral_for
                and referral_for[plan.key].allocated_worker_id == self.workers_by_hub["Carlisle"][0].pk
            ),
            None,
        )
        if onward is not None:
            steps += self._onward_referral(onward)
        return steps

    def _sharer(self, referral: Referral):
        """Who talks sharing through with the person and sends: their hub worker, or the SPOC
        practitioner who triaged them when a peer support worker has them (the dataset sent
        carries risk detail, which peer support workers do not see)."""
        if role_of(referral.allocated_worker) == Role.HUB_WORKER:
            return referral.allocated_worker
        return referral.assigned_to or self.spoc

    def _after_allocation(self, referral: Referral, hours: float) -> dt.datetime:
        """A moment ``hours`` after the referral was allocated, never reaching the real now."""
        return min(referral.allocated_at + dt.timedelta(hours=hours), self.now - dt.timedelta(minutes=1))

    def _consent(self, referral: Referral, *, recipient: str, agency_name: str = "", at: dt.datetime) -> tuple:
        """The person's current consent to share with ``recipient``, recorded now if missing."""
        consent = (
            Consent.objects.filter(
                person_id=referral.person_id,
                recipient=recipient,
                agency_name=agency_name,
                given=True,
                withdrawn_at__isnull=True,
            )
            .order_by("-recorded_at", "-pk")
            .first()
        )
        if consent is not None:
            return consent, 0
        with clock_at(at):
            consent = consent_services.consent_record(
                person=referral.person,
                by=self._sharer(referral),
                recipient=recipient,
                agency_name=agency_name,
                given=True,
            )
        return consent, 1

    def _send_to_treatment(self, referral: Referral, treatment: Organisation) -> int:
        pending = list(referral.treatment_referrals.filter(status=TreatmentReferral.Status.PENDING).order_by("pk"))
        if not pending or referral.person_id is None:
            return 0
        # The hub worker talks it through with the person soon after allocation, then sends.
        consent, steps = self._consent(
            referral, recipient=Consent.Recipient.TREATMENT, at=self._after_allocation(referral, 1)
        )
        with clock_at(self._after_allocation(referral, 2)):
            for treatment_referral in pending:
                services_treatment.treatment_referral_send(
                    treatment_referral=treatment_referral,
                    by=self._sharer(referral),
                    organisation=treatment,
                    consent=consent,
                )
                steps += 1
        return steps

    def _treatment_outcome(self, referral: Referral, treatment_user) -> int:
        sent = referral.treatment_referrals.filter(status__in=TreatmentReferral.SENT_STATUSES).order_by("pk").first()
        if sent is None or sent.status != TreatmentReferral.Status.SENT:
            return 0  # not sent, or its outcome is already recorded
        # First appointment three days after it was sent; recorded the day after that, with
        # treatment started if the appointment was not still ahead then.
        appointment = timezone.localdate(sent.sent_at) + dt.timedelta(days=3)
        recorded_at = min(sent.sent_at + dt.timedelta(days=4), self.now - dt.timedelta(minutes=1))
        with clock_at(recorded_at):
            services_treatment.treatment_referral_record_outcome(
                treatment_referral=sent,
                by=treatment_user,
                accepted=True,
                first_appointment_on=appointment,
                treatment_started_on=appointment if appointment <= timezone.localdate(recorded_at) else None,
            )
        return 1

    def _onward_referral(self, referral: Referral) -> int:
        if referral.person_id is None or OnwardReferral.objects.filter(referral=referral).exists():
            return 0
        consent, steps = self._consent(
            referral,
            recipient=Consent.Recipient.OTHER_AGENCY,
            agency_name=ONWARD_HOUSING,
            at=self._after_allocation(referral, 24),
        )
        sent_at = self._after_allocation(referral, 25)
        with clock_at(sent_at):
            services_onward.onward_referral_record(
                referral=referral,
                by=self._sharer(referral),
                service_type=OnwardReferral.ServiceType.HOUSING,
                organisation_name=ONWARD_HOUSING,
                sent_at=sent_at,
                notes="Sofa surfing since the spring; would like help to find a tenancy.",
                share_personal_data=True,
                sharing_basis=consent,
            )
        return steps + 1
