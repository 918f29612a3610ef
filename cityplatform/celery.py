"""The Celery app.

tenant-schemas-celery stamps every task with the schema it was sent from and switches the
worker's connection to that schema before the task runs; plain Celery would run every task in
`public` (SCALE.md rule 6: tasks carry the schema name).
"""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cityplatform.settings")

app = CeleryApp("cityplatform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
