from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "attune.training"
    verbose_name = "Training and supervision"
