"""Mark response imports and weighting runs whose worker died as failed.

Nothing was imported (or no weights stored) for either. Run it from cron beside
`advance_engagements`, for example every 15 minutes:

    */15 * * * * cd /srv/coproduce && .venv/bin/python manage.py fail_stalled_imports
"""

from typing import Any

from django.core.management.base import BaseCommand

from coproduce.apps.surveys.services.imports import survey_imports_fail_stalled
from coproduce.apps.surveys.services.weighting import weighting_runs_fail_stalled


class Command(BaseCommand):
    help = (
        "Mark response imports still running, and weighting runs still waiting or "
        "calculating, after an hour as failed."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        n_failed = survey_imports_fail_stalled()
        self.stdout.write(f"Marked {n_failed} stalled import(s) as failed.")
        n_runs = weighting_runs_fail_stalled()
        self.stdout.write(f"Marked {n_runs} stalled weighting run(s) as failed.")
