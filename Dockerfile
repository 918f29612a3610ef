# One image for every role: web (the default CMD), the Celery worker and beat, and one-shot
# management commands such as migrate_schemas. See docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# GeoDjango loads GDAL, GEOS and PROJ through ctypes at start-up, so only the shared libraries
# are needed, not the -dev packages or a compiler (psycopg comes as a binary wheel).
# Debian 12's GDAL 3.6 triggers gis.W001, which settings silence on purpose.
# gettext provides msgfmt for compilemessages. postgresql-client-15 gives pg_dump / pg_restore of
# the server's major version (postgis/postgis:15) for backup_municipality / restore_municipality.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libgdal32 \
        libgeos-c1v5 \
        libproj25 \
        gettext \
        postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/*

# A fixed uid/gid, so the named volumes keep the same ownership across rebuilds.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app \
        --shell /usr/sbin/nologin app

WORKDIR /app

# Requirements first, so a code change does not reinstall every package.
# Runtime set only: requirements-dev.txt (pytest, Playwright, ruff...) has no place in production.
COPY requirements.txt ./
RUN pip install -r requirements.txt

# The code stays owned by root: the app user can read it but not change it.
COPY . .

# Build-time steps need the settings to import. With DEBUG off they insist on a SECRET_KEY and
# the PDPA keys, so throwaway ones are given to these commands only, never stored in the image.
# STATIC_MANIFEST defaults on with DEBUG off: hashed, compressed files that whitenoise can cache
# for ever. The Thai catalogue is compiled here because .mo files are build output, not sources.
ENV STATIC_ROOT=/app/staticfiles
RUN export DEBUG=0 SECRET_KEY=build-time-only-not-a-secret \
    PDPA_ENCRYPTION_KEYS=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= PDPA_HASH_KEY=build-time-only \
    && python manage.py compilemessages --ignore '.venv' \
    && python manage.py collectstatic --noinput \
    && python -m compileall -q -j 0 /app

# Writable places live outside the code tree. Named volumes mounted here copy this ownership
# the first time they are used, so uploads and the beat schedule are writable by the app user.
RUN mkdir -p /data/media /data/beat && chown app:app /data/media /data/beat
ENV MEDIA_ROOT=/data/media \
    DJANGO_SETTINGS_MODULE=cityplatform.settings

USER app
EXPOSE 8000

CMD ["gunicorn", "--config", "docker/gunicorn.conf.py", "cityplatform.wsgi"]
