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
from coproduce.apps.inclusion.selectors.dashboard import (
    EngagementInclusionRow,
    InclusionDashboard,
    QuarterFigures,
    inclusion_dashboard,
)
from coproduce.apps.inclusion.selectors.snapshots import (
    SnapshotReport,
    inclusion_snapshot_get,
    inclusion_snapshot_list,
    inclusion_snapshot_report,
)

__all__ += [
    "EngagementInclusionRow",
    "InclusionDashboard",
    "QuarterFigures",
    "SnapshotReport",
    "inclusion_dashboard",
    "inclusion_snapshot_get",
    "inclusion_snapshot_list",
    "inclusion_snapshot_report",
]
