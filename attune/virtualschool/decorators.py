"""The guard for Virtual School pages under ``/la/<la_code>/``.

An officer belongs to an authority, not a school, so the school scope middleware does not
apply: this decorator finds the user's membership of the authority in the URL and gives the
same 404 whether the authority does not exist or the user is not one of its officers.
Reading children across schools needs two-factor, as sensitive school roles do. The
authority's scope is open for the view, so its own children are the only ones it can find.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse

from attune.accounts.http import AuthenticatedRequest
from attune.people.models import LocalAuthority
from attune.tenancy import authority_scope
from attune.virtualschool.models import AuthorityMembership, AuthorityRole

AuthorityView = TypeVar("AuthorityView", bound=Callable[..., HttpResponseBase])


class AuthorityRequest(AuthenticatedRequest):
    authority: LocalAuthority
    authority_membership: AuthorityMembership


def authority_membership_for(request: AuthenticatedRequest, la_code: str) -> AuthorityMembership:
    """The user's active membership of the authority with this DfE number, or the same 404."""
    if not request.user.is_authenticated or not la_code.isdigit():
        raise Http404
    membership = (
        AuthorityMembership.objects.select_related("local_authority")
        .filter(user=request.user, local_authority__code=int(la_code), is_active=True)
        .first()
    )
    if membership is None:
        raise Http404
    return membership


def authority_view(*roles: AuthorityRole) -> Callable[[AuthorityView], AuthorityView]:
    """Require an officer of the authority in the URL (and one of ``roles``, when given)."""

    def decorate(view: AuthorityView) -> AuthorityView:
        @wraps(view)
        def wrapper(request: AuthorityRequest, la_code: str, **kwargs: Any) -> HttpResponseBase:
            membership = authority_membership_for(request, la_code)
            if not request.user.is_verified():  # type: ignore[attr-defined]
                query = urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(reverse("accounts:two_factor") + "?" + query)
            if roles and membership.role not in roles:
                raise PermissionDenied
            request.authority_membership = membership
            request.authority = membership.local_authority
            # The authority's own rows (its children and what hangs from them) are read only
            # inside its scope: another authority's are not there to be found.
            with authority_scope(membership.local_authority):
                return view(request, **kwargs)

        wrapper.authority_roles = frozenset(roles)  # type: ignore[attr-defined]
        return cast("AuthorityView", wrapper)

    return decorate
