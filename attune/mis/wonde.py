"""Talking to Wonde's read API: HTTP and nothing else (the parsing rules are in
``domain/wonde.py``; what to do with the records is the sync's business).

- The token is sent as ``Authorization: Bearer`` [DOC]; it is never logged, stored or shown.
- A list is read page by page, always by following ``meta.pagination.next`` [OFF], and only
  while that link stays on the host we started from.
- ``429`` and ``5xx`` answers, timeouts and dropped connections are tried again after a
  growing wait, or after ``Retry-After`` when Wonde sends one; neither the codes nor the
  header are documented [UNVERIFIED], so the waits are ours.
- Any other failure raises :class:`WondeError` with the words to show the school and the body
  of the answer, which the sync keeps so the real shapes can be seen later.
"""

from __future__ import annotations

import email.utils
import http.client
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

from attune.mis.domain.wonde import Page, Unreadable, read_object, read_page, same_origin

DEFAULT_BASE_URL = "https://api.wonde.com/v1.0/"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_BODY = 20 * 1024 * 1024  # a page bigger than this is not a page of 200 records


class WondeError(Exception):
    """A request to Wonde that failed for good. ``code`` is stable for tests and the page."""

    def __init__(
        self,
        message: str,
        code: str,
        *,
        url: str = "",
        status: int | None = None,
        body: bytes = b"",
    ) -> None:
        super().__init__(message)
        self.message, self.code, self.url, self.status, self.body = message, code, url, status, body


@dataclass(frozen=True, slots=True)
class Fetched:
    """One page as it came (for keeping, if it cannot be fully read) and as it was read."""

    url: str
    body: bytes
    page: Page


# Plain words for the answers we do not retry; the code is what the connection page and the
# tests look at. 401/403/404 meanings are Attune's reading, not documented by Wonde.
_REFUSALS: dict[int, tuple[str, str]] = {
    401: (
        "Wonde did not accept Attune's token. Whoever runs Attune should check ATTUNE_WONDE_TOKEN.",
        "wonde.token_invalid",
    ),
    403: (
        "Wonde refused access to this school's data. The school may not have approved "
        "Attune in Wonde yet, or may have revoked it.",
        "wonde.access_refused",
    ),
    404: (
        "Wonde does not know this school, or the record asked for. Check the Wonde school id.",
        "wonde.not_found",
    ),
}


