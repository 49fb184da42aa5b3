from django.urls import path

from aileague.competitions import views

app_name = "competitions"
urlpatterns = [
    path("", views.home, name="home"),
    path("scenarios/<slug:slug>/", views.scenario_detail, name="scenario"),
    path("scenarios/<slug:slug>/data/<str:name>", views.data_file, name="data_file"),
    path("scenarios/<slug:slug>/questions/", views.ask_question, name="ask_question"),
    path(
        "scenarios/<slug:slug>/questions/<int:question_id>/answer/",
        views.answer_question,
        name="answer_question",
    ),
]
