from django.contrib import admin

from aileague.common.admin_site import OrganiserModelAdmin
from aileague.submissions.models import RescoreRun, Score, Submission


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0
    readonly_fields = ["split", "value", "metric", "scorer_version", "signature", "created_at"]
    can_delete = False


@admin.register(Submission)
class SubmissionAdmin(OrganiserModelAdmin):
    """Read-only: submissions change state only through the services (and the audit log)."""

    list_display = ["pk", "entry", "stage", "state", "created_at", "finished_at", "attempts"]
    list_filter = ["state", "stage__scenario__track", "stage__scenario"]
    search_fields = ["uuid", "sha256", "entry__team__name"]
    readonly_fields = [f.name for f in Submission._meta.fields]
    inlines = [ScoreInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RescoreRun)
class RescoreRunAdmin(OrganiserModelAdmin):
    """Re-scoring runs and their progress; started with ``aileague rescore``, read-only here."""

    list_display = ["pk", "stage", "from_version", "to_version", "state", "done", "total"]
    list_filter = ["state", "stage__scenario"]
    readonly_fields = [f.name for f in RescoreRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
