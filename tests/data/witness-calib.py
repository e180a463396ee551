#!/usr/bin/python3
# Witness for mlw-metrics --calibration-bins in tests/mlw-metrics.bats:
# writes the fixture calib-in.jsonl (two segments g=a and g=b; scores with
# ties, on the edges of np.linspace(0, 1, N + 1) bit for bit -- 0, 0.1,
# 0.5, 1, 0.30000000000000004 = 3 * 0.1 -- and just beside them; a run of
# equal scores in g=b that makes repeated quantile edges; unlabelled
# records, which are not counted) to the current directory, and to
# calib-expect.jsonl, for each strategy and bin count of CASES and each
# segment ("all", g=b, g=a), the calibration members mlw-metrics must
# write.
#
# Each is sklearn 1.2.1's calibration_curve (Debian python3-sklearn,
# NumPy 1.24), recomputed from its own definition so that the bins can be
# printed: bins np.linspace(0, 1, N + 1) or np.percentile(y_prob,
# np.linspace(0, 1, N + 1) * 100), binids np.searchsorted(bins[1:-1],
# y_prob) (side 'left'), the nonempty bins with their edges bins[b],
# bins[b + 1], count n_b and positives; fraction_positive = positives /
# n_b, asserted equal to calibration_curve's prob_true bit for bit;
# mean_predicted = math.fsum(probabilities) / n_b, the exactly rounded
# sum mlw keeps, asserted equal to calibration_curve's prob_pred (which
# sums with np.bincount in input order) to 1e-15 relative, and the bins
# where they differ in the last place printed; calibration_error = the
# sum in bin order of n_b / n * abs(fraction_positive - mean_predicted),
# max_calibration_error the largest abs(...). Numbers are written as mlw
# writes them (the shortest of %.15g, %.16g, %.17g that reads back).
# Run by hand: /usr/bin/python3 witness-calib.py; the tests never run it.
import json
import math

import numpy as np
from sklearn.calibration import calibration_curve

CASES = [("uniform", 10), ("uniform", 5), ("uniform", 7), ("quantile", 4),
         ("quantile", 10)]
EDGES = [0.0, 0.1, 0.5, 1.0, 0.30000000000000004, 0.3, 0.7000000000000001,
         0.7, 0.6000000000000001, 0.2, 0.9, 0.8]

rng = np.random.default_rng(20261208)
recs = []
for i in range(160):
    g = "a" if i % 3 else "b"
    if i < 2 * len(EDGES):
        s = EDGES[i % len(EDGES)]
    elif g == "b" and i % 4 == 0:
        s = 0.5                              # a run of ties in g=b
    elif i % 5 == 0:
        s = round(float(rng.random()), 1)    # many ties, some on edges
    else:
        s = round(float(rng.beta(2, 3)), 4)
    y = int(rng.random() < s * 0.8 + 0.1)
    r = {"i": i, "g": g, "score": s}
    if i % 37 != 36:
        r["label"] = y                       # else unlabelled
    recs.append(r)
with open("calib-in.jsonl", "w") as f:
    for r in recs:
        f.write(json.dumps(r) + "\n")


def fmt(x):
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    x = float(x)
    if not math.isfinite(x):
        return "null"
    for p in (15, 16, 17):
        s = "%.*g" % (p, x)
        if float(s) == x:
            return s
    raise ValueError(x)


def calib(y, s, strategy, n_bins):
    y_prob = np.array(s, dtype=float)
    if strategy == "quantile":
        bins = np.percentile(y_prob, np.linspace(0, 1, n_bins + 1) * 100)
    else:
        bins = np.linspace(0.0, 1.0, n_bins + 1)
    binids = np.searchsorted(bins[1:-1], y_prob)
    pt, pp = calibration_curve(y, s, n_bins=n_bins, strategy=strategy)
    out, k, ece, mce = [], 0, 0.0, 0.0
    for b in range(n_bins):
        idx = [i for i in range(len(s)) if binids[i] == b]
        if not idx:
            continue
        nb = len(idx)
        pos = sum(y[i] for i in idx)
        fp = pos / nb
        mp = math.fsum(s[i] for i in idx) / nb
        assert fp == pt[k], (strategy, n_bins, b)
        assert abs(mp - pp[k]) <= 1e-15 * abs(mp), (strategy, n_bins, b)
        if mp != pp[k]:
            print("# %s %d bin %d: exact mean %r, sklearn %r" %
                  (strategy, n_bins, b, mp, float(pp[k])))
        d = abs(fp - mp)
        ece += nb / len(s) * d
        mce = max(mce, d)
        out.append("{" + ",".join([
            '"lower":' + fmt(bins[b]), '"upper":' + fmt(bins[b + 1]),
            '"n":' + fmt(nb), '"positives":' + fmt(pos),
            '"mean_predicted":' + fmt(mp),
            '"fraction_positive":' + fmt(fp)]) + "}")
        k += 1
    assert k == len(pt)
    return ('"calibration_error":%s,"max_calibration_error":%s,'
            '"calibration_bins":[%s]' % (fmt(ece), fmt(mce), ",".join(out)))


with open("calib-expect.jsonl", "w") as f:
    for strategy, n_bins in CASES:
        # mlw's order: "all", then by first appearance (record 0 is g=b)
        for seg, keep in (("all", lambda r: True),
                          ("g=b", lambda r: r["g"] == "b"),
                          ("g=a", lambda r: r["g"] == "a")):
            part = [r for r in recs if "label" in r and keep(r)]
            y = [r["label"] for r in part]
            s = [r["score"] for r in part]
            f.write('{"strategy":"%s","bins":%d,"segment":"%s",%s}\n' %
                    (strategy, n_bins, seg, calib(y, s, strategy, n_bins)))
