#!/usr/bin/env bash
# Regenerates Sources/LogitONNX/Generated/onnx.pb.swift, the Swift code of ONNX's onnx.proto, which the repository
# commits so that a normal build needs neither protoc nor the plugin (building the plugin takes minutes).
#
#   onnx.proto        from the `onnx` wheel on PyPI (ONNX_VERSION), installed into a throwaway virtual environment
#   protoc            Debian's protobuf-compiler (3.21 on Debian 12)
#   protoc-gen-swift  apple/swift-protobuf at SWIFT_PROTOBUF_VERSION (the version Package.swift pins), built here
#                     unless PROTOC_GEN_SWIFT names one already built
#
# Usage: scripts/generate-onnx-proto.sh   (from anywhere; PYTHON, ONNX_VERSION, PROTOC_GEN_SWIFT may be set)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ONNX_VERSION=${ONNX_VERSION:-1.23.2}
SWIFT_PROTOBUF_VERSION=1.39.0
PYTHON=${PYTHON:-python3}
OUT="$ROOT/Sources/LogitONNX/Generated"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

command -v protoc >/dev/null || { echo "protoc is missing: apt-get install protobuf-compiler" >&2; exit 1; }

"$PYTHON" -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps "onnx==$ONNX_VERSION"
PROTO_DIR=$("$WORK/venv/bin/python" -c 'import os, importlib.util; print(os.path.dirname(importlib.util.find_spec("onnx").origin))')

if [ -z "${PROTOC_GEN_SWIFT:-}" ]; then
    git clone --quiet https://github.com/apple/swift-protobuf "$WORK/swift-protobuf"
    git -C "$WORK/swift-protobuf" checkout --quiet "$SWIFT_PROTOBUF_VERSION"
    swift build --package-path "$WORK/swift-protobuf" -c release --product protoc-gen-swift
    PROTOC_GEN_SWIFT="$WORK/swift-protobuf/.build/release/protoc-gen-swift"
fi

mkdir -p "$OUT"
protoc --proto_path="$PROTO_DIR" --plugin=protoc-gen-swift="$PROTOC_GEN_SWIFT" \
    --swift_opt=Visibility=Public --swift_out="$OUT" onnx.proto
echo "wrote $OUT/onnx.pb.swift from onnx $ONNX_VERSION's onnx.proto with $(protoc --version) and" \
    "$("$PROTOC_GEN_SWIFT" --version)"
