#!/usr/bin/python3
# Witness for tests/mlw-estimate.bats. Writes the fixtures est-ref.jsonl and
# est-cur.jsonl (binary: a miscalibrated score rounded to 2 decimals, so
# ties everywhere; three hourly windows of two models, the third shifted;
# a label on about 85% of the current records), est-mc-ref.jsonl and
# est-mc-cur.jsonl (three classes), est-bc-ref.jsonl and est-bc-cur.jsonl
# (scikit-learn's breast_cancer: a logistic regression fitted on samples
# 0-199 scores samples 200-399, the reference, and 400-568, the current
# data), and est-expect.tsv, the numbers mlw-estimate must print for them:
# RUN WINDOW SEGMENT METRIC STAT VALUE, tab separated (RUN names the
# command line in the test).
#
# Each number is computed independently, from the definitions in NannyML's
# CBPE (nannyml/performance_estimation/confidence_based and
# nannyml/sampling_error), with NumPy 1.24 and scikit-learn 1.2:
# - calibration: sklearn IsotonicRegression(out_of_bounds="clip") fitted
#   on the reference's score and label (one per class, one-vs-rest, for
#   multiclass; then each row divided by its sum);
# - expected confusion: TP = sum p over predicted positives, FP = sum 1 - p
#   over them, FN and TN the same over predicted negatives (math.fsum);
#   accuracy, precision, recall, specificity and F1 from them; the
#   confusion matrix as shares of the window's records;
# - ROC AUC: NannyML's estimate_roc_auc (thresholds the sorted p and 1,
#   cumulative sums, the first of each distinct threshold, sklearn.auc);
#   average precision: sklearn's step-wise AP with the expected TP and FP
#   at each distinct p from the top;
# - realized: sklearn accuracy_score, precision_score, recall_score,
#   f1_score, confusion_matrix, roc_auc_score and
#   average_precision_score on the labelled records and raw scores;
# - sampling errors: binary, NannyML's analytic components (std of the
#   per-record indicators over the reference, / sqrt(n * fraction)); ROC
#   AUC: DeLong's variance, sqrt(S10 / pi + S01 / (1 - pi) / n), from
#   the reference's placements (S ddof 1, pi its share of positives,
#   every positive compared with every negative); average
#   precision and every multiclass metric: np.std of the realized metric
#   over the reference's chunks times sqrt(chunk / n);
# - thresholds: the realized metric on the reference's chunks (chunks of
#   n_ref // 10 in order, the last partial one kept), np.mean +- 3 np.std,
#   clipped to [0, 1]; alert when the estimate is outside.
# Run by hand: /usr/bin/python3 witness-estimate.py; the tests never run it.
import json
import math

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (accuracy_score, auc, average_precision_score,
                             confusion_matrix, f1_score, precision_score,
                             recall_score, roc_auc_score)
from sklearn.preprocessing import StandardScaler

rng = np.random.default_rng(20261207)
WINDOWS = ["2026-11-01T00:00:00Z", "2026-11-01T01:00:00Z",
           "2026-11-01T02:00:00Z"]
out = []


def emit(run, window, segment, metric, stat, value):
    if isinstance(value, (bool, np.bool_)):
        v = "true" if value else "false"
    elif value is None or (isinstance(value, float) and math.isnan(value)):
        v = "null"
    else:
        v = repr(float(value))
    out.append("\t".join([run, window, segment, metric, stat, v]))


def fit_iso(s, y):
    iso = IsotonicRegression(out_of_bounds="clip")
    iso.fit(s, y)
    return iso


def nml_roc_auc(p):
    # NannyML estimate_roc_auc, in its steps
    t = np.append(np.sort(p), 1)
    tp = np.cumsum(t[::-1])[::-1]
    fp = np.cumsum((1 - t)[::-1])[::-1]
    fn = np.cumsum(np.insert(t, 0, 0)[:-1])
    tn = np.cumsum(np.insert(1 - t, 0, 0)[:-1])
    first = np.diff(np.insert(t, 0, -1)).astype(bool)
    tp, fp, fn, tn = tp[first], fp[first], fn[first], tn[first]
    return auc(fp / (fp + tn), tp / (tp + fn))


def est_ap(p):
    vals = np.unique(p)[::-1]
    allp = math.fsum(p)
    ap, prev = 0.0, 0.0
    for v in vals:
        sel = p >= v
        etp = math.fsum(p[sel])
        efp = math.fsum(1 - p[sel])
        r = etp / allp
        ap += (r - prev) * (etp / (etp + efp))
        prev = r
    return ap


