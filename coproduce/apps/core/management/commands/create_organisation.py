from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from coproduce.apps.organisations.services import invitation_create, organisation_create
from coproduce.errors import DomainError


class Command(BaseCommand):
    help = (
        "Create an organisation and e-mail an invitation to its first administrator. "
        "For whoever runs the installation; everything else is done on the site."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--slug", required=True, help="Short name for web addresses."
        )
        parser.add_argument("--name-en", required=True, help="Name in English.")
        parser.add_argument("--name-cy", required=True, help="Name in Welsh.")
        parser.add_argument(
            "--kind", required=True, choices=["council", "health_board", "other"]
        )
        parser.add_argument(
            "--admin-email", required=True, help="Who to invite as first administrator."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with transaction.atomic():
                organisation = organisation_create(
                    actor=None,
                    name_en=options["name_en"],
                    name_cy=options["name_cy"],
                    slug=options["slug"],
                    kind=options["kind"],
                )
                invitation_create(
                    actor=None,
                    organisation=organisation,
                    email=options["admin_email"],
                    role="administrator",
                )
        except DomainError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except ValidationError as exc:
            raise CommandError(_validation_summary(exc)) from exc
        self.stdout.write(
            f"Created {organisation.slug}; invitation queued for "
            f"{options['admin_email']}. A worker (`coproduce worker`) sends it."
        )


def _validation_summary(error: ValidationError) -> str:
    """'field: message' for each problem, so the person knows which option to fix."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    return " ".join(
        f"{field}: {message}"
        for field, messages in error.message_dict.items()
        for message in messages
    )
