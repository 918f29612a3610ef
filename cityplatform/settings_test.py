"""Settings for `make test`: the real services, tuned for speed where it changes no behaviour."""

import os

# Tests run as production does (DEBUG off), whatever var/dev.env of `make run` says.
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "test-only-not-a-secret-" + "x" * 40)
os.environ.setdefault("DEMO_MODE", "1")
# The tests speak to kantang.localhost and friends, whatever the developer's shell says.
os.environ["PLATFORM_DOMAIN"] = "localhost"
# Redis database 15, so tests never touch the queues and cache of a running `make run`.
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6380/15")

from .settings import *  # noqa: E402,F403
from .settings import STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Plain http on loopback in tests and in the browser tests' server.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# Notifications stay in memory (e-mail: Django's locmem outbox; SMS and LINE: LocmemBackend).
NOTIFY_BACKENDS = {
    "email": "infrastructure.notify.email.EmailBackend",
    "sms": "infrastructure.notify.console.LocmemBackend",
    "line": "infrastructure.notify.console.LocmemBackend",
}
