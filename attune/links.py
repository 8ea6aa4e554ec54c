"""Links to many records of one kind, the URL pattern reversed once.

``{% url %}`` and ``reverse`` resolve the pattern on every call. On a page of a hundred children
or a thousand chronology entries that is much of the cost of drawing it, so such pages reverse
once with a stand-in id and put each record's id in its place.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.urls import reverse

_STAND_IN = uuid.UUID(int=0)


def id_link(name: str, argument: str, **fixed: object) -> Callable[[uuid.UUID], str]:
    """From an id to the URL ``name`` with ``argument`` set to it and the ``fixed`` arguments."""
    link = reverse(name, kwargs={**fixed, argument: _STAND_IN})
    before, after = link.rsplit(str(_STAND_IN), 1)
    return lambda value: f"{before}{value}{after}"  # as the pattern's uuid converter writes it
