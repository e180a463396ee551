#!/usr/bin/python3
# Witness for tests/mlw-profile.bats: writes the fixtures profile-cur.jsonl
# and profile-ref.jsonl (to the current directory) and prints the records
# mlw-profile must write for them, every statistic computed independently
# with NumPy 1.24 (np.mean, np.std(ddof=1), np.quantile 'linear', min, max)
# and collections.Counter. Run by hand: /usr/bin/python3 witness-profile.py;
# the tests pin its printed lines and never run it.
import json
from collections import Counter
import numpy as np

rng = np.random.default_rng(20261129)
CATS = ["red", "green", "blue", "teal", "plum", "gold"]


def cur_record(i):
    r = {"ts": "2026-11-01T%02d:%02d:00Z" % (i // 20, (i % 20) * 3)}
    k = i % 10
    if k == 3:
        r["x"] = None
    elif k == 7:
        pass                                   # x absent
    elif k == 5:
        r["x"] = 0
    elif i == 11:
        r["x"] = "n/a"                         # a string in a numeric field
    else:
        r["x"] = round(float(rng.normal(10, 4)), 3)
    r["c"] = True if i % 13 == 4 else CATS[int(rng.integers(0, 6))]
    r["m"] = None
    if i % 4 == 0:
        r["arr"] = [i, i + 1]
    r["o"] = {"k": int(rng.integers(-5, 6))}
    return r


def ref_record(i):
    r = {"x": round(float(rng.normal(9, 2)), 3) if i % 6 else None,
         "c": CATS[i % 4],
         "m": i if i % 3 == 0 else None,
         "o": {"k": i % 4}}
    return r


cur = [cur_record(i) for i in range(40)]
ref = [ref_record(i) for i in range(30)]
for name, recs in (("profile-cur.jsonl", cur), ("profile-ref.jsonl", ref)):
    with open(name, "w") as f:
        for r in recs:
            f.write(json.dumps(r, separators=(",", ":")) + "\n")

Q = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]
QN = ["p01", "p05", "p25", "p50", "p75", "p95", "p99"]


def get(r, path):
    for seg in path.split("."):
        if not isinstance(r, dict) or seg not in r:
            return None
        r = r[seg]
    return r


def jtype(v):
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, dict):
        return "object"
    return "array"


def num(x):
    if x is None or (isinstance(x, float) and not np.isfinite(x)):
        return "null"
    x = float(x)
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


def key(v):                                    # booleans first, then bytes
    return (0, str(v).lower().encode()) if isinstance(v, bool) else \
        (1, v.encode())


def val(v):
    return ("true" if v else "false") if isinstance(v, bool) else \
        json.dumps(v, ensure_ascii=False)


def text(v):
    return ("true" if v else "false") if isinstance(v, bool) else v


def top(counter, k=5, keep=lambda v: True):
    items = sorted(((-c, key(v), v) for v, c in counter.items() if keep(v)))
    return "[" + ",".join('{"value":%s,"count":%d}' % (val(v), -c)
                          for c, _, v in items[:k]) + "]"


def stats(recs, path, window=""):
    vals = [get(r, path) for r in recs]
    vals = [v for v in vals if v is not None]
    types = Counter(jtype(v) for v in vals)
    nums = np.array([v for v in vals if jtype(v) == "number"], dtype=float)
    cats = Counter(v for v in vals if jtype(v) in ("string", "bool"))
    n = len(recs)
    out = '{%s"feature":"%s","count":%d,"missing":%d,"missing_share":%s' % (
        window, path, n, n - len(vals), num((n - len(vals)) / n))
    for t in ("number", "string", "bool", "object", "array"):
        out += ',"n_%s":%d' % (t, types[t])
    has = len(nums) > 0
    out += ',"min":%s,"max":%s,"mean":%s,"std":%s,"zeros":%s' % (
        num(nums.min() if has else None), num(nums.max() if has else None),
        num(np.mean(nums) if has else None),
        num(np.std(nums, ddof=1) if len(nums) > 1 else None),
        num(int((nums == 0).sum()) if has else None))
    for q, name in zip(Q, QN):
        out += ',"%s":%s' % (name, num(np.quantile(nums, q) if has else None))
    out += ',"quantiles_exact":true,"quantile_rank_error":%s' % (
        "0" if has else "null")
    # distinct values, numbers and categories together, as pandas'
    # nunique counts a float column (-0.0 and 0.0 one value) and an object
    # one; unlike pandas (and Python's set), True and 1 are two values
    nd = len(set(float(x) for x in nums)) + len(cats)
    out += ',"distinct":%s,"distinct_exact":true,"top":%s,"top_exact":true' % (
        num(nd) if nd else "null", top(cats))
    return out, vals, nums, cats


def with_ref(out, vals, nums, cats, path):
    rv = [get(r, path) for r in ref]
    present = any(path in p for p in paths(ref))
    rv = [v for v in rv if v is not None]
    rtypes = set(jtype(v) for v in rv)
    rnums = [v for v in rv if jtype(v) == "number"]
    rset = set(text(v) for v in rv if jtype(v) in ("string", "bool"))
    miss = (len(ref) - len(rv)) / len(ref) if present else 1
    out += ',"missing_share_ref":%s' % num(miss)
    out += ',"type_mismatch":%d' % sum(1 for v in vals if jtype(v) not in rtypes)
    if rnums:
        oor = int(((nums < min(rnums)) | (nums > max(rnums))).sum())
        out += ',"out_of_range":%d,"out_of_range_share":%s' % (
            oor, num(oor / len(nums) if len(nums) else 0))
    else:
        # no reference numbers: nothing out of range (numbers here are
        # type mismatches)
        out += ',"out_of_range":0,"out_of_range_share":0'
    new = sum(c for v, c in cats.items() if text(v) not in rset)
    ncat = sum(cats.values())
    out += ',"new_categories":%d,"new_categories_share":%s' % (
        new, num(new / ncat if ncat else 0))
    out += ',"new_category_values":%s' % top(cats, keep=lambda v: text(v) not in rset)
    return out


def paths(recs):
    seen = []
    for r in recs:
        def walk(o, pre):
            for k, v in o.items():
                p = pre + k
                if isinstance(v, dict):
                    walk(v, p + ".")
                elif p not in seen:
                    seen.append(p)
        walk(r, "")
    return seen


print("# batch, every field (first-seen order)")
for p in paths(cur):
    print(stats(cur, p)[0] + "}")
print("# windows of 1h (records 0-19, 20-39), --fields x,c")
for w in range(2):
    win = '"window_start":"2026-11-01T%02d:00:00Z","window_end":' \
          '"2026-11-01T%02d:00:00Z",' % (w, w + 1)
    for p in ("x", "c"):
        print(stats(cur[w * 20:(w + 1) * 20], p, win)[0] + "}")
print("# --ref profile-ref.jsonl, batch (reference fields first)")
order = paths(ref) + [p for p in paths(cur) if p not in paths(ref)]
for p in order:
    out, vals, nums, cats = stats(cur, p)
    print(with_ref(out, vals, nums, cats, p) + "}")
