"""Conversation pages: staff pages under the organisation, residents' by id."""

from django.urls import path

from coproduce.apps.conversations.views import manage, opinion_map, polis, public

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
    *[
        path(
            f"conversations/<int:pk>/results/{suffix}",
            opinion_map.public_opinion_map_view,
            {"page": page},
            name=f"public-{name}",
        )
        for page, suffix, name in (
            ("map", "", "opinion-map"),
            ("groups", "groups/", "opinion-map-groups"),
            ("consensus", "consensus/", "opinion-map-consensus"),
            ("participation", "participation/", "opinion-map-participation"),
            ("report", "report/", "opinion-map-report"),
        )
    ],
    path(
        "conversations/<int:pk>/results/status/",
        opinion_map.public_opinion_map_status_view,
        name="public-opinion-map-status",
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
    *[
        path(
            f"{_conv}opinion-map/{suffix}",
            opinion_map.opinion_map_view,
            {"page": page},
            name=name,
        )
        for page, suffix, name in (
            ("map", "", "opinion-map"),
            ("groups", "groups/", "opinion-map-groups"),
            ("consensus", "consensus/", "opinion-map-consensus"),
            ("participation", "participation/", "opinion-map-participation"),
            ("report", "report/", "opinion-map-report"),
        )
    ],
    path(
        f"{_conv}opinion-map/status/",
        opinion_map.opinion_map_status_view,
        name="opinion-map-status",
    ),
    path(
        f"{_conv}opinion-map/download.<slug:file_format>",
        opinion_map.opinion_map_download_view,
        name="opinion-map-download",
    ),
    path(
        f"{_conv}opinion-map/rebuild/",
        opinion_map.opinion_map_rebuild_view,
        name="opinion-map-rebuild",
    ),
    path(
        f"{_conv}results/publish/",
        opinion_map.results_publish_view,
        name="results-publish",
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
