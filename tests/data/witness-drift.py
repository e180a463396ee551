#!/usr/bin/python3
# Witness for mlw-drift: every method of the battery, computed the way
# Evidently's legacy stattests compute it (evidently/legacy/calculations/
# stattests/*), with SciPy 1.10.1 and NumPy 1.24 (Debian 12's python3-scipy
# and python3-numpy), on tests/data/drift-ref.jsonl and drift-cur.jsonl.
# Evidently itself is not installable here; its formulas are written out
# below with pandas' value_counts replaced by collections.Counter.
#
#   /usr/bin/python3 tests/data/witness-drift.py > tests/data/drift-witness.jsonl
#   /usr/bin/python3 tests/data/witness-drift.py auto REF CUR FIELD METHOD
#       (the --auto-threshold test's threshold)
#
# Output: one line per method, window and field, in the order mlw-drift
# prints them for "--method M --fields F1,F2,...":
#   {"method":..,"window_start":..,"feature":..,"statistic":..,"p_value":..}
import json
import sys
from collections import Counter

import numpy as np
from scipy import stats
from scipy.spatial import distance

D = "tests/data"

NUM = ["features.age", "features.income", "features.tenure", "score"]
CAT = ["features.country", "features.device", "features.premium"]
METHODS = [
    ("ks", NUM), ("wasserstein", NUM), ("energy", NUM),
    ("mannwhitney", NUM), ("ttest", NUM), ("anderson", NUM),
    ("cramer_von_mises", NUM),
    ("psi", NUM + CAT + ["label"]), ("kl", NUM + CAT + ["label"]),
    ("jensenshannon", NUM + CAT + ["label"]),
    ("hellinger", NUM + CAT + ["label"]),
    ("tvd", ["features.tenure", "label"] + CAT),
    ("chisquare", ["features.tenure", "label"] + CAT),
    ("z", ["label", "features.premium", "features.country"]),
    ("fisher_exact", ["label", "features.premium", "features.country"]),
]


def get(rec, path):
    for p in path.split("."):
        if not isinstance(rec, dict) or p not in rec:
            return None
        rec = rec[p]
    return rec


def column(recs, path):
    return [v for v in (get(r, path) for r in recs) if v is not None]


def binned(ref, cur, numeric, fill):
    # evidently utils.get_binned_data
    if numeric and len(set(ref)) > 20:
        bins = np.histogram_bin_edges(np.array(ref + cur, dtype=float),
                                      bins="sturges")
        rp = np.histogram(ref, bins)[0] / len(ref)
        cp = np.histogram(cur, bins)[0] / len(cur)
    else:
        keys = list(set(ref) | set(cur))
        rc, cc = Counter(ref), Counter(cur)
        rp = np.array([rc[k] / len(ref) for k in keys])
        cp = np.array([cc[k] / len(cur) for k in keys])
    if fill:
        for a in (rp, cp):
            m = min(a[a != 0])
            np.place(a, a == 0, m / 10**6 if m <= 0.0001 else 0.0001)
    return rp, cp


def hellinger(ref, cur, numeric):
    keys = list(set(ref) | set(cur))
    if not numeric:
        rc, cc = Counter(ref), Counter(cur)
        h = 0.0
        for k in keys:
            h += np.sqrt(rc[k] / len(ref) * (cc[k] / len(cur)))
    else:
        bins = np.histogram_bin_edges(keys, bins="sturges")
        h1 = np.histogram(ref, bins=bins, density=True)[0]
        h2 = np.histogram(cur, bins=bins, density=True)[0]
        w = (max(bins) - min(bins)) / (len(bins) - 1)
        h = 0.0
        for i in range(len(h1)):
            h += np.sqrt(h1[i] * h2[i]) * w
    h = np.clip(h, 0, 1)
    return float(np.sqrt(1 - h))


