#!/usr/bin/env bash
# End-to-end check of the logit command line, as a user runs it: train, predict a PNG of a real MNIST test digit
# (drawn black on white and three times larger, so resizing and inversion are exercised) and a JSON pixel file,
# export and import HDF5, export ONNX, draw the weights, and the exit codes (0 success, 1 runtime failure, 2 usage error).
# Usage: scripts/check_cli.sh PATH/TO/logit
set -uo pipefail
logit=$(realpath "$1")
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db=(--database "$work/db.sqlite")
passed=0
failed=0
check() {  # check NAME EXPECTED_EXIT COMMAND... ; output in $work/out
    local name=$1 expected=$2
    shift 2
    "$@" >"$work/out" 2>"$work/err"
    local code=$?
    if [ "$code" -eq "$expected" ]; then passed=$((passed + 1)); echo "ok $name"
    else failed=$((failed + 1)); echo "FAILED $name: exit $code, expected $expected"; cat "$work/err"; fi
}
contains() {  # contains NAME TEXT ; on the last command's stdout
    if grep -q -- "$2" "$work/out"; then passed=$((passed + 1)); echo "ok $1"
    else failed=$((failed + 1)); echo "FAILED $1: output lacks '$2'"; cat "$work/out"; fi
}

python3 - "$work/digit.png" <<'PY'
import gzip, struct, sys, zlib
images = gzip.open("data/mnist/t10k-images-idx3-ubyte.gz").read()[16:]
digit = images[:784]  # test image 0, a 7
scale = 3
rows = []
for y in range(28 * scale):
    row = bytes(255 - digit[(y // scale) * 28 + x // scale] for x in range(28 * scale))
    rows.append(b"\x00" + row)
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 84, 84, 8, 0, 0, 0, 0)) \
    + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
PY

check "train" 0 "$logit" train "${db[@]}" --request '{"name":"cli","train_size":5000,"epochs":40}'
contains "train reports the stored version" "stored cli version 1"
check "predict a PNG (84x84, black on white)" 0 "$logit" predict "${db[@]}" --model cli "$work/digit.png"
contains "the PNG digit is a 7" ": 7 (p ="
check "predict a JSON pixel file" 0 "$logit" predict "${db[@]}" --model cli@1 examples/digit-7.json examples/digit-2.json
contains "the JSON 7" "digit-7.json: 7"
contains "the JSON 2" "digit-2.json: 2"
check "models" 0 "$logit" models "${db[@]}"
contains "models lists cli" "cli  latest 1"
check "export" 0 "$logit" export "${db[@]}" cli@1 "$work/cli.h5"
check "import" 0 "$logit" import "${db[@]}" "$work/cli.h5" --name cli-copy
contains "import stores a version" "stored cli-copy version 1"
check "the import predicts the same" 0 "$logit" predict "${db[@]}" --model cli-copy "$work/digit.png"
contains "the imported model says 7" ": 7 (p ="
check "export ONNX" 0 "$logit" export "${db[@]}" cli@1 "$work/cli.onnx" --format onnx --input-type uint8
contains "export ONNX names its file" "to $work/cli.onnx"
# An ONNX model is a protobuf ModelProto: field 1 (ir_version, a varint) first, 0x08, and version 7.
if head -c 2 "$work/cli.onnx" | od -An -tx1 | grep -q "08 07"; then passed=$((passed + 1)); echo "ok cli.onnx is an ONNX model"
else failed=$((failed + 1)); echo "FAILED cli.onnx does not start as an ONNX model"; fi
check "weights" 0 "$logit" weights "${db[@]}" cli "$work/w.png" --scale 4
if head -c 8 "$work/w.png" | od -An -tx1 | grep -q "89 50 4e 47 0d 0a 1a 0a"; then passed=$((passed + 1)); echo "ok weights.png is a PNG"
else failed=$((failed + 1)); echo "FAILED weights.png is not a PNG"; fi
check "usage error: no files" 2 "$logit" predict "${db[@]}" --model cli
check "usage error: unknown option" 2 "$logit" train --bogus
check "usage error: epochs out of range" 2 "$logit" train "${db[@]}" --epochs 0
check "usage error: --input-type without --format onnx" 2 "$logit" export "${db[@]}" cli@1 "$work/x.h5" --input-type uint8
check "usage error: unknown export format" 2 "$logit" export "${db[@]}" cli@1 "$work/x.h5" --format pt
check "usage error: bad scale" 2 "$logit" weights "${db[@]}" cli "$work/x.png" --scale 99
check "runtime error: unknown model" 1 "$logit" export "${db[@]}" nope@1 "$work/x.h5"
check "runtime error: not a model file" 1 "$logit" import "${db[@]}" examples/digit-7.json --name bad
check "help" 0 "$logit" predict --help
check "bench, one quick round" 0 "$logit" bench --repeat 1 --skip-training
contains "bench times a training pass" "softmax epoch, 60k rows, forward + backward"
contains "bench times the body decoding" "decode a 784-pixel /predict body"
echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
