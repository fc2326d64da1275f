"""Words and labels shared by the inclusion pages and their downloads."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from coproduce.apps.core.about_you import ABOUT_YOU_FIELDS
from coproduce.apps.inclusion.disclosure import Disclosure

# The analytics' readings of a group (representation.score), in words.
READINGS: dict[str, Promise] = {
    "under-represented": _("Under-represented"),
    "in proportion": _("In proportion"),
    "over-represented": _("Over-represented"),
    "none here": _("No residents in this group"),
}


def reading_label(reading: str) -> str:
    return str(READINGS.get(reading, reading))


def choice_label(characteristic: str, value: str) -> str:
    """An "about you" answer's label ("16_24" → "16 to 24"), else the value."""
    choices = ABOUT_YOU_FIELDS.get(characteristic)
    if choices is None:
        return value
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def hidden_note(disclosure: Disclosure) -> str:
    """What "[c]" means, for notes under tables and in downloaded files."""
    return str(
        _(
            "[c]: fewer than %(threshold)s people, hidden to protect them (with "
            "the next smallest group when one alone could be worked out from the "
            "total)."
        )
    ) % {"threshold": disclosure.threshold}
