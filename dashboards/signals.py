"""Which edits make which part of the dashboard stale. The handlers only schedule a refresh
(services.dashboard_refresh_schedule); the work happens in a task after the commit.

Bulk writes that send no signals (QuerySet.update, COPY in seeders) are caught by the periodic
refresh, and imports by the ImportJob that reaches "done"."""

from django.apps import apps
from django.db.models.signals import post_delete, post_save

from .models import Part
from .services import dashboard_refresh_schedule

WATCHED = {
    "infrastructure.Asset": Part.INFRASTRUCTURE,
    "infrastructure.ServiceRequest": Part.INFRASTRUCTURE,
    "smarthealth.Household": Part.HEALTH,
    "smarthealth.Person": Part.HEALTH,
    "smarthealth.AdlAssessment": Part.HEALTH,
    "smarthealth.NcdScreening": Part.HEALTH,
    "smarthealth.HomeVisit": Part.HEALTH,
    "ltc.LtcCase": Part.HEALTH,  # the ltc_cases figure
    "ltc.CarePlan": Part.HEALTH,
}
# Import datasets (imports.registry) → the part they feed; an unknown dataset refreshes all.
DATASET_PARTS = {
    "assets": Part.INFRASTRUCTURE,
    "households": Part.HEALTH,
    "persons": Part.HEALTH,
    "adl": Part.HEALTH,
    "ncd_screening": Part.HEALTH,
}


def _edited(sender, **kwargs):
    dashboard_refresh_schedule(parts=[WATCHED[sender._meta.label]])


def _import_saved(sender, instance, **kwargs):
    if instance.status == instance.Status.DONE:
        part = DATASET_PARTS.get(instance.dataset)
        dashboard_refresh_schedule(parts=[part] if part else list(Part.values), countdown=0)


def connect() -> None:
    for label in WATCHED:
        model = apps.get_model(label)
        post_save.connect(_edited, sender=model, dispatch_uid=f"dashboards-save-{label}")
        post_delete.connect(_edited, sender=model, dispatch_uid=f"dashboards-delete-{label}")
    post_save.connect(_import_saved, sender=apps.get_model("imports.ImportJob"),
                      dispatch_uid="dashboards-import-done")
