from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "attune.plans"
    verbose_name = "Plans, meetings and the chronology"
