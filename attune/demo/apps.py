from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "attune.demo"
    verbose_name = "Synthetic demo data"
