from django.apps import AppConfig


class CompetitionsConfig(AppConfig):
    name = "aileague.competitions"
    label = "competitions"
