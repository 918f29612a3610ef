"""Home visits, ADL assessments and NCD screenings (the volunteer's phone flow), and what the
phone needs to record visits without a network (views.visits_offline).

Persons appear in URLs only by their opaque public_id, never by name or national ID."""

from django.urls import path

from .views import visits, visits_offline

urlpatterns = [
    path("visits/", visits.visit_list, name="visit-list"),
    path("persons/<uuid:public_id>/visits/new/", visits.visit_create, name="visit-create"),
    path("persons/<uuid:public_id>/visits/<int:pk>/photo/", visits.visit_photo, name="visit-photo"),
    path("persons/<uuid:public_id>/adl/new/", visits.adl_create, name="adl-create"),
    path("persons/<uuid:public_id>/screening/new/", visits.screening_create, name="screening-create"),
    path("visits/offline/", visits_offline.offline_households_page, name="offline-households"),
    path("visits/offline/visit/", visits_offline.offline_visit_page, name="offline-visit"),
    path("visits/offline/copy/", visits_offline.offline_copy, name="offline-copy"),
    path("visits/sync/", visits_offline.visit_sync, name="visit-sync"),
]
