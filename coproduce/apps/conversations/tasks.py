"""Background work for conversations. Tasks take IDs and call one service."""

from django_tasks import task


@task()
def conversation_import_run_task(*, conversation_import_id: int) -> str:
    """Check and import one uploaded Polis export; returns the end status."""
    from coproduce.apps.conversations.services.polis_import import (
        conversation_import_run,
    )

    return conversation_import_run(conversation_import_id=conversation_import_id).status
