from django.urls import path

from aileague.judging import round_views, views

app_name = "judging"
urlpatterns = [
    path("", views.my_reviews, name="mine"),
    path("profile/", views.judge_profile, name="profile"),
    path("reviews/<int:pk>/", views.score_sheet, name="sheet"),
    path("reviews/<int:pk>/conflict/", views.declare_conflict, name="declare_conflict"),
    path("entries/<int:pk>/document/", views.entry_document, name="document"),
    path("entries/<int:pk>/formal-check/", round_views.formal_check, name="formal_check"),
    path("proposal/<slug:slug>/<slug:stage_slug>/", views.proposal, name="proposal"),
    path("rounds/<int:pk>/", round_views.round_detail, name="round"),
    path("rounds/<int:pk>/status/", round_views.round_status, name="round_status"),
    path("rounds/<int:pk>/assign/", round_views.run_assignment, name="assign"),
    path("rounds/<int:pk>/results/compute/", round_views.compute_results, name="compute_results"),
    path("rounds/<int:pk>/results/extra-reviews/", round_views.extra_reviews, name="extra_reviews"),
    path("rounds/<int:pk>/results.csv", round_views.results_csv, name="results_csv"),
    path("rounds/<int:pk>/sessions/new/", round_views.new_pitch_session, name="new_pitch_session"),
]
