#!/usr/bin/env bash
# The test command: the whole suite on SQLite, then again on a fresh PostgreSQL database.
#
#   bash scripts/test.sh                 # both runs
#   bash scripts/test.sh -k tenancy -x   # extra arguments go to pytest, in both runs
#
# The PostgreSQL run creates (and drops) its own database on 127.0.0.1:5432, and the
# worker tests use Redis on 127.0.0.1:6379: .ci/run starts both when they are down.
# Exits non-zero if either run fails, including "no tests collected" (pytest's 5).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/_venv.sh
source scripts/_venv.sh
ensure_venv dev

failed=()
for kind in sqlite postgresql; do
    echo
    echo "==> pytest --db=$kind $*"
    status=0
    .venv/bin/pytest --db="$kind" "$@" || status=$?
    if [ "$status" -eq 5 ]; then
        echo "!! pytest --db=$kind collected no tests" >&2
    fi
    if [ "$status" -ne 0 ]; then
        failed+=("$kind (exit $status)")
    fi
done

echo
if [ "${#failed[@]}" -gt 0 ]; then
    echo "FAILED: ${failed[*]}" >&2
    exit 1
fi
echo "Both runs passed (SQLite and PostgreSQL)."
