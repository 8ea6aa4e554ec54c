"""Errors that services raise: a message for people and a stable code for tests and callers."""

from __future__ import annotations

from dataclasses import dataclass


class AttuneError(Exception):
    def __init__(self, message: str, code: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


@dataclass(frozen=True, slots=True)
class Notice:
    """A warning a person should see and confirm before going ahead."""

    code: str
    message: str
