"""API v1 authentication: /api/v1/auth/..."""

from django.urls import path

from accounts.api import LoginView, LogoutAllView, LogoutView

urlpatterns = [
    path("login/", LoginView.as_view(), name="api-login"),
    path("logout/", LogoutView.as_view(), name="api-logout"),
    path("logout-all/", LogoutAllView.as_view(), name="api-logout-all"),
]
