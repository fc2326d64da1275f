"""Publishing a conversation's opinion-map results to the public."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from coproduce.apps.accounts.models import User
from coproduce.apps.audit.services import audit_event_create
from coproduce.apps.conversations.models import Conversation
from coproduce.apps.conversations.permissions import can_manage_conversations


@transaction.atomic
def conversation_results_publish(
    *, conversation: Conversation, actor: User, is_published: bool
) -> Conversation:
    """Show (or hide again) the map, groups, consensus and report to the public.

    Raises PermissionDenied. Audited as "conversation.results_publish" or
    "conversation.results_unpublish"; setting the current value changes nothing.
    """
    if not can_manage_conversations(actor, conversation.organisation):
        raise PermissionDenied
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if conversation.results_published == is_published:
        return conversation
    conversation.results_published = is_published
    conversation.full_clean()
    conversation.save(update_fields=["results_published", "updated_at"])
    audit_event_create(
        actor=actor,
        action=(
            "conversation.results_publish"
            if is_published
            else "conversation.results_unpublish"
        ),
        target=conversation,
        organisation=conversation.organisation,
        changes={
            "results_published": {"before": not is_published, "after": is_published}
        },
    )
    return conversation
