"""``{{ p.pupil_id|pupil_attendance_url:school.urn }}``: a pupil's attendance page link.

The school page draws up to 140 pupils; ``{% url %}`` for each one resolved the same pattern
every time, a fifth of drawing the rows. The link is the pattern reversed once per school,
with the pupil's id put in.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import lru_cache

from django import template
from django.urls import get_script_prefix

from attune.links import id_link

register = template.Library()


@lru_cache(maxsize=256)
def _link(urn: str, script_prefix: str) -> Callable[[uuid.UUID], str]:
    """The school's pupil link (``script_prefix`` as a key only: ``reverse`` reads it)."""
    return id_link("attendance:pupil", "pupil_id", urn=urn)


@register.filter
def pupil_attendance_url(pupil_id: uuid.UUID, urn: str) -> str:
    return _link(str(urn), get_script_prefix())(pupil_id)
