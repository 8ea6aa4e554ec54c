"""Signing in by an emailed link: for people who work with one child but have no place in any
school's Attune (a partner writing a child's PEP with the Virtual School; a parent, later).

Two parts, kept general so any feature can use them:

* **What the person may reach** (:class:`~attune.accounts.models.LinkAccess`): one thing, named
  by a *purpose* (``"virtualschool.pep_partner"``) and the thing's id. The feature that owns the
  thing grants and revokes it, and says once (``register``) where a person with that purpose
  lands. Its pages are marked ``@link_view(purpose)`` and check the thing's id themselves.
* **How they sign in** (:class:`~attune.accounts.models.SignInLink`): a random secret sent by
  email, kept only as a hash, that works once and for ``ATTUNE_SIGN_IN_LINK_MINUTES`` (30 by
  default). Asking for one is limited per email and per network address; every link sent,
  used or refused is in the audit record. There is never a password: the account made for the
  person cannot sign in any other way.

A session opened by a link is limited (``LinkSessionMiddleware``): it reaches only pages marked
``@link_view`` and signing out, whatever else the same account could do with a password.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.http import Http404
from django.http.response import HttpResponseBase
from django.utils import timezone

from attune.accounts.models import LinkAccess, SignInLink, SignInRequest, User
from attune.auditlog.actions import Action
from attune.auditlog.context import client_address
from attune.auditlog.record import record
from attune.errors import AttuneError

LINK_SESSION = "attune_link_session"  # set on a session opened by an emailed link
LINK_PATH = "/accounts/link/"  # where every emailed link points (accounts/urls.py)


class LinkError(AttuneError):
    pass


# --- what a person may reach -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Purpose:
    """A kind of thing someone may reach by link, as the feature that owns it describes it."""

    name: str
    label: str  # what the person is given, in their words: "a child's PEP"
    landing: Callable[[LinkAccess], str]  # the page for one access
    describe: Callable[[LinkAccess], str]  # one line naming the thing, for their home page
    # Whether an access still stands, asked each time (a parent marked "no contact" after the
    # access was granted is stopped at once: no link is sent, used or honoured).
    still_live: Callable[[LinkAccess], bool] | None = None
    # How long a session opened by link lasts on this purpose's pages, if shorter than
    # ``ATTUNE_LINK_SESSION_HOURS``.
    session_minutes: int | None = None


_purposes: dict[str, Purpose] = {}


def register(purpose: Purpose) -> None:
    """Called once per purpose by the app that owns it (its ``AppConfig.ready``)."""
    if purpose.name in _purposes and _purposes[purpose.name] != purpose:
        raise RuntimeError(f"Two apps register the link purpose {purpose.name}.")
    _purposes[purpose.name] = purpose


def purpose_of(access: LinkAccess) -> Purpose | None:
    return _purposes.get(access.purpose)


def live_accesses(user: User, purpose: str | None = None) -> list[LinkAccess]:
    found = LinkAccess.objects.select_related("user").filter(user=user, revoked_at__isnull=True)
    if purpose is not None:
        found = found.filter(purpose=purpose)
    return [access for access in found if _stands(access)]


def _stands(access: LinkAccess) -> bool:
    known = _purposes.get(access.purpose)
    return known is None or known.still_live is None or known.still_live(access)


def purpose_named(name: str) -> Purpose | None:
    return _purposes.get(name)


def person_for(email: str, name: str = "") -> User:
    """The account for this email, made (with no usable password) if there is none."""
    address = User.objects.normalize_email(email).strip().lower()
    user = User.objects.filter(email=address).first()
    if user is None:
        user = User.objects.create_user(address, None, full_name=name.strip() or address)
    return user


def link_access_grant(
    *, actor: User | None, email: str, purpose: str, target: str, name: str = ""
) -> LinkAccess:
    """Let the person with this email reach one thing by link (made once; audited)."""
    if purpose not in _purposes:
        raise LinkError("Nothing can be reached that way.", "link.unknown_purpose")
    with transaction.atomic():
        user = person_for(email, name)
        access = LinkAccess.objects.filter(
            user=user, purpose=purpose, target=target, revoked_at__isnull=True
        ).first()
        if access is None:
            access = LinkAccess.objects.create(
                user=user,
                purpose=purpose,
                target=target,
                granted_by=actor,
                granted_at=timezone.now(),
            )
            record(
                Action.LINK_ACCESS_GRANTED,
                access,
                actor=actor,
                school=None,
                changes={"purpose": purpose, "target": target, "person": user.email},
            )
    return access


def link_access_revoke(*, actor: User | None, purpose: str, target: str) -> int:
    """Stop every person reaching this thing by link, at once (their next page is refused)."""
    with transaction.atomic():
        accesses = list(
            LinkAccess.objects.select_for_update().filter(
                purpose=purpose, target=target, revoked_at__isnull=True
            )
        )
        now = timezone.now()
        for access in accesses:
            access.revoked_at = now
            access.save(update_fields=["revoked_at"])
            record(
                Action.LINK_ACCESS_REVOKED,
                access,
                actor=actor,
                school=None,
                changes={"purpose": purpose, "target": target},
            )
    return len(accesses)


# --- signing in ------------------------------------------------------------------------------


def _minutes() -> int:
    return int(getattr(settings, "ATTUNE_SIGN_IN_LINK_MINUTES", 30))


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _email_digest(email: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"sign-in|{email.strip().lower()}".encode(), hashlib.sha256).hexdigest()


def _too_many(email: str, address: str | None, now: Any) -> bool:
    since = now - timedelta(hours=1)
    recent = SignInRequest.objects.filter(at__gte=since)
    per_email = int(getattr(settings, "ATTUNE_SIGN_IN_LINKS_PER_EMAIL_HOUR", 5))
    per_address = int(getattr(settings, "ATTUNE_SIGN_IN_LINKS_PER_ADDRESS_HOUR", 20))
    if recent.filter(email_digest=_email_digest(email)).count() >= per_email:
        return True
    return address is not None and recent.filter(address=address).count() >= per_address


def sign_in_link_send(*, email: str, base_url: str, why: str = "") -> bool:
    """Email a single-use sign-in link to this address if it may reach anything by link.

    Says nothing about whether the email is known: the caller shows the same words either way.
    Returns False only when this email or address has asked too often (``link.too_many``).
    ``why`` is one line put above the link (an invitation's reason, say).
    """
    now = timezone.now()
    address = client_address()
    if _too_many(email, address, now):
        return False
    SignInRequest.objects.create(address=address, email_digest=_email_digest(email), at=now)
    user = User.objects.filter(email=email.strip().lower(), is_active=True).first()
    if user is None or not live_accesses(user):
        return True
    _email(user, sign_in_link_make(user=user, base_url=base_url, now=now), why)
    return True


def sign_in_link_make(*, user: User, base_url: str, now: Any = None) -> str:
    """A fresh single-use link for someone who may reach something by link (audited as sent).
    Used by ``sign_in_link_send`` and by the demo's ``attune demo_family_link``."""
    if not live_accesses(user):
        raise LinkError("There is nothing for you to open at the moment.", "link.no_access")
    now = now or timezone.now()
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        link = SignInLink.objects.create(
            user=user,
            token_hash=_hash(secret),
            created_at=now,
            expires_at=now + timedelta(minutes=_minutes()),
        )
        record(
            Action.SIGN_IN_LINK_SENT,
            link,
            actor=None,
            school=None,
            changes={"person": user.email, "minutes": _minutes()},
        )
    return base_url.rstrip("/") + LINK_PATH + secret + "/"


def _email(user: User, url: str, why: str) -> None:
    lines = [
        f"Hello {user.full_name if user.full_name != user.email else ''}".rstrip() + ",",
        "",
        *([why, ""] if why else []),
        "Use this link to sign in to Attune. It works once, within "
        f"{_minutes()} minutes, and only in the browser you open it in:",
        "",
        url,
        "",
        "If it has run out, open it anyway and ask for a new one. If you did not expect this "
        "email, you can ignore it: nobody can sign in without opening the link.",
        "",
        "Attune",
    ]
    EmailMessage(
        subject="Your link to sign in to Attune",
        body="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    ).send()


def sign_in_link_find(secret: str) -> SignInLink | None:
    return SignInLink.objects.select_related("user").filter(token_hash=_hash(secret)).first()


def sign_in_link_use(*, secret: str) -> User:
    """Use up a link and return who it signs in; or raise ``LinkError`` (each refusal audited)."""
    now = timezone.now()
    with transaction.atomic():
        link = (
            SignInLink.objects.select_for_update()
            .select_related("user")
            .filter(token_hash=_hash(secret))
            .first()
        )
        problem = link_problem(link, now)
        if problem is None and link is not None:
            link.used_at = now
            link.save(update_fields=["used_at"])
            record(Action.SIGN_IN_LINK_USED, link, actor=link.user, school=None)
            return link.user
    # Recorded after the check's own transaction, which a refusal leaves unchanged.
    if link is not None and problem is not None:
        record(
            Action.SIGN_IN_LINK_REFUSED,
            link,
            actor=None,
            school=None,
            changes={"why": problem.code},
        )
    raise problem or LinkError("That link is not one of ours.", "link.unknown")


def link_problem(link: SignInLink | None, now: Any) -> LinkError | None:
    if link is None:
        return LinkError("That link is not one of ours.", "link.unknown")
    if link.used_at is not None:
        return LinkError("That link has been used already: each link works once.", "link.used")
    if now >= link.expires_at:
        return LinkError("That link has run out.", "link.expired")
    if not link.user.is_active or not live_accesses(link.user):
        return LinkError("There is nothing for you to open at the moment.", "link.no_access")
    return None


# --- pages that a link session may reach -----------------------------------------------------

LinkView = TypeVar("LinkView", bound=Callable[..., HttpResponseBase])


def link_view(purpose: str) -> Callable[[LinkView], LinkView]:
    """A page for people holding a live access of ``purpose``: ``request.link_accesses`` lists
    them; the view checks the thing's id is among them. Anyone else gets a 404."""

    def decorate(view: LinkView) -> LinkView:
        @wraps(view)
        def wrapper(request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                raise Http404
            request.link_accesses = live_accesses(request.user, purpose)
            if not request.link_accesses:
                raise Http404
            return view(request, *args, **kwargs)

        wrapper.link_purpose = purpose  # type: ignore[attr-defined]
        return cast("LinkView", wrapper)

    return decorate
