"""Users with verified addresses, hostile names and, for staff, an authenticator."""

from __future__ import annotations

from typing import Any

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from factory.django import DjangoModelFactory

from coproduce.apps.accounts.models import User
from coproduce.testing.text import hostile_email_local_parts, hostile_strings

_LOCAL_PARTS = hostile_email_local_parts()
TEST_PASSWORD = "correct horse battery staple"


class UserFactory(DjangoModelFactory):
    """A user who can sign in at once: the address is verified and primary.

    `UserFactory(with_totp=True)` also sets up a TOTP authenticator, which
    every staff member needs before the MFA middleware lets them in.
    """

    class Meta:
        model = User
        skip_postgeneration_save = True

    # Valid but awkward addresses ("o'brien.3@…", "{{x}}.4@…"); the suffix keeps
    # them unique.
    email = factory.Sequence(
        lambda n: f"{_LOCAL_PARTS[n % len(_LOCAL_PARTS)]}.{n}@example.org"
    )
    full_name = factory.Iterator(hostile_strings(max_length=200))
    preferred_language = "en"
    password = TEST_PASSWORD

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        # The manager lowers and validates the address and hashes the password.
        return model_class.objects.create_user(*args, **kwargs)

    @factory.post_generation
    def verified_email(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted is not False:
            EmailAddress.objects.create(
                user=self, email=self.email, verified=True, primary=True
            )

    @factory.post_generation
    def with_totp(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            TOTP.activate(self, generate_totp_secret())
