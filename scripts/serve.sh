#!/usr/bin/env bash
# Serves the web app on 127.0.0.1:$PORT with a Celery worker and beat, until Ctrl-C; then stops
# all three (and the services that scripts/services.sh started for this run).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

PORT=${PORT:-8000}
mkdir -p "$VAR/log"
pids=()

start() {  # name, command...: each in its own process group so one signal stops all its children
  local name=$1; shift
  setsid "$@" > >(sed -u "s/^/[$name] /") 2>&1 &
  pids+=($!)
}

stop_all() {
  trap - INT TERM EXIT
  echo
  say "stopping web, worker and beat"
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "${STOP_SERVICES:-1}" = 1 ]; then scripts/services.sh stop; fi
  say "stopped"
}
trap 'stop_all; exit 130' INT TERM
trap stop_all EXIT

start web .venv/bin/python manage.py runserver "127.0.0.1:$PORT"
start worker .venv/bin/celery -A cityplatform worker --loglevel=INFO --concurrency=2 -n "worker@%h"
start beat .venv/bin/celery -A cityplatform beat --loglevel=INFO --schedule "$VAR/celerybeat-schedule"

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
wait -n "${pids[@]}" || true
say "a process exited on its own; see its output above"
exit 1
