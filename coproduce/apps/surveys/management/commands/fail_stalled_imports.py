"""Mark response imports, weighting runs and opinion-map runs whose worker died
as failed.

Nothing was imported (or no weights or map stored) for any of them. Run it
from cron beside
`advance_engagements`, for example every 15 minutes:

    */15 * * * * cd /srv/coproduce && .venv/bin/python manage.py fail_stalled_imports
"""

from typing import Any

from django.core.management.base import BaseCommand

from coproduce.apps.conversations.services import opinion_map_runs_fail_stalled
from coproduce.apps.surveys.services.imports import survey_imports_fail_stalled
from coproduce.apps.surveys.services.weighting import weighting_runs_fail_stalled


class Command(BaseCommand):
    help = (
        "Mark response imports still running, and weighting runs and opinion-map "
        "runs still waiting or calculating, after an hour as failed."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        n_failed = survey_imports_fail_stalled()
        self.stdout.write(f"Marked {n_failed} stalled import(s) as failed.")
        n_runs = weighting_runs_fail_stalled()
        self.stdout.write(f"Marked {n_runs} stalled weighting run(s) as failed.")
        n_maps = opinion_map_runs_fail_stalled()
        self.stdout.write(f"Marked {n_maps} stalled opinion-map run(s) as failed.")
