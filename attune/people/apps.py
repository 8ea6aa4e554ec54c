from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "attune.people"
    verbose_name = "Schools, pupils and staff"
