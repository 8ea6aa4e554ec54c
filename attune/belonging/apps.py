from django.apps import AppConfig


class BelongingConfig(AppConfig):
    name = "attune.belonging"
    verbose_name = "School belonging survey"
