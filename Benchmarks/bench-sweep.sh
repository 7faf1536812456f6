#!/usr/bin/env bash
# The MNIST regularisation path side by side with scikit-learn (docs/benchmarks.md): a 12-point L2 path of softmax
# regression on the full MNIST training set (54,000 rows, 6,000 validation), lambda from 1e-1 to 1e-6 on a log
# scale, each point scored on the validation split, run by `logit sweep` (release build, scratch database, each
# point starting from the previous one's solution), then scikit-learn's LogisticRegressionCV over the same Cs
# (Benchmarks/sklearn_mnist_path.py). Both print their time and the chosen point's accuracies.
#
# Usage: Benchmarks/bench-sweep.sh
#   PYTHON=/path/to/python  a Python with scikit-learn and numpy; without one, scikit-learn is skipped.
#   LOGIT_BUILD=0           use .build/release/logit as it is instead of building it first.
#   MAX_ITER=100            scikit-learn's max_iter (Logit's L-BFGS cap is its default epochs, 100).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON=${PYTHON:-python3}
[ "${LOGIT_BUILD:-1}" = 0 ] || swift build -c release --product logit >/dev/null
LOGIT=.build/release/logit
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== Logit: logit sweep"
/usr/bin/time -f "logit sweep: %e s wall, %M KB max RSS" "$LOGIT" sweep --database "$work/db.sqlite" --request \
    '{"name": "mnist-path", "base": {"regularization": {"type": "l2"}},
      "grid": {"regularization.lambda": {"log_space": [0.1, 0.000001, 12]}}, "promote": "best"}'

echo "== scikit-learn: LogisticRegressionCV"
if "$PYTHON" -c 'import sklearn' 2>/dev/null; then
    "$PYTHON" Benchmarks/sklearn_mnist_path.py "${MAX_ITER:-100}"
else
    echo "(skipped: $PYTHON has no scikit-learn)"
fi
