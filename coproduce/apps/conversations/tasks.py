"""Background work for conversations. Tasks take IDs and call one service."""

from django_tasks import task


@task()
def recompute_opinion_map_task(*, run_id: int) -> str:
    """Recompute a conversation's opinion map; returns the run's end status."""
    from coproduce.apps.conversations.services.recompute import (
        recompute_run_execute,
    )

    return recompute_run_execute(run_id=run_id).status


@task()
def conversation_import_run_task(*, conversation_import_id: int) -> str:
    """Check and import one uploaded Polis export; returns the end status."""
    from coproduce.apps.conversations.services.polis_import import (
        conversation_import_run,
    )

    return conversation_import_run(conversation_import_id=conversation_import_id).status
