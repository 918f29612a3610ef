"""The citizens' pages, no login (namespace `report`, mounted at /report/ on every municipality
host; CONTRACT §3)."""

from django.urls import path

from .views import public
from .views import public_followup as followup

app_name = "report"
urlpatterns = [
    path("", public.report_start, name="start"),
    path("done/<str:code>/", public.report_done, name="done"),
    # Same name twice: reverse("report:status") is the look-up form, with `code` one request's page.
    path("status/", public.report_status, name="status"),
    path("status/<str:code>/", public.report_status, name="status"),
    path("status/<str:code>/confirm/", followup.report_confirm, name="confirm"),
    path("status/<str:code>/reopen/", followup.report_reopen, name="reopen"),
    path("status/<str:code>/rate/", followup.report_rate, name="rate"),
    path("status/<str:code>/follow/", followup.report_follow, name="follow"),
    path("status/<str:code>/photo/<str:which>/", followup.report_photo, name="photo"),
    path("nearby/", followup.report_nearby, name="nearby"),
    path("stop/<str:token>/", followup.report_opt_out, name="opt-out"),
]
