from django.urls import include, path

from accounts import views

urlpatterns = [
    path("", views.account, name="account"),
    path("signup/", views.signup, name="signup"),
    path("export/", views.export_data, name="account_export"),
    path("delete/", views.delete_my_account, name="delete_account"),
    path("", include("django.contrib.auth.urls")),
]
