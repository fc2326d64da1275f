"""The invitation task calls its service and reports the e-mail status."""

from __future__ import annotations

import pytest
from django.utils import translation

from coproduce.apps.organisations.models import Invitation
from coproduce.apps.organisations.tasks import invitation_send_task
from coproduce.apps.organisations.tests.factories import InvitationFactory


@pytest.mark.django_db
@pytest.mark.parametrize("active_language", ["en", "cy"])
def test_the_task_sends_the_email_and_returns_its_status(
    mailoutbox, settings, active_language
):
    settings.COPRODUCE_SITE_URL = "https://coproduce.example.gov.uk/"
    invitation = InvitationFactory()

    # The link must not depend on the language the worker last served.
    with translation.override(active_language):
        result = invitation_send_task.enqueue(invitation_id=invitation.pk)

    assert result.return_value == Invitation.EmailStatus.SENT
    assert len(mailoutbox) == 1
    assert (
        f"https://coproduce.example.gov.uk/invitations/{invitation.token}/"
        in mailoutbox[0].body
    )
