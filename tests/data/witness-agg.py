#!/usr/bin/python3
# Witness for tests/mlw-agg.bats: writes the fixtures agg-log.jsonl (three
# hourly windows of two models, with ties, missing values, nulls, and
# 1e300, 1e-300 and -1e300 in one sum) and agg-ref.jsonl (a reference of
# both models) to the current directory, and the records mlw-agg must
# print for them to agg-expect.jsonl, agg-expect-where.jsonl and
# agg-expect-ref.jsonl, each number computed independently: a pandas 1.5
# groupby over window and model, math.fsum for sums (and means, fsum / n),
# pandas std (ddof 1; the test compares it to a relative 1e-12, the other
# numbers bit for bit), numpy.quantile ('linear'), nunique, and for the
# bounds NannyML's StandardDeviationThreshold: np.mean and np.std (ddof 0)
# of the values on chunks of 50 reference records of each model, +- 3 sd.
# Numbers are written as mlw writes them (the shortest of %.15g, %.16g,
# %.17g that reads back). Run by hand: /usr/bin/python3 witness-agg.py; the
# tests never run it.
import json
import math

import numpy as np
import pandas as pd

rng = np.random.default_rng(20261207)
COUNTRIES = ["DE", "FR", "US", "IN", "BR"]
WINDOWS = ["2026-11-01T00:00:00Z", "2026-11-01T01:00:00Z",
           "2026-11-01T02:00:00Z"]
SPEC = ("count; sum revenue; mean revenue; min revenue; max revenue; "
        "std basket; quantile basket 0.5; quantile score 0.9; "
        "distinct country; rate converted == true; ratio revenue orders")


def record(i, model, shift):
    r = {"model": model}
    k = i % 20
    if k == 3:
        pass                                        # revenue missing
    elif k == 7:
        r["revenue"] = None
    else:
        r["revenue"] = round(float(rng.uniform(0, 50 + 20 * shift)), 1)
    r["orders"] = int(rng.integers(0, 4))
    r["converted"] = bool(rng.random() < 0.1 + 0.05 * shift)
    r["score"] = round(float(rng.random()), 3)
    r["basket"] = round(float(rng.normal(30 + shift, 8)) * 2) / 2
    if i % 11 != 5:
        r["country"] = COUNTRIES[int(rng.integers(0, 5))]
    return r


log = []
for w, start in enumerate(WINDOWS):
    for i in range(120):
        m = "m1" if rng.random() < 0.55 else "m2"
        r = record(i, m, w)
        r["ts"] = start[:14] + "%02d:%02dZ" % (i // 2, (i % 2) * 30)
        log.append((w, r))
# one sum that a float accumulator gets wrong: 1e300 + 1e-300 - 1e300
for j, v in enumerate([1e300, 1e-300, -1e300]):
    log.append((0, {"model": "m1", "revenue": v, "orders": 1,
                    "converted": False, "score": 0.5, "basket": 30.0,
                    "ts": "2026-11-01T00:59:5%dZ" % j}))
ref = []
for i in range(400):
    m = "m1" if i % 2 == 0 else "m2"
    ref.append(record(i, m, 0 if m == "m1" else 1))

with open("agg-log.jsonl", "w") as f:
    for _, r in sorted(log, key=lambda x: x[1]["ts"]):
        f.write(json.dumps(r, separators=(",", ":")) + "\n")
with open("agg-ref.jsonl", "w") as f:
    for r in ref:
        f.write(json.dumps(r, separators=(",", ":")) + "\n")


def fmt(x):
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "null"
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, int):
        return str(x)
    for p in (15, 16, 17):
        s = "%.*g" % (p, x)
        if float(s) == x:
            return s
    raise ValueError(x)


def out(members):
    return "{" + ",".join('"%s":%s' % (k, v if isinstance(v, str) else
                          fmt(v)) for k, v in members) + "}"


def js(s):
    return json.dumps(s)


def nums(part, col):
    return [x for x in part[col] if isinstance(x, (int, float)) and
            not isinstance(x, bool) and x == x and x is not None]


