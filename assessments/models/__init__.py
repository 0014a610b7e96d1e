"""A person's living assessment (ASM-1 to ASM-4, ASM-7) and their instrument readings (ASM-5).

Each section is one row per person that grows over time: every field is optional, because the
assessment may be partial and support never waits for it (§3.3.3). Every save is a new version
in the section's history (django-simple-history), so earlier versions stay readable (ASM-2).
"""

from assessments.models.codes import Answer, Substance, Trigger
from assessments.models.readings import InstrumentReading
from assessments.models.sections import (
    CarersSection,
    Child,
    EqualitySection,
    NeedsSection,
    RiskSection,
    SubstanceSection,
)

__all__ = [
    "Answer",
    "CarersSection",
    "Child",
    "EqualitySection",
    "InstrumentReading",
    "NeedsSection",
    "RiskSection",
    "Substance",
    "SubstanceSection",
    "Trigger",
]
