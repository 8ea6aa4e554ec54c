"""What the audit record needs to know about the request being served, without anyone passing
the request around: the network address, the page, and the children whose records it read.

:class:`AuditContextMiddleware` opens a fresh :class:`RequestContext` for each request. Services
call ``record(...)`` with no request: the address and page come from here. Access checks note
each child whose record a page opens (``note_read``); once the page has been served (any 2xx
answer), the middleware writes one read event per child, so no page that opens a child's record
can forget to log it, and a refused or failed request logs no read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from attune.accounts.models import User


@dataclass(frozen=True, slots=True)
class ReadNote:
    """One child whose record the current page opened."""

    school_id: int | None  # None for a child the authority holds, at no school on Attune
    pupil_id: Any  # the child's UUID
    # Set when the reader reached the child only through break glass: the grant's id.
    break_glass_grant: Any = None
    # What kind of record names the child: a school's pupil, or the authority's own child.
    object_type: str = "Pupil"


@dataclass(slots=True)
class RequestContext:
    ip_address: str | None = None
    path: str = ""
    reads: dict[tuple[int | None, Any], ReadNote] = field(default_factory=dict)


_current: ContextVar[RequestContext | None] = ContextVar("attune_audit_request", default=None)


def current() -> RequestContext | None:
    return _current.get()


def client_address() -> str | None:
    context = _current.get()
    return context.ip_address if context else None


def current_path() -> str:
    context = _current.get()
    return context.path if context else ""


def note_read(
    school_id: int | None, pupil_id: Any, *, break_glass_grant: Any = None, object_type: str = ""
) -> None:
    """Remember that this request opened a child's record. Outside a request (a command, a
    test calling a selector) there is no page, so nothing is noted. A child the authority
    holds at no school on Attune is noted with no school and its own kind of record."""
    context = _current.get()
    if context is None:
        return
    key = (school_id, pupil_id)
    earlier = context.reads.get(key)
    if earlier is None or (break_glass_grant and not earlier.break_glass_grant):
        context.reads[key] = ReadNote(
            school_id, pupil_id, break_glass_grant, object_type or "Pupil"
        )


@contextmanager
def request_context(ip_address: str | None = None, path: str = "") -> Iterator[RequestContext]:
    """Open a context by hand (the middleware does this for every web request)."""
    context = RequestContext(ip_address=ip_address, path=path)
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


class AuditContextMiddleware:
    """Opens the request's audit context; after a 2xx answer, writes the reads it noted."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_context(request.META.get("REMOTE_ADDR"), request.path) as context:
            response = self.get_response(request)
            if context.reads and 200 <= response.status_code < 300:
                from attune.auditlog.record import record_reads

                user: User | None = getattr(request, "user", None)
                actor = user if user is not None and user.is_authenticated else None
                record_reads(actor=actor, reads=list(context.reads.values()), path=context.path)
        return response
