"""What a safeguarding concern shared with the Treatment Service adds to its shared-record page
(SAF-1; ``referrals.person_record_discovery``, ``SHARED_RECORD``): the concerns shared with the
practitioner's organisation, with the fields ``registry_concerns.SHARED_CONCERN_FIELDS`` names
and their actions. A concern not shared with them is not there at all, not even its existence.
"""

from __future__ import annotations

from partnership.access import sees_shared_concerns
from safeguarding.selectors_concern_sharing import concerns_shared_with_user


def _context(*, person, user) -> dict:
    return {"shared_concerns": concerns_shared_with_user(user=user, person=person)}


SHARED_RECORD = [
    {
        "key": "safeguarding_concerns",
        "order": 50,
        "visible": sees_shared_concerns,
        "template": "safeguarding/concerns/_shared_with_treatment.html",
        "context": _context,
    }
]
