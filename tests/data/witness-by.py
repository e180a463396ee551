#!/usr/bin/python3
# Witness for the --by tests of tests/by.bats: writes the fixtures by-ref.jsonl
# and by-cur.jsonl (to the current directory) and prints, per window and
# segment, the numbers mlw-profile, mlw-psi, mlw-drift and mlw-bias must
# write with --by model, each segment computed on its own records against its
# own part of the reference by a pandas groupby (pandas 1.5: mean, std with
# ddof=1, min, max, quantile 'linear'), NumPy 1.24 (np.quantile edges of
# mlw-psi's deciles) and SciPy 1.10 (ks_2samp, chisquare), as
# witness-psi.py and witness-drift.py do for one model.
# Run by hand: /usr/bin/python3 witness-by.py > by-expect.tsv; the tests
# compare with its output and never run it.
# Lines: PROGRAM <tab> WINDOW <tab> SEGMENT <tab> FIELD <tab> STAT <tab> VALUE
import json
import math

import numpy as np
import pandas as pd
from scipy import stats

rng = np.random.default_rng(20261207)
# the segments: two strings, a number, and missing (the display text of a
# missing value is "model=", as mlw-metrics writes it)
MODELS = ["m1", "m2", 7, None]
SEG = {"m1": "model=m1", "m2": "model=m2", 7: "model=7", None: "model="}
CATS = ["a", "b", "c", "d"]
WINDOWS = ["2026-11-01T00:00:00Z", "2026-11-01T01:00:00Z"]


def record(m, k, shift, i):
    r = {}
    if m is not None:
        r["model"] = m
    x = round(float(rng.normal(10 + 3 * k + shift, 1 + k)), 3)
    r["x"] = None if i % 17 == 5 else x
    p = np.array([4 + k, 3, 2 + shift, 1 + k]) / (10 + 2 * k + shift)
    r["c"] = CATS[int(rng.choice(4, p=p))]
    r["g"] = "u" if rng.random() < 0.4 + 0.1 * k else "v"
    r["y"] = int(rng.random() < 0.5)
    r["p"] = int(rng.random() < (0.3 + 0.1 * k if r["g"] == "u" else 0.5))
    return r


def line(r):
    return json.dumps(r, separators=(",", ":"), ensure_ascii=False) + "\n"


ref = []
for i in range(300):
    for k, m in enumerate(MODELS):
        ref.append((m, record(m, k, 0, i)))
cur = []
for w, wstart in enumerate(WINDOWS):
    recs = []
    for i in range(80):
        for k, m in enumerate(MODELS):
            recs.append((m, record(m, k, w, i)))
    order = rng.permutation(len(recs))
    for j, o in enumerate(order):
        m, r = recs[o]
        t = "2026-11-01T%02d:%02d:%02dZ" % (w, j * 3600 // len(recs) // 60,
                                             j * 3600 // len(recs) % 60)
        cur.append((m, w, dict({"ts": t}, **r)))
with open("by-ref.jsonl", "w") as f:
    for _, r in ref:
        f.write(line(r))
with open("by-cur.jsonl", "w") as f:
    for _, _, r in cur:
        f.write(line(r))

rdf = pd.DataFrame([dict(r, seg=SEG[m]) for m, r in ref])
cdf = pd.DataFrame([dict(r, seg=SEG[m], w=WINDOWS[w]) for m, w, r in cur])
out = []


def emit(prog, w, seg, field, stat, v):
    out.append("%s\t%s\t%s\t%s\t%s\t%s" % (prog, w, seg, field, stat,
                                           repr(float(v))))


# mlw-profile --by model --fields x --quantiles 0.05,0.5,0.95
g = cdf.groupby(["w", "seg"], sort=False)["x"]
agg = g.agg(count="size", n="count", mean="mean", std="std", min="min",
            max="max")
for q, name in ((0.05, "p05"), (0.5, "p50"), (0.95, "p95")):
    agg[name] = g.quantile(q, interpolation="linear")
for (w, seg), row in agg.iterrows():
    emit("mlw-profile", w, seg, "x", "count", row["count"])
    emit("mlw-profile", w, seg, "x", "missing", row["count"] - row["n"])
    for s in ("mean", "std", "min", "max", "p05", "p50", "p95"):
        emit("mlw-profile", w, seg, "x", s, row[s])


def psi(e, a, eps=1e-4):
    s = 0.0
    for ee, aa in zip(e, a):
        ee = eps if ee == 0 else ee
        aa = eps if aa == 0 else aa
        s += (aa - ee) * math.log(aa / ee)
    return s


# mlw-psi --ref by-ref.jsonl --by model --fields x,c (10 quantile bins of
# each segment's own reference part; categories of that part plus "other")
# mlw-drift --ref by-ref.jsonl --by model --fields x,c
#     --method-for x=ks --method-for c=chisquare
for (w, seg), part in cdf.groupby(["w", "seg"], sort=False):
    rp = rdf[rdf.seg == seg]
    rx = rp.x.dropna().to_numpy()
    cx = part.x.dropna().to_numpy()
    edges = np.quantile(rx, np.arange(1, 10) / 10)

    def props(v):
        b = np.bincount(np.searchsorted(edges, v, side="right"),
                        minlength=10)
        return b / len(v)
    emit("mlw-psi", w, seg, "x", "psi", psi(props(rx), props(cx)))
    cats = sorted(set(rp.c))
    assert cats == CATS and set(part.c) <= set(CATS)

    def cprops(v):
        return [sum(1 for c in v if c == k) / len(v) for k in cats] + [0.0]
    emit("mlw-psi", w, seg, "c", "psi", psi(cprops(list(rp.c)),
                                            cprops(list(part.c))))
    r = stats.ks_2samp(rx, cx)
    emit("mlw-drift", w, seg, "x", "statistic", r.statistic)
    emit("mlw-drift", w, seg, "x", "p_value", r.pvalue)
    rc = [sum(1 for c in rp.c if c == k) for k in cats]
    cc = [sum(1 for c in part.c if c == k) for k in cats]
    r = stats.chisquare(cc, [x * len(part) / len(rp) for x in rc])
    emit("mlw-drift", w, seg, "c", "statistic", r.statistic)
    emit("mlw-drift", w, seg, "c", "p_value", r.pvalue)

# mlw-bias --group g --label y --pred p --by model: per group selection
# rate, true and false positive rates; demographic parity difference
for (w, seg), part in cdf.groupby(["w", "seg"], sort=False):
    sr = []
    for grp, gp in part.groupby("g", sort=False):
        y, p = gp.y.to_numpy(), gp.p.to_numpy()
        sr.append(p.mean())
        emit("mlw-bias", w, seg, grp, "selection_rate", p.mean())
        emit("mlw-bias", w, seg, grp, "tpr", p[y == 1].mean())
        emit("mlw-bias", w, seg, grp, "fpr", p[y == 0].mean())
    emit("mlw-bias", w, seg, "-", "demographic_parity_difference",
         max(sr) - min(sr))

print("\n".join(out))
