#!/usr/bin/env bash
# A/B of two logit binaries' serving, alternated so both see the same machine: for each round, each binary serves
# one stored model (trained by the binary itself, same request and seed) and wrk loads
#   1. POST /predict with one 784-pixel image, CONNECTIONS connections (requests/s, p99),
#   2. POST /predict over one keep-alive connection (p50),
#   3. POST /predict with a batch of BATCH images, CONNECTIONS connections (predictions/s).
# Prints one line per binary per round and the medians at the end.
#
# Usage: scripts/bench-http-ab.sh PATH/TO/logit-A PATH/TO/logit-B
#        (ROUNDS=3, DURATION=8 seconds per run, CONNECTIONS=32, THREADS=2 wrk threads, BATCH=100)
# DATABASE_A and DATABASE_B choose each side's database (default: a new SQLite file each); the same binary twice with
# DATABASE_B=postgres://... compares the backends.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ $# -eq 2 ] && [ -x "$1" ] && [ -x "$2" ] || { echo "usage: $0 PATH/TO/logit-A PATH/TO/logit-B" >&2; exit 2; }
DURATION=${DURATION:-8}
source scripts/bench-common.sh
ROUNDS=${ROUNDS:-3}
BATCH=${BATCH:-100}
binaries=("$(realpath "$1")" "$(realpath "$2")")

work=$(mktemp -d)
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# The batch body: BATCH copies of the example digit, and its wrk script.
python3 - "$BATCH" >"$work/batch.json" <<'PY'
import json, sys
pixels = json.load(open("examples/digit-7.json"))["pixels"]
print(json.dumps({"instances": [pixels] * int(sys.argv[1])}))
PY
cat >"$work/batch.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local file = io.open("$work/batch.json", "r")
wrk.body = file:read("*a")
file:close()
LUA

# One database per binary, each with the same softmax model (one SGD epoch, seed 42).
databases=("${DATABASE_A:-$work/db-0.sqlite}" "${DATABASE_B:-$work/db-1.sqlite}")
for index in 0 1; do
    "${binaries[$index]}" train --database "${databases[$index]}" \
        --request '{"optimizer":"sgd","batch_size":128,"epochs":1}' >/dev/null
done

# wrk's summary as "requests/s p50_ms p99_ms".
measure() {
    wrk --latency -t"$1" -c"$2" -d"${DURATION}s" -s "$3" "$4" | awk '
        function ms(value) {
            if (value ~ /us$/) return substr(value, 1, length(value) - 2) / 1000
            if (value ~ /ms$/) return substr(value, 1, length(value) - 2)
            if (value ~ /s$/) return substr(value, 1, length(value) - 1) * 1000
            return value
        }
        / 50%/ { p50 = ms($2) } / 99%/ { p99 = ms($2) } /Requests\/sec/ { rps = $2 }
        END { printf "%s %s %s\n", rps, p50, p99 }'
}

results="$work/results"
for round in $(seq 1 "$ROUNDS"); do
    for index in 0 1; do
        port=$(free_port)
        base="http://127.0.0.1:$port"
        "${binaries[$index]}" serve --port "$port" --database "${databases[$index]}" --no-train-on-first-run \
            >"$work/serve-$index.log" 2>&1 &
        server_pid=$!
        until curl -sf "$base/healthz/ready" >/dev/null; do sleep 0.01; done
        curl -sf -o /dev/null -X POST "$base/predict" -d @examples/digit-7.json  # loads the model into the cache
        read -r rps _ p99 < <(measure "$THREADS" "$CONNECTIONS" scripts/predict.lua "$base/predict")
        read -r _ p50one _ < <(measure 1 1 scripts/predict.lua "$base/predict")
        read -r batches _ _ < <(measure "$THREADS" "$CONNECTIONS" "$work/batch.lua" "$base/predict")
        kill "$server_pid" && wait "$server_pid" 2>/dev/null || true
        server_pid=""
        label=$([ "$index" = 0 ] && echo A || echo B)
        predictions=$(echo "$batches * $BATCH" | bc)
        printf '%s round %d: /predict %s req/s, p99 %s ms; 1 conn p50 %s ms; batches of %d: %s predictions/s\n' \
            "$label" "$round" "$rps" "$p99" "$p50one" "$BATCH" "$predictions"
        echo "$label $rps $p99 $p50one $predictions" >>"$results"
    done
done

echo "medians over $ROUNDS rounds (A: $1, B: $2)"
for label in A B; do
    python3 - "$label" "$results" <<'PY'
import statistics, sys
label, path = sys.argv[1], sys.argv[2]
rows = [line.split()[1:] for line in open(path) if line.split()[0] == label]
columns = list(zip(*[[float(value) for value in row] for row in rows]))
rps, p99, p50, predictions = (statistics.median(column) for column in columns)
print(f"{label}: /predict {rps:.0f} req/s, p99 {p99:.2f} ms; 1 conn p50 {p50:.3f} ms; {predictions:.0f} predictions/s in batches")
PY
done
