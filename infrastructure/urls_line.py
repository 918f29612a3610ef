"""The LINE webhook (namespace `line`, mounted at /line/ on every municipality host)."""

from django.urls import path

from .line import views

app_name = "line"
urlpatterns = [
    path("webhook/", views.webhook, name="webhook"),
]
