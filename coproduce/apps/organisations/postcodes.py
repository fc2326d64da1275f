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


def postcode_display(compact: str) -> str:
    """A compact prefix as people write it: "CF101AA" → "CF10 1AA".

    Only full postcodes get their space back: the inward part is always a
    digit and two letters. Districts and sectors are shown as stored.
    """
    if len(compact) >= 5 and compact[-2:].isalpha() and compact[-3].isdigit():
        return f"{compact[:-3]} {compact[-3:]}"
    return compact
