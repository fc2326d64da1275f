"""Reads for inclusion, one module per page or figure family."""

from coproduce.apps.inclusion.selectors.common import hidden_note
from coproduce.apps.inclusion.selectors.dashboard import (
    EngagementInclusionRow,
    InclusionDashboard,
    QuarterFigures,
    inclusion_dashboard,
    inclusion_dashboard_tables,
)
from coproduce.apps.inclusion.selectors.snapshots import (
    SnapshotReport,
    inclusion_snapshot_get,
    inclusion_snapshot_list,
    inclusion_snapshot_report,
    snapshot_report_tables,
)
from coproduce.apps.inclusion.selectors.who_took_part import (
    CategoryRow,
    CharacteristicRows,
    WhoTookPart,
    engagement_who_took_part,
    who_took_part_tables,
)

__all__ = [
    "CategoryRow",
    "CharacteristicRows",
    "EngagementInclusionRow",
    "InclusionDashboard",
    "QuarterFigures",
    "SnapshotReport",
    "WhoTookPart",
    "engagement_who_took_part",
    "hidden_note",
    "inclusion_dashboard",
    "inclusion_dashboard_tables",
    "inclusion_snapshot_get",
    "inclusion_snapshot_list",
    "inclusion_snapshot_report",
    "snapshot_report_tables",
    "who_took_part_tables",
]
