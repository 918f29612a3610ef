"""A municipality's own settings pages on its host (namespace `settings`): theme, components."""

from .editors import editor_urlpatterns

app_name = "settings"
urlpatterns = editor_urlpatterns(on_console=False)
