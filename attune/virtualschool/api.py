"""The Virtual School's JSON API (``/api/v1/``) for an authority's own systems.

Each request carries ``Authorization: Bearer <token>``; a token belongs to one authority and
reads only its schools. The figures are the pages' own reports, so a hidden figure is hidden
here too: ``value`` is null and ``hidden`` says why. OpenAPI docs: ``/api/v1/docs``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest
from django.urls import URLPattern, URLResolver
from django.utils import timezone
from ninja import NinjaAPI, Query, Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer

from attune.dates import out_of_range

from . import reports, selectors
from .models import ApiToken
from .services import api_token_find


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        return api_token_find(token)


api = NinjaAPI(
    title="Attune Virtual School API",
    version="1",
    description="Figures for one local authority's Virtual School, with small numbers hidden "
    "exactly as on its Attune pages. Authenticate with a bearer token made by the head of "
    "the Virtual School.",
    urls_namespace="api",
    auth=TokenAuth(),
)


class CellOut(Schema):
    text: str
    value: int | float | None
    hidden: str  # "" when shown; "small" or "secondary" when hidden


class RowOut(Schema):
    key: str
    label: str
    cells: list[CellOut]


class TableOut(Schema):
    caption: str
    headers: list[str]
    rows: list[RowOut]
    total: RowOut | None


class ReportOut(Schema):
    title: str
    date_from: date
    date_to: date
    tables: list[TableOut]
    notes: list[str]


class AuthorityOut(Schema):
    code: int
    name: str


class RangeIn(Schema):
    date_from: date | None = None
    date_to: date | None = None


def _span(given: RangeIn) -> selectors.DateRange:
    default = selectors.school_year_so_far(timezone.localdate())
    span = selectors.DateRange(
        given.date_from or default.date_from, given.date_to or default.date_to
    )
    for name, day in (("date_from", given.date_from), ("date_to", given.date_to)):
        why = out_of_range(day, timezone.localdate()) if day is not None else None
        if why:  # the sums work in school years; year 0 is not one
            raise HttpError(400, f"{name}: {why}")
    if span.date_from > span.date_to:
        raise HttpError(422, "date_to must be on or after date_from.")
    return span


def _out(report: reports.Report) -> dict[str, Any]:
    assert report.span is not None  # noqa: S101 - every API report has a range

    def row(r: reports.Row) -> dict[str, Any]:
        cells = [{"text": c.text, "value": c.value, "hidden": c.hidden} for c in r.cells]
        return {"key": r.key, "label": r.label, "cells": cells}

    return {
        "title": report.title,
        "date_from": report.span.date_from,
        "date_to": report.span.date_to,
        "tables": [
            {
                "caption": t.caption,
                "headers": t.headers,
                "rows": [row(r) for r in t.rows],
                "total": row(t.total) if t.total else None,
            }
            for t in report.tables
        ],
        "notes": report.notes,
    }


def _token(request: HttpRequest) -> ApiToken:
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    return token


@api.get("/authority", response=AuthorityOut, summary="The authority this token reads")
def authority(request: HttpRequest) -> dict[str, Any]:
    la = _token(request).local_authority
    return {"code": la.code, "name": la.name}


@api.get("/county", response=ReportOut, summary="The county page's figures")
def county(request: HttpRequest, given: Query[RangeIn]) -> dict[str, Any]:
    la = _token(request).local_authority
    return _out(reports.county_page(la, _span(given), timezone.localdate()))


@api.get("/schools/{urn}", response=ReportOut, summary="One school's figures")
def school(request: HttpRequest, urn: str, given: Query[RangeIn]) -> dict[str, Any]:
    la = _token(request).local_authority
    place = selectors.authority_school(la, urn)
    if place is None:
        raise HttpError(404, "Not found.")
    # Totals only: children stay on the pages, where the access rules let each one through and
    # each read is logged (``children.py``). A token reads no child.
    page = reports.school_page(la, place, _span(given), timezone.localdate(), with_children=False)
    return _out(page)


def api_urls() -> tuple[list[URLPattern | URLResolver], str, str]:
    """``api.urls`` with every view open to requests without a session (the token decides)."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = login_not_required(pattern.callback)
    return patterns, app_name, namespace
