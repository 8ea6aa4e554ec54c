"""Tenancy: every row a school owns carries its school, and every query is scoped to one.

School-owned models inherit :class:`SchoolOwned`. Their default manager is a django-scopes
``ScopedManager``: a query made outside ``school_scope(...)`` raises ``ScopeError`` instead of
quietly reading every school's rows. :class:`SchoolScopeMiddleware` resolves the school from the
URL (``/s/<urn>/...``), checks the signed-in user's membership, and opens the scope for the
request. A user with no membership of that school gets the same 404 as for a school that does
not exist, so nothing tells them it is there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django_scopes import scope, scopes_disabled
from django_scopes.manager import DisabledQuerySet
from django_scopes.state import get_scope

from attune import error_pages

if TYPE_CHECKING:
    from attune.accounts.models import Membership
    from attune.people.models import School

__all__ = [
    "AuthorityOwned",
    "AuthorityScopedManager",
    "SchoolOwned",
    "SchoolScopeMiddleware",
    "SchoolScopedManager",
    "authority_scope",
    "current_school_id",
    "school_scope",
    "scopes_disabled",
]

_M = TypeVar("_M", bound=models.Model)


class SchoolScopedManager(models.Manager[_M]):
    """Filters every query to the open school scope; with no scope open, any query raises.

    The same behaviour as django-scopes' ``ScopedManager(school="school")``, written as a real
    class so the type checker (and every reverse relation built from it) can see it.
    """

    def get_queryset(self) -> models.QuerySet[_M]:
        current = get_scope()
        queryset = super().get_queryset()
        if not current.get("_enabled", True):
            return queryset
        if "school" not in current:
            missing: models.QuerySet[_M] = DisabledQuerySet(
                self.model, using=self._db, missing_scopes={"school"}
            )
            return missing
        school = current["school"]
        if isinstance(school, list | tuple):
            return queryset.filter(school__in=school)
        return queryset if school is None else queryset.filter(school=school)

    def all(self) -> models.QuerySet[_M]:
        # Manager.all() hands back get_queryset() untouched (a related manager's prefetched
        # rows included, so they must not be cloned away); a disabled queryset must still
        # raise when it is used, so call all() on that one explicitly.
        queryset = super().all()
        if isinstance(queryset, DisabledQuerySet):
            return cast("models.QuerySet[_M]", queryset.all())
        return queryset


class SchoolOwned(models.Model):
    """Abstract base for every model whose rows belong to one school."""

    school = models.ForeignKey("people.School", on_delete=models.PROTECT, related_name="+")

    objects = SchoolScopedManager()

    class Meta:
        abstract = True


class AuthorityScopedManager(models.Manager[_M]):
    """The same for rows a local authority owns (its Virtual School's own list of children and
    what hangs from it): filtered to the authority whose scope is open, and raising with none.

    An officer belongs to an authority, not a school, so this scope sits beside the school
    scope rather than inside it: ``authority_scope(la)`` opens it (the Virtual School's page
    guard does, for every page under ``/la/<code>/``).
    """

    def get_queryset(self) -> models.QuerySet[_M]:
        current = get_scope()
        queryset = super().get_queryset()
        if not current.get("_enabled", True):
            return queryset
        if "local_authority" not in current:
            missing: models.QuerySet[_M] = DisabledQuerySet(
                self.model, using=self._db, missing_scopes={"local_authority"}
            )
            return missing
        return queryset.filter(local_authority=current["local_authority"])

    def all(self) -> models.QuerySet[_M]:
        queryset = super().all()
        if isinstance(queryset, DisabledQuerySet):
            return cast("models.QuerySet[_M]", queryset.all())
        return queryset


class AuthorityOwned(models.Model):
    """Abstract base for every model whose rows belong to one local authority (not a school)."""

    local_authority = models.ForeignKey(
        "people.LocalAuthority", on_delete=models.PROTECT, related_name="+"
    )

    objects = AuthorityScopedManager()

    class Meta:
        abstract = True


@contextmanager
def authority_scope(authority: Any) -> Iterator[None]:
    """Open the tenancy scope for one local authority (a ``LocalAuthority`` or its key)."""
    authority_id = authority if isinstance(authority, int) else authority.pk
    with scope(local_authority=authority_id):
        yield


@contextmanager
def school_scope(school: School | int) -> Iterator[None]:
    """Open the tenancy scope for one school (a ``School`` or its primary key)."""
    school_id = school if isinstance(school, int) else school.pk
    with scope(school=school_id):
        yield


def current_school_id() -> int:
    """The school whose scope is open; raises if none (or several) is."""
    school = get_scope().get("school")
    if not isinstance(school, int):
        raise LookupError("No single school scope is open.")
    return school


def membership_for(request: HttpRequest, urn: str) -> Membership:
    """The signed-in user's membership of the school with this URN, or the same 404 as missing."""
    from attune.accounts.models import Membership

    if not request.user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.select_related("school", "staff")
        .filter(user=request.user, school__urn=urn, is_active=True)
        .first()
    )
    if membership is None:
        raise Http404
    return membership


class SchoolScopeMiddleware:
    """Opens the school scope for ``/s/<urn>/`` URLs once membership has been checked."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        urn = match.kwargs.get("urn")
        if urn is None or not request.user.is_authenticated:
            return self.get_response(request)
        try:
            membership = membership_for(request, urn)
        except Http404:
            return self.not_found(request)
        request.membership = membership  # type: ignore[attr-defined]
        request.school = membership.school  # type: ignore[attr-defined]
        with school_scope(membership.school):
            return self.get_response(request)

    def not_found(self, request: HttpRequest) -> HttpResponse:
        return error_pages.not_found(request)


def school_context(request: HttpRequest) -> dict[str, Any]:
    """Template context: the current school and membership, when a school page is shown."""
    return {
        "school": getattr(request, "school", None),
        "membership": getattr(request, "membership", None),
    }
