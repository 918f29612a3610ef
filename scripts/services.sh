#!/usr/bin/env bash
# Project-local PostgreSQL (+PostGIS) and Redis on loopback, with their data under var/.
#   scripts/services.sh start|stop|status
# When DATABASE_URL or REDIS_URL is set, that service is yours and is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

PGDATA="$VAR/pg/data"
DB_NAME=cityplatform DB_USER=city DB_PASSWORD=city

pg_bin() {
  local v; v=$(pg_major_with_postgis) || die "PostgreSQL with PostGIS is not installed: run scripts/bootstrap.sh"
  echo "/usr/lib/postgresql/$v/bin"
}

pg_start() {
  local bin; bin=$(pg_bin)
  mkdir -p "$VAR/pg"
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$VAR/pg"; fi
  if [ ! -f "$PGDATA/PG_VERSION" ]; then
    say "initialising PostgreSQL cluster in var/pg"
    local pwfile="$VAR/pg/.pw"
    echo "$DB_PASSWORD" > "$pwfile"
    if [ "$(id -u)" = 0 ]; then chown postgres "$pwfile"; fi
    as_pg "$bin/initdb" -D "$PGDATA" -U "$DB_USER" --pwfile="$pwfile" --auth=scram-sha-256 \
      --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$pwfile"
  fi
  if ! as_pg "$bin/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
    port_in_use "$PGPORT" && die "Port $PGPORT is taken by another server (another checkout's PostgreSQL?). Stop it, or point DATABASE_URL at a database of yours."
    say "starting PostgreSQL on 127.0.0.1:$PGPORT"
    as_pg "$bin/pg_ctl" -D "$PGDATA" -w -t 60 -l "$VAR/pg/server.log" start \
      -o "-c listen_addresses=127.0.0.1 -p $PGPORT -c unix_socket_directories=$VAR/pg" >/dev/null
  fi
  export PGPASSWORD=$DB_PASSWORD
  local psql=("$bin/psql" -h 127.0.0.1 -p "$PGPORT" -U "$DB_USER" -v ON_ERROR_STOP=1 -qtA)
  if [ "$("${psql[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname='$DB_NAME'")" != 1 ]; then
    "${psql[@]}" -d postgres -c "CREATE DATABASE $DB_NAME"
  fi
  "${psql[@]}" -d "$DB_NAME" -c "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS postgis SCHEMA public"
}

pg_stop() {
  local bin; bin=$(pg_bin)
  if [ -f "$PGDATA/PG_VERSION" ] && as_pg "$bin/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
    say "stopping PostgreSQL"
    as_pg "$bin/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
  fi
}

redis_start() {
  mkdir -p "$VAR/redis"
  if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    port_in_use "$REDIS_PORT" && die "Port $REDIS_PORT is taken by a server that is not Redis. Stop it, or set REDIS_URL."
    say "starting Redis on 127.0.0.1:$REDIS_PORT"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --dir "$VAR/redis" \
      --pidfile "$VAR/redis/redis.pid" --logfile "$VAR/redis/redis.log" --save "" --appendonly no
    for _ in $(seq 50); do
      redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0
      sleep 0.1
    done
    die "Redis did not start; see var/redis/redis.log"
  fi
}

redis_stop() {
  if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    say "stopping Redis"
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  fi
}

# A test run that was interrupted can leave processes connected to the test database, and
# pytest-django then cannot recreate it; the next `make test` ends those sessions first.
test_db_release() {
  [ -z "${DATABASE_URL:-}" ] || return 0
  local bin; bin=$(pg_bin)
  PGPASSWORD=$DB_PASSWORD "$bin/psql" -h 127.0.0.1 -p "$PGPORT" -U "$DB_USER" -d postgres -qtA -c \
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname LIKE 'test\_${DB_NAME}%' AND pid <> pg_backend_pid()" >/dev/null
}

case "${1:-}" in
  start)
    [ -n "${DATABASE_URL:-}" ] || pg_start
    [ -n "${REDIS_URL:-}" ] || redis_start
    ;;
  stop)
    [ -n "${DATABASE_URL:-}" ] || pg_stop
    [ -n "${REDIS_URL:-}" ] || redis_stop
    ;;
  release-test-db)
    test_db_release
    ;;
  status)
    bin=$(pg_bin)
    as_pg "$bin/pg_ctl" -D "$PGDATA" status || true
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping || true
    ;;
  *) die "usage: scripts/services.sh start|stop|status|release-test-db" ;;
esac
