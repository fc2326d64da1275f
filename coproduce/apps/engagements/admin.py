"""Support staff's read-only view of engagements. Writes go through the pages and
services, so every change is checked and audited."""

from __future__ import annotations

from django.contrib import admin

from coproduce.apps.engagements.models import Comment, Engagement, EngagementResponse


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Engagement)
class EngagementAdmin(_ReadOnly):
    list_display = ("title_en", "organisation", "level", "status", "closes_at")
    list_filter = ("organisation", "status", "level")
    search_fields = ("title_en", "title_cy", "slug")


@admin.register(EngagementResponse)
class EngagementResponseAdmin(_ReadOnly):
    list_display = ("engagement", "status", "published_at", "notified_count")
    list_filter = ("status",)


@admin.register(Comment)
class CommentAdmin(_ReadOnly):
    list_display = ("engagement", "author", "status", "created_at")
    list_filter = ("status",)
