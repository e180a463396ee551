#!/usr/bin/python3
# Witness for tests/unit/test_metrics.c and tests/mlw-metrics.bats: writes
# the fixtures metrics-*.jsonl and prints what scikit-learn 1.2 (Debian
# python3-sklearn) computes for them. Run by hand; tests never run Python.
import json, math
import numpy as np
from sklearn import metrics as M

# binary, with tied scores
y = [1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1]
s = [0.9, 0.8, 0.8, 0.7, 0.55, 0.5, 0.5, 0.3, 0.3, 0.2, 0.1, 0.05]
# the class scikit-learn's predict() gives: negative on a tie at 0.5
p = [int(v > 0.5) for v in s]
with open("metrics-bin.jsonl", "w") as f:
    for a, b in zip(y, s):
        f.write(json.dumps({"label": a, "score": b}) + "\n")
print("binary", {
    "accuracy": M.accuracy_score(y, p), "precision": M.precision_score(y, p),
    "recall": M.recall_score(y, p), "f1": M.f1_score(y, p),
    "balanced_accuracy": M.balanced_accuracy_score(y, p),
    "mcc": M.matthews_corrcoef(y, p), "roc_auc": M.roc_auc_score(y, s),
    "pr_auc": M.average_precision_score(y, s),
    "log_loss": M.log_loss(y, s), "brier": M.brier_score_loss(y, s)})

# multiclass
yt = ["cat", "dog", "bird", "cat", "dog", "cat", "bird", "dog", "cat", "cat"]
yp = ["cat", "cat", "bird", "cat", "dog", "dog", "cat", "dog", "cat", "bird"]
with open("metrics-mc.jsonl", "w") as f:
    for a, b in zip(yt, yp):
        f.write(json.dumps({"label": a, "pred": b}) + "\n")
out = {"accuracy": M.accuracy_score(yt, yp)}
for avg in ("macro", "micro", "weighted"):
    out["precision_" + avg] = M.precision_score(yt, yp, average=avg, zero_division=0)
    out["recall_" + avg] = M.recall_score(yt, yp, average=avg, zero_division=0)
    out["f1_" + avg] = M.f1_score(yt, yp, average=avg, zero_division=0)
print("multiclass", out, M.confusion_matrix(yt, yp).tolist())

# regression
rt = [3.0, -0.5, 2.0, 7.0, 4.2, 0.0]
rp = [2.5, 0.0, 2.0, 8.0, 3.9, 0.1]
with open("metrics-reg.jsonl", "w") as f:
    for a, b in zip(rt, rp):
        f.write(json.dumps({"label": a, "pred": b}) + "\n")
print("regression", {
    "mae": M.mean_absolute_error(rt, rp), "mse": M.mean_squared_error(rt, rp),
    "rmse": math.sqrt(M.mean_squared_error(rt, rp)),
    "mape": M.mean_absolute_percentage_error(rt, rp), "r2": M.r2_score(rt, rp),
    "mean_error": float(np.mean(np.array(rp) - np.array(rt))),
    "max_error": M.max_error(rt, rp)})
