"""Mark response imports whose worker died as failed (nothing was imported).

Run it from cron beside `advance_engagements`, for example every 15 minutes:

    */15 * * * * cd /srv/coproduce && .venv/bin/python manage.py fail_stalled_imports
"""

from typing import Any

from django.core.management.base import BaseCommand

from coproduce.apps.surveys.services.imports import survey_imports_fail_stalled


class Command(BaseCommand):
    help = "Mark response imports still running after an hour as failed."

    def handle(self, *args: Any, **options: Any) -> None:
        n_failed = survey_imports_fail_stalled()
        self.stdout.write(f"Marked {n_failed} stalled import(s) as failed.")
