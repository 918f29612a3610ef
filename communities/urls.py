from django.urls import path

from . import views

app_name = "communities"
urlpatterns = [
    path("", views.community_list, name="list"),
    path("new/", views.community_create_view, name="create"),
    path("<int:pk>/edit/", views.community_edit_view, name="edit"),
]
