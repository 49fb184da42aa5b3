from django.urls import path

from aileague.reports import views

app_name = "reports"
urlpatterns = [
    path("season/<slug:league>/", views.season, name="season"),
    path("season/<slug:league>/download/<str:fmt>/", views.download, name="download"),
    path("dashboard/<slug:league>/", views.dashboard, name="dashboard"),
]
