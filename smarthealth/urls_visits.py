"""Home visits, ADL assessments and NCD screenings (the volunteer's phone flow).

Persons appear in URLs only by their opaque public_id, never by name or national ID."""

from django.urls import path

from .views import visits

urlpatterns = [
    path("visits/", visits.visit_list, name="visit-list"),
    path("persons/<uuid:public_id>/visits/new/", visits.visit_create, name="visit-create"),
    path("persons/<uuid:public_id>/adl/new/", visits.adl_create, name="adl-create"),
    path("persons/<uuid:public_id>/screening/new/", visits.screening_create, name="screening-create"),
]