def run(m, ref, cur, numeric):
    if not ref or not cur:
        return None, None
    if m == "ks":
        r = stats.ks_2samp(ref, cur)
        return r.statistic, r.pvalue
    if m == "wasserstein":
        return (stats.wasserstein_distance(ref, cur) /
                max(np.std(ref), 0.001)), None
    if m == "energy":
        return stats.energy_distance(ref, cur), None
    if m == "mannwhitney":
        r = stats.mannwhitneyu(ref, cur, alternative="less")
        return r.statistic, r.pvalue
    if m == "ttest":
        r = stats.ttest_ind(ref, cur)
        return r.statistic, r.pvalue
    if m == "anderson":
        try:
            r = stats.anderson_ksamp([np.array(ref), np.array(cur)])
        except ValueError:
            return None, None
        return r.statistic, r.significance_level
    if m == "cramer_von_mises":
        if len(ref) < 2 or len(cur) < 2:
            return None, None
        r = stats.cramervonmises_2samp(ref, cur)
        return r.statistic, r.pvalue
    if m == "psi":
        rp, cp = binned(ref, cur, numeric, True)
        return np.sum((rp - cp) * np.log(rp / cp)), None
    if m == "kl":
        rp, cp = binned(ref, cur, numeric, True)
        return stats.entropy(rp, cp), None
    if m == "jensenshannon":
        rp, cp = binned(ref, cur, numeric, False)
        return distance.jensenshannon(rp, cp), None
    if m == "hellinger":
        return hellinger(ref, cur, numeric), None
    keys = list(set(ref) | set(cur))
    rc, cc = Counter(ref), Counter(cur)
    if m == "tvd":
        r = np.array([rc[k] for k in keys])
        c = np.array([cc[k] for k in keys])
        return 0.5 * np.sum(np.abs(r / sum(r) - c / sum(c))), None
    if m == "chisquare":
        k = len(cur) / len(ref)
        with np.errstate(all="ignore"):
            r = stats.chisquare([cc[x] for x in keys],
                                [rc[x] * k for x in keys])
        return r.statistic, r.pvalue
    if len(keys) > 2:
        return None, None
    keys = sorted(keys)
    if m == "z":
        if len(keys) == 1:
            return 0.0, 1.0
        x1 = [0 if x == keys[0] else 1 for x in ref]
        x2 = [0 if x == keys[0] else 1 for x in cur]
        n1, n2 = len(x1), len(x2)
        p1, p2 = sum(x1) / n1, sum(x2) / n2
        P = (p1 * n1 + p2 * n2) / (n1 + n2)
        z = (p1 - p2) / np.sqrt(P * (1 - P) * (1.0 / n1 + 1.0 / n2))
        return z, 2 * (1 - stats.norm.cdf(np.abs(z)))
    # fisher_exact: [[current ones, current zeros], [reference ones, zeros]]
    o1 = sum(1 for x in cur if x != keys[0])
    o2 = sum(1 for x in ref if x != keys[0])
    r = stats.fisher_exact([[o1, len(cur) - o1], [o2, len(ref) - o2]])
    return r[0], r[1]


def num(x):
    if x is None:
        return None
    x = float(x)
    return x if np.isfinite(x) else None


def auto(refpath, curpath, field, method):
    # NannyML-style threshold: chunks of the window's size, in reference
    # order, each against the whole reference; mean + 3 population sd
    ref = column([json.loads(l) for l in open(refpath)], field)
    cur = column([json.loads(l) for l in open(curpath)], field)
    n = len(cur)
    vals = [run(method, ref, ref[j * n:(j + 1) * n], field not in CAT)[0]
            for j in range(len(ref) // n)]
    vals = np.array(vals, dtype=float)
    print(field, repr(float(np.mean(vals) + 3 * np.std(vals))))


def main():
    if sys.argv[1:2] == ["auto"]:
        return auto(*sys.argv[2:6])
    ref = [json.loads(l) for l in open(D + "/drift-ref.jsonl")]
    windows = {}
    for l in open(D + "/drift-cur.jsonl"):
        r = json.loads(l)
        if "mlw" in r:
            continue
        windows.setdefault(r["window_start"], []).append(r)
    for m, fields in METHODS:
        for w in sorted(windows):
            for f in fields:
                numeric = f not in CAT
                s, p = run(m, column(ref, f), column(windows[w], f), numeric)
                print(json.dumps({"method": m, "window_start": w,
                                  "feature": f, "statistic": num(s),
                                  "p_value": num(p)}))


main()
