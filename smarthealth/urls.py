"""Pages of the smart-health module (namespace `smarthealth`), one URL module per area."""

from . import urls_care, urls_registry, urls_visits

app_name = "smarthealth"
urlpatterns = [*urls_registry.urlpatterns, *urls_care.urlpatterns, *urls_visits.urlpatterns]
