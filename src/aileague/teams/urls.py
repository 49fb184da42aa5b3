from django.urls import path

from aileague.teams import views

app_name = "teams"
urlpatterns = [
    path("", views.my_teams, name="mine"),
    path("new/", views.create_team, name="create"),
    path("<int:team_id>/", views.team_detail, name="detail"),
    path("<int:team_id>/members/", views.add_member, name="add_member"),
    path("enter/<slug:slug>/", views.enter_scenario, name="enter"),
]
