"""Background work for attendance: the day's early warnings after an import. Run by
``attune db_worker``."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from attune.attendance import warnings
from attune.tenancy import school_scope


@task()
def refresh_attention(school_id: int) -> int:
    """Work out and keep one school's early warnings for today; returns the children listed."""
    with school_scope(school_id):
        return len(warnings.refresh(timezone.localdate()))
