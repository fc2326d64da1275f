"""Postcode text rules shared by the postcode lookup, its import and its selectors.

A postcode is stored compact: capital letters and digits, no spaces. A prefix
of one is a district ("CF10"), a sector ("CF101") or a full unit ("CF101AA").
"""

from __future__ import annotations

import re

# The same pattern validates PostcodeArea.prefix (see models.py).
POSTCODE_PREFIX_PATTERN = r"^[A-Z]{1,2}[0-9][A-Z0-9]?(?:[0-9](?:[A-Z]{2})?)?$"
_POSTCODE_PREFIX = re.compile(POSTCODE_PREFIX_PATTERN)
# Copied from web pages and spreadsheets: invisible, but not white space to str.split.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def postcode_compact(text: str) -> str:
    """`text` without white space or invisible characters, in capitals."""
    return "".join(text.translate(_INVISIBLE).split()).upper()


def is_postcode_prefix(compact: str) -> bool:
    """True for a compact district, sector or full postcode ("CF10", "CF101AA")."""
    return bool(_POSTCODE_PREFIX.match(compact))


_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


def is_postcode_district(compact: str) -> bool:
    """True if `compact` reads as a postcode district ("CF10", "B11", "SW1A")."""
    return bool(_DISTRICT.match(compact))


def postcode_display(compact: str, *, within: str = "") -> str:
    """A compact prefix as people write it: "CF101AA" → "CF10 1AA".

    A full postcode gets its space back: the inward part is always a digit and
    two letters. A sector is told from a district only by the full postcode it
    starts (`within`): "CF912" within "CF912AB" is "CF91 2". Otherwise districts
    and sectors are shown as stored.
    """
    full = within or compact
    if len(full) >= 5 and full[-2:].isalpha() and full[-3].isdigit():
        outward = len(full) - 3
        if len(compact) > outward and full.startswith(compact):
            return f"{compact[:outward]} {compact[outward:]}"
    return compact
