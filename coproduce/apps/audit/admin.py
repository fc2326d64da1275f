"""Support staff can read the audit log across organisations; nobody can edit it."""

from __future__ import annotations

from django.contrib import admin

from coproduce.apps.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ("created_at", "organisation", "actor_repr", "action", "target_repr")
    list_filter = ("action", "organisation")
    search_fields = ("actor_repr", "action", "target_repr")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
