"""A tiny training loop that reports to tmt with no client library.

tmt record sets two environment variables:
  TMT_METRICS    a file: append one JSON object per line
  TMT_ARTIFACTS  a directory: files written there become the run's artifacts
Outside tmt they are unset, and the script still runs.

    tmt record -- python3 examples/train.py --lr 0.05 --epochs 5
"""
import argparse
import json
import math
import os
import random

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=0.1)
parser.add_argument("--epochs", type=int, default=5)
parser.add_argument("--seed", type=int, default=0)
args = parser.parse_args()
random.seed(args.seed)


def log_metrics(step, **values):
    path = os.environ.get("TMT_METRICS")
    if path:
        with open(path, "a") as f:  # one line per call; any language can do this
            f.write(json.dumps({"step": step, **values}) + "\n")


# Fit y = 3x + 1 with plain gradient descent.
data = [(x / 10, 3 * x / 10 + 1 + random.gauss(0, 0.1)) for x in range(-20, 21)]
w, b = 0.0, 0.0
for epoch in range(1, args.epochs + 1):
    grad_w = sum(2 * (w * x + b - y) * x for x, y in data) / len(data)
    grad_b = sum(2 * (w * x + b - y) for x, y in data) / len(data)
    w, b = w - args.lr * grad_w, b - args.lr * grad_b
    loss = sum((w * x + b - y) ** 2 for x, y in data) / len(data)
    acc = sum(abs(w * x + b - y) < 0.25 for x, y in data) / len(data)
    print(f"epoch {epoch}/{args.epochs} loss={loss:.4f} acc={acc:.3f}", flush=True)
    log_metrics(epoch, loss=loss, acc=acc)

artifacts = os.environ.get("TMT_ARTIFACTS")
if artifacts:
    with open(os.path.join(artifacts, "model.json"), "w") as f:
        json.dump({"w": w, "b": b}, f)
print(f"done: w={w:.3f} b={b:.3f} (rmse {math.sqrt(loss):.4f})")
