#!/usr/bin/env bash
# Soak of the release build (the figures of docs/reliability.md, "Soak"; not part of make test): `logit serve` on a
# free loopback port under mixed load for DURATION seconds (default 600):
#   - POST /models/soak/versions/stable/predict with one image, CONNECTIONS (32) connections of wrk, run in
#     one-minute slices so each minute has its own requests, errors and p99;
#   - beside it scripts/soak_traffic.py: a training job every few seconds, the alias `stable` moved to each new
#     version, old versions deleted, a CSV data set uploaded every 30 s.
# Prints per minute: requests, p99, non-2xx and socket errors of the predictions, the server's RSS (and of it the
# anonymous memory, heap and stacks, and the file pages); then the
# totals: requests served, 5xx, transport errors, RSS at start and end.
#
# Usage: scripts/soak.sh        (DURATION=600, CONNECTIONS=32, THREADS=2; LOGIT=path/to/logit skips the build)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DURATION=${DURATION:-600}
source scripts/bench-common.sh
if [ -z "${LOGIT:-}" ]; then
    swift build -c release --product logit >/dev/null
    LOGIT=.build/release/logit
fi

work=$(mktemp -d)
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# The bundled data sets, linked into a folder of the soak's own, where the uploads land.
mkdir "$work/data"
for dataset in data/*/; do ln -s "$PWD/$dataset" "$work/data/$(basename "$dataset")"; done

$LOGIT train --database "$work/db.sqlite" --data-dir "$work/data" \
    --request '{"name":"soak","train_size":2000,"optimizer":"sgd","batch_size":100,"epochs":1}' >/dev/null

port=$(free_port)
base="http://127.0.0.1:$port"
# Uploads are small and used once: an idle minute drops them from memory, so RSS shows what stays.
LOGIT_DATASET_IDLE_SECONDS=60 $LOGIT serve --port "$port" --database "$work/db.sqlite" --data-dir "$work/data" \
    --no-train-on-first-run >"$work/serve.log" 2>&1 &
server_pid=$!
until curl -sf "$base/healthz/ready" >/dev/null; do sleep 0.01; done
curl -sf -X PUT -H 'Content-Type: application/json' --data '{"version":1}' "$base/models/soak/aliases/stable" >/dev/null
curl -sf -X POST -H 'Content-Type: application/json' --data @examples/digit-7.json \
    "$base/models/soak/versions/stable/predict" >/dev/null
rss() { awk '/VmRSS/ {print $2}' "/proc/$server_pid/status"; }
anon() { awk '/RssAnon/ {print $2}' "/proc/$server_pid/status"; }
file_pages() { awk '/RssFile/ {print $2}' "/proc/$server_pid/status"; }
rss_start=$(rss)

python3 scripts/soak_traffic.py "$base" "$DURATION" >"$work/traffic.json" &
traffic_pid=$!

minutes=$(( (DURATION + 59) / 60 ))
printf '%-7s %10s %9s %10s %8s %14s %10s %10s %10s\n' minute requests req/s p99 non-2xx socket-errors RSS-KiB \
    anon-KiB file-KiB
total_requests=0
total_non2xx=0
total_socket=0
for minute in $(seq 1 "$minutes"); do
    slice=$(( DURATION - (minute - 1) * 60 ))
    [ "$slice" -gt 60 ] && slice=60
    output=$(wrk --latency -t"$THREADS" -c"$CONNECTIONS" -d"${slice}s" -s scripts/predict.lua \
        "$base/models/soak/versions/stable/predict")
    requests=$(awk '/requests in/ {print $1}' <<<"$output")
    rate=$(awk '/^Requests\/sec/ {print $2}' <<<"$output")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$output")
    non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$output")
    socket=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"$output")
    non2xx=${non2xx:-0}
    socket=${socket:-0}
    total_requests=$((total_requests + requests))
    total_non2xx=$((total_non2xx + non2xx))
    total_socket=$((total_socket + socket))
    printf '%-7s %10s %9s %10s %8s %14s %10s %10s %10s\n' "$minute" "$requests" "$rate" "$p99" "$non2xx" "$socket" \
        "$(rss)" "$(anon)" "$(file_pages)"
done
wait "$traffic_pid"
rss_end=$(rss)

echo "predictions (wrk): $total_requests requests, $total_non2xx non-2xx, $total_socket socket errors"
echo "other traffic (scripts/soak_traffic.py): $(cat "$work/traffic.json")"
echo "server RSS: $rss_start KiB at start (one model loaded, no data set), $rss_end KiB at the end," \
    "peak $(awk '/VmHWM/ {print $2}' "/proc/$server_pid/status") KiB"
errors_in_log=$(grep -c -i -E '\berror\b|critical' "$work/serve.log" || true)
echo "server log lines at error or critical: $errors_in_log"
