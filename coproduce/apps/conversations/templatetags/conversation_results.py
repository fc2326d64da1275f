"""Template helper: an engagement's published conversation results, for its
"You said, we did" section (the engagements app does not query conversations)."""

from __future__ import annotations

from django import template

from coproduce.apps.conversations.models import Conversation
from coproduce.apps.conversations.selectors import conversation_list_published
from coproduce.apps.engagements.models import Engagement

register = template.Library()


@register.simple_tag
def published_conversations(engagement: Engagement) -> list[Conversation]:
    """Conversations of `engagement` whose opinion-map results are public."""
    return list(conversation_list_published(engagement=engagement))
