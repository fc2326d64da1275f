"""Support staff can look users up; account changes are made by the users themselves."""

from __future__ import annotations

from django.contrib import admin

from coproduce.apps.accounts.models import User


@admin.register(User)
class UserAdmin(admin.ModelAdmin[User]):
    list_display = ("email", "full_name", "is_active", "is_staff", "date_joined")
    list_filter = ("is_active", "is_staff", "preferred_language")
    search_fields = ("email", "full_name")
    readonly_fields = ("email", "last_login", "date_joined", "password")
    fields = (
        "email",
        "full_name",
        "preferred_language",
        "is_active",
        "last_login",
        "date_joined",
    )

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
