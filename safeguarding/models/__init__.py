"""Safeguarding's records, one module per part of issue 11, each listing its models in ``__all__``:

- ``concerns``: safeguarding concerns (SAF-1) and the chronology's marks and summaries (SAF-2);
- ``notifications``: notifications to councils with their clocks, serious incidents and near
  misses, deaths in service, non-fatal overdoses and data-security incidents (SAF-1, 3, 6);
- ``concern_sharing``: a concern shared with the Treatment Service on a recorded basis (SAF-1);
- ``complaints``: complaints and compliments (SAF-4) and drug alerts (SAF-5).
"""

from safeguarding.models.complaints import *  # noqa: F403
from safeguarding.models.concern_sharing import *  # noqa: F403
from safeguarding.models.concerns import *  # noqa: F403
from safeguarding.models.notifications import *  # noqa: F403
