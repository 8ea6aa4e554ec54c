from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "attune.people"
    verbose_name = "Schools, pupils and staff"

    def ready(self) -> None:
        from django.core.signals import request_finished
        from django.db import close_old_connections

        from attune.sqlite_stats import keep_statistics

        # Ahead of Django's own receiver, which closes the request's connection: PRAGMA
        # optimize needs it open. Receivers run in the order they were connected.
        request_finished.disconnect(close_old_connections)
        request_finished.connect(keep_statistics, dispatch_uid="attune.sqlite_stats")
        request_finished.connect(close_old_connections)
