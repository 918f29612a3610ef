"""A municipality's own settings pages on its host (namespace `settings`): theme, components."""

from . import urls_settings_components, urls_settings_theme

app_name = "settings"
urlpatterns = [*urls_settings_theme.urlpatterns, *urls_settings_components.urlpatterns]
