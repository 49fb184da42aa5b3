from django.contrib import admin
from django.urls import include, path

from aileague.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("aileague.accounts.urls")),
    path("teams/", include("aileague.teams.urls")),
    path("submissions/", include("aileague.submissions.urls")),
    path("jury/", include("aileague.judging.urls")),
    path("jury/pitch/", include("aileague.judging.pitch_urls")),
    path("results/", include("aileague.results.urls")),
    path("projects/", include("aileague.outcomes.urls")),
    path("reports/", include("aileague.reports.urls")),
    path("", include("aileague.competitions.urls")),
]
