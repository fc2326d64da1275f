"""Mark Polis imports whose worker died as failed; nothing of them was imported.

Run it from cron every 15 minutes, beside `fail_stalled_imports`.
"""

from typing import Any

from django.core.management.base import BaseCommand

from coproduce.apps.conversations.services.polis_import import (
    conversation_imports_fail_stalled,
)


class Command(BaseCommand):
    help = "Mark Polis imports still running after an hour as failed."

    def handle(self, *args: Any, **options: Any) -> None:
        n_failed = conversation_imports_fail_stalled()
        self.stdout.write(f"Marked {n_failed} stalled Polis import(s) as failed.")
