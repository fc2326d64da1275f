"""Background work for inclusion. Tasks take IDs and call one service."""

from django_tasks import task


@task()
def inclusion_snapshot_compute_task(*, snapshot_id: int) -> str:
    """Compute one queued inclusion snapshot; returns its end status."""
    from coproduce.apps.inclusion.services.snapshots import inclusion_snapshot_compute

    return inclusion_snapshot_compute(snapshot_id=snapshot_id).status
