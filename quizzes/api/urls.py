"""API v1 content, sync and attempts: being written."""

urlpatterns: list = []
