#!/usr/bin/python3
# Witness for tests/mlw-psi.bats: writes ref.jsonl and cur.jsonl and prints
# the PSI values NumPy computes for them. Run by hand (Debian python3-numpy);
# the tests pin its printed numbers and never run it.
import json, math
import numpy as np

ref_x = [3.1, 4.7, 1.2, 9.9, 5.5, 5.5, 2.0, 7.3, 8.8, 0.4, 6.1, 3.3, 4.4,
         5.0, 7.7, 2.9, 6.6, 1.8, 9.1, 4.2]
ref_c = list("aaaaaaaaaabbbbbbcccc")
cur_x = [5.2, 7.9, 8.1, 9.5, 6.0, 10.4, 7.2, 8.8, 4.9, 11.0, 6.6, 12.3]
cur_c = list("abccdabccdcd")
ts = ["2026-11-01T00:%02d:00Z" % (i * 10) for i in range(6)] + \
     ["2026-11-01T01:%02d:00Z" % (i * 10) for i in range(6)]

with open("ref.jsonl", "w") as f:
    for x, c in zip(ref_x, ref_c):
        f.write(json.dumps({"f": {"x": x, "c": c}}, separators=(",", ":")) + "\n")
with open("cur.jsonl", "w") as f:
    for t, x, c in zip(ts, cur_x, cur_c):
        f.write(json.dumps({"ts": t, "f": {"x": x, "c": c}}, separators=(",", ":")) + "\n")

def psi(e, a, eps=1e-4):
    s = 0.0
    for ee, aa in zip(e, a):
        ee = eps if ee == 0 else ee
        aa = eps if aa == 0 else aa
        s += (aa - ee) * math.log(aa / ee)
    return s

edges = np.quantile(ref_x, np.arange(1, 10) / 10)
def num_props(v):
    b = np.bincount(np.searchsorted(edges, v, side="right"), minlength=10)
    return b / len(v)
cats = ["a", "b", "c"]
def cat_props(v):
    counts = [sum(1 for c in v if c == k) for k in cats]
    counts.append(sum(1 for c in v if c not in cats))
    return [c / len(v) for c in counts]

print("batch x", repr(psi(num_props(ref_x), num_props(cur_x))))
print("batch c", repr(psi(cat_props(ref_c), cat_props(cur_c))))
for w, sl in (("00h", slice(0, 6)), ("01h", slice(6, 12))):
    print(w, "x", repr(psi(num_props(ref_x), num_props(cur_x[sl]))))
    print(w, "c", repr(psi(cat_props(ref_c), cat_props(cur_c[sl]))))
# uniform binning, 4 bins: edges min + k*((max-min)/4)
lo, hi = min(ref_x), max(ref_x)
uedges = [lo + k * ((hi - lo) / 4) for k in range(1, 4)]
def uprops(v):
    b = np.bincount(np.searchsorted(uedges, v, side="right"), minlength=4)
    return b / len(v)
print("uniform4 x", repr(psi(uprops(ref_x), uprops(cur_x))))
