"""Recalculate inclusion figures for engagements whose inputs changed.

Looks at every organisation's open engagements and those closed in the last
30 days, and queues a snapshot (computed by the worker) for each whose
responses, comments or population margins changed since its latest snapshot.
Run it from cron once a night, for example:

    30 2 * * * cd /srv/coproduce &&
        .venv/bin/python manage.py inclusion_snapshots_refresh
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from coproduce.apps.inclusion.services import inclusion_snapshots_refresh
from coproduce.apps.organisations.models import Organisation


class Command(BaseCommand):
    help = "Queue inclusion snapshots for engagements whose inputs changed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--organisation",
            help="Only this organisation (its short name in web addresses).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = None
        if options.get("organisation"):
            organisation = Organisation.objects.filter(
                slug=options["organisation"]
            ).first()
            if organisation is None:
                self.stderr.write(
                    f"No organisation with the short name {options['organisation']!r}."
                )
                return
        queued = inclusion_snapshots_refresh(organisation=organisation)
        self.stdout.write(f"Queued {len(queued)} inclusion snapshot(s).")
