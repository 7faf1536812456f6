"""scikit-learn's side of the MNIST path benchmark (Benchmarks/bench-sweep.sh, docs/benchmarks.md):
LogisticRegressionCV (multinomial, L-BFGS, warm-started along the Cs as its path solver does) over the same 12
strengths as Logit's sweep, C = 1 / (lambda * n), scored on one held-out validation split (10% of the 60,000
training images, as Logit's validation_fraction), then refit on the training rows with the best C, as Logit
stores every point's fit. Prints the time, the chosen C and lambda, and validation and test accuracy.

Usage: python Benchmarks/sklearn_mnist_path.py [max_iter]     (needs scikit-learn and numpy; max_iter default 100,
       Logit's default L-BFGS iteration cap)
"""
import gzip
import pathlib
import sys
import time

import numpy as np
from sklearn.linear_model import LogisticRegressionCV
from sklearn.model_selection import PredefinedSplit

root = pathlib.Path(__file__).resolve().parent.parent / "data/mnist"


def idx(name):
    data = gzip.open(root / name).read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)


max_iter = int(sys.argv[1]) if len(sys.argv) > 1 else 100
x = idx("train-images-idx3-ubyte.gz").reshape(60000, -1).astype(np.float64) / 255
y = idx("train-labels-idx1-ubyte.gz")
x_test = idx("t10k-images-idx3-ubyte.gz").reshape(10000, -1).astype(np.float64) / 255
y_test = idx("t10k-labels-idx1-ubyte.gz")
rng = np.random.default_rng(42)
order = rng.permutation(60000)
validation, train = order[:6000], order[6000:]
n = len(train)
lambdas = np.geomspace(1e-1, 1e-6, 12)
cs = 1 / (lambdas * n)
# -1 marks rows always trained on, 0 the one validation fold.
fold = np.full(60000, -1)
fold[validation] = 0
started = time.perf_counter()
fit = LogisticRegressionCV(Cs=cs, cv=PredefinedSplit(fold), solver="lbfgs", max_iter=max_iter, tol=1e-4,
                           scoring="neg_log_loss", refit=False, n_jobs=1).fit(x, y)
best = int(np.argmax(fit.scores_[0].mean(axis=0)))
# refit=False scores the path only; the chosen C is then fitted on the training rows (Logit's stored fit).
from sklearn.linear_model import LogisticRegression
final = LogisticRegression(C=cs[best], solver="lbfgs", max_iter=max_iter, tol=1e-4).fit(x[train], y[train])
seconds = time.perf_counter() - started
print(f"scikit-learn LogisticRegressionCV: {len(cs)} Cs, max_iter {max_iter}: {seconds:.1f} s")
print(f"best lambda {lambdas[best]:.3g} (C {cs[best]:.4g}): validation accuracy "
      f"{final.score(x[validation], y[validation]):.4f}, test accuracy {final.score(x_test, y_test):.4f}")
