from django.apps import AppConfig


class InterventionsConfig(AppConfig):
    name = "attune.interventions"
    verbose_name = "Interventions"
