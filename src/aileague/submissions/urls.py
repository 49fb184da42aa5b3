from django.urls import path

from aileague.leaderboards import views as leaderboard_views
from aileague.submissions import views

app_name = "submissions"
urlpatterns = [
    path("file/<uuid:uuid>/", views.download, name="download"),
    path("<int:submission_id>/final/", views.select_final, name="select_final"),
    path("<slug:slug>/<slug:stage_slug>/", views.upload, name="upload"),
    path("<slug:slug>/<slug:stage_slug>/status/", views.status, name="status"),
    path("<slug:slug>/<slug:stage_slug>/leaderboard/", views.leaderboard, name="leaderboard"),
    path(
        "<slug:slug>/<slug:stage_slug>/leaderboard/shakeup/",
        leaderboard_views.shakeup,
        name="leaderboard_shakeup",
    ),
    path(
        "<slug:slug>/<slug:stage_slug>/leaderboard.csv",
        views.leaderboard_csv,
        name="leaderboard_csv",
    ),
]
