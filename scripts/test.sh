#!/usr/bin/env bash
# The project's test command (README "command 2"): installs rasd with its test extras into .venv if needed,
# then runs the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install -q --upgrade pip >/dev/null
# A fresh virtualenv is seeded with Python's bundled setuptools (65.5.0 for 3.11), older than the build
# requirement in pyproject.toml (>=78.1.1: CVE-2025-47273, docs/reliability.md). Without --upgrade pip leaves a
# setuptools that satisfies it alone (no index lookup), and fetches a newer one from the registry otherwise.
.venv/bin/pip install -q "setuptools>=78.1.1" >/dev/null
.venv/bin/pip install -q -e '.[test]'
# A local PostgreSQL for the store tests (idempotent; they skip only when RASD_TEST_PG is unset).
if pg_env=$(bash scripts/test_postgres.sh); then eval "$pg_env"; else echo "PostgreSQL unavailable: store tests run on SQLite only" >&2; [ "${CI:-}" != true ] || exit 1; fi
# Headless Chromium for the dashboard's browser tests (Debian package; never `playwright install`).
[ -x /usr/bin/chromium ] || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; } >&2 || echo "chromium unavailable: browser tests skip" >&2
exec .venv/bin/python -m pytest "$@"
