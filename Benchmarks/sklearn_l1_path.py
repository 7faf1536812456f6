"""scikit-learn's L1 regularisation path of the breast cancer data, the reference of Logit's path test
(Tests/LogitCoreTests/RegularisationPathTests.swift).

Reads data/breast-cancer-wisconsin as Logit does ('?' -> the column's median), standardises all 699 rows (population
standard deviation, as Logit's `standardize`), and fits LogisticRegression(l1_ratio=1 (pure L1), solver="saga", tol 1e-10) at
each lambda of the path with C = 1 / (lambda * n): scikit-learn minimises C * sum(loss) + ||w||_1, which divided by
C * n is Logit's mean loss + lambda ||w||_1. Prints the coefficients (on standardised features) and the intercept.

Usage: python Benchmarks/sklearn_l1_path.py     (needs scikit-learn and numpy)
"""
import pathlib

import numpy as np
from sklearn.linear_model import LogisticRegression

root = pathlib.Path(__file__).resolve().parent.parent
lines = (root / "data/breast-cancer-wisconsin/breast-cancer-wisconsin.data").read_text().split()
rows = [line.split(",") for line in lines if line]
x = np.array([[np.nan if v == "?" else float(v) for v in row[1:10]] for row in rows])
y = np.array([1 if row[10] == "4" else 0 for row in rows])
for j in range(x.shape[1]):
    missing = np.isnan(x[:, j])
    x[missing, j] = np.median(x[~missing, j])
z = (x - x.mean(axis=0)) / x.std(axis=0)
n = len(y)

for lam in (0.3, 0.1, 0.03, 0.01, 0.003):
    fit = LogisticRegression(l1_ratio=1, C=1 / (lam * n), solver="saga", tol=1e-10, max_iter=1_000_000).fit(z, y)
    coef = ", ".join(f"{w:.5f}" for w in fit.coef_[0])
    print(f"({lam}, {fit.intercept_[0]:.5f}, [{coef}]),")
