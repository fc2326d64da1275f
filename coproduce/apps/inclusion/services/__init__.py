"""Writes for inclusion: snapshots of who took part (snapshots.py)."""

from coproduce.apps.inclusion.services.snapshots import (
    InclusionSnapshotError,
    default_profile_for,
    inclusion_snapshot_compute,
    inclusion_snapshot_request,
    inclusion_snapshots_compute_now,
    inclusion_snapshots_fail_stalled,
    inclusion_snapshots_refresh,
)

__all__ = [
    "InclusionSnapshotError",
    "default_profile_for",
    "inclusion_snapshot_compute",
    "inclusion_snapshot_request",
    "inclusion_snapshots_compute_now",
    "inclusion_snapshots_fail_stalled",
    "inclusion_snapshots_refresh",
]
