"""Registry pages: persons, households and the personal-data audit log."""

from django.urls import path

from .views import audit, icd, registry, villages

urlpatterns = [
    path("persons/", registry.person_list, name="person-list"),
    path("persons/new/", registry.person_create_view, name="person-create"),
    path("persons/<uuid:public_id>/", registry.person_detail, name="person-detail"),
    path("persons/<uuid:public_id>/edit/", registry.person_update_view, name="person-update"),
    path("persons/<uuid:public_id>/reveal-cid/", registry.person_reveal_cid, name="person-reveal-cid"),
    path("households/", registry.household_list, name="household-list"),
    path("households/new/", registry.household_create_view, name="household-create"),
    path("households/<int:pk>/", registry.household_detail, name="household-detail"),
    path("households/<int:pk>/edit/", registry.household_update_view, name="household-update"),
    path("icd-mappings/", icd.icd_mappings, name="icd-mappings"),
    path("icd-mappings/<int:pk>/delete/", icd.icd_mapping_remove, name="icd-mapping-delete"),
    path("village-names/", villages.village_mapping_page, name="village-mappings"),
    path("village-names/<int:pk>/delete/", villages.village_mapping_remove, name="village-mapping-delete"),
    path("audit/", audit.audit_log_page, name="audit-log"),
    path("audit/export.csv", audit.audit_log_export, name="audit-log-export"),
]
