from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from coproduce.demo.builder import demo_current_totp_code


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo staff account (DEBUG only)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Only available in the demo (DEBUG) settings.")
        try:
            self.stdout.write(demo_current_totp_code(options["email"]))
        except Exception as exc:
            raise CommandError(str(exc)) from exc
