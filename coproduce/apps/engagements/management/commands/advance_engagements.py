"""Open scheduled engagements and close open ones whose dates have passed.

Run it every few minutes from cron, for example:

    */5 * * * * cd /srv/coproduce && .venv/bin/python manage.py advance_engagements
"""

from typing import Any

from django.core.management.base import BaseCommand

from coproduce.apps.engagements.services import engagement_advance_due


class Command(BaseCommand):
    help = "Open scheduled engagements and close open ones whose dates have passed."

    def handle(self, *args: Any, **options: Any) -> None:
        n_opened, n_closed = engagement_advance_due()
        self.stdout.write(f"Opened {n_opened}, closed {n_closed} engagement(s).")
