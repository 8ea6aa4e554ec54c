"""A school not on Attune enters the register marks of the Virtual School's children there,
through the link the Virtual School sent it: no account, no password (``/register/<secret>/``).

The link reaches only that school's children on the authority's list, for as long as it lives.
Every opening, entry and upload is in the audit record; each child shown is a read of their
record; a network address or a link that asks too often is slowed down (429).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from attune.access.authority import OWN_CHILD
from attune.auditlog.context import client_address, note_read
from attune.tenancy import authority_scope

from . import registers
from .forms import UploadForm
from .models import AttendanceLink, SourceKind

WINDOW_SECONDS = 600


def _too_often(key: str, limit: int) -> bool:
    """Count one more request against ``key`` in this ten-minute window."""
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    return count > limit


def _limited(request: HttpRequest, secret: str) -> HttpResponse | None:
    per_address = int(getattr(settings, "ATTUNE_REGISTER_LINK_ADDRESS_LIMIT", 120))
    per_link = int(getattr(settings, "ATTUNE_REGISTER_LINK_LIMIT", 120))
    address = client_address() or "unknown"
    if _too_often(f"register-link:address:{address}", per_address) or _too_often(
        f"register-link:link:{secret[:24]}", per_link
    ):
        return render(request, "virtualschool/register_slow_down.html", status=429)
    return None


def _link(request: HttpRequest, secret: str, what: str) -> AttendanceLink:
    link = registers.register_link_open(secret, timezone.now(), what)
    if link is None:
        raise Http404
    return link


def _week(request: HttpRequest, today: date) -> date:
    try:
        chosen = date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        chosen = today
    chosen = min(chosen, today)
    return chosen - timedelta(days=chosen.weekday())


def _page(
    request: HttpRequest,
    link: AttendanceLink,
    week: date,
    *,
    values: dict[str, str],
    problems: dict[str, str] | None = None,
    upload: UploadForm | None = None,
    upload_errors: Any = (),
    saved: str = "",
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    children = registers.children_at(link.school_urn, today)
    for child in children:
        note_read(None, child.pk, object_type=OWN_CHILD)
    days = registers.week_days(week)
    rows = [
        (
            child,
            [
                (day, session, f"m-{child.pk}-{day.isoformat()}-{session}")
                for day in days
                for session in registers.SESSIONS
            ],
        )
        for child in children
    ]
    context = {
        "link": link,
        "rows": rows,
        "days": days,
        "week": week,
        "previous": week - timedelta(days=7),
        "next": week + timedelta(days=7) if week + timedelta(days=7) <= today else None,
        "values": values,
        "problems": problems or {},
        "upload": upload or UploadForm(),
        "upload_errors": upload_errors,
        "saved": saved,
    }
    return render(request, "virtualschool/register_week.html", context, status=status)


@login_not_required
def week(request: HttpRequest, secret: str) -> HttpResponse:
    """The week's grid: a box per child, day and session, with the marks already held."""
    slow = _limited(request, secret)
    if slow is not None:
        return slow
    today = timezone.localdate()
    chosen = _week(request, today)
    link = _link(request, secret, "entered" if request.method == "POST" else "opened")
    with authority_scope(link.local_authority_id):
        children = registers.children_at(link.school_urn, today)
        if request.method != "POST":
            values = registers.marks_for_week(children, chosen)
            saved = "Saved. Thank you." if request.GET.get("saved") else ""
            return _page(request, link, chosen, values=values, saved=saved)
        cells = registers.grid(children, chosen)
        marks, problems = registers.marks_from_grid(cells, request.POST, today)
        if problems:
            posted = {cell.name: str(request.POST.get(cell.name, "")) for cell in cells}
            return _page(request, link, chosen, values=posted, problems=problems, status=400)
        if marks:
            registers.marks_save(
                authority=link.local_authority,
                school_urn=link.school_urn,
                marks=marks,
                kind=SourceKind.LINK_ENTRY,
                link=link,
            )
    return redirect(f"{request.path}?week={chosen.isoformat()}&saved=1")


@login_not_required
@require_POST
def upload(request: HttpRequest, secret: str) -> HttpResponse:
    """A register file from the school's own system, for its children on the list."""
    slow = _limited(request, secret)
    if slow is not None:
        return slow
    today = timezone.localdate()
    link = _link(request, secret, "uploaded")
    form = UploadForm(request.POST, request.FILES)
    with authority_scope(link.local_authority_id):
        if not form.is_valid():
            return _page(request, link, _week(request, today), values={}, upload=form, status=400)
        file = form.cleaned_data["file"]
        try:
            marks = registers.marks_from_csv(file, today=today, school_urn=link.school_urn)
        except registers.RegisterRejected as rejected:
            form.add_error("file", rejected.message)
            return _page(
                request,
                link,
                _week(request, today),
                values={},
                upload=form,
                upload_errors=rejected.errors,
                status=400,
            )
        for urn, by_child in marks.items():
            registers.marks_save(
                authority=link.local_authority,
                school_urn=urn,
                marks=by_child,
                kind=SourceKind.LINK_UPLOAD,
                link=link,
                file_name=file.name,
            )
    return redirect(f"{request.path.removesuffix('upload/')}?saved=1")
