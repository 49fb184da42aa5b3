from django.apps import AppConfig


class LeaderboardsConfig(AppConfig):
    name = "aileague.leaderboards"
    label = "leaderboards"
