"""Council of residence from a postcode (pure: no database).

Cumbria has two unitary councils since April 2023 (the specification's footnote 16):
Cumberland (the former Allerdale, Carlisle and Copeland districts) and Westmorland and
Furness (the former Barrow-in-Furness, Eden and South Lakeland districts). The quarterly
reports count people by council, so it is worked out from the postcode district wherever
that is unambiguous, and asked by staff where it is not.

The mapping is by postcode district, each to the council that covers it:

- Cumberland: CA1-CA8 (Carlisle, Dalston, Wigton, Longtown, Brampton), CA12-CA15 (Keswick,
  Cockermouth, Workington, Maryport), CA18-CA28 (Ravenglass to Whitehaven), CA95 (Workington, non-geographic),
  LA18-LA19 (Millom).
- Westmorland and Furness: CA9-CA11 (Alston, Penrith), CA16-CA17 (Appleby, Kirkby Stephen),
  LA7-LA17 (Milnthorpe, Kendal, Sedbergh, Grange-over-Sands, Ulverston, Barrow-in-Furness,
  Dalton-in-Furness, Askam, Kirkby-in-Furness), LA20-LA23 (Broughton-in-Furness, Coniston,
  Ambleside, Windermere).
- Not derivable, so staff ask: LA5 (Arnside with Carnforth, Lancashire) and LA6 (Kirkby
  Lonsdale, shared with Lancashire and North Yorkshire) cross the county boundary; and a
  postcode that is missing or not a postcode at all.
- Outside the area: every other well-formed postcode.

A few districts at the edges include a handful of addresses over a boundary (for example
CA8 near Gilsland). Those addresses are rare, and staff can record the council by hand for a
person whose postcode says otherwise.
"""

from __future__ import annotations

import re

from partnership.models import Council

CUMBERLAND_DISTRICTS = frozenset(
    {f"CA{n}" for n in (*range(1, 9), *range(12, 16), *range(18, 29), 95)} | {"LA18", "LA19"}
)
WESTMORLAND_AND_FURNESS_DISTRICTS = frozenset(
    {f"CA{n}" for n in (9, 10, 11, 16, 17)} | {f"LA{n}" for n in (*range(7, 18), *range(20, 24))}
)
# Districts shared with a council outside Cumbria: the postcode alone cannot say.
BOUNDARY_DISTRICTS = frozenset({"LA5", "LA6"})

# The outward code (area letters, district digits, optional letter) of a full postcode, or of
# an outward code given alone.
_POSTCODE = re.compile(r"^(?P<outward>[A-Z]{1,2}[0-9][0-9A-Z]?)\s*(?:[0-9][A-Z]{2})?$")


def postcode_district(postcode: str) -> str:
    """The postcode district ("CA1" from "ca1 1aa"), or "" for something that is not a postcode."""
    match = _POSTCODE.match(" ".join((postcode or "").upper().split()))
    return match.group("outward") if match else ""


def council_for_postcode(postcode: str) -> str:
    """The ``Council`` a postcode lies in, ``Council.OUTSIDE_AREA`` for anywhere outside
    Cumbria, or "" when it cannot be told (no postcode, not a postcode, a boundary district)."""
    district = postcode_district(postcode)
    if not district or district in BOUNDARY_DISTRICTS:
        return ""
    if district in CUMBERLAND_DISTRICTS:
        return Council.CUMBERLAND
    if district in WESTMORLAND_AND_FURNESS_DISTRICTS:
        return Council.WESTMORLAND_AND_FURNESS
    return Council.OUTSIDE_AREA
