"""The error every check-ins service raises: a message for people, a code for tests."""

from __future__ import annotations

from attune.errors import AttuneError


class CheckinError(AttuneError):
    pass
