#!/usr/bin/env python3
"""PyTorch's CPU reference for Logit's default MLP job (`POST /train {"model":"mlp"}`).

The same recipe as the job: MNIST pixels / 255 as float32, 784-128-10 with ReLU, softmax cross-entropy, Adam
(rate 1e-3, betas 0.9 and 0.999, eps 1e-8) with an L2 penalty of 1e-4 on the weights only (added to the gradient,
as Logit's `l2` is), batch 128 reshuffled every epoch, 10 epochs, on 54,000 training rows (Logit's 10% validation
hold-out left out; the split differs, the row count is the same), test accuracy on the official 10,000 t10k images.

The time printed is the training loop plus the final test evaluation, with the data already in float32 tensors (the
loading and conversion are not counted). `--curves` also evaluates the validation and test rows at the end of every
epoch, as a rough stand-in for Logit's curve points; by default nothing is evaluated during training, which favours
PyTorch.

Run (a virtual environment with the CPU wheel: `pip install "torch==2.13.0+cpu" numpy`):

    python Benchmarks/pytorch_mlp.py --threads 2 --repeat 3
"""
import argparse
import gzip
import os
import struct
import time

import numpy as np
import torch


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(directory):
    def part(name):
        return read_idx(os.path.join(directory, name))
    x_train = part("train-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255
    y_train = part("train-labels-idx1-ubyte.gz").astype(np.int64)
    x_test = part("t10k-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255
    y_test = part("t10k-labels-idx1-ubyte.gz").astype(np.int64)
    return x_train, y_train, x_test, y_test


def accuracy(model, x, y):
    with torch.no_grad():
        return (model(x).argmax(dim=1) == y).float().mean().item()


def run(x_train, y_train, x_val, y_val, x_test, y_test, seed, curves, epochs, batch):
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
    weights = [p for name, p in model.named_parameters() if name.endswith("weight")]
    biases = [p for name, p in model.named_parameters() if name.endswith("bias")]
    optimizer = torch.optim.Adam([{"params": weights, "weight_decay": 1e-4}, {"params": biases, "weight_decay": 0}],
                                 lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    loss_function = torch.nn.CrossEntropyLoss()
    n = x_train.shape[0]
    generator = torch.Generator().manual_seed(seed)
    started = time.perf_counter()
    for _ in range(epochs):
        order = torch.randperm(n, generator=generator)
        for start in range(0, n, batch):
            rows = order[start:start + batch]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_function(model(x_train[rows]), y_train[rows])
            loss.backward()
            optimizer.step()
        if curves:
            accuracy(model, x_val, y_val)
            accuracy(model, x_test, y_test)
    test_accuracy = accuracy(model, x_test, y_test)
    return time.perf_counter() - started, test_accuracy


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "data", "mnist"))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--curves", action="store_true", help="evaluate validation and test rows every epoch")
    arguments = parser.parse_args()
    torch.set_num_threads(arguments.threads)
    x_train, y_train, x_test, y_test = load(arguments.data)
    split = np.random.default_rng(arguments.seed).permutation(x_train.shape[0])
    validation, train = split[:6000], split[6000:]
    tensors = [torch.from_numpy(np.ascontiguousarray(a)) for a in
               (x_train[train], y_train[train], x_train[validation], y_train[validation], x_test, y_test)]
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {tensors[0].shape[0]} training rows, "
          f"{arguments.epochs} epochs, batch {arguments.batch}{', curves every epoch' if arguments.curves else ''}")
    for index in range(arguments.repeat):
        seconds, test_accuracy = run(*tensors, seed=arguments.seed + index, curves=arguments.curves,
                                     epochs=arguments.epochs, batch=arguments.batch)
        print(f"run {index + 1}: {seconds:.2f} s, test accuracy {test_accuracy * 100:.2f}%", flush=True)


if __name__ == "__main__":
    main()
