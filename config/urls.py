from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Lectern"
admin.site.site_title = "Lectern admin"
admin.site.index_title = "Courses and content"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("api/v1/", include("config.api_urls")),
    path("", include("quizzes.urls")),
]
