"""Delete kept census uploads whose day has passed (nobody can open them any more).

Run it from cron once a day, for example:

    15 3 * * * cd /srv/coproduce && .venv/bin/python manage.py purge_expired_uploads
"""

from typing import Any

from django.core.management.base import BaseCommand

from coproduce.apps.organisations.services import census_stagings_purge_expired


class Command(BaseCommand):
    help = "Delete census uploads kept for label choices after they expire."

    def handle(self, *args: Any, **options: Any) -> None:
        n_deleted = census_stagings_purge_expired()
        self.stdout.write(f"Deleted {n_deleted} expired census upload(s).")
