"""The Python peer of the batch benchmark (Benchmarks/bench-batch-predict.sh): Flask + numpy serving the same
softmax model, read from the model.h5 Logit exports, with Logit's /predict batch body and answer.

Run under gunicorn: MODEL_H5=model.h5 gunicorn -w 2 -b 127.0.0.1:PORT --chdir Benchmarks flask_predict_peer:app
"""
import os

import h5py
import numpy as np
from flask import Flask, jsonify, request

with h5py.File(os.environ["MODEL_H5"], "r") as f:
    assert f.attrs["kind"] == "softmax", f.attrs["kind"]
    SCALE = np.float32(f.attrs["scale"])
    W = f["W"][()].astype(np.float32)
    B = f["b"][()].astype(np.float32)
    NAME = os.environ.get("MODEL_NAME", "mnist")
    VERSION = int(os.environ.get("MODEL_VERSION", "1"))

app = Flask(__name__)


@app.post("/predict")
def predict():
    x = np.asarray(request.get_json()["instances"], dtype=np.float32) * SCALE
    z = x @ W.T + B
    z -= z.max(axis=1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    labels = p.argmax(axis=1)
    return jsonify({"model": {"name": NAME, "version": VERSION},
                    "predictions": [{"label": int(label), "probabilities": row}
                                    for label, row in zip(labels.tolist(), p.tolist())]})
