"""PLN-2, §3.4.2: things that should bring a person's plan review forward, told to whoever
keeps plans.

Recovery plans sit at the end of the dependency chain (``common <- partnership <- referrals <-
assessments <- recovery_plans``), but what prompts a review happens earlier in it: a
reassessment or a safeguarding concern in ``assessments``, a Treatment or onward referral's
outcome (information from a partner) in ``referrals``. So those services call
``review_trigger_fire`` here, and ``recovery_plans`` registers the handler that raises the
prompt (from its ``AppConfig.ready()``, like ``partnership.registry``). No signals: the caller
fires it from its own service, inside its own transaction, so the prompt and the change that
caused it are saved together or not at all.

Registering again replaces the handler, so a second ``ready()`` changes nothing. With no
handler registered (an app list without ``recovery_plans``) firing does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewTrigger(models.TextChoices):
    """The §3.4.2 triggers, one code each; ``recovery_plans.ReviewPrompt.Trigger`` is this."""

    REASSESSMENT = "reassessment", _("Reassessment")
    DISENGAGEMENT = "disengagement", _("Missed appointments or disengagement")
    SAFEGUARDING_ALERT = "safeguarding_alert", _("Safeguarding alert")
    PARTNER_INFORMATION = "partner_information", _("Information from a partner")
    GOAL_COMPLETED = "goal_completed", _("Goal achieved")


# handler(*, person, trigger, by, detail, exemption) -> whatever it made, or None
Handler = Callable[..., Any]

_handlers: list[Handler] = []


def review_trigger_register(handler: Handler) -> None:
    _handlers[:] = [handler]


def review_trigger_fire(*, person, trigger: str, by, detail: str = "", exemption=None) -> Any:
    """Tell the plan keeper that ``trigger`` happened to ``person``. Returns what the handler
    returned (a review prompt, or None when the person has no current plan), or None when no
    handler is registered. An unknown trigger is a programming error, refused at once."""
    if trigger not in ReviewTrigger.values:
        raise ValueError(f"Unknown review trigger {trigger!r}")
    if person is None or not _handlers:
        return None
    return _handlers[0](person=person, trigger=trigger, by=by, detail=detail, exemption=exemption)
