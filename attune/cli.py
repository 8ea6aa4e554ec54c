"""The ``attune`` console command: Django's management entry point with Attune's settings."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attune.settings")
    from django.conf import settings
    from django.core.management import execute_from_command_line

    # The SQLite file lives in the data folder; on a fresh machine it does not exist yet, and
    # Django's start-up checks open the database before any command runs.
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)

    execute_from_command_line(["attune", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
