from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from aileague.accounts.models import ApiToken, Organisation, RoleGrant, User
from aileague.common.admin_site import OrganiserModelAdmin


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0
    autocomplete_fields = ["league", "track", "scenario"]


@admin.register(User)
class AileagueUserAdmin(UserAdmin, OrganiserModelAdmin):
    list_display = [
        "email",
        "display_name",
        "real_name",
        "country",
        "email_verified_at",
        "is_staff",
    ]
    list_filter = ["country", "is_staff", "is_superuser", "role_grants__role"]
    search_fields = ["email", "display_name", "real_name"]
    ordering = ["email"]
    inlines = [RoleGrantInline]
    fieldsets = [
        (None, {"fields": ["email", "username", "password"]}),
        (
            "Profile",
            {
                "fields": [
                    "real_name",
                    "display_name",
                    "country",
                    "organisation",
                    "timezone",
                    "language",
                    "email_verified_at",
                ]
            },
        ),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "username", "password1", "password2"]})]


@admin.register(Organisation)
class OrganisationAdmin(OrganiserModelAdmin):
    list_display = ["name", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name"]


@admin.register(ApiToken)
class ApiTokenAdmin(OrganiserModelAdmin):
    list_display = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "name", "prefix", "key_hash", "created_at", "last_used_at"]
    search_fields = ["user__email", "prefix"]
