#!/bin/sh
# One-shot for the `citus` profile: the extensions on every node, then the coordinator told
# its own name and the workers registered (idempotent: a second run only checks).
set -eu
export PGPASSWORD="$POSTGRES_PASSWORD"
q() { psql -h "$1" -U city -d cityplatform -v ON_ERROR_STOP=1 -qtA -c "$2"; }
for node in citus-worker-1 citus-worker-2 citus-coordinator; do
  until pg_isready -h "$node" -U city -d cityplatform >/dev/null 2>&1; do sleep 1; done
  has=$(q "$node" "SELECT string_agg(extname, ' ') FROM pg_extension")
  case " $has " in *" citus "*) ;; *) q "$node" "CREATE EXTENSION citus" ;; esac
  case " $has " in *" postgis "*) ;; *) q "$node" "CREATE EXTENSION postgis SCHEMA public" ;; esac
done
q citus-coordinator "SELECT citus_set_coordinator_host('citus-coordinator', 5432)" >/dev/null
for worker in citus-worker-1 citus-worker-2; do
  [ "$(q citus-coordinator "SELECT count(*) FROM pg_dist_node WHERE nodename = '$worker'")" = 1 ] \
    || q citus-coordinator "SELECT citus_add_node('$worker', 5432)" >/dev/null
done
q citus-coordinator "SELECT nodename, nodeport, shouldhaveshards FROM pg_dist_node ORDER BY nodeid"
