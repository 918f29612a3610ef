#!/usr/bin/env bash
# Installs what is missing, and nothing else: OS packages (PostgreSQL + PostGIS, Redis, GDAL,
# gettext; with WITH_BROWSER=1 also Chromium and a Thai font for the browser tests, and nginx for
# the slow-client fault test) and the
# project virtualenv in .venv. Safe to run again: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

missing=()
pg_major=$(pg_major_with_postgis || true)
if [ -z "$pg_major" ]; then
  missing+=("postgis")
fi
command -v redis-server >/dev/null || missing+=(redis-server)
ldconfig -p 2>/dev/null | grep -q 'libgdal\.so' || missing+=(gdal-bin)
command -v msgfmt >/dev/null || missing+=(gettext)
python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
if [ "${WITH_BROWSER:-0}" = 1 ]; then
  command -v chromium >/dev/null || missing+=(chromium)
  # The buffering proxy of the deployment (docker/nginx.conf), for the slow-client fault test.
  [ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || missing+=(nginx-light)
  # Thai glyphs in screenshots; asked of dpkg because fc-list may not be installed.
  if command -v dpkg-query >/dev/null; then
    dpkg-query -W -f='${Status}' fonts-thai-tlwg 2>/dev/null | grep -q 'install ok installed' || missing+=(fonts-thai-tlwg)
  fi
fi

if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    die "Missing: ${missing[*]}. This set-up installs them with apt on Debian/Ubuntu; elsewhere install PostgreSQL 15 + PostGIS 3, Redis 7, GDAL and gettext yourself (or use docker-compose.yml)."
  fi
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || die "Missing: ${missing[*]}. Run as root or install sudo."
    SUDO=sudo
  fi
  say "installing OS packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  packages=()
  for m in "${missing[@]}"; do
    if [ "$m" = postgis ]; then
      # PostgreSQL 15 where the distribution has it (Debian 12); otherwise its newest with PostGIS 3.
      v=15
      if ! apt-cache show "postgresql-$v-postgis-3" >/dev/null 2>&1; then
        v=$(apt-cache search --names-only '^postgresql-[0-9]+-postgis-3$' | sed -E 's/^postgresql-([0-9]+)-.*/\1/' | sort -n | tail -1)
        [ -n "$v" ] || die "No postgresql-N-postgis-3 package found in the apt sources."
      fi
      packages+=("postgresql-$v" "postgresql-$v-postgis-3" "postgresql-$v-postgis-3-scripts")
    else
      packages+=("$m")
    fi
  done
  $SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  # Debian starts a system cluster on 5432 when PostgreSQL is installed; ours is project-local.
fi

# Python virtualenv, reinstalled only when the requirements change.
stamp=.venv/.requirements.sha
want=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)
if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  python3 -m venv .venv
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  say "installing Python packages"
  .venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
  echo "$want" > "$stamp"
fi

mkdir -p var/staticfiles var/media

# Thai translations: compile when a .po file is newer than its .mo.
for po in locale/*/LC_MESSAGES/django.po; do
  [ -f "$po" ] || continue
  mo="${po%.po}.mo"
  if [ ! -f "$mo" ] || [ "$po" -nt "$mo" ]; then
    msgfmt --check -o "$mo" "$po"
  fi
done
