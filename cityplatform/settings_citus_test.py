"""Settings for the platform's tests on a local Citus cluster (tests/citus, scripts/citus.sh).

The test database is the cluster's own database (DATABASE_URL, the coordinator): Citus has to be
created in a database on every node and the workers added to it, which Django's CREATE DATABASE
of a test database would not do. tests/citus runs pytest with --reuse-db so it is kept, and
scripts/citus.sh reset gives each run a clean one."""

import os

os.environ["CITUS"] = "1"

from .settings_test import *  # noqa: E402,F403
from .settings_test import DATABASES  # noqa: E402

DATABASES["default"]["TEST"] = {"NAME": DATABASES["default"]["NAME"]}
