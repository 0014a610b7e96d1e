import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from common.tasks import recorded_task

# Imported so the worker registers it: Celery's autodiscovery reads this module only.
from referrals.data_rights.tasks import generate_subject_access_export  # noqa: F401
from referrals.models import Referral

logger = logging.getLogger(__name__)


@recorded_task(
    name="referrals.tasks.notify_spoc_of_referral",
    object_type="referrals.referral",
    # A mail server that is down is tried again, with backoff: each try is an attempt.
    max_attempts=6,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def notify_spoc_of_referral(referral_id: int) -> None:
    """Tell the SPOC inbox a referral arrived. Only the reference and a link: the e-mail
    never carries personal data. Sent once: a message redelivered after it was sent finds
    its run finished (at worst, a worker killed between sending and recording sends twice)."""
    referral = Referral.objects.only("reference", "priority").get(pk=referral_id)
    send_mail(
        subject=f"New referral {referral.reference} ({referral.get_priority_display()})",
        message=(
            f"A new referral has arrived: {referral.reference}.\n"
            f"Open the SPOC queue to triage it: {reverse('referrals:queue')}\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[settings.SPOC_NOTIFICATION_EMAIL],
    )
