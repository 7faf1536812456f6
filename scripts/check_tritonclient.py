#!/usr/bin/env python3
"""Interop check: NVIDIA's tritonclient (HTTP, sync and asyncio) against Logit's /v2 endpoint.

Starts `logit serve` on a free loopback port with a fresh SQLite database, trains one small model of each kind
(logistic, softmax, one-vs-rest, ridge, MLP) on real MNIST, and for each runs tritonclient.http and
tritonclient.http.aio in every mode: the default (binary FP32 inputs, all outputs binary), JSON inputs and outputs,
binary outputs asked for by name, UINT8 inputs, and the default request gzip-compressed. Each answer must match the service's own /predict answer for the
same MNIST test images (probabilities within 1e-6, the same labels). Then runs the pattern of NVIDIA's examples
unchanged: server_live, server_ready, model_ready, server and model metadata, infer with the metadata's input.

Usage: scripts/check_tritonclient.py PATH/TO/logit
"""
import asyncio
import gzip
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import numpy as np
import tritonclient.http as httpclient
import tritonclient.http.aio as aiohttpclient

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOLERANCE = 1e-6
COUNT = 64
JOBS = {
    "triton-logistic": {"task": {"type": "binary", "positive": [2], "negative": [3]}, "train_size": 2000, "epochs": 5},
    "triton-softmax": {"train_size": 2000, "epochs": 5},
    "triton-ovr": {"model": "ovr", "train_size": 2000, "epochs": 5},
    "triton-ridge": {"model": "ridge", "train_size": 2000},
    "triton-mlp": {"model": "mlp", "hidden": 16, "train_size": 2000, "epochs": 2},
}
MODES = ["default", "json", "binary-outputs", "uint8", "gzip"]


def call(port, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def test_images():
    with gzip.open(os.path.join(ROOT, "data/mnist/t10k-images-idx3-ubyte.gz")) as f:
        images = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 784)
    return np.ascontiguousarray(images[:COUNT])


def request_for(mode, module, images):
    """The inputs and outputs tritonclient sends in `mode` (outputs None: the client's default, all binary)."""
    if mode == "uint8":
        tensor = module.InferInput("pixels", list(images.shape), "UINT8")
        tensor.set_data_from_numpy(images)
    else:
        tensor = module.InferInput("pixels", list(images.shape), "FP32")
        tensor.set_data_from_numpy(images.astype(np.float32), binary_data=(mode != "json"))
    outputs = None
    if mode == "json":
        outputs = [module.InferRequestedOutput("probabilities", binary_data=False),
                   module.InferRequestedOutput("label", binary_data=False)]
    elif mode == "binary-outputs":
        outputs = [module.InferRequestedOutput("probabilities", binary_data=True),
                   module.InferRequestedOutput("label", binary_data=True)]
    return [tensor], outputs


def compare(result, expected_probabilities, expected_labels):
    probabilities = result.as_numpy("probabilities")
    labels = result.as_numpy("label")
    assert probabilities.dtype == np.float32 and labels.dtype == np.int64, (probabilities.dtype, labels.dtype)
    assert probabilities.shape == expected_probabilities.shape, probabilities.shape
    difference = float(np.abs(probabilities - expected_probabilities).max())
    assert difference <= TOLERANCE, f"probabilities differ by {difference:.2e}"
    assert (labels == expected_labels).all(), (labels, expected_labels)
    return difference


def compression(mode):
    """The request and response compression tritonclient is asked for (NVIDIA's example uses gzip and deflate)."""
    return {"request_compression_algorithm": "gzip", "response_compression_algorithm": "deflate"} if mode == "gzip" else {}


def run_sync(url, name, mode, images):
    client = httpclient.InferenceServerClient(url=url)
    try:
        inputs, outputs = request_for(mode, httpclient, images)
        return client.infer(name, inputs, outputs=outputs, **compression(mode))
    finally:
        client.close()


