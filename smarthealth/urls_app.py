"""The volunteer's installable web app, at the site's root (views.offline_app): the worker must
be served from "/" to see the visit pages, and the manifest sits next to it."""

from django.urls import path

from .views import offline_app

urlpatterns = [
    path("sw.js", offline_app.service_worker, name="offline-sw"),
    path("manifest.webmanifest", offline_app.manifest, name="offline-manifest"),
]
