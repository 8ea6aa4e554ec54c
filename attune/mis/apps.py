from django.apps import AppConfig


class MisConfig(AppConfig):
    name = "attune.mis"
    verbose_name = "Connection to the school's MIS"
