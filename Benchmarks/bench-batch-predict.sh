#!/usr/bin/env bash
# JSON batches to POST /predict, side by side with the Python peer (Flask + gunicorn, 2 workers, + numpy:
# Benchmarks/flask_predict_peer.py) given the same body and the same softmax model (Logit's model.h5): 500 raw
# MNIST test images per request, CONNECTIONS (4) connections, DURATION (10) seconds per run, RUNS (3) runs each,
# alternated. Prints predictions per second (requests/s x 500) and latency percentiles.
#
# Usage: Benchmarks/bench-batch-predict.sh     (LOGIT_BUILD=0 skips the release build; IMAGES=500)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

source scripts/bench-common.sh
CONNECTIONS=${CONNECTIONS:-4}
RUNS=${RUNS:-3}
IMAGES=${IMAGES:-500}
[ "${LOGIT_BUILD:-1}" = 0 ] || swift build -c release --product logit >/dev/null
LOGIT=.build/release/logit

VENV=.build/bench-venv
if [ ! -x "$VENV/bin/gunicorn" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet flask==3.1.2 gunicorn==23.0.0 numpy h5py
fi

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT

$LOGIT train --database "$work/db.sqlite" --request '{"name":"mnist"}' >/dev/null
logit_port=$(free_port)
$LOGIT serve --port "$logit_port" --database "$work/db.sqlite" --no-train-on-first-run >"$work/serve.log" 2>&1 &
pids+=($!)
until curl -sf "http://127.0.0.1:$logit_port/healthz/ready" >/dev/null; do sleep 0.05; done
curl -sf "http://127.0.0.1:$logit_port/models/mnist/versions/1/model.h5" -o "$work/model.h5"

peer_port=$(free_port)
MODEL_H5="$work/model.h5" "$VENV/bin/gunicorn" -w 2 -b "127.0.0.1:$peer_port" --chdir Benchmarks \
    flask_predict_peer:app >"$work/peer.log" 2>&1 &
pids+=($!)
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$peer_port/")" != 000 ]; do sleep 0.1; done

# The body: the first IMAGES raw test images, as integers 0-255; both answer it with the same labels.
"$VENV/bin/python" - "$work/body.json" "$IMAGES" <<'PY'
import gzip, json, sys
import numpy as np
with gzip.open("data/mnist/t10k-images-idx3-ubyte.gz") as f:
    images = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 784)
with open(sys.argv[1], "w") as out:
    json.dump({"instances": images[: int(sys.argv[2])].tolist()}, out, separators=(",", ":"))
PY
echo "body: $IMAGES images, $(stat -c %s "$work/body.json") bytes"
for port in "$logit_port" "$peer_port"; do
    curl -sf -X POST -H 'Content-Type: application/json' --data-binary @"$work/body.json" \
        "http://127.0.0.1:$port/predict" -o "$work/answer-$port.json"
done
"$VENV/bin/python" - "$work/answer-$logit_port.json" "$work/answer-$peer_port.json" <<'PY'
import json, sys
import numpy as np
logit, peer = (json.load(open(path))["predictions"] for path in sys.argv[1:])
labels = [p["label"] for p in logit]
assert labels == [p["label"] for p in peer], "the two answer different labels"
gap = np.abs(np.array([p["probabilities"] for p in logit]) - np.array([p["probabilities"] for p in peer])).max()
print(f"same labels from both; largest probability difference {gap:.2e}")
PY

run() {
    local label=$1 port=$2 output rate
    output=$(BODY="$work/body.json" wrk --latency -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" \
        -s Benchmarks/post-body.lua "http://127.0.0.1:$port/predict")
    rate=$(awk '/^Requests\/sec/ {print $2}' <<<"$output")
    printf '%-28s %9.1f req/s  %10.0f predictions/s   p50 %-9s p99 %-9s %s\n' "$label" "$rate" \
        "$(echo "$rate * $IMAGES" | bc)" "$(awk '$1 == "50%" {print $2}' <<<"$output")" \
        "$(awk '$1 == "99%" {print $2}' <<<"$output")" "$(awk '/Non-2xx|Socket errors/ {print}' <<<"$output")"
}
for i in $(seq "$RUNS"); do
    run "logit, run $i" "$logit_port"
    run "flask+gunicorn+numpy, run $i" "$peer_port"
done
