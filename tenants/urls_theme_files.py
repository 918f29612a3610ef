"""Theme files (logo, favicon) on every host, readable without signing in: the sign-in page
shows the logo."""

from django.urls import path  # noqa: F401

app_name = "theme"
urlpatterns = []
