from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from aileague.common.admin_site import OrganiserModelAdmin
from aileague.common.errors import AileagueError
from aileague.competitions import services
from aileague.competitions.models import DataFile, League, Question, Scenario, Stage, Track


class TrackInline(admin.TabularInline):
    model = Track
    extra = 0


@admin.register(League)
class LeagueAdmin(OrganiserModelAdmin):
    list_display = ["slug", "__str__", "season", "timezone"]
    search_fields = ["slug"]
    inlines = [TrackInline]


@admin.register(Track)
class TrackAdmin(OrganiserModelAdmin):
    list_display = ["slug", "__str__", "league", "position"]
    list_filter = ["league"]
    search_fields = ["slug"]


class StageInline(admin.StackedInline):
    model = Stage
    extra = 0


class DataFileInline(admin.TabularInline):
    model = DataFile
    extra = 0
    readonly_fields = ["size", "sha256"]


@admin.register(Scenario)
class ScenarioAdmin(OrganiserModelAdmin):
    list_display = ["slug", "__str__", "track", "owner", "status", "metric"]
    list_filter = ["status", "track__league", "track", "metric"]
    search_fields = ["slug", "owner__name"]
    inlines = [StageInline, DataFileInline]
    actions = ["submit_for_review", "publish"]

    def _run(self, request, queryset, service):
        """Call the service for each scenario: the same rules and audit entries as elsewhere."""
        for scenario in queryset:
            try:
                service(scenario=scenario, actor=request.user)
            except AileagueError as exc:
                self.message_user(request, f"{scenario.slug}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"{scenario.slug}: {scenario.get_status_display()}")

    @admin.action(description=_("Submit selected scenarios for review"))
    def submit_for_review(self, request, queryset):
        self._run(request, queryset, services.submit_scenario_for_review)

    @admin.action(description=_("Publish selected scenarios"))
    def publish(self, request, queryset):
        self._run(request, queryset, services.publish_scenario)


@admin.register(Stage)
class StageAdmin(OrganiserModelAdmin):
    list_display = [
        "__str__",
        "opens_at",
        "closes_at",
        "evaluation_mode",
        "daily_quota",
        "scorer_version",
    ]
    list_filter = ["evaluation_mode", "scenario__track"]
    search_fields = ["slug", "scenario__slug"]


@admin.register(Question)
class QuestionAdmin(OrganiserModelAdmin):
    list_display = ["scenario", "text", "asked_by", "asked_at", "answered_at"]
    list_filter = ["scenario"]
