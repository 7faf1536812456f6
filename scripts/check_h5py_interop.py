#!/usr/bin/env python3
"""Interop check: a model.h5 exported by Logit, opened with h5py, reproduces the service's probabilities.

Starts `logit serve` on a free loopback port with a fresh database, trains small binary, softmax, MLP and
standardised-input models, downloads each model.h5, asks /predict for real MNIST test digits, and recomputes the
probabilities with numpy from the file alone (weights, biases and preprocessing attributes). Fails if any differs
by more than 1e-5.

Usage: scripts/check_h5py_interop.py PATH/TO/logit
"""
import gzip
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOLERANCE = 1e-5
JOBS = {
    "interop-binary": {"task": {"type": "binary", "positive": [2], "negative": [3]}, "train_size": 3000, "epochs": 30},
    "interop-softmax": {"train_size": 3000, "epochs": 30},
    "interop-mlp": {"model": "mlp", "hidden": 16, "train_size": 3000, "epochs": 2},
    "interop-standardized": {"train_size": 3000, "epochs": 20, "preprocess": "standardize"},
}


def call(port, method, path, body=None, raw=False):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        payload = response.read()
    return payload if raw else json.loads(payload)


def test_digits(count=50):
    with gzip.open(os.path.join(ROOT, "data/mnist/t10k-images-idx3-ubyte.gz")) as f:
        images = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 784)
    return images[:count].astype(np.float64)


def probabilities_from_file(path, pixels):
    with h5py.File(path, "r") as f:
        kind = f.attrs["kind"]
        preprocessing = f.attrs["preprocessing"]
        if preprocessing == "unit":
            x = pixels * float(f.attrs["scale"])
        elif preprocessing == "standardize":
            mean, std = f["mean"][()].astype(np.float64), f["std"][()].astype(np.float64)
            x = np.where(std > 0, (pixels - mean) / np.where(std > 0, std, 1), 0.0)
        else:
            x = pixels
        if kind == "logistic":
            w, b = f["w"][()].astype(np.float64), float(f["b"][()])
            assert w.shape == (784,), w.shape
            p = 1 / (1 + np.exp(-(x @ w + b)))
            return np.stack([1 - p, p], axis=1)
        if kind == "mlp":
            hidden = x @ f["W1"][()].astype(np.float64).T + f["b1"][()]
            hidden = np.maximum(hidden, 0) if f.attrs["activation"] == "relu" else 1 / (1 + np.exp(-hidden))
            z = hidden @ f["W2"][()].astype(np.float64).T + f["b2"][()]
        else:
            W, b = f["W"][()].astype(np.float64), f["b"][()].astype(np.float64)
            assert W.shape[1] == 784, W.shape
            z = x @ W.T + b
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)


def main():
    binary = sys.argv[1]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    work = tempfile.mkdtemp(prefix="logit-interop-")
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
        pixels = test_digits()
        for name, request in JOBS.items():
            job = call(port, "POST", "/train", dict(request, name=name))["job"]
            for _ in range(1200):
                job = call(port, "GET", f"/jobs/{job['id']}")
                if job["status"] in ("succeeded", "failed", "cancelled"):
                    break
                time.sleep(0.1)
            assert job["status"] == "succeeded", job
            path = os.path.join(work, f"{name}.h5")
            with open(path, "wb") as f:
                f.write(call(port, "GET", f"/models/{name}/versions/1/model.h5", raw=True))
            served = call(port, "POST", f"/models/{name}/versions/1/predict", {"instances": pixels.tolist()})
            expected = np.array([p["probabilities"] for p in served["predictions"]])
            computed = probabilities_from_file(path, pixels)
            difference = float(np.abs(expected - computed).max())
            if difference <= TOLERANCE:
                passed += 1
                print(f"ok {name}: {len(pixels)} digits, largest difference {difference:.2e}")
            else:
                failed += 1
                print(f"FAILED {name}: largest difference {difference:.2e} > {TOLERANCE}")
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"interop: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
