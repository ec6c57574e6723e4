"""API v1 authentication: being written."""

urlpatterns: list = []
