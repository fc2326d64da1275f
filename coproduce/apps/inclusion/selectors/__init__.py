"""Reads for inclusion, one module per page or figure family."""

from coproduce.apps.inclusion.selectors.who_took_part import (
    CategoryRow,
    CharacteristicRows,
    WhoTookPart,
    engagement_who_took_part,
    hidden_note,
    who_took_part_tables,
)

__all__ = [
    "CategoryRow",
    "CharacteristicRows",
    "WhoTookPart",
    "engagement_who_took_part",
    "hidden_note",
    "who_took_part_tables",
]
