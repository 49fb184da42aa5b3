from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "aileague.accounts"
    label = "accounts"
