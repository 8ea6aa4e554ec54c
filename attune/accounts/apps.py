from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "attune.accounts"
    verbose_name = "Accounts and roles"
