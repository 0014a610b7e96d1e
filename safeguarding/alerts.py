"""Drug alerts (SAF-5, §3.26.6): how they are graded, and the banner on every staff page.

Grading. We follow the three levels the Local Drug Information System (LDIS) model uses to
decide who is told and how fast (Public Health England's LDIS guidance, 2017, kept by OHID;
the Tower Hamlets specification asks providers to "assist in the LDIS alert grading and
dissemination process as per agreed local protocols"):

- Information: something to know, for example a change in what is sold locally; no immediate
  danger. Staff read it when they can.
- Warning: a credible risk of harm, for example a strong or adulterated batch; staff pass the
  advice on at their next contacts.
- Urgent alert: deaths or serious harm linked to a substance now (the LDIS panel's "alert"):
  staff act today (naloxone, checking in with people at risk).

We record the grade the LDIS panel (or, for what our own staff see, the safeguarding lead)
gave, rather than computing one: the panel's protocol is local and agreed (§3.26.6).

The banner. Every staff page shows, to each member of staff who receives alerts, every live
alert they have not acknowledged (GOV.UK notification banner). It costs at most one query per
page, and none at all on the usual page when no alert is live:

- the live alerts (what the banner says about each, and its expiry, so an alert expires with no
  one touching anything) are kept in each server process's memory, stamped with the alerts'
  generation, a random value in the shared cache that the services change whenever an alert is
  issued or withdrawn (at once, and again when the change is committed). Reading the generation
  is a cache read, not a query; a process whose copy carries another generation reads the live
  alerts again. Alerts change only through those services (there is no admin for them).
  A process's copy outlives a cache that was emptied (a restart of Redis, a test's
  ``cache.clear()``): with no generation in the cache, a copy made with none is still good, and
  one made with a generation is read again once;
- which of them a member of staff has acknowledged is cached for them under the generation,
  dropped when they acknowledge one;
- so with nothing known, one query fetches the live alerts with whether this user acknowledged
  each (an ``Exists`` subquery); with only the acknowledgements unknown, one query reads those.

The check is lazy: a page that never draws the banner (a PDF, a redirect) asks nothing.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from partnership.access import receives_drug_alerts
from safeguarding.models import DrugAlert, DrugAlertAcknowledgement

GENERATION_KEY = "safeguarding:drug-alerts:generation"
ACKNOWLEDGED_SECONDS = 60 * 60
# (generation, live alerts) in this process; None: not read yet.
_live: tuple[str | None, list[dict]] | None = None


def _acknowledged_key(user_id: int, generation: str | None) -> str:
    return f"safeguarding:drug-alerts:acknowledged:{user_id}:{generation}"


def live_filter(today=None) -> Q:
    today = today or timezone.localdate()
    return Q(status=DrugAlert.Status.LIVE) & (Q(expires_on__isnull=True) | Q(expires_on__gte=today))


def _summary(alert: DrugAlert) -> dict:
    return {
        "id": alert.pk,
        "reference": alert.reference,
        "title": alert.title,
        "grade": alert.grade,
        "grade_label": str(alert.get_grade_display()),
        "substance": alert.substance,
        "area": alert.area,
        "expires_on": alert.expires_on,
    }


def _new_generation() -> None:
    global _live
    _live = None
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def forget_live_alerts() -> None:
    """Called by the services that issue or withdraw an alert: every process reads the live
    alerts again, now and once the change is committed (a page drawn in between cannot keep
    the old list)."""
    _new_generation()
    transaction.on_commit(_new_generation)


def forget_acknowledgements(user_id: int) -> None:
    key = _acknowledged_key(user_id, cache.get(GENERATION_KEY))
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def live_alerts_known_empty() -> None:
    """For a test's teardown: its database has rolled back, so no alert is live, and the next
    test need not ask (this process's copy outlives the test's database)."""
    global _live
    _live = (cache.get(GENERATION_KEY), [])


def unacknowledged_alerts_for(user) -> list[dict]:
    """The live alerts ``user`` has not acknowledged, most urgent first (one query at most)."""
    global _live
    if not receives_drug_alerts(user):
        return []
    today = timezone.localdate()
    generation = cache.get(GENERATION_KEY)
    known = _live
    acknowledged = None
    if known is None or known[0] != generation:
        mine = DrugAlertAcknowledgement.objects.filter(alert=OuterRef("pk"), user=user)
        rows = list(DrugAlert.objects.filter(live_filter(today)).annotate(mine=Exists(mine)))
        known = _live = (generation, [_summary(alert) for alert in rows])
        acknowledged = {alert.pk for alert in rows if alert.mine}
        cache.set(_acknowledged_key(user.pk, generation), acknowledged, ACKNOWLEDGED_SECONDS)
    live = [a for a in known[1] if a["expires_on"] is None or a["expires_on"] >= today]
    if not live:
        return []
    if acknowledged is None:
        acknowledged = cache.get(_acknowledged_key(user.pk, generation))
    if acknowledged is None:
        acknowledged = set(
            DrugAlertAcknowledgement.objects.filter(user=user, alert_id__in=[a["id"] for a in live]).values_list(
                "alert_id", flat=True
            )
        )
        cache.set(_acknowledged_key(user.pk, generation), acknowledged, ACKNOWLEDGED_SECONDS)
    order = {DrugAlert.Grade.URGENT: 0, DrugAlert.Grade.WARNING: 1, DrugAlert.Grade.INFORMATION: 2}
    return sorted((a for a in live if a["id"] not in acknowledged), key=lambda a: order.get(a["grade"], 3))


def drug_alert_banner(request) -> dict:
    """Context processor: ``drug_alerts``, evaluated only when a page draws the banner."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"drug_alerts": SimpleLazyObject(lambda: unacknowledged_alerts_for(user))}
