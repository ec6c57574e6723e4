from django.contrib import admin
from django.urls import include, path

from config.health import healthz

admin.site.site_header = "Lectern"
admin.site.site_title = "Lectern admin"
admin.site.index_title = "Courses and content"

urlpatterns = [
    # For load balancers: outside the site's pages, no login and no trailing slash.
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("api/v1/", include("config.api_urls")),
    path("", include("quizzes.urls")),
]
