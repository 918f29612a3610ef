#!/usr/bin/env bash
# A local Citus cluster on loopback for tests and benches: one coordinator and CITUS_WORKERS
# workers (default 2), each a PostgreSQL 15 with PostGIS and shared_preload_libraries=citus, data
# under var/citus/. It never touches the project's own PostgreSQL (var/pg, port 5433).
#   scripts/citus.sh build    build and install Citus from ../shared/vendor when it is missing
#   scripts/citus.sh start    build if needed, start the nodes, create the database, add the workers
#   scripts/citus.sh stop     stop every node (fast shutdown)
#   scripts/citus.sh status   one line per node
#   scripts/citus.sh reset    drop and recreate the database on every node (a clean cluster, ~5 s)
# Settings (env): CITUS_PORT (coordinator, 5450; workers are the next ports), CITUS_WORKERS,
# CITUS_DB (cityplatform), CITUS_TARBALL. All idempotent: a second `start` only checks.
# Loopback only: the nodes trust 127.0.0.1, so workers connect to each other without passwords.
# Production runs Citus's published images instead (README, "Citus in production").
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

CITUS_VERSION=13.2.2
CITUS_PORT=${CITUS_PORT:-5450}
CITUS_WORKERS=${CITUS_WORKERS:-2}
CITUS_DB=${CITUS_DB:-cityplatform}
CITUS_TARBALL=${CITUS_TARBALL:-$ROOT/../shared/vendor/citus-$CITUS_VERSION.tar.gz}
CITUS_VAR="$VAR/citus"
BUILD_DIR="$CITUS_VAR/build"
DB_USER=city DB_PASSWORD=city

pg_version() {
  pg_major_with_postgis || die "PostgreSQL with PostGIS is not installed: run scripts/bootstrap.sh"
}
pg_bin() { echo "/usr/lib/postgresql/$(pg_version)/bin"; }
ports() { local i; for i in $(seq 0 "$CITUS_WORKERS"); do echo $((CITUS_PORT + i)); done; }
worker_ports() { local i; for i in $(seq 1 "$CITUS_WORKERS"); do echo $((CITUS_PORT + i)); done; }
node_dir() { echo "$CITUS_VAR/node-$1"; }

citus_installed() {
  local v; v=$(pg_version)
  [ -f "/usr/lib/postgresql/$v/lib/citus.so" ] \
    && grep -qs "default_version = '${CITUS_VERSION%.*}" "/usr/share/postgresql/$v/extension/citus.control"
}

# The recipe of ../shared/vendor/README.md. The compiled tree stays in var/citus/build, so a
# second build (after a fresh container put back the same var/) only runs `make install`.
citus_build() {
  if citus_installed; then return 0; fi
  [ -f "$CITUS_TARBALL" ] || die "Citus source not found at $CITUS_TARBALL"
  local v; v=$(pg_version)
  if [ ! -x "/usr/lib/postgresql/$v/bin/pg_config" ] || ! dpkg -s liblz4-dev libzstd-dev >/dev/null 2>&1; then
    [ "$(id -u)" = 0 ] || die "Citus's build needs packages: run as root, or install postgresql-server-dev-$v liblz4-dev libzstd-dev libkrb5-dev libselinux1-dev libxslt1-dev libpam0g-dev libssl-dev libreadline-dev"
    say "installing Citus's build dependencies (apt)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-server-dev-$v" libcurl4-openssl-dev \
      liblz4-dev libzstd-dev libkrb5-dev libselinux1-dev libxslt1-dev libpam0g-dev libssl-dev \
      libreadline-dev >/dev/null
  fi
  local src="$BUILD_DIR/citus-$CITUS_VERSION"
  if [ ! -f "$src/src/backend/distributed/citus.so" ]; then
    say "building Citus $CITUS_VERSION from $(basename "$CITUS_TARBALL") (about a minute)"
    rm -rf "$src"; mkdir -p "$src"
    tar xzf "$CITUS_TARBALL" -C "$src" --strip-components=1 2>/dev/null \
      || { rm -rf "$src"; mkdir -p "$src"; tar xzf "$CITUS_TARBALL" -C "$BUILD_DIR"; }
    # Debian's PostgreSQL 15.20 exports have_createdb_privilege(), which Citus 13.2.2 also defines
    # for older minor versions: rename Citus's copy so the server's is used (vendor/README.md).
    sed -i 's/^have_createdb_privilege(void)$/citus_unused_have_createdb_privilege(void)/' \
      "$src/src/include/pg_version_compat.h"
    (cd "$src" && PG_CONFIG="/usr/lib/postgresql/$v/bin/pg_config" ./configure --without-libcurl >"$BUILD_DIR/configure.log" 2>&1 \
      && make -j"$(nproc)" >"$BUILD_DIR/make.log" 2>&1) \
      || die "Citus build failed; see var/citus/build/configure.log and make.log"
  fi
  (cd "$src" && make install >"$BUILD_DIR/install.log" 2>&1) || die "Citus install failed; see var/citus/build/install.log"
  citus_installed || die "Citus installed but not found in PostgreSQL $v's directories"
}

