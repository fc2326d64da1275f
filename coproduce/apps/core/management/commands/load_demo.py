from typing import Any

from django.core.management.base import BaseCommand

from coproduce.demo.builder import demo_build


class Command(BaseCommand):
    help = "Load the fictional Cwm Afon council (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        for role, email, mfa in demo_build(seed=options["seed"]):
            self.stdout.write(f"{role:22} {email:32} {mfa}")
