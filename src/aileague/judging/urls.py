from django.urls import path

from aileague.judging import views

app_name = "judging"
urlpatterns = [
    path("", views.my_reviews, name="mine"),
    path("profile/", views.judge_profile, name="profile"),
    path("reviews/<int:pk>/", views.score_sheet, name="sheet"),
    path("reviews/<int:pk>/conflict/", views.declare_conflict, name="declare_conflict"),
    path("entries/<int:pk>/document/", views.entry_document, name="document"),
    path("entries/<int:pk>/formal-check/", views.formal_check, name="formal_check"),
    path("proposal/<slug:slug>/<slug:stage_slug>/", views.proposal, name="proposal"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/status/", views.round_status, name="round_status"),
    path("rounds/<int:pk>/assign/", views.run_assignment, name="assign"),
    path("rounds/<int:pk>/results/compute/", views.compute_results, name="compute_results"),
    path("rounds/<int:pk>/results/extra-reviews/", views.extra_reviews, name="extra_reviews"),
    path("rounds/<int:pk>/results.csv", views.results_csv, name="results_csv"),
    path("rounds/<int:pk>/sessions/new/", views.new_pitch_session, name="new_pitch_session"),
]
