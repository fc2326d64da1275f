"""Background work for organisations."""

from django.conf import settings
from django_tasks import task


@task()
def invitation_send_task(*, invitation_id: int) -> str:
    """Send one invitation e-mail; returns the e-mail status for the task result."""
    from coproduce.apps.organisations.services import invitation_send_email

    invitation = invitation_send_email(
        invitation_id=invitation_id, site_url=settings.COPRODUCE_SITE_URL
    )
    return invitation.email_status
