#!/usr/bin/env bash
# HTTP benchmark of the release build (the serving figures of docs/benchmarks.md): starts `logit serve` on a free
# loopback port with freshly trained models, loads it with wrk for a bounded time and prints requests/s and latency
# percentiles for
#   1. GET /healthz/live, 32 connections (the HTTP floor),
#   2. POST /predict with one 784-pixel image, 32 connections,
#   3. POST /predict, one keep-alive connection (p50 latency),
#   4. POST /predict, 32 connections, while a training job runs (and the server's peak RSS during it),
# the start-up time of `logit serve` with models in the database, and the job time of five `POST /train {}` in a row.
#
# Usage: scripts/bench-http.sh            (DURATION=10 seconds per run, CONNECTIONS=32, THREADS=2 wrk threads)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

source scripts/bench-common.sh
swift build -c release --product logit >/dev/null
LOGIT=.build/release/logit

work=$(mktemp -d)
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# Two stored models, trained in-process before the server starts: a softmax one (one SGD epoch) and a 2-vs-3 one.
# The /predict requests below name no model, so the newest version, the 2-vs-3 one, answers them.
$LOGIT train --database "$work/db.sqlite" --request '{"optimizer":"sgd","batch_size":128,"epochs":1}' >/dev/null
$LOGIT train --database "$work/db.sqlite" --request '{"task":{"type":"binary","positive":[2],"negative":[3]}}' >/dev/null

port=$(free_port)
base="http://127.0.0.1:$port"
started=$(date +%s.%N)
$LOGIT serve --port "$port" --database "$work/db.sqlite" --no-train-on-first-run >"$work/serve.log" 2>&1 &
server_pid=$!
until curl -sf "$base/healthz/ready" >/dev/null; do sleep 0.005; done
ready=$(date +%s.%N)
printf 'start-up: ready after %.3f s (2 models in the database)\n' "$(echo "$ready - $started" | bc)"

curl -sf -X POST -H 'Content-Type: application/json' --data @examples/digit-7.json "$base/predict" >/dev/null

# Prints "<label>: N req/s, p50 .. p90 .. p99 .." from wrk's output.
run() {
    local label=$1; shift
    local output
    output=$(wrk --latency "$@")
    local rate p50 p90 p99 errors
    rate=$(awk '/^Requests\/sec/ {print $2}' <<<"$output")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$output")
    p90=$(awk '$1 == "90%" {print $2}' <<<"$output")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$output")
    errors=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$output")
    printf '%-42s %10s req/s   p50 %-9s p90 %-9s p99 %-9s %s\n' "$label" "$rate" "$p50" "$p90" "$p99" "$errors"
}

run "GET /healthz/live, $CONNECTIONS connections" -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" "$base/healthz/live"
run "POST /predict, $CONNECTIONS connections" -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" -s scripts/predict.lua "$base/predict"
run "POST /predict, 1 connection" -t1 -c1 -d"${DURATION}s" -s scripts/predict.lua "$base/predict"

# Under training load: a job long enough to outlast the run (cancelled afterwards).
job=$(curl -sf -X POST -H 'Content-Type: application/json' \
    --data '{"optimizer":"sgd","batch_size":128,"epochs":200,"name":"load"}' "$base/train" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["job"]["id"])')
until curl -sf "$base/jobs/$job" | grep -q '"running"'; do sleep 0.05; done
sleep 1
run "POST /predict, $CONNECTIONS conn., training running" -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" -s scripts/predict.lua "$base/predict"
status=$(curl -sf "$base/jobs/$job" | python3 -c 'import json, sys; print(json.load(sys.stdin)["status"])')
echo "training job during that run: $status"
echo "server peak RSS (VmHWM, training on full MNIST included): $(awk '/VmHWM/ {print $2, $3}' "/proc/$server_pid/status")"
curl -sf -X POST "$base/jobs/$job/cancel" >/dev/null || true

# The default recipe as a client runs it: POST /train {} on the idle server, five times one after the other; each
# job's started_at -> finished_at, their median, and the stored version's test accuracy.
for run in 1 2 3 4 5; do
    job=$(curl -sf -X POST -H 'Content-Type: application/json' --data '{"name":"default-recipe"}' "$base/train" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["job"]["id"])')
    # Wait on the job's event stream, which ends with the job: polling in a loop would start a curl process
    # every few milliseconds, and those compete with the (niced) training threads for the two cores.
    curl -sfN "$base/jobs/$job/events" >/dev/null
    until curl -sf "$base/jobs/$job" | grep -q -E '"(succeeded|failed|cancelled)"'; do sleep 0.05; done
    curl -sf "$base/jobs/$job" >"$work/job-$run.json"
done
curl -sf "$base/models/default-recipe/versions/latest/metrics" >"$work/metrics.json"
python3 - "$work" <<'PY'
import json, statistics, sys
from datetime import datetime
def seconds(job):
    parse = lambda text: datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (parse(job["finished_at"]) - parse(job["started_at"])).total_seconds()
jobs = [json.load(open(f"{sys.argv[1]}/job-{run}.json")) for run in range(1, 6)]
times = [seconds(job) for job in jobs]
accuracy = json.load(open(f"{sys.argv[1]}/metrics.json"))["metrics"]["accuracy"]
print(f"POST /train {{}} x5: jobs {', '.join(sorted({job['status'] for job in jobs}))}, started -> finished "
      f"median {statistics.median(times):.3f} s ({', '.join(f'{t:.3f}' for t in times)}), test accuracy {accuracy:.4f}")
PY