class WondeClient:
    """Reads from one Wonde base URL (``https://{domain}/v1.0/``) with one token."""

    def __init__(
        self,
        token: str,
        base_url: str = DEFAULT_BASE_URL,
        *,
        per_page: int = 200,
        timeout: float = 30.0,
        attempts: int = 5,
        first_wait: float = 1.0,
        longest_wait: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not token:
            raise WondeError(
                "The server has no Wonde token. Whoever runs Attune should set ATTUNE_WONDE_TOKEN.",
                "wonde.no_token",
            )
        self.token = token
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.per_page, self.timeout, self.attempts = per_page, timeout, attempts
        self.first_wait, self.longest_wait, self.sleep = first_wait, longest_wait, sleep
        self.requests = 0  # how many were sent, retries included (for the benchmark)
        self._local = threading.local()  # kept-alive connections, one set per thread
        self._domains: dict[str, WondeClient] = {}
        self._headers = {
            "Authorization": f"Bearer {token}",
            "Accept": "application/json",
            "User-Agent": "Attune MIS sync",
        }

    def on_domain(self, domain: str) -> WondeClient:
        """The same client for a school on another regional domain [DOC] (one per domain, so
        the schools on it share its kept-alive connections)."""
        if domain in self._domains:
            return self._domains[domain]
        other = WondeClient(
            self.token,
            f"https://{domain}/v1.0/",
            per_page=self.per_page,
            timeout=self.timeout,
            attempts=self.attempts,
            first_wait=self.first_wait,
            longest_wait=self.longest_wait,
            sleep=self.sleep,
        )
        self._domains[domain] = other
        return other

    def url(self, path: str, params: Mapping[str, Any] | None = None) -> str:
        query = urlencode({k: v for k, v in (params or {}).items() if v is not None})
        return urljoin(self.base_url, path.lstrip("/")) + (f"?{query}" if query else "")

    def get_object(self, path: str) -> tuple[Mapping[str, Any], bytes]:
        url = self.url(path)
        body = self.get(url)
        try:
            return read_object(body), body
        except Unreadable as error:
            raise WondeError(error.message, error.code, url=url, body=body) from error

    def pages(
        self, path: str, params: Mapping[str, Any] | None = None, *, resume_at: str | None = None
    ) -> Iterator[Fetched]:
        """Every page of a list, from the first (or ``resume_at``, a ``next`` link kept from
        a run that stopped) to the last."""
        url: str | None = resume_at or self.url(path, {"per_page": self.per_page, **(params or {})})
        while url is not None:
            if not same_origin(url, self.base_url):
                raise WondeError(
                    "Wonde's link to the next page pointed away from Wonde, so it was not "
                    "followed.",
                    "wonde.foreign_next",
                    url=url,
                )
            body = self.get(url)
            try:
                page = read_page(body)
            except Unreadable as error:
                raise WondeError(error.message, error.code, url=url, body=body) from error
            yield Fetched(url, body, page)
            url = page.next_url

    def get(self, url: str) -> bytes:
        """The body of a 200 answer, trying again on 429, 5xx and network failures."""
        for attempt in range(1, self.attempts + 1):
            self.requests += 1
            try:
                status, retry_after, body = self._once(url)
            except (OSError, http.client.HTTPException) as error:
                if attempt == self.attempts:
                    raise WondeError(
                        f"Could not reach Wonde ({_reason(error)}). Attune will try again at "
                        "the next sync.",
                        "wonde.unreachable",
                        url=url,
                    ) from error
                self.sleep(self._wait(attempt, None))
                continue
            if status == 200:
                return body
            if status not in RETRY_STATUSES or attempt == self.attempts:
                raise _failure(status, url, body)
            self.sleep(self._wait(attempt, retry_after))
        raise AssertionError("unreachable")  # pragma: no cover

    def _once(self, url: str) -> tuple[int, str | None, bytes]:
        """One GET on a kept-alive connection (one per host and thread); a connection the
        server has since closed is opened again once, without counting as a failure."""
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        for fresh in (False, True):
            connection = self._connection(parts.scheme, parts.netloc, fresh=fresh)
            try:
                connection.request("GET", target, headers=self._headers)
                response = connection.getresponse()
                body = _read_limited(response)
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                connection.close()
                if fresh:
                    raise
                continue
            except (OSError, http.client.HTTPException):
                connection.close()
                raise
            if response.will_close:
                connection.close()
            return response.status, response.getheader("Retry-After"), body
        raise AssertionError("unreachable")  # pragma: no cover

    def _connection(self, scheme: str, netloc: str, *, fresh: bool) -> http.client.HTTPConnection:
        pool: dict[tuple[str, str], http.client.HTTPConnection] = self._local.__dict__.setdefault(
            "pool", {}
        )
        key = (scheme, netloc)
        if fresh or key not in pool:
            if key in pool:
                pool[key].close()
            if scheme == "https":
                pool[key] = http.client.HTTPSConnection(
                    netloc, timeout=self.timeout, context=ssl.create_default_context()
                )
            elif scheme == "http":
                pool[key] = http.client.HTTPConnection(netloc, timeout=self.timeout)
            else:
                raise WondeError(
                    f"Attune only speaks HTTPS to Wonde, not {scheme}.", "wonde.scheme"
                )
        return pool[key]

    def _wait(self, attempt: int, retry_after: str | None) -> float:
        asked = _retry_after_seconds(retry_after, datetime.now(UTC))
        wait = asked if asked is not None else self.first_wait * 2 ** (attempt - 1)
        return max(0.0, min(wait, self.longest_wait))


def _read_limited(response: Any) -> bytes:
    body: bytes = response.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        raise WondeError("Wonde's answer was too large to be one page.", "wonde.too_large")
    return body


def _reason(error: BaseException) -> str:
    reason = getattr(error, "reason", None) or error
    return str(reason)[:200]


def _failure(status: int, url: str, body: bytes) -> WondeError:
    if status in _REFUSALS:
        message, code = _REFUSALS[status]
    elif status == 429:
        message, code = (
            "Wonde kept saying it was too busy (429) after several tries. Attune will try "
            "again at the next sync.",
            "wonde.rate_limited",
        )
    elif status >= 500:
        message, code = (
            f"Wonde had a problem of its own ({status}) several times running. Attune will try "
            "again at the next sync.",
            "wonde.server_error",
        )
    else:
        message, code = (f"Wonde answered {status} to Attune's request.", "wonde.http_error")
    return WondeError(message, code, url=url, status=status, body=body)


def _retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """``Retry-After`` as seconds to wait: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())
