from django.urls import include, path

from accounts import auth_views, views

urlpatterns = [
    path("", views.account, name="account"),
    path("signup/", views.signup, name="signup"),
    path("export/", views.export_data, name="account_export"),
    path("delete/", views.delete_my_account, name="delete_account"),
    # Django's views, answering 400 to a refused form; the rest of django.contrib.auth's
    # URLs (log-out, the "done" pages) below.
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password_reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("", include("django.contrib.auth.urls")),
]
