"""Support staff's read-only view of surveys. Officers change surveys in the builder,
whose services check permissions and write the audit log; the admin never writes."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from coproduce.apps.surveys.models import Submission, Survey, SurveyVersion


class _ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Survey)
class SurveyAdmin(_ReadOnlyAdmin):
    list_display = ("title_en", "slug", "engagement", "organisation", "access")
    list_filter = ("organisation", "access")
    search_fields = ("title_en", "title_cy", "slug")


@admin.register(SurveyVersion)
class SurveyVersionAdmin(_ReadOnlyAdmin):
    list_display = ("survey", "number", "published_at", "published_by")
    list_filter = ("survey__organisation",)
    exclude = ("definition",)


@admin.register(Submission)
class SubmissionAdmin(_ReadOnlyAdmin):
    # No answers or 'about you' here: support staff need the state, not the views.
    list_display = ("pk", "survey", "version", "channel", "status", "submitted_at")
    list_filter = ("channel", "status", "survey__organisation")
    fields = ("survey", "version", "channel", "status", "started_at", "submitted_at")
