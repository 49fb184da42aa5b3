from django.contrib import admin

from aileague.common.admin_site import OrganiserModelAdmin
from aileague.common.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(OrganiserModelAdmin):
    """Read by organisers and auditors; nobody can add, change or delete entries."""

    list_display = ["at", "actor", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
