"""Background work for engagements."""

from django.conf import settings
from django_tasks import task


@task()
def response_notify_task(*, response_id: int) -> int:
    """E-mail the people who asked to hear back; returns how many were e-mailed."""
    from coproduce.apps.engagements.services import response_notify

    return response_notify(
        response_id=response_id, site_url=settings.COPRODUCE_SITE_URL
    )
