#!/usr/bin/env bash
# Job times as a client sees them, side by side with PyTorch in the same run: starts `logit serve` (release build,
# scratch database, no first-run job) on a free loopback port, posts each request RUNS times one after the other,
# waits for each job on its event stream, and prints every job's started_at -> finished_at, their median and the
# stored version's test accuracy; then runs Benchmarks/pytorch_mlp.py (the same MLP recipe in PyTorch) RUNS times.
#
# Usage: Benchmarks/bench-jobs.sh [request ...]     (default: '{"model":"mlp"}' '{}'; RUNS=3)
#   PYTHON=/path/to/python  a Python with torch ("torch==2.13.0+cpu") and numpy; without one, PyTorch is skipped.
#   LOGIT_BUILD=0           use .build/release/logit as it is instead of building it first.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

RUNS=${RUNS:-3}
PYTHON=${PYTHON:-python3}
[ "$#" -gt 0 ] || set -- '{"model":"mlp"}' '{}'
[ "${LOGIT_BUILD:-1}" = 0 ] || swift build -c release --product logit >/dev/null
LOGIT=.build/release/logit

work=$(mktemp -d)
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
$LOGIT serve --port "$port" --database "$work/db.sqlite" --no-train-on-first-run >"$work/serve.log" 2>&1 &
server_pid=$!
until curl -sf "$base/healthz/ready" >/dev/null; do sleep 0.01; done

index=0
for request in "$@"; do
    index=$((index + 1))
    name="bench-$index"
    body=$(python3 -c 'import json, sys; r = json.loads(sys.argv[1]); r["name"] = sys.argv[2]; print(json.dumps(r))' \
        "$request" "$name")
    for run in $(seq "$RUNS"); do
        job=$(curl -sf -X POST -H 'Content-Type: application/json' --data "$body" "$base/train" |
            python3 -c 'import json, sys; print(json.load(sys.stdin)["job"]["id"])')
        # The event stream ends with the job; polling would compete with the training threads for the cores.
        curl -sfN "$base/jobs/$job/events" >/dev/null
        until curl -sf "$base/jobs/$job" | grep -q -E '"(succeeded|failed|cancelled)"'; do sleep 0.05; done
        curl -sf "$base/jobs/$job" >"$work/job-$index-$run.json"
        curl -sf "$base/models/$name/versions/latest/metrics" >"$work/metrics-$index-$run.json"
    done
    python3 - "$work" "$index" "$RUNS" "$request" <<'PY'
import json, statistics, sys
from datetime import datetime
work, index, runs, request = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
def seconds(job):
    parse = lambda text: datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (parse(job["finished_at"]) - parse(job["started_at"])).total_seconds()
jobs = [json.load(open(f"{work}/job-{index}-{run}.json")) for run in range(1, runs + 1)]
accuracies = [json.load(open(f"{work}/metrics-{index}-{run}.json"))["metrics"]["accuracy"] for run in range(1, runs + 1)]
times = [seconds(job) for job in jobs]
print(f"POST /train {request} x{runs}: {', '.join(sorted({job['status'] for job in jobs}))}, started -> finished "
      f"median {statistics.median(times):.3f} s ({', '.join(f'{t:.3f}' for t in times)}), "
      f"test accuracy {', '.join(f'{a * 100:.2f}%' for a in accuracies)}")
PY
done

if "$PYTHON" -c 'import torch, numpy' 2>/dev/null; then
    "$PYTHON" Benchmarks/pytorch_mlp.py --threads 2 --repeat "$RUNS"
else
    echo "PyTorch skipped: $PYTHON has no torch (see Benchmarks/pytorch_mlp.py)"
fi
