"""Normalising names and postcodes so the duplicate check (REF-4) compares like with like."""

from __future__ import annotations

import re
import unicodedata


def normalise_name(name: str) -> str:
    """Lower-case, accents removed, punctuation to spaces: "Siân Ó Briain-Nakamura" -> "sian o briain nakamura"."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", stripped).split())


def normalise_postcode(postcode: str) -> str:
    """Upper-case with one space before the inward code: "ca11aa" -> "CA1 1AA"."""
    compact = re.sub(r"\s+", "", postcode or "").upper()
    if len(compact) > 3:
        return f"{compact[:-3]} {compact[-3:]}"
    return compact
