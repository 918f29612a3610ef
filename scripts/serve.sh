#!/usr/bin/env bash
# Serves the web app on 127.0.0.1:$PORT with a Celery worker and beat, until Ctrl-C; then stops
# all three (and the services that scripts/services.sh started for this run).
#
# A process that exits on its own (a crash, a kill -9, a broker that stayed away too long) is
# started again after a short pause, RESTART_DELAY seconds doubling up to 30, and given up after
# MAX_RESTARTS quick failures in a row (one that ran a minute or more starts the count afresh);
# the others keep running either way, and so do PostgreSQL and Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

PORT=${PORT:-8000}
RESTART_DELAY=${RESTART_DELAY:-2}
MAX_RESTARTS=${MAX_RESTARTS:-5}
BEAT_SCHEDULE=${BEAT_SCHEDULE:-$VAR/celerybeat-schedule}
HEALTHY_SECONDS=60
mkdir -p "$VAR/log"
supervisors=()

supervise() {  # name, command...: runs the command, and runs it again when it exits on its own
  local name=$1; shift
  local child="" pause="" rc restarts=0 delay=$RESTART_DELAY started
  # Job control: each command runs in a process group of its own, whose id is $!, so one signal
  # reaches every process it starts, and Ctrl-C at the terminal reaches the script and these
  # supervisors only (which then stop their commands with TERM).
  set -m
  # Ctrl-C (INT from the terminal, or TERM from stop_all): stop the command, its whole process
  # group, wait for it, and do not start it again. Further signals are ignored meanwhile, so the
  # wait is not cut short.
  stop_child() {
    trap '' INT TERM
    [ -z "$pause" ] || kill "$pause" 2>/dev/null || true
    if [ -n "$child" ]; then
      kill -TERM -- "-$child" 2>/dev/null || true
      wait "$child" 2>/dev/null || true
      # Its group may outlive it for a moment (gunicorn's workers finish their requests after the
      # master is gone): wait for the last of them, up to 30 s, then KILL what is left.
      local waited=0
      while kill -0 -- "-$child" 2>/dev/null && (( waited < 300 )); do sleep 0.1; waited=$((waited + 1)); done
      kill -KILL -- "-$child" 2>/dev/null || true
    fi
    exit 0
  }
  trap stop_child INT TERM
  while :; do
    started=$SECONDS
    "$@" < /dev/null > >(sed -u "s/^/[$name] /") 2>&1 &
    child=$!
    rc=0; wait "$child" || rc=$?
    child=""
    if (( SECONDS - started >= HEALTHY_SECONDS )); then restarts=0; delay=$RESTART_DELAY; fi
    if (( restarts >= MAX_RESTARTS )); then
      say "[$name] exited with code $rc again after $restarts restart(s) in a row; giving up on it (the rest keeps running; Ctrl-C stops all)"
      return 0
    fi
    restarts=$((restarts + 1))
    say "[$name] exited with code $rc; starting it again in ${delay}s (restart $restarts of at most $MAX_RESTARTS)"
    sleep "$delay" & pause=$!
    wait "$pause" || true
    pause=""
    delay=$(( delay * 2 > 30 ? 30 : delay * 2 ))
  done
}

start() {  # name, command...
  supervise "$@" &
  supervisors+=($!)
}

stop_all() {
  trap - INT TERM EXIT
  echo
  say "stopping web, worker and beat"
  for pid in "${supervisors[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${supervisors[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "${STOP_SERVICES:-1}" = 1 ]; then scripts/services.sh stop; fi
  say "stopped"
}
trap 'stop_all; exit 130' INT TERM
trap stop_all EXIT

if [ "${DEBUG:-0}" = 1 ]; then
  # Django's development server: debug pages, reloads on every code change.
  start web .venv/bin/python manage.py runserver "127.0.0.1:$PORT"
else
  # As in production: gunicorn with the container's settings file, static files collected and
  # served by WhiteNoise, Django's own error pages never shown.
  .venv/bin/python manage.py collectstatic --noinput -v 0
  start web .venv/bin/python -m gunicorn -c docker/gunicorn.conf.py cityplatform.wsgi \
    --bind "127.0.0.1:$PORT" --workers "${WEB_CONCURRENCY:-2}"
fi
start worker .venv/bin/celery -A cityplatform worker --loglevel=INFO --concurrency=2 -n "worker@%h"
start beat .venv/bin/celery -A cityplatform beat --loglevel=INFO --schedule "$BEAT_SCHEDULE"

domain=${PLATFORM_DOMAIN:-localhost}
cat <<MSG

  City Data Platform is running (Ctrl-C stops it)
    console (platform team)   http://$domain:$PORT/
    เทศบาลเมืองกันตัง           http://kantang.$domain:$PORT/
    เทศบาลตำบลเหนือคลอง         http://nueaklong.$domain:$PORT/
    health                    http://$domain:$PORT/healthz
  demo logins: admin, executive, engineer, nurse, volunteer (each municipality); platform (console)
  password:    ${DEMO_PASSWORD:-demo-pass-1234}

MSG
# Until Ctrl-C, or until every process was given up.
for pid in "${supervisors[@]}"; do wait "$pid" || true; done
say "web, worker and beat have all been given up; see their output above"
exit 1
