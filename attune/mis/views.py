"""The "Connection to your MIS" page: for the administrator, the headteacher and the
strategic attachment lead (``Permission.MANAGE_MIS_CONNECTION``)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from attune.access.pages import school_view
from attune.accounts.roles import Permission
from attune.errors import AttuneError, show_on_form
from attune.http import SchoolRequest
from attune.mis.forms import WondeIdForm
from attune.mis.selectors import connection_view
from attune.mis.services import sync_request
from attune.people.school_ids import school_wonde_id_set


@school_view(Permission.MANAGE_MIS_CONNECTION)
def connection(request: SchoolRequest, urn: str) -> HttpResponse:
    school = request.school
    form = WondeIdForm(request.POST or None, initial={"wonde_id": school.wonde_id})
    if request.method == "POST" and form.is_valid():
        try:
            school_wonde_id_set(
                actor=request.user, school=school, wonde_id=form.cleaned_data["wonde_id"]
            )
        except AttuneError as error:
            show_on_form(form, error)
        else:
            messages.success(request, "Saved the Wonde school id.")
            return redirect("mis:connection", urn=urn)
    view = connection_view(school, timezone.now())
    status = 422 if form.errors else 200
    return render(request, "mis/connection.html", {"form": form, "view": view}, status=status)


@school_view(Permission.MANAGE_MIS_CONNECTION)
@require_POST
def sync_now(request: SchoolRequest, urn: str) -> HttpResponse:
    try:
        sync_request(actor=request.user, school=request.school, now=timezone.now())
    except AttuneError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, "A sync is queued: the background worker will start it in a moment."
        )
    return redirect("mis:connection", urn=urn)
