"""The citizens' pages, no login (namespace `report`, mounted at /report/ on every municipality
host; CONTRACT §3)."""

from django.urls import path

from .views import public

app_name = "report"
urlpatterns = [
    path("", public.report_start, name="start"),
    path("done/<str:code>/", public.report_done, name="done"),
    # Same name twice: reverse("report:status") is the look-up form, with `code` one request's page.
    path("status/", public.report_status, name="status"),
    path("status/<str:code>/", public.report_status, name="status"),
]
