"""Support staff's view of organisations. Writes go through services: audited."""

from __future__ import annotations

from django.contrib import admin

from coproduce.apps.organisations.models import (
    Area,
    Invitation,
    Membership,
    Organisation,
)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ("name_en", "name_cy", "slug", "kind", "created_at")
    search_fields = ("name_en", "name_cy", "slug")
    readonly_fields = ("name_en", "name_cy", "slug", "kind", "created_at", "updated_at")
    fields = readonly_fields

    def has_add_permission(self, request: object) -> bool:
        # Created with `coproduce manage create_organisation`, which audits and invites.
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin[Area]):
    list_display = ("name_en", "code", "level", "organisation", "parent")
    list_filter = ("organisation", "level")
    search_fields = ("name_en", "name_cy", "code")
    readonly_fields = ("organisation", "parent", "name_en", "name_cy", "code", "level")
    fields = readonly_fields

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ("user", "organisation", "role", "created_at")
    list_filter = ("organisation", "role")
    search_fields = ("user__email",)

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    list_display = (
        "email",
        "organisation",
        "role",
        "status",
        "email_status",
        "expires_at",
    )
    list_filter = ("organisation", "status", "email_status")
    search_fields = ("email",)
    exclude = ("token",)  # the token is a secret that grants a staff role

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
