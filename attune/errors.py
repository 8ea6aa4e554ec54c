"""Errors that services raise: a message for people and a stable code for tests and callers."""

from __future__ import annotations

from collections.abc import Callable
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


class _BoundForm(_Form, Protocol):
    cleaned_data: dict[str, Any]

    def is_valid(self) -> bool: ...


class _Request(Protocol):
    method: str | None


def show_on_form(form: _Form, error: AttuneError) -> None:
    """Put a service's error beside the field it names (or at the top of the form)."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


def saved_from_form[T](
    request: _Request,
    form: _BoundForm | None,
    save: Callable[[dict[str, Any]], T],
    *,
    refused: type[AttuneError] = AttuneError,
) -> T | None:
    """On a valid POST, run ``save`` with the form's data: what it saved, or None with the
    form showing why not (a service's ``refused`` error sits beside its field)."""
    if form is None or request.method != "POST" or not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)
    except refused as error:
        show_on_form(form, error)
        return None
