#!/usr/bin/python3
# Witness for tests/unit/test_fair.c and tests/mlw-bias.bats: writes the
# fixtures bias-*.jsonl and prints, as JSON, what Fairlearn's definitions
# give for them, per group and per window. Fairlearn is not packaged in
# Debian, so its formulas are written out here by hand (fairlearn.metrics:
# selection_rate, true_positive_rate, false_positive_rate,
# demographic_parity_difference/ratio, equalized_odds_difference, and
# equal_opportunity_difference = the tpr part of equalized odds); the
# per-group counts and rates come from scikit-learn 1.2 (Debian
# python3-sklearn), and a zero denominator is NaN, printed as null.
# Run by hand in tests/data; tests never run Python.
import json, math
import numpy as np
from sklearn import metrics as M

def rates(y, p):
    tn, fp, fn, tp = M.confusion_matrix(y, p, labels=[0, 1]).ravel()
    tn, fp, fn, tp = int(tn), int(fp), int(fn), int(tp)
    n = tp + fp + tn + fn
    div = lambda a, b: a / b if b else math.nan
    r = {"n": n, "selection_rate": div(tp + fp, n),
         "tpr": div(tp, tp + fn), "fpr": div(fp, fp + tn),
         "precision": div(tp, tp + fp), "accuracy": div(tp + tn, n)}
    # cross-check with scikit-learn's own functions where they are defined
    if tp + fn:
        assert r["tpr"] == M.recall_score(y, p, zero_division=0)
    if tp + fp:
        assert r["precision"] == M.precision_score(y, p, zero_division=0)
    assert r["accuracy"] == M.accuracy_score(y, p)
    return r

def spread(v):
    return math.nan if any(math.isnan(x) for x in v) else max(v) - min(v)

def fairness(rows, ref=None):
    groups = []
    for g, y, p in rows:
        if g not in groups:
            groups.append(g)
    per = {g: rates([y for h, y, _ in rows if h == g],
                    [p for h, _, p in rows if h == g]) for g in groups}
    if ref is None:        # the largest group, the first of equal ones
        ref = max(groups, key=lambda g: (per[g]["n"], -groups.index(g)))
    sr = [per[g]["selection_rate"] for g in groups]
    tprs = [per[g]["tpr"] for g in groups]
    fprs = [per[g]["fpr"] for g in groups]
    out = []
    for g in groups:
        out.append(dict({"value": g}, **per[g]))
    rs = per[ref]["selection_rate"] if ref in per else math.nan
    sub = lambda a, b: math.nan if math.isnan(a) or math.isnan(b) else a - b
    pairs = [{"value": g,
              "selection_rate_difference": sub(per[g]["selection_rate"], rs),
              "disparate_impact": per[g]["selection_rate"] / rs if rs > 0 else math.nan,
              "tpr_difference": sub(per[g]["tpr"], per[ref]["tpr"] if ref in per else math.nan),
              "fpr_difference": sub(per[g]["fpr"], per[ref]["fpr"] if ref in per else math.nan)}
             for g in groups if g != ref]
    dis = [q["disparate_impact"] for q in pairs]
    di = math.nan if not dis or any(math.isnan(x) for x in dis) else min(dis)
    eod, fod = spread(tprs), spread(fprs)
    out.append({"reference": ref, "groups": len(groups),
        "demographic_parity_difference": max(sr) - min(sr),
        "demographic_parity_ratio": min(sr) / max(sr) if max(sr) > 0 else math.nan,
        "disparate_impact": di,
        "disparate_impact_flag": (not math.isnan(di)) and di < 0.8,
        "equal_opportunity_difference": eod,
        "equalized_odds_difference": math.nan if math.isnan(eod) or math.isnan(fod) else max(eod, fod),
        "pairwise": pairs})
    return out

def show(name, rows, **kw):
    print("#", name)
    for r in fairness(rows, **kw):
        # NaN as null, numbers as Python's repr (shortest round trip)
        print(json.dumps(r, allow_nan=True).replace("NaN", "null"))

def write(path, rows, scores):
    with open(path, "w") as f:
        for i, ((g, y, p), s) in enumerate(zip(rows, scores)):
            f.write(json.dumps({"id": i, "f": {"g": g}, "y": y, "p": p,
                                "s": s}, separators=(",", ":")) + "\n")

# Three groups, 18 records: A 8, B 6, C 4; the model favours A.
G = "A B A C A B A C B A B A C A B A C B".split()
Y = [1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0, 0]
S = [0.9, 0.6, 0.8, 0.3, 0.7, 0.4, 0.65, 0.55, 0.2, 0.1,
     0.45, 0.95, 0.8, 0.5, 0.75, 0.35, 0.2, 0.05]
# the fixture's own prediction column (p), made with s >= 0.5; --score s
# predicts as scikit-learn's predict(), negative on the tie at id 13
P = [int(s >= 0.5) for s in S]
rows = list(zip(G, Y, P))
write("bias-3g.jsonl", rows, S)
show("bias-3g batch", rows)
show("bias-3g --reference-group C", rows, ref="C")
show("bias-3g --score s --threshold 0.7", list(zip(G, Y, [int(s > 0.7) for s in S])))
show("bias-3g --score s", list(zip(G, Y, [int(s > 0.5) for s in S])))
for w in range(3):
    show("bias-3g window %d (mlw-window --count 6)" % w, rows[6 * w:6 * w + 6])

# A group without positive labels (tpr null): group C's labels are all 0.
G2 = "A B C A B C A B C".split()
Y2 = [1, 1, 0, 0, 1, 0, 1, 0, 0]
P2 = [1, 0, 1, 0, 1, 0, 1, 1, 0]
rows2 = list(zip(G2, Y2, P2))
write("bias-nopos.jsonl", rows2, [float(p) for p in P2])
show("bias-nopos batch", rows2)
