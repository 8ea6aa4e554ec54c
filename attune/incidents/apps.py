from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "attune.incidents"
    verbose_name = "Incidents"
