"""Support staff see engagements, responses and comments read-only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coproduce.apps.accounts.tests.factories import UserFactory
from coproduce.apps.engagements.tests.factories import (
    CommentFactory,
    EngagementResponseFactory,
)
from coproduce.testing.text import SCRIPT


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["engagement", "engagementresponse", "comment"])
def test_support_staff_list_each_model_but_cannot_add(client_for, model):
    EngagementResponseFactory(engagement__title_en=SCRIPT)
    CommentFactory()
    support = UserFactory(is_staff=True, is_superuser=True, with_totp=True)
    client = client_for(support)

    listing = client.get(reverse(f"admin:engagements_{model}_changelist"))
    adding = client.get(reverse(f"admin:engagements_{model}_add"))

    assert listing.status_code == 200
    assert SCRIPT not in listing.content.decode()
    assert adding.status_code == 403