def chunks(n):
    c = max(n // 10, 1)
    return [(i, min(i + c, n)) for i in range(0, n, c)], c


def sd_threshold(vals):
    v = np.array([x for x in vals if not math.isnan(x)])
    m, sd = np.mean(v), np.std(v)
    return max(0.0, m - 3 * sd), min(1.0, m + 3 * sd), sd


# ---------------- binary ----------------

BIN_METRICS = ["accuracy", "precision", "recall", "specificity", "f1",
               "roc_auc", "average_precision", "true_positive",
               "false_positive", "false_negative", "true_negative"]


def bin_estimate(p, h):
    n = len(p)
    tp = math.fsum(p[h == 1])
    fp = math.fsum(1 - p[h == 1])
    fn = math.fsum(p[h == 0])
    tn = math.fsum(1 - p[h == 0])
    return {
        "accuracy": (tp + tn) / n,
        "precision": tp / (tp + fp),
        "recall": tp / (tp + fn),
        "specificity": tn / (tn + fp),
        "f1": 2 * tp / (2 * tp + fp + fn),
        "roc_auc": nml_roc_auc(p),
        "average_precision": est_ap(p),
        "true_positive": tp / n, "false_positive": fp / n,
        "false_negative": fn / n, "true_negative": tn / n,
    }


def bin_realized(s, y, h):
    if len(y) == 0:
        return {m: float("nan") for m in BIN_METRICS}
    cm = confusion_matrix(y, h, labels=[0, 1])
    tn, fp, fn, tp = cm.ravel()
    n = len(y)
    two = len(np.unique(y)) == 2
    return {
        "accuracy": accuracy_score(y, h),
        "precision": precision_score(y, h)
        if tp + fp else float("nan"),
        "recall": recall_score(y, h) if tp + fn else float("nan"),
        "specificity": tn / (tn + fp) if tn + fp else float("nan"),
        "f1": f1_score(y, h) if tp + fp + fn else float("nan"),
        "roc_auc": roc_auc_score(y, s) if two else float("nan"),
        "average_precision": average_precision_score(y, s)
        if y.sum() else float("nan"),
        "true_positive": tp / n, "false_positive": fp / n,
        "false_negative": fn / n, "true_negative": tn / n,
    }


def bin_components(s, y, h):
    # NannyML's analytic sampling-error components: (std, fraction)
    c = {}
    n = len(y)
    correct = (y == h).astype(float)
    c["accuracy"] = (np.std(correct), 1.0)
    c["precision"] = (np.std(correct[h == 1]), np.sum(h) / n)
    c["recall"] = (np.std(h[y == 1].astype(float)), np.sum(y) / n)
    c["specificity"] = (np.std((h[y == 0] == 0).astype(float)),
                        np.sum(y == 0) / n)
    tpm = (y == 1) & (h == 1)
    fpm = (y == 0) & (h == 1)
    fnm = (y == 1) & (h == 0)
    obs = np.concatenate([np.ones(tpm.sum()), np.zeros(fnm.sum()),
                          np.zeros(fpm.sum())])
    obs = obs * (len(obs) / ((fnm.sum() + fpm.sum()) * 0.5 + tpm.sum()))
    c["f1"] = (np.std(obs), len(obs) / n)
    # ROC AUC: DeLong's variance from the placements, by comparing every
    # positive with every negative
    sp, sn = s[y == 1], s[y == 0]
    gt = (sp[:, None] > sn[None, :]) + 0.5 * (sp[:, None] == sn[None, :])
    v10, v01 = gt.mean(axis=1), gt.mean(axis=0)
    pi = len(sp) / n
    c["roc_auc"] = (math.sqrt(np.var(v10, ddof=1) / pi +
                              np.var(v01, ddof=1) / (1 - pi)), 1.0)
    for name, m in (("true_positive", tpm), ("false_positive", fpm),
                    ("false_negative", fnm),
                    ("true_negative", (y == 0) & (h == 0))):
        c[name] = (np.std(m.astype(float)), 1.0)
    return c


def fit_binary(ref, calibrate):
    s = np.array([r["score"] for r in ref])
    y = np.array([r["label"] for r in ref])
    h = (s > 0.5).astype(int)
    iso = fit_iso(s, y) if calibrate else None
    comp = bin_components(s, y, h)
    ch, csize = chunks(len(y))
    thr = {}
    for m in BIN_METRICS:
        vals = [bin_realized(s[a:b], y[a:b], h[a:b])[m] for a, b in ch]
        thr[m] = sd_threshold(vals)
    se = {}
    for m in BIN_METRICS:
        if m == "average_precision":
            sd = thr[m][2]
            se[m] = lambda n, sd=sd: sd * math.sqrt(csize) / math.sqrt(n)
        else:
            a, f = comp[m]
            se[m] = lambda n, a=a, f=f: a / math.sqrt(n * f)
    return iso, thr, se


def write_bands(run, w, seg, m, e, se, thr, real, n, nlab):
    emit(run, w, seg, m, "estimate", e)
    emit(run, w, seg, m, "sampling_error", se)
    emit(run, w, seg, m, "lower", max(0.0, e - 3 * se))
    emit(run, w, seg, m, "upper", min(1.0, e + 3 * se))
    emit(run, w, seg, m, "lower_threshold", thr[0])
    emit(run, w, seg, m, "upper_threshold", thr[1])
    emit(run, w, seg, m, "alert", bool(e < thr[0] or e > thr[1]))
    emit(run, w, seg, m, "n", n)
    emit(run, w, seg, m, "n_labeled", nlab)
    if nlab:
        emit(run, w, seg, m, "realized", real)
        emit(run, w, seg, m, "difference", real - e)


def run_binary(run, ref, groups, calibrate):
    iso, thr, se = fit_binary(ref, calibrate)
    for (w, seg), recs in groups.items():
        s = np.array([r["score"] for r in recs])
        h = (s > 0.5).astype(int)
        p = np.clip(iso.predict(s), 0, 1) if iso is not None else s
        est = bin_estimate(p, h)
        lab = [i for i, r in enumerate(recs) if "label" in r]
        yl = np.array([recs[i]["label"] for i in lab], dtype=int)
        real = bin_realized(s[lab], yl, h[lab])
        for m in BIN_METRICS:
            write_bands(run, w, seg, m, est[m], se[m](len(s)), thr[m],
                        real[m], len(s), len(lab))


def jl(path, recs):
    with open(path, "w") as f:
        for r in recs:
            f.write(json.dumps(r, separators=(",", ":")) + "\n")


ref = []
for i in range(2000):
    s = round(float(rng.beta(2, 2)), 2)
    ref.append({"score": s, "label": int(rng.random() < s ** 1.6)})
jl("est-ref.jsonl", ref)
cur = []
for wi, w in enumerate(WINDOWS):
    for i in range(700):
        model = "a" if rng.random() < 0.6 else "b"
        a, b = (2, 2) if wi < 2 else ((5, 5) if model == "a" else (1.2, 3))
        s = round(float(rng.beta(a, b)), 2)
        r = {"ts": w[:14] + "%02d:%02d" % (i * 5 // 60, i * 5 % 60) + "Z",
             "model": model, "score": s}
        if rng.random() < 0.85:
            r["label"] = int(rng.random() < s ** 1.6)
        cur.append(r)
jl("est-cur.jsonl", cur)


def by_window(recs, seg_of):
    g = {}
    for r in recs:
        w = r["ts"][:14] + "00:00Z"
        g.setdefault((w, seg_of(r)), []).append(r)
    return g


run_binary("bin-always", ref, by_window(cur, lambda r: ""), True)
run_binary("bin-never", ref, by_window(cur, lambda r: ""), False)
run_binary("bin-by", ref, by_window(cur, lambda r: "model=" + r["model"]),
           True)

# breast_cancer: one window, the whole input
X, Y = load_breast_cancer(return_X_y=True)
sc = StandardScaler().fit(X[:200])
lr = LogisticRegression(C=0.05, max_iter=1000).fit(sc.transform(X[:200]),
                                                    Y[:200])
P = np.round(lr.predict_proba(sc.transform(X))[:, 1], 4)
bref = [{"score": float(P[i]), "label": int(Y[i])} for i in range(200, 400)]
bcur = [{"score": float(P[i]), "label": int(Y[i])} for i in range(400, 569)]
jl("est-bc-ref.jsonl", bref)
jl("est-bc-cur.jsonl", bcur)
run_binary("bc", bref, {("", ""): bcur}, True)

# ---------------- multiclass ----------------

CLASSES = ["cat", "dog", "fox"]
MC_METRICS = ["accuracy", "precision", "recall", "specificity", "f1",
              "roc_auc", "average_precision", "weighted_precision",
              "weighted_recall", "weighted_f1"]


def mc_rows(n, shift):
    recs = []
    for i in range(n):
        z = rng.normal(size=3) + np.array([0.3, 0, -0.3]) + shift
        e = np.exp(1.4 * z)
        pr = np.round(e / e.sum(), 3)
        truth = np.exp(2.0 * z)
        truth = truth / truth.sum()
        lab = CLASSES[int(rng.choice(3, p=truth))]
        recs.append({"s_" + c: float(pr[k]) for k, c in enumerate(CLASSES)}
                    | {"pred": CLASSES[int(np.argmax(pr))], "label": lab})
    return recs


def mc_matrix(recs):
    S = np.array([[r["s_" + c] for c in CLASSES] for r in recs])
    H = np.array([CLASSES.index(r["pred"]) for r in recs])
    return S, H


def mc_estimate(P, H):
    n = len(H)
    K = len(CLASSES)
    v = {m: [] for m in ["precision", "recall", "specificity", "f1",
                         "roc_auc", "average_precision"]}
    sup, tps = [], []
    for k in range(K):
        p = P[:, k]
        tp = math.fsum(p[H == k])
        fp = math.fsum(1 - p[H == k])
        fn = math.fsum(p[H != k])
        tn = math.fsum(1 - p[H != k])
        v["precision"].append(tp / (tp + fp))
        v["recall"].append(tp / (tp + fn))
        v["specificity"].append(tn / (tn + fp))
        v["f1"].append(2 * tp / (2 * tp + fp + fn))
        v["roc_auc"].append(nml_roc_auc(p))
        v["average_precision"].append(est_ap(p))
        sup.append(tp + fn)
        tps.append(tp)
    res = {m: float(np.mean(x)) for m, x in v.items()}
    sup = np.array(sup)
    for m in ("precision", "recall", "f1"):
        res["weighted_" + m] = float(np.sum(sup * np.array(v[m])) /
                                     sup.sum())
    res["accuracy"] = math.fsum(tps) / n
    return res


def mc_realized(S, H, Y):
    if len(Y) == 0:
        return {m: float("nan") for m in MC_METRICS}
    lab = list(range(len(CLASSES)))
    cm = confusion_matrix(Y, H, labels=lab)
    spec = []
    for k in lab:
        fp = cm[:, k].sum() - cm[k, k]
        tn = cm.sum() - cm[k, :].sum() - cm[:, k].sum() + cm[k, k]
        spec.append(tn / (tn + fp))
    aucs = [roc_auc_score(Y == k, S[:, k]) for k in lab]
    aps = [average_precision_score(Y == k, S[:, k]) for k in lab]
    return {
        "accuracy": accuracy_score(Y, H),
        "precision": precision_score(Y, H, labels=lab, average="macro"),
        "recall": recall_score(Y, H, labels=lab, average="macro"),
        "specificity": float(np.mean(spec)),
        "f1": f1_score(Y, H, labels=lab, average="macro"),
        "roc_auc": float(np.mean(aucs)),
        "average_precision": float(np.mean(aps)),
        "weighted_precision": precision_score(Y, H, labels=lab,
                                              average="weighted"),
        "weighted_recall": recall_score(Y, H, labels=lab,
                                        average="weighted"),
        "weighted_f1": f1_score(Y, H, labels=lab, average="weighted"),
    }


mref = mc_rows(1500, 0)
jl("est-mc-ref.jsonl", mref)
mcur = []
for wi, w in enumerate(WINDOWS):
    rows = mc_rows(600, np.array([0, 0, 0]) if wi < 2 else
                   np.array([-0.4, 0.1, 0.5]))
    for i, r in enumerate(rows):
        r = {"ts": w[:14] + "%02d:%02d" % (i * 6 // 60, i * 6 % 60) + "Z"} | r
        if rng.random() >= 0.85:
            del r["label"]
        mcur.append(r)
jl("est-mc-cur.jsonl", mcur)

S, H = mc_matrix(mref)
Y = np.array([CLASSES.index(r["label"]) for r in mref])
isos = [fit_iso(S[:, k], (Y == k).astype(int)) for k in range(3)]
ch, csize = chunks(len(Y))
mthr = {}
for m in MC_METRICS:
    mthr[m] = sd_threshold([mc_realized(S[a:b], H[a:b], Y[a:b])[m]
                            for a, b in ch])
for (w, seg), recs in by_window(mcur, lambda r: "").items():
    S, H = mc_matrix(recs)
    P = np.column_stack([np.clip(isos[k].predict(S[:, k]), 0, 1)
                         for k in range(3)])
    P = P / P.sum(axis=1, keepdims=True)
    est = mc_estimate(P, H)
    lab = [i for i, r in enumerate(recs) if "label" in r]
    Yl = np.array([CLASSES.index(recs[i]["label"]) for i in lab])
    real = mc_realized(S[lab], H[lab], Yl)
    for m in MC_METRICS:
        se = mthr[m][2] * math.sqrt(csize) / math.sqrt(len(H))
        write_bands("mc", w, seg, m, est[m], se, mthr[m], real[m], len(H),
                    len(lab))

with open("est-expect.tsv", "w") as f:
    f.write("\n".join(out) + "\n")
