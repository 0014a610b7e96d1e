"""Background work for sign-in: the password reset e-mail.

The reset page answers the same way, in the same time, whether or not the address belongs
to an account (SEC-3): the page only queues this task with the address typed, and the task
looks the account up, makes the link and sends the e-mail. Looking the account up in the
request, or sending there, made a known address measurably slower (97 ms against 50 ms with
a real mail server), which told anyone trying addresses which ones have accounts.

The address travels only in the task's arguments: ``send_password_reset_later`` hides it from
Celery's logs and events (``argsrepr``/``kwargsrepr``), and nothing here logs it or the link.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from common.tasks import enqueue_on_commit
from partnership.auth_forms import PasswordResetRequestForm

SUBJECT_TEMPLATE = "registration/password_reset_subject.txt"
EMAIL_TEMPLATE = "registration/password_reset_email.html"
HIDDEN = "(hidden)"


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_password_reset(*, email: str, domain: str, use_https: bool) -> None:
    """Send the reset e-mail to each active account with this address; to none, silently,
    when there is none. Safe to run twice (at worst a second link, each working once)."""
    form = PasswordResetRequestForm(data={"email": email})
    if not form.is_valid():
        return
    form.save(
        domain_override=domain,
        use_https=use_https,
        subject_template_name=SUBJECT_TEMPLATE,
        email_template_name=EMAIL_TEMPLATE,
        extra_email_context={"service_name": settings.SERVICE_NAME},
    )


def send_password_reset_later(*, email: str, domain: str, use_https: bool) -> None:
    """Queue the e-mail once the request's transaction commits, with the address kept out of
    Celery's logs."""
    kwargs = {"email": email, "domain": domain, "use_https": use_https}
    shown = {**kwargs, "email": HIDDEN}
    enqueue_on_commit(send_password_reset, kwargs=kwargs, shown=shown)
