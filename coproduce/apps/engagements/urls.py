"""Engagement pages: public list and detail, and officers' management pages."""

from django.urls import path

from coproduce.apps.engagements.views import manage, public

app_name = "engagements"

_org = "orgs/<slug:org_slug>/"
_eng = f"{_org}engagements/<slug:slug>/"

urlpatterns = [
    # Residents
    path(f"{_org}engagements/", public.engagement_list_view, name="engagement-list"),
    # Before the detail page: "new" is never an engagement's slug.
    path(
        f"{_org}engagements/new/",
        manage.engagement_create_view,
        name="engagement-create",
    ),
    path(_eng, public.engagement_detail_view, name="engagement-detail"),
    path(
        f"{_eng}documents/<int:pk>/",
        public.document_download_view,
        name="document-download",
    ),
    path(f"{_eng}comments/", public.comment_create_view, name="comment-create"),
    path(f"{_org}you-said-we-did/", public.response_list_view, name="response-list"),
    # Officers
    path(f"{_eng}edit/", manage.engagement_update_view, name="engagement-update"),
    path(
        f"{_eng}status/<slug:action>/",
        manage.engagement_status_view,
        name="engagement-status",
    ),
    path(
        f"{_eng}response-due/",
        manage.engagement_response_due_view,
        name="engagement-response-due",
    ),
    path(f"{_eng}events/new/", manage.event_create_view, name="event-create"),
    path(f"{_eng}events/<int:pk>/", manage.event_update_view, name="event-update"),
    path(
        f"{_eng}events/<int:pk>/delete/",
        manage.event_delete_view,
        name="event-delete",
    ),
    path(f"{_eng}documents/new/", manage.document_create_view, name="document-create"),
    path(
        f"{_eng}documents/<int:pk>/delete/",
        manage.document_delete_view,
        name="document-delete",
    ),
    path(f"{_eng}response/", manage.response_edit_view, name="response-edit"),
    path(
        f"{_eng}response/publish/",
        manage.response_publish_view,
        name="response-publish",
    ),
    path(f"{_org}topics/", manage.topic_list_view, name="topic-list"),
    path(f"{_org}topics/<int:pk>/", manage.topic_update_view, name="topic-update"),
    path(
        f"{_org}topics/<int:pk>/delete/",
        manage.topic_delete_view,
        name="topic-delete",
    ),
    path(f"{_org}moderation/", manage.moderation_queue_view, name="moderation-queue"),
    path(
        f"{_org}moderation/<int:pk>/",
        manage.comment_moderate_view,
        name="comment-moderate",
    ),
]
