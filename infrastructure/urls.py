"""Staff pages of the infrastructure module (namespace `infrastructure`), one URL module per area."""

from . import urls_assets, urls_maps, urls_requests

app_name = "infrastructure"
urlpatterns = [*urls_assets.urlpatterns, *urls_maps.urlpatterns, *urls_requests.urlpatterns]
