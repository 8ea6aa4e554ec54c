from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator

from attune.http import AuthenticatedRequest


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True


def home(request: AuthenticatedRequest) -> HttpResponse:
    """One school: straight there. Several: choose."""
    memberships = list(request.user.memberships.filter(is_active=True).select_related("school"))
    if len(memberships) == 1:
        return redirect("people:school_home", urn=memberships[0].school.urn)
    return render(request, "accounts/choose_school.html", {"memberships": memberships})
