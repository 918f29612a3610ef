# Shared helpers for the set-up scripts (sourced).
say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

ROOT=$(pwd)
VAR="$ROOT/var"
PGPORT=${PGPORT:-5433}
REDIS_PORT=${REDIS_PORT:-6380}

# The highest installed PostgreSQL major version that has PostGIS, e.g. 15.
pg_major_with_postgis() {
  local v best=""
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] || continue
    v=$(basename "$(dirname "$d")")
    ls /usr/share/postgresql/"$v"/extension/postgis.control >/dev/null 2>&1 && best=$v
  done
  [ -n "$best" ] && echo "$best"
}

# Run a command as the owner of the cluster: initdb and postgres refuse to run as root.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
