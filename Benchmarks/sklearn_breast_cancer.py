"""scikit-learn's optimum for the unpenalised logistic fit of the breast cancer data, the reference the tests
compare Logit's defaults with (Tests/LogitServerTests/GradientToleranceTests.swift).

Reads data/breast-cancer-wisconsin as Logit does ('?' -> the column's median), fits on all 699 rows, standardised,
with L-BFGS to tol 1e-12, folds the scaling back into raw-feature coefficients and prints them; then the same with
scikit-learn's default tol (1e-4), to show how far its own default rule stops from the optimum.

Usage: python Benchmarks/sklearn_breast_cancer.py     (needs scikit-learn and numpy)
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
mean, std = x.mean(axis=0), x.std(axis=0)
z = (x - mean) / std

for tol in (1e-12, 1e-4):
    fit = LogisticRegression(C=np.inf, solver="lbfgs", tol=tol, max_iter=100_000).fit(z, y)
    weights = fit.coef_[0] / std
    intercept = fit.intercept_[0] - (fit.coef_[0] * mean / std).sum()
    print(f"tol {tol:g}: {fit.n_iter_[0]} iterations, intercept {intercept:.6f}, coefficients",
          ", ".join(f"{w:.6f}" for w in weights))
