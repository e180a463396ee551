#!/usr/bin/env python3
# scripts/bench-pandas.py: the pandas + NumPy baseline of scripts/bench.
# It computes what
#   mlw-window --time ts --size 1h LOG | mlw-psi --ref REF --fields FIELDS
# computes, the way a data scientist would in a notebook: read both files
# with pandas.read_json, quantile edges from the reference with
# numpy.quantile (repeated edges merged), categories in order of first
# appearance plus one bin for the others, missing values left out, and
# proportions of exactly 0 replaced by eps = 1e-4 before
# sum((a - e) * ln(a / e)) (see man/mlw-psi.1).
#
# usage: bench-pandas.py --ref REF --fields F1,F2,... [--bins N] LOG
# Prints one JSON line per hour window and field, as mlw-psi does (numbers
# in Python's repr). A baseline to compare speed and memory with, never a
# dependency of mlw: scripts/bench runs it only when pandas imports.
import argparse
import json
import math
import sys

import numpy as np
import pandas as pd

EPS = 1e-4


def column(df, path):
    """The values of a dotted path as a Series (None where missing)."""
    parts = path.split(".")
    s = df[parts[0]] if parts[0] in df else pd.Series([None] * len(df))
    for p in parts[1:]:
        s = s.map(lambda d, p=p: d.get(p) if isinstance(d, dict) else None)
    return s


def category(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    return v


class Field:
    def __init__(self, name, ref, bins):
        self.name = name
        vals = ref.dropna()
        self.categorical = len(vals) and not all(
            isinstance(v, (int, float)) and not isinstance(v, bool)
            for v in vals.iloc[:1])
        if self.categorical:
            cats = pd.unique(vals.map(category))
            self.index = {c: i for i, c in enumerate(cats)}
            self.nbins = len(cats) + 1
        else:
            x = vals.to_numpy(dtype=float)
            q = np.quantile(x, np.arange(1, bins) / bins)
            self.edges = np.unique(q)
            self.nbins = len(self.edges) + 1
        self.ref = self.counts(ref)
        self.ref_n = int(self.ref.sum())

    def counts(self, s):
        s = s.dropna()
        if self.categorical:
            idx = s.map(category).map(self.index).fillna(self.nbins - 1)
            b = idx.to_numpy(dtype=np.int64)
        else:
            b = np.searchsorted(self.edges, s.to_numpy(dtype=float),
                                side="right")
        return np.bincount(b, minlength=self.nbins)


def psi(e, a):
    total = 0.0
    for ee, aa in zip(e, a):
        ee = EPS if ee == 0 else float(ee)
        aa = EPS if aa == 0 else float(aa)
        total += (aa - ee) * math.log(aa / ee)
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref", required=True)
    ap.add_argument("--fields", required=True)
    ap.add_argument("--bins", type=int, default=10)
    ap.add_argument("log")
    a = ap.parse_args()
    names = a.fields.split(",")
    ref = pd.read_json(a.ref, lines=True, dtype=False, convert_dates=False)
    fields = [Field(n, column(ref, n), a.bins) for n in names]
    del ref
    df = pd.read_json(a.log, lines=True, dtype=False, convert_dates=False)
    hour = pd.to_datetime(df["ts"], utc=True).dt.floor("h")
    cols = {f.name: column(df, f.name) for f in fields}
    out = sys.stdout
    for start, rows in hour.groupby(hour).groups.items():
        ws = start.strftime("%Y-%m-%dT%H:%M:%SZ")
        we = (start + pd.Timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        for f in fields:
            s = cols[f.name].loc[rows]
            c = f.counts(s)
            n = int(c.sum())
            out.write(json.dumps({
                "window_start": ws, "window_end": we, "feature": f.name,
                "psi": psi(f.ref / f.ref_n, c / n) if n else None,
                "n": n, "missing": int(len(s) - n), "ref_n": f.ref_n},
                separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
