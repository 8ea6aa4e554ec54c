from django.apps import AppConfig


class EarlyYearsConfig(AppConfig):
    name = "attune.earlyyears"
    verbose_name = "Early years"
