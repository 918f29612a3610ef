"""Theme files (logo, favicon) on every host, readable without signing in: the sign-in page
shows the logo. The version in the URL names an immutable snapshot, so browsers cache forever."""

from django.urls import path

from ..views import theme

app_name = "theme"
urlpatterns = [
    path("logo/<int:version>/", theme.theme_logo, name="logo"),
    path("favicon/<int:version>/", theme.theme_favicon, name="favicon"),
]
