"""Errors that services raise: a message for people and a stable code for tests and callers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


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


class _Form(Protocol):
    fields: dict[str, Any]

    def add_error(self, field: str | None, error: str) -> None: ...


def show_on_form(form: _Form, error: AttuneError) -> None:
    """Put a service's error beside the field it names (or at the top of the form)."""
    form.add_error(error.field if error.field in form.fields else None, error.message)