def aggregates(part):
    """(kind, field, extra, value, n) for each aggregate of SPEC."""
    rev, bas, sco = nums(part, "revenue"), nums(part, "basket"), \
        nums(part, "score")
    ords = nums(part, "orders")
    cats = [c for c in part["country"] if isinstance(c, str)]
    conv = [c is True for c in part["converted"]]
    n = len(part)
    sr = math.fsum(rev)
    so = math.fsum(ords)
    return [
        ("count", None, [], n, n),
        ("sum", "revenue", [], sr, len(rev)),
        ("mean", "revenue", [], sr / len(rev) if rev else None, len(rev)),
        ("min", "revenue", [], min(rev) if rev else None, len(rev)),
        ("max", "revenue", [], max(rev) if rev else None, len(rev)),
        ("std", "basket", [], float(pd.Series(bas).std()) if len(bas) > 1
         else None, len(bas)),
        ("quantile", "basket", [("q", 0.5)], float(np.quantile(bas, 0.5)),
         len(bas)),
        ("quantile", "score", [("q", 0.9)], float(np.quantile(sco, 0.9)),
         len(sco)),
        ("distinct", "country", [], int(pd.Series(cats).nunique()),
         len(cats)),
        ("rate", "converted == true", [], sum(conv) / n, n),
        ("ratio", "revenue/orders", [], sr / so if so else None, len(ords)),
    ]


def line(w, seg, kind, field, extra, v, n, tail=()):
    m = []
    if w is not None:
        i = WINDOWS.index(w)
        end = WINDOWS[i + 1] if i + 1 < len(WINDOWS) else \
            "2026-11-01T03:00:00Z"
        m += [("window_start", js(w)), ("window_end", js(end))]
    m += [("segment", js("model=" + seg)), ("model", js(seg)),
          ("agg", js(kind)), ("field", js(field) if field else "null")]
    m += extra
    m += [("value", v), ("n", n)]
    if kind in ("quantile", "distinct"):
        m += [("exact", True)]
    m += list(tail)
    return out(m)


df = pd.DataFrame([dict(r, w=WINDOWS[w]) for w, r in log])
df = df.sort_values("ts", kind="stable")
lines = []
for w in WINDOWS:
    part = df[df.w == w]
    for seg in pd.unique(part.model):
        for a in aggregates(part[part.model == seg]):
            lines.append(line(w, seg, *a))
with open("agg-expect.jsonl", "w") as f:
    f.write("\n".join(lines) + "\n")

# --where 'score > 0.5' --agg 'count; mean basket'
lines = []
for w in WINDOWS:
    part = df[df.w == w]
    for seg in pd.unique(part.model):
        p = part[(part.model == seg) & (part.score > 0.5)]
        b = nums(p, "basket")
        lines.append(line(w, seg, "count", None, [], len(p), len(p)))
        lines.append(line(w, seg, "mean", "basket", [],
                          math.fsum(b) / len(b), len(b)))
with open("agg-expect-where.jsonl", "w") as f:
    f.write("\n".join(lines) + "\n")

# the whole log as one batch against the reference, --chunk 50:
# --agg 'mean basket; rate converted == true'
rdf = pd.DataFrame(ref)
lines = []
batch = df.drop(columns=["w"])
for seg in pd.unique(batch.model):
    p = batch[batch.model == seg]
    rp = rdf[rdf.model == seg].reset_index(drop=True)
    chunks = [rp.iloc[i:i + 50] for i in range(0, len(rp), 50)]
    vals = {
        "mean": ([math.fsum(nums(c, "basket")) / len(nums(c, "basket"))
                  for c in chunks],
                 math.fsum(nums(p, "basket")) / len(nums(p, "basket")),
                 len(nums(p, "basket")), "basket"),
        "rate": ([sum(x is True for x in c.converted) / len(c)
                  for c in chunks],
                 sum(x is True for x in p.converted) / len(p), len(p),
                 "converted == true"),
    }
    for kind in ("mean", "rate"):
        cv, v, n, field = vals[kind]
        cv = np.array(cv)
        lo = float(np.mean(cv) - 3 * np.std(cv))
        hi = float(np.mean(cv) + 3 * np.std(cv))
        lines.append(line(None, seg, kind, field, [], v, n,
                          [("lower", lo), ("upper", hi),
                           ("alert", bool(v < lo or v > hi))]))
with open("agg-expect-ref.jsonl", "w") as f:
    f.write("\n".join(lines) + "\n")
print(SPEC)