node_running() { as_pg "$(pg_bin)/pg_ctl" -D "$(node_dir "$1")/data" status >/dev/null 2>&1; }

node_start() {
  local port=$1 dir bin; dir=$(node_dir "$port"); bin=$(pg_bin)
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$dir"; fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    local pwfile="$dir/.pw"
    echo "$DB_PASSWORD" > "$pwfile"
    if [ "$(id -u)" = 0 ]; then chown postgres "$pwfile"; fi
    as_pg "$bin/initdb" -D "$dir/data" -U "$DB_USER" --pwfile="$pwfile" --auth=trust \
      --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$pwfile"
    # Small nodes: a test or bench machine runs three of them beside the main server.
    cat >> "$dir/data/postgresql.conf" <<EOF
shared_preload_libraries = 'citus'
listen_addresses = '127.0.0.1'
max_connections = 200
shared_buffers = 128MB
max_prepared_transactions = 200
wal_level = logical
fsync = off
synchronous_commit = off
full_page_writes = off
citus.shard_replication_factor = 1
citus.max_cached_conns_per_worker = 4
EOF
  fi
  if ! node_running "$port"; then
    port_in_use "$port" && die "Port $port is taken; set CITUS_PORT to a free range"
    as_pg "$bin/pg_ctl" -D "$dir/data" -w -t 60 -l "$dir/server.log" start \
      -o "-p $port -c unix_socket_directories=$dir" >/dev/null
  fi
}

psql_at() { local port=$1; shift; "$(pg_bin)/psql" -h 127.0.0.1 -p "$port" -U "$DB_USER" -v ON_ERROR_STOP=1 -qtA "$@"; }

db_prepare() {
  local port
  for port in $(ports); do
    if [ "$(psql_at "$port" -d postgres -c "SELECT 1 FROM pg_database WHERE datname='$CITUS_DB'")" != 1 ]; then
      psql_at "$port" -d postgres -c "CREATE DATABASE $CITUS_DB"
    fi
    # Only when missing: once a worker holds the cluster's metadata, Citus refuses any DDL there.
    local have; have=$(psql_at "$port" -d "$CITUS_DB" -c "SELECT string_agg(extname, ' ') FROM pg_extension")
    case " $have " in *" citus "*) ;; *) psql_at "$port" -d "$CITUS_DB" -c "CREATE EXTENSION citus" ;; esac
    case " $have " in *" postgis "*) ;; *)
      psql_at "$port" -d "$CITUS_DB" -c "SET client_min_messages = warning; CREATE EXTENSION postgis SCHEMA public" ;;
    esac
  done
  psql_at "$CITUS_PORT" -d "$CITUS_DB" -c "SELECT citus_set_coordinator_host('127.0.0.1', $CITUS_PORT)" >/dev/null
  for port in $(worker_ports); do
    psql_at "$CITUS_PORT" -d "$CITUS_DB" -c "SELECT 1 FROM pg_dist_node WHERE nodeport=$port" | grep -q 1 \
      || psql_at "$CITUS_PORT" -d "$CITUS_DB" -c "SELECT citus_add_node('127.0.0.1', $port)" >/dev/null
  done
}

db_drop() {
  local port
  for port in $(ports); do
    node_running "$port" || continue
    psql_at "$port" -d postgres -c "DROP DATABASE IF EXISTS $CITUS_DB WITH (FORCE)"
  done
}

case "${1:-}" in
  build) citus_build ;;
  start)
    citus_build
    for port in $(ports); do node_start "$port"; done
    db_prepare
    say "Citus cluster up: coordinator 127.0.0.1:$CITUS_PORT, workers $(worker_ports | tr '\n' ' ')(database $CITUS_DB)"
    ;;
  reset)
    db_drop
    db_prepare
    ;;
  stop)
    for port in $(ports); do
      if [ -f "$(node_dir "$port")/data/PG_VERSION" ] && node_running "$port"; then
        as_pg "$(pg_bin)/pg_ctl" -D "$(node_dir "$port")/data" -m fast -w stop >/dev/null
      fi
    done
    say "Citus cluster stopped"
    ;;
  status)
    for port in $(ports); do
      if node_running "$port"; then echo "127.0.0.1:$port running"; else echo "127.0.0.1:$port stopped"; fi
    done
    ;;
  *) die "usage: scripts/citus.sh build|start|stop|status|reset" ;;
esac
