#!/usr/bin/env bash
# The Open Inference Protocol's binary path end to end: POST /v2/models/mnist/infer with 10,000 MNIST test images as
# UINT8 binary tensor data (7.84 MB after a JSON header, as tritonclient frames it) asking for the FP32 probabilities
# back as binary data; one keep-alive connection over loopback, from Python's http.client. Prints the median of
# REQUESTS (10) requests, after one warm-up, as predictions per second, checked against /predict's labels.
#
# Usage: Benchmarks/bench-v2-binary.sh     (LOGIT_BUILD=0 skips the release build; IMAGES=10000, REQUESTS=10)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

source scripts/bench-common.sh
IMAGES=${IMAGES:-10000}
REQUESTS=${REQUESTS:-10}
[ "${LOGIT_BUILD:-1}" = 0 ] || swift build -c release --product logit >/dev/null
LOGIT=.build/release/logit
PYTHON=${PYTHON:-.build/venv/bin/python}  # numpy, from make test-deps

work=$(mktemp -d)
pid=
cleanup() {
    [ -z "$pid" ] || { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }
    rm -rf "$work"
}
trap cleanup EXIT

$LOGIT train --database "$work/db.sqlite" --request '{"name":"mnist"}' >/dev/null
port=$(free_port)
$LOGIT serve --port "$port" --database "$work/db.sqlite" --no-train-on-first-run >"$work/serve.log" 2>&1 &
pid=$!
until curl -sf "http://127.0.0.1:$port/healthz/ready" >/dev/null; do sleep 0.05; done

"$PYTHON" - "$port" "$IMAGES" "$REQUESTS" <<'PY'
import gzip, http.client, json, statistics, sys, time
import numpy as np

port, count, repeats = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
with gzip.open("data/mnist/t10k-images-idx3-ubyte.gz") as f:
    images = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 784)[:count]
data = images.tobytes()
header = json.dumps({
    "inputs": [{"name": "pixels", "shape": list(images.shape), "datatype": "UINT8",
                "parameters": {"binary_data_size": len(data)}}],
    "outputs": [{"name": "probabilities", "parameters": {"binary_data": True}}],
}).encode()
body = header + data
headers = {"Content-Type": "application/octet-stream", "Inference-Header-Content-Length": str(len(header))}
connection = http.client.HTTPConnection("127.0.0.1", port)

def infer():
    connection.request("POST", "/v2/models/mnist/infer", body=body, headers=headers)
    response = connection.getresponse()
    payload = response.read()
    assert response.status == 200, payload[:300]
    length = int(response.getheader("Inference-Header-Content-Length"))
    answer = json.loads(payload[:length])
    (output,) = answer["outputs"]
    assert output["datatype"] == "FP32" and output["shape"] == [count, 10], output
    return np.frombuffer(payload[length:], dtype="<f4").reshape(count, 10)

probabilities = infer()  # warm-up: loads the model
seconds = []
for _ in range(repeats):
    start = time.perf_counter()
    probabilities = infer()
    seconds.append(time.perf_counter() - start)

# The same answer as /predict for the first images.
check = json.dumps({"instances": images[:100].tolist()}).encode()
connection.request("POST", "/models/mnist/versions/1/predict", body=check, headers={"Content-Type": "application/json"})
served = json.loads(connection.getresponse().read())
expected = np.array([p["probabilities"] for p in served["predictions"]], dtype=np.float32)
assert np.abs(expected - probabilities[:100]).max() <= 1e-6

median = statistics.median(seconds)
print(f"body: {count} images, {len(body):,} bytes (header {len(header)}); answer {probabilities.nbytes:,} bytes of FP32")
print(f"per request: median {median * 1000:.2f} ms, min {min(seconds) * 1000:.2f} ms, max {max(seconds) * 1000:.2f} ms "
      f"over {repeats}")
print(f"V2 binary: {count / median:,.0f} predictions/s (median of {repeats} requests)")
PY
