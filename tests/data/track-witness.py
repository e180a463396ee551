#!/usr/bin/python3
"""Witness for tests/mlw-track.bats: reads the MLflow file store fixture
tests/data/mlruns by MLflow's documented rules (not by mlw's code) and
prints, per active run, the last value of each metric (highest step, then
latest timestamp), its min, max and count, the duration in seconds, and
the 'change' of compare between two runs (second minus first).
Run by hand: python3 tests/data/track-witness.py"""
import math
import os

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mlruns")


def yaml_flat(path):
    d = {}
    for line in open(path):
        if ":" in line and not line.startswith((" ", "-")):
            k, v = line.split(":", 1)
            d[k.strip()] = v.strip().strip("'")
    return d


runs = {}
for exp in sorted(os.listdir(root)):
    edir = os.path.join(root, exp)
    if exp.startswith(".") or not os.path.isfile(os.path.join(edir, "meta.yaml")):
        continue
    for rid in sorted(os.listdir(edir)):
        rdir = os.path.join(edir, rid)
        meta = os.path.join(rdir, "meta.yaml")
        if not os.path.isfile(meta):
            continue
        m = yaml_flat(meta)
        if m.get("lifecycle_stage") == "deleted":
            continue
        metrics = {}
        mdir = os.path.join(rdir, "metrics")
        for dp, _, files in os.walk(mdir):
            for f in files:
                key = os.path.relpath(os.path.join(dp, f), mdir)
                pts = []
                for line in open(os.path.join(dp, f)):
                    parts = line.split()
                    ts, val = int(parts[0]), float(parts[1])
                    step = int(parts[2]) if len(parts) == 3 else 0
                    pts.append((step, ts, val))
                last = max(pts, key=lambda p: (p[0], p[1]))[2]
                fin = [p[2] for p in pts if math.isfinite(p[2])]
                metrics[key] = dict(last=None if not math.isfinite(last) else last,
                                    min=min(fin) if fin else None,
                                    max=max(fin) if fin else None,
                                    count=len(pts))
        dur = None
        if m.get("end_time"):
            dur = (int(m["end_time"]) - int(m["start_time"])) / 1000
        runs[rid] = dict(duration=dur, metrics=metrics)
        print(rid, "duration", dur, sorted(metrics.items()))

a, d = "a1b2c3d4e5f60718293a4b5c6d7e8f90", "a1b9d00d000000000000000000000002"
print("compare a1b2 a1b9 rmse change", repr(runs[d]["metrics"]["rmse"]["last"] -
                                            runs[a]["metrics"]["rmse"]["last"]))
