"""The page guard: which roles may open a page at all. Which children and records they may
open there is the rules' business (``attune.access.children``)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.http.response import HttpResponseBase

from attune.accounts.roles import Permission
from attune.http import SchoolRequest

SchoolView = TypeVar("SchoolView", bound=Callable[..., HttpResponseBase])


def school_view(*permissions: Permission) -> Callable[[SchoolView], SchoolView]:
    """Require a school scope (opened by the middleware) and each of ``permissions``."""

    def decorate(view: SchoolView) -> SchoolView:
        @wraps(view)
        def wrapper(request: SchoolRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if getattr(request, "membership", None) is None:
                raise Http404
            if not all(request.membership.can(p) for p in permissions):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        # Read by the attack tests, which try every page as each role that lacks these.
        wrapper.required_permissions = frozenset(permissions)  # type: ignore[attr-defined]
        return cast("SchoolView", wrapper)

    return decorate
