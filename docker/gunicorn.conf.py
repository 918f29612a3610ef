"""Gunicorn settings for the container image, each overridable from the environment.

Kept outside the project root on purpose: gunicorn picks up ./gunicorn.conf.py by itself, and the
development server must not.
"""

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = "0.0.0.0:8000"
# Threads rather than many processes: each process holds its own psycopg pool (DB_POOL_MAX
# connections) and its own host → municipality cache, so fewer, threaded processes keep both
# small. Two processes suit the 2-core machines this is sized for.
worker_class = "gthread"
workers = _int("GUNICORN_WORKERS", _int("WEB_CONCURRENCY", 2))
threads = _int("GUNICORN_THREADS", 4)
# Imports run in Celery, so no request should legitimately take a minute.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# Recycle processes now and then so a slow leak in any library cannot grow without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = 200
# The heartbeat file on a disk-backed layer can stall workers; /dev/shm is tmpfs in Docker.
worker_tmp_dir = "/dev/shm"
# Nobody drives gunicornc inside the container, and the home directory need not be writable.
control_socket_disable = True

# What gunicorn refuses (400 / 431) before Django sees it, said here rather than left to defaults:
# a request line (method, path and query) of at most 4 KB — the longest of ours, an API list
# with every filter, is a few hundred bytes; at most 50 header fields (browsers send ~20); each
# at most 8 KB (session and CSRF cookies included). Bodies are checked by Content-Length in
# cityplatform/request_guard.py before they are read, and uploads stream to disk.
limit_request_line = _int("GUNICORN_LIMIT_REQUEST_LINE", 4094)
limit_request_fields = _int("GUNICORN_LIMIT_REQUEST_FIELDS", 50)
limit_request_field_size = _int("GUNICORN_LIMIT_REQUEST_FIELD_SIZE", 8190)

accesslog = "-"
# Path only (%(U)s), never the query string or referrer: those can carry search terms and other
# personal data (same reason settings.LOGGING keeps django.request to errors).
access_log_format = '%(h)s %({host}i)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
