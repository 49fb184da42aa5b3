from django.contrib import admin

from aileague.common.admin_site import OrganiserModelAdmin
from aileague.teams.models import Entry, Membership, Team


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Team)
class TeamAdmin(OrganiserModelAdmin):
    list_display = ["name", "league", "country", "province", "organisation_type", "is_joint"]
    list_filter = ["league", "country", "organisation_type", "is_joint"]
    search_fields = ["name", "organisation_name"]
    inlines = [MembershipInline]


@admin.register(Entry)
class EntryAdmin(OrganiserModelAdmin):
    list_display = ["team", "scenario", "registered_at"]
    list_filter = ["scenario__track", "scenario"]
    search_fields = ["team__name", "scenario__slug"]
    raw_id_fields = ["team", "registered_by"]
