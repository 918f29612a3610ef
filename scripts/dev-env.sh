#!/usr/bin/env bash
# Writes var/dev.env (or the file named): the settings `make run` serves with (DEBUG and DEMO_MODE from the Makefile, and the service
# addresses if you set them), so `.venv/bin/python manage.py …` in another terminal of this checkout
# uses the same ones without exporting anything. Rewritten on every `make run`.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-var/dev.env}
mkdir -p "$(dirname "$out")"
tmp=$(mktemp "$out.XXXXXX")
{
  echo "# Written by \`make run\` ($(date -u +%Y-%m-%dT%H:%M:%SZ)); read by cityplatform/settings.py for names"
  echo "# the environment does not set. Delete it to run manage.py as production would."
  echo "DEBUG=${DEBUG:-0}"
  echo "DEMO_MODE=${DEMO_MODE:-1}"
  for name in DATABASE_URL REDIS_URL PLATFORM_DOMAIN DEMO_PASSWORD; do
    if [ -n "${!name:-}" ]; then echo "$name=${!name}"; fi
  done
} > "$tmp"
chmod 600 "$tmp"
mv "$tmp" "$out"
