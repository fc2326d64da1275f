"""Conversation pages: staff pages under the organisation, residents' by id."""

from django.urls import path

from coproduce.apps.conversations.views import manage, polis, public

app_name = "conversations"

_org = "orgs/<slug:org_slug>/"
_conv = f"{_org}conversations/<int:pk>/"

urlpatterns = [
    # Residents
    path(
        "conversations/<int:pk>/",
        public.conversation_vote_view,
        name="conversation-vote",
    ),
    path(
        "conversations/<int:pk>/statements/new/",
        public.statement_create_view,
        name="statement-create",
    ),
    path(
        "conversations/<int:pk>/polis-export.zip",
        polis.polis_export_public_view,
        name="polis-export-public",
    ),
    # Staff
    path(
        f"{_org}conversations/", manage.conversation_list_view, name="conversation-list"
    ),
    path(
        f"{_org}engagements/<slug:slug>/conversations/",
        manage.engagement_conversation_list_view,
        name="engagement-conversation-list",
    ),
    path(
        f"{_org}engagements/<slug:slug>/conversations/new/",
        manage.conversation_create_view,
        name="conversation-create",
    ),
    path(_conv, manage.conversation_detail_view, name="conversation-detail"),
    path(f"{_conv}edit/", manage.conversation_update_view, name="conversation-update"),
    path(
        f"{_conv}status/<slug:action>/",
        manage.conversation_status_view,
        name="conversation-status",
    ),
    path(f"{_conv}seed/", manage.statements_seed_view, name="statements-seed"),
    path(f"{_conv}statements/", manage.statement_list_view, name="statement-list"),
    path(f"{_conv}moderation/", manage.moderation_queue_view, name="moderation-queue"),
    path(
        f"{_conv}statements/<int:number>/moderate/",
        manage.statement_moderate_view,
        name="statement-moderate",
    ),
    path(
        f"{_conv}participants/", manage.participant_list_view, name="participant-list"
    ),
    path(
        f"{_conv}participants/<int:number>/ban/",
        manage.participant_ban_view,
        name="participant-ban",
    ),
    # Polis data in and out
    path(
        f"{_org}conversations/import-polis/",
        polis.polis_import_create_view,
        name="polis-import-create",
    ),
    path(
        f"{_org}conversations/import-polis/<int:pk>/",
        polis.polis_import_detail_view,
        name="polis-import-detail",
    ),
    path(f"{_conv}polis-export.zip", polis.polis_export_view, name="polis-export"),
]
