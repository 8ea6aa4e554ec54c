from django.contrib.auth import views as auth_views
from django.urls import path

from attune.accounts.views import SignInView

urlpatterns = [
    path("sign-in/", SignInView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
]
