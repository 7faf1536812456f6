#!/usr/bin/env bash
# The job queue on SQLite and PostgreSQL side by side:
#   1. claims per second: `logit bench-queue`, WORKERS concurrent workers claiming and finishing JOBS jobs;
#   2. submit-to-start latency on an idle replica: SUBMITS small jobs posted one after another to `logit serve`,
#      each the moment the previous one finished; the latency is the job's started_at minus its created_at (both
#      written by the service), min/median/max.
# PostgreSQL is a throwaway cluster (scripts/postgres-throwaway.sh) unless LOGIT_BENCH_POSTGRES_URL names a server
# whose databases this may create.
#
# Usage: scripts/bench-queue.sh [PATH/TO/logit]   (default .build/release/logit; JOBS=2000 WORKERS=8 SUBMITS=20)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
logit=$(realpath "${1:-.build/release/logit}")
JOBS=${JOBS:-2000}
WORKERS=${WORKERS:-8}
SUBMITS=${SUBMITS:-20}
source scripts/bench-common.sh

work=$(mktemp -d)
chmod 755 "$work"  # the postgres user keeps its cluster in here
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    [ -z "${LOGIT_BENCH_POSTGRES_URL:-}" ] && scripts/postgres-throwaway.sh stop "$work/pg" >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT

base_url=${LOGIT_BENCH_POSTGRES_URL:-$(scripts/postgres-throwaway.sh start "$work/pg")}
# A new database on the server for each measurement, so runs do not see each other's jobs.
new_postgres_database() {
    local name="logit_bench_$1_$$"
    psql "$base_url" -qc "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" >/dev/null 2>&1
    echo "${base_url%/*}/$name"
}

echo "claims per second, $WORKERS workers, $JOBS jobs"
"$logit" bench-queue --database "$work/claims.sqlite" --workers "$WORKERS" --jobs "$JOBS"
"$logit" bench-queue --database "$(new_postgres_database claims)" --workers "$WORKERS" --jobs "$JOBS" 2>/dev/null

echo "submit-to-start latency on an idle replica, $SUBMITS jobs"
for database in "$work/latency.sqlite" "$(new_postgres_database latency)"; do
    port=$(free_port)
    "$logit" serve --port "$port" --database "$database" --no-train-on-first-run >"$work/serve.log" 2>&1 &
    server_pid=$!
    until curl -sf "http://127.0.0.1:$port/healthz/ready" >/dev/null; do sleep 0.05; done
    python3 - "http://127.0.0.1:$port" "$SUBMITS" "$database" <<'PY'
import json, statistics, sys, time, urllib.request
from datetime import datetime
base, count, database = sys.argv[1], int(sys.argv[2]), sys.argv[3]
body = json.dumps({"name": "latency", "train_size": 1000, "optimizer": "sgd", "batch_size": 100, "epochs": 1}).encode()
def call(method, path, data=None):
    request = urllib.request.Request(base + path, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.load(response)
def when(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
latencies = []
for _ in range(count):
    job = call("POST", "/train", body)["job"]
    while job["status"] in ("queued", "running"):
        time.sleep(0.02)
        job = call("GET", "/jobs/" + job["id"])
    latencies.append((when(job["started_at"]) - when(job["created_at"])).total_seconds() * 1000)
backend = "PostgreSQL" if database.startswith("postgres") else "SQLite"
print(f"{backend}: submit to start min {min(latencies):.0f} ms, median {statistics.median(latencies):.0f} ms, "
      f"max {max(latencies):.0f} ms")
PY
    kill "$server_pid" && wait "$server_pid" 2>/dev/null || true
    server_pid=""
done
