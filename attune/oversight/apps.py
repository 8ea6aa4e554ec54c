from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "attune.oversight"
    verbose_name = "Local authority oversight"
