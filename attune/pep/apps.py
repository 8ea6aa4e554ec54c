from django.apps import AppConfig


class PepConfig(AppConfig):
    name = "attune.pep"
    verbose_name = "Personal Education Plans"
