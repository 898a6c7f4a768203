#!/usr/bin/env bash
# Start a local PostgreSQL for the store tests and print the line that points them at it:
#   eval "$(bash scripts/test_postgres.sh)"   →   export RASD_TEST_PG=postgresql+psycopg://…
# Idempotent: installs the Debian `postgresql` package only if it is missing, creates a cluster only if there
# is none, starts it only if it is down, creates the role and database only if they do not exist.
# Everything but the export line goes to stderr.
set -euo pipefail
ROLE=rasd_test
PASSWORD=rasd_test
DATABASE=rasd_test

as_postgres() { if command -v runuser >/dev/null; then runuser -u postgres -- "$@"; else su postgres -c "$*"; fi; }

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || ! command -v pg_ctlcluster >/dev/null; then
  echo "installing postgresql (apt-get)…" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
if [ -z "$(pg_lsclusters -h)" ]; then
  pg_createcluster "$(ls /usr/lib/postgresql | sort -V | tail -1)" main >&2
fi
read -r version cluster port status _ < <(pg_lsclusters -h | head -1)
if [ "$status" != online ]; then
  pg_ctlcluster "$version" "$cluster" start >&2
fi
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 1
done
pg_isready -q -h 127.0.0.1 -p "$port" || { echo "PostgreSQL did not come up on port $port" >&2; exit 1; }
if [ "$(as_postgres psql -p "$port" -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" != 1 ]; then
  as_postgres psql -q -p "$port" -c "CREATE ROLE $ROLE LOGIN PASSWORD '$PASSWORD'" >&2
fi
if [ "$(as_postgres psql -p "$port" -tAc "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'")" != 1 ]; then
  as_postgres psql -q -p "$port" -c "CREATE DATABASE $DATABASE OWNER $ROLE" >&2
fi
echo "export RASD_TEST_PG=postgresql+psycopg://$ROLE:$PASSWORD@127.0.0.1:$port/$DATABASE"