def run_aio(url, name, mode, images):
    async def infer():
        client = aiohttpclient.InferenceServerClient(url=url)
        try:
            inputs, outputs = request_for(mode, aiohttpclient, images)
            return await client.infer(name, inputs, outputs=outputs, **compression(mode))
        finally:
            await client.close()
    return asyncio.run(infer())


def documentation_example(url, model_name, images):
    """The shape of NVIDIA's simple_http_* examples, with this service's model: health, metadata, then infer with
    the input the model's metadata describes."""
    triton_client = httpclient.InferenceServerClient(url=url, verbose=False)
    if not triton_client.is_server_live():
        raise AssertionError("FAILED : is_server_live")
    if not triton_client.is_server_ready():
        raise AssertionError("FAILED : is_server_ready")
    if not triton_client.is_model_ready(model_name):
        raise AssertionError("FAILED : is_model_ready")
    server_metadata = triton_client.get_server_metadata()
    if "binary_tensor_data" not in server_metadata["extensions"]:
        raise AssertionError(f"FAILED : get_server_metadata {server_metadata}")
    metadata = triton_client.get_model_metadata(model_name)
    if metadata["name"] != model_name:
        raise AssertionError(f"FAILED : get_model_metadata {metadata}")
    spec = metadata["inputs"][0]
    inputs = [httpclient.InferInput(spec["name"], [len(images), spec["shape"][1]], spec["datatype"])]
    inputs[0].set_data_from_numpy(images.astype(np.float32), binary_data=False)
    outputs = [httpclient.InferRequestedOutput(output["name"], binary_data=True) for output in metadata["outputs"]]
    query_params = {"test_1": 1, "test_2": 2}
    results = triton_client.infer(model_name, inputs, outputs=outputs, query_params=query_params)
    for output in metadata["outputs"]:
        data = results.as_numpy(output["name"])
        if data is None or data.shape[0] != len(images):
            raise AssertionError(f"FAILED : infer output {output['name']}")
    compressed = triton_client.infer(model_name, inputs, outputs=outputs, query_params=query_params,
                                     request_compression_algorithm="gzip", response_compression_algorithm="deflate")
    if not (compressed.as_numpy("label") == results.as_numpy("label")).all():
        raise AssertionError("FAILED : infer with compression")
    triton_client.close()


def main():
    binary = sys.argv[1]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"127.0.0.1:{port}"
    work = tempfile.mkdtemp(prefix="logit-triton-")
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
        images = test_images()
        for name, request in JOBS.items():
            job = call(port, "POST", "/train", dict(request, name=name))["job"]
            for _ in range(1200):
                job = call(port, "GET", f"/jobs/{job['id']}")
                if job["status"] in ("succeeded", "failed", "cancelled"):
                    break
                time.sleep(0.1)
            assert job["status"] == "succeeded", job
            served = call(port, "POST", f"/models/{name}/versions/latest/predict", {"instances": images.tolist()})
            classes = call(port, "GET", f"/models/{name}")["versions"][-1].get("classes")
            expected_probabilities = np.array([p["probabilities"] for p in served["predictions"]], dtype=np.float32)
            # /v2 answers a class that is not an integer by its index in the model's classes.
            expected_labels = np.array([p["label"] if isinstance(p["label"], int) else classes.index(p["label"])
                                        for p in served["predictions"]], dtype=np.int64)
            for client_name, run in (("sync", run_sync), ("aio", run_aio)):
                for mode in MODES:
                    try:
                        difference = compare(run(url, name, mode, images), expected_probabilities, expected_labels)
                        passed += 1
                        print(f"ok {name} {client_name} {mode}: {COUNT} images, largest difference {difference:.1e}")
                    except Exception as error:  # noqa: BLE001 - every failure is reported, then the run fails
                        failed += 1
                        print(f"FAILED {name} {client_name} {mode}: {error!r}")
        try:
            documentation_example(url, "triton-softmax", images[:4])
            passed += 1
            print("ok NVIDIA example pattern: live, ready, metadata, infer")
        except Exception as error:  # noqa: BLE001
            failed += 1
            print(f"FAILED NVIDIA example pattern: {error!r}")
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"tritonclient: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
