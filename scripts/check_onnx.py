#!/usr/bin/env python3
"""ONNX export check: every model.onnx Logit exports passes onnx.checker, and ONNX Runtime gives the service's
answers from raw inputs.

Starts `logit serve` on a free loopback port with a fresh SQLite database, trains a quick model of every kind (a
binary logistic model on MNIST 2 vs 3, another on 7 vs the rest, whose labels are strings, softmax, one-vs-rest,
ridge, and MLPs with both activations on MNIST, a standardised softmax model on MNIST (constant pixels have std 0),
and a standardised logistic model on breast-cancer-wisconsin),
downloads each version's model.onnx with FLOAT and with UINT8 input, checks it with onnx.checker (full check, with
shape inference), runs it in ONNX Runtime on 1,000 raw MNIST test digits (0-255; the breast-cancer model on its
complete rows) and compares with the service's own /predict answers: probabilities to 1e-5, labels exactly.

Usage: scripts/check_onnx.py PATH/TO/logit
"""
import gzip
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import numpy as np
import onnx
import onnxruntime

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOLERANCE = 1e-5
DIGITS = 1000
BATCH = 200  # rows per /predict request, well inside max_body_bytes
JOBS = {
    "onnx-logistic": {"model": "logistic", "task": {"type": "binary", "positive": [2], "negative": [3]},
                      "train_size": 3000, "epochs": 5},
    "onnx-logistic-rest": {"model": "logistic", "task": {"type": "binary", "positive": [7]},
                           "train_size": 3000, "epochs": 5},
    "onnx-softmax": {"model": "softmax", "train_size": 3000, "epochs": 5},
    "onnx-ovr": {"model": "ovr", "train_size": 3000, "epochs": 5},
    "onnx-ridge": {"model": "ridge", "train_size": 3000},
    "onnx-mlp-relu": {"model": "mlp", "hidden": 32, "activation": "relu", "train_size": 3000, "epochs": 2},
    "onnx-mlp-sigmoid": {"model": "mlp", "hidden": 32, "activation": "sigmoid", "train_size": 3000, "epochs": 2},
    "onnx-softmax-standardized": {"model": "softmax", "preprocess": "standardize", "train_size": 3000, "epochs": 5},
    "onnx-breast-cancer": {"dataset": "breast-cancer-wisconsin", "model": "logistic", "preprocess": "standardize",
                           "epochs": 20},
}


def call(port, method, path, body=None, raw=False):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        payload = response.read()
    return payload if raw else json.loads(payload)


def mnist_digits():
    with gzip.open(os.path.join(ROOT, "data/mnist/t10k-images-idx3-ubyte.gz")) as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 784)[:DIGITS]


def breast_cancer_rows():
    """The file's rows without missing values ('?'): the 9 features, as the service reads them."""
    rows = []
    with open(os.path.join(ROOT, "data/breast-cancer-wisconsin/breast-cancer-wisconsin.data")) as f:
        for line in f:
            fields = line.strip().split(",")
            if len(fields) == 11 and "?" not in fields:
                rows.append([int(v) for v in fields[1:10]])
    return np.array(rows, dtype=np.uint8)


def served(port, name, inputs):
    labels, probabilities = [], []
    for start in range(0, len(inputs), BATCH):
        answer = call(port, "POST", f"/models/{name}/versions/1/predict",
                      {"instances": inputs[start:start + BATCH].astype(int).tolist()})
        labels += [str(p["label"]) for p in answer["predictions"]]
        probabilities += [p["probabilities"] for p in answer["predictions"]]
    return labels, np.array(probabilities, dtype=np.float64)


def check_file(path, inputs, dtype, expected_labels, expected_probabilities, classes):
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    assert [o.name for o in model.graph.output] == ["label", "probabilities"], model.graph.output
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    (graph_input,) = session.get_inputs()
    labels, probabilities = session.run(["label", "probabilities"], {graph_input.name: inputs.astype(dtype)})
    assert probabilities.shape == (len(inputs), len(classes)), probabilities.shape
    labels = [label.decode() if isinstance(label, bytes) else str(label) for label in labels.tolist()]
    difference = float(np.abs(probabilities.astype(np.float64) - expected_probabilities).max())
    mismatched = sum(a != b for a, b in zip(labels, expected_labels))
    return graph_input.name, difference, mismatched


def main():
    binary = sys.argv[1]
    print(f"onnx {onnx.__version__}, onnxruntime {onnxruntime.__version__}")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    work = tempfile.mkdtemp(prefix="logit-onnx-")
    log = open(os.path.join(work, "serve.log"), "w")
    server = subprocess.Popen([binary, "serve", "--port", str(port), "--database", os.path.join(work, "db.sqlite"),
                               "--no-train-on-first-run"], cwd=ROOT, stdout=log, stderr=log)
    passed = failed = 0
    try:
        for _ in range(100):
            try:
                call(port, "GET", "/healthz/ready")
                break
            except OSError:
                time.sleep(0.1)
        digits, tabular = mnist_digits(), breast_cancer_rows()
        jobs = {name: call(port, "POST", "/train", dict(request, name=name))["job"] for name, request in JOBS.items()}
        for name, job in jobs.items():
            for _ in range(3000):
                job = call(port, "GET", f"/jobs/{job['id']}")
                if job["status"] in ("succeeded", "failed", "cancelled"):
                    break
                time.sleep(0.1)
            assert job["status"] == "succeeded", job
            version = call(port, "GET", f"/models/{name}/versions/1")
            inputs = tabular if JOBS[name].get("dataset") == "breast-cancer-wisconsin" else digits
            expected_labels, expected = served(port, name, inputs)
            for input_type, dtype in (("float32", np.float32), ("uint8", np.uint8)):
                path = os.path.join(work, f"{name}-{input_type}.onnx")
                with open(path, "wb") as f:
                    f.write(call(port, "GET", f"/models/{name}/versions/1/model.onnx?input={input_type}", raw=True))
                input_name, difference, mismatched = check_file(path, inputs, dtype, expected_labels, expected,
                                                                version["classes"])
                ok = difference <= TOLERANCE and mismatched == 0 and input_name == version["input"]["name"]
                passed, failed = passed + ok, failed + (not ok)
                print(f"{'ok' if ok else 'FAILED'} {name} ({version['kind']}, {version['preprocessing']['type']}) "
                      f"{input_type} input '{input_name}': {len(inputs)} rows, largest difference {difference:.2e}, "
                      f"{mismatched} labels differ")
        try:
            call(port, "GET", "/models/onnx-softmax/versions/1/model.onnx?input=int8", raw=True)
            failed += 1
            print("FAILED input=int8 was accepted")
        except urllib.error.HTTPError as error:
            ok = error.code == 400 and json.loads(error.read())["code"] == "INVALID_INPUT_TYPE"
            passed, failed = passed + ok, failed + (not ok)
            print(f"{'ok' if ok else 'FAILED'} input=int8 answers {error.code}")
        cli = os.path.join(work, "cli.onnx")
        subprocess.run([binary, "export", "onnx-ridge@1", cli, "--format", "onnx", "--input-type", "uint8",
                        "--database", os.path.join(work, "db.sqlite")], cwd=ROOT, check=True, capture_output=True)
        served_file = call(port, "GET", "/models/onnx-ridge/versions/1/model.onnx?input=uint8", raw=True)
        ok = open(cli, "rb").read() == served_file
        passed, failed = passed + ok, failed + (not ok)
        print(f"{'ok' if ok else 'FAILED'} logit export --format onnx writes the file the route serves")
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"onnx: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
