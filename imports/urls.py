from django.urls import path

from . import views, vocab_views

app_name = "imports"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("history/", views.history, name="history"),
    path("template/<slug:dataset>.xlsx", views.template_xlsx, name="template"),
    path("<uuid:public_id>/", views.job_detail, name="job"),
    path("<uuid:public_id>/progress/", views.job_progress, name="progress"),
    # The rejected rows as the same kind of file as the upload (CSV, Excel).
    path("<uuid:public_id>/errors/", views.job_errors, name="errors"),
    path("<uuid:public_id>/value-mappings/", vocab_views.value_mappings_save, name="value-mappings-save"),
    path("value-mappings/", vocab_views.value_mapping_list, name="value-mappings"),
    path("value-mappings/<int:pk>/", vocab_views.value_mapping_update, name="value-mapping-update"),
    path("value-mappings/<int:pk>/delete/", vocab_views.value_mapping_delete, name="value-mapping-delete"),
]
