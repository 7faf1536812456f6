#!/usr/bin/env bash
# Runs a command with LOGIT_TEST_POSTGRES_URL set: unless it names a server already, a throwaway PostgreSQL cluster
# in a folder under /tmp (LOGIT_TEST_POSTGRES_DIR, for scripts/postgres-throwaway.sh restart in a database-fault
# test), stopped and removed however the command ends.
#
# Usage: scripts/with-test-postgres.sh COMMAND [ARGUMENTS...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ -z "${LOGIT_TEST_POSTGRES_URL:-}" ]; then
    pg=$(mktemp -d /tmp/logit-test-postgres.XXXXXX)
    trap 'bash scripts/postgres-throwaway.sh stop "$pg"' EXIT
    trap 'exit 130' INT TERM
    LOGIT_TEST_POSTGRES_URL=$(bash scripts/postgres-throwaway.sh start "$pg")
    export LOGIT_TEST_POSTGRES_URL LOGIT_TEST_POSTGRES_DIR="$pg"
fi
echo "PostgreSQL for the tests: $LOGIT_TEST_POSTGRES_URL"
"$@"
