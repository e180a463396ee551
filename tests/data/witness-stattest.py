#!/usr/bin/python3
# Witness for tests/unit/test_stattest.c: computes with SciPy 1.10.1 and
# NumPy 1.24 (Debian python3-scipy, python3-numpy) the values the C unit
# test pins, and prints the C tables (or, with --update, rewrites the block
# between the GENERATED markers of tests/unit/test_stattest.c). Run by hand
# from the worktree root; the tests never run Python.
#
# Samples are either small literals (the same decimal text in C) or come
# from a 64-bit LCG written identically in C (gen() in the test): every
# step is exact integer or IEEE double arithmetic in the same order, so
# both languages get the same doubles on any machine. Samples are passed
# to SciPy sorted, as mlw passes them (sums then run in the same order).
import math, sys, warnings
import numpy as np
import scipy
from scipy import stats
from scipy.stats import _stats_py

warnings.simplefilter("ignore")
assert scipy.__version__ == "1.10.1", scipy.__version__

M64 = (1 << 64) - 1


def gen(seed, n, kind, shift, scale):
    """LCG (Knuth's MMIX constants); u = top 53 bits / 2^53; a value is
    the sum of 4 uniforms minus 2 (Irwin-Hall, sd 0.577), times scale, plus
    shift; kind 1 rounds it to a grid of 0.1 (ties): floor(v * 10) / 10."""
    x = seed & M64
    out = []
    for _ in range(n):
        s = 0.0
        for _ in range(4):
            x = (x * 6364136223846793005 + 1442695040888963407) & M64
            s += (x >> 11) * (1.0 / 9007199254740992.0)
        v = (s - 2.0) * scale + shift
        if kind == 1:
            v = math.floor(v * 10.0) / 10.0
        out.append(v)
    return sorted(out)


# literal small samples (normal draws, 4 decimals)
L = {
    "a5": [0.4967, -0.1383, 0.6477, 1.523, -0.2342],
    "b7": [-0.2341, 1.5792, 0.7674, -0.4695, 0.5426, -0.4634, -0.4657],
    "t6": [1.0, 2.0, 2.0, 3.0, 5.0, 5.0],
    "t8": [2.0, 2.0, 3.0, 4.0, 5.0, 5.0, 5.0, 7.0],
    "one1": [0.5], "one2": [1.5], "two1": [0.1, 0.7], "two2": [0.3, 1.1],
    "three": [-1.0, 0.2, 0.9],
    "sep10": [0.1 * i for i in range(1, 11)],
    "sep12": [5.0 + 0.25 * i for i in range(12)],
    "c10": [0.8, 1.9, -0.4, 0.05, 1.1, 0.66, -1.3, 0.27, 2.2, -0.75],
    "c15": [0.3, 1.2, -0.9, 0.45, 1.7, 0.12, -0.2, 0.95, 2.6, -1.1, 0.61,
            1.35, -0.05, 0.8, 1.05],
    "k3": [1.0, 2.0, 3.0],
    "k4": [1.5, 2.5, 3.5, 4.5],
    "const3": [2.5, 2.5, 2.5], "const4": [4.0, 4.0, 4.0, 4.0],
    "const5": [2.5, 2.5, 2.5, 2.5, 2.5],
    "mid4": [1.0, 4.0, 5.0, 8.0], "mid4b": [2.0, 3.0, 6.0, 7.0],
}
for k in L:
    L[k] = sorted(L[k])


def spec_values(spec):
    if isinstance(spec, str):
        return L[spec]
    return gen(*spec)


# (name, a spec, b spec); a spec is a literal name or (seed, n, kind, shift,
# scale) for gen().
CASES = [
    ("small 5 vs 7", "a5", "b7"),
    ("ties 6 vs 8", "t6", "t8"),
    ("n=1 vs n=1", "one1", "one2"),
    ("n=1 vs n=1 equal", "one1", "one1"),
    ("n=1 vs n=3", "one2", "three"),
    ("n=2 vs n=2", "two1", "two2"),
    ("n=2 vs n=3", "two1", "three"),
    ("separated 10 vs 12", "sep10", "sep12"),
    ("cvm exact 10 vs 15", "c10", "c15"),
    ("exact mwu 3 vs 4", "k3", "k4"),
    ("constant 3 vs constant 4", "const3", "const4"),
    ("constant 3 vs constant 5 equal", "const3", "const5"),
    ("constant vs spread", "const5", "c10"),
    ("mwu exact U at the centre", "mid4", "mid4b"),
    ("identical 30", (7, 30, 0, 0.0, 1.0), (7, 30, 0, 0.0, 1.0)),
    ("identical ties 40", (8, 40, 1, 0.0, 1.0), (8, 40, 1, 0.0, 1.0)),
    ("overlap 200 vs 300", (11, 200, 0, 0.0, 1.0), (12, 300, 0, 0.05, 1.0)),
    ("shift 150 vs 120", (13, 150, 0, 0.0, 1.0), (14, 120, 0, 0.3, 1.2)),
    ("ties 500 vs 400", (15, 500, 1, 0.0, 1.0), (16, 400, 1, 0.1, 1.0)),
    ("mwu exact 5 vs 200", (17, 5, 0, 0.0, 1.0), (18, 200, 0, 0.2, 1.0)),
    ("mwu exact 8 vs 60", (19, 8, 0, 0.5, 1.0), (20, 60, 0, 0.0, 1.0)),
    ("cvm exact 20 vs 18", (21, 20, 0, 0.0, 1.0), (22, 18, 0, 0.4, 1.0)),
    ("cvm exact ties 12 vs 9", (23, 12, 1, 0.0, 1.0), (24, 9, 1, 0.1, 1.0)),
    ("large 2000 vs 3000", (25, 2000, 0, 0.0, 1.0), (26, 3000, 0, 0.03, 1.0)),
    ("large ties 5000 vs 4000", (27, 5000, 1, 0.0, 1.0), (28, 4000, 1, 0.0, 1.05)),
    ("square 10000 vs 10000", (29, 10000, 0, 0.0, 1.0), (30, 10000, 0, 0.02, 1.0)),
    ("asymp 12000 vs 9000", (31, 12000, 0, 0.0, 1.0), (32, 9000, 0, 0.01, 1.0)),
    ("asymp 20000 vs 20000", (33, 20000, 0, 0.0, 1.0), (34, 20000, 0, 0.0, 1.0)),
    ("asymp 20001 vs 150", (35, 20001, 0, 0.0, 1.0), (36, 150, 0, 0.1, 1.0)),
    ("asymp drift 15000 vs 11000", (37, 15000, 0, 0.0, 1.0), (38, 11000, 0, 0.05, 1.1)),
    ("exact 7000 vs 600", (39, 7000, 0, 0.0, 1.0), (40, 600, 0, 0.1, 1.0)),
]


def safe(f):
    try:
        r = f()
        return (float(r.statistic) if hasattr(r, "statistic") else float(r[0]),
                float(r.pvalue) if hasattr(r, "pvalue") else float(r[1]))
    except (ValueError, IndexError):
        return (math.nan, math.nan)


def run_case(a, b):
    A, B = np.array(a), np.array(b)
    out = {}
    out["ks"] = safe(lambda: stats.ks_2samp(A, B))
    out["mwu"] = safe(lambda: stats.mannwhitneyu(A, B))
    out["tt"] = safe(lambda: stats.ttest_ind(A, B))
    out["welch"] = safe(lambda: stats.ttest_ind(A, B, equal_var=False))

    def ad():
        r = stats.anderson_ksamp([A, B])
        return (r.statistic, r.significance_level)
    out["ad"] = safe(ad)
    out["cvm"] = safe(lambda: stats.cramervonmises_2samp(A, B))
    out["energy"] = (float(stats.energy_distance(A, B)), math.nan)
    out["wass"] = (float(stats.wasserstein_distance(A, B)), math.nan)
    return out


def c(x):
    if math.isnan(x):
        return "NAN"
    if math.isinf(x):
        return "INFINITY" if x > 0 else "-INFINITY"
    return repr(float(x))


def spec_c(spec):
    if isinstance(spec, str):
        return "{ %s, %d, 0, 0, 0, 0 }" % ("L_" + spec, len(L[spec]))
    seed, n, kind, shift, scale = spec
    return "{ NULL, %d, %d, %s, %s, %d }" % (n, kind, c(shift), c(scale), seed)


KEYS = ["ks", "mwu", "tt", "welch", "ad", "cvm", "energy", "wass"]


def main():
    out = []
    w = out.append
    w("/* ---- generated by tests/data/witness-stattest.py (SciPy %s, "
      "NumPy %s) ---- */" % (scipy.__version__, np.__version__))
    for k, v in L.items():
        w("static const double L_%s[] = { %s };" % (k, ", ".join(c(x) for x in v)))
    w("")
    w("/* per case: stat and p of ks_2samp, mannwhitneyu, ttest_ind,")
    w(" * ttest_ind(equal_var=False), anderson_ksamp (statistic,")
    w(" * significance_level), cramervonmises_2samp, energy_distance,")
    w(" * wasserstein_distance (p NAN); NAN where SciPy raises ValueError */")
    w("static const struct tcase cases[] = {")
    for name, sa, sb in CASES:
        a, b = spec_values(sa), spec_values(sb)
        r = run_case(a, b)
        vals = ", ".join("{ %s, %s }" % (c(r[k][0]), c(r[k][1])) for k in KEYS)
        w("\t{ \"%s\", %s, %s,\n\t    { %s } }," % (name, spec_c(sa), spec_c(sb), vals))
    w("};")
    w("")
    # distribution functions
    w("/* scipy.stats.norm.sf(x) */")
    pts = [-40.0, -8.5, -3.0, -1.0, -0.5, 0.0, 1e-10, 0.3, 0.7071, 1.0, 1.5,
           2.5, 5.0, 8.3, 12.0, 20.0, 37.5]
    w("static const double norm_cases[][2] = {")
    for x in pts:
        w("\t{ %s, %s }," % (c(x), c(stats.norm.sf(x))))
    w("};")
    w("/* scipy.stats.chi2.sf(x, df) */")
    w("static const double chi2_cases[][3] = {")
    for x, df in [(0.5, 1), (3.84, 1), (30.0, 1), (200.0, 1), (1e-6, 1),
                  (2.0, 2), (10.0, 3), (0.1, 5), (50.0, 7), (7.5, 7.5),
                  (150.0, 100), (80.0, 100), (120.0, 100), (1200.0, 999),
                  (900.0, 999), (20000.0, 20001), (1e4, 30), (0.0, 4)]:
        w("\t{ %s, %s, %s }," % (c(x), c(df), c(stats.chi2.sf(x, df))))
    w("};")
    w("/* scipy.stats.t.sf(t, df) */")
    w("static const double t_cases[][3] = {")
    for t, df in [(0.0, 5), (0.5, 1), (2.0, 1), (50.0, 1), (1.3, 3),
                  (-1.3, 3), (2.1, 10), (6.0, 10), (40.0, 10), (1.96, 1000),
                  (10.0, 40000), (0.01, 40000), (3.3, 17.25), (25.0, 2.5),
                  (1e-8, 7), (300.0, 30), (4.0, 123456.7)]:
        w("\t{ %s, %s, %s }," % (c(t), c(df), c(stats.t.sf(t, df))))
    w("};")
    w("/* scipy.stats.kstwo.sf(d, n): each branch of _kolmogn */")
    w("static const double kstwo_cases[][3] = {")
    for d, n in [(0.3, 1), (0.6, 1), (0.2, 2), (0.4, 3), (0.9, 5),
                 (0.15, 10), (0.25, 10), (0.5, 10), (0.55, 20),
                 (0.1, 30), (0.2, 30), (0.35, 30), (0.05, 100), (0.12, 140),
                 (0.3, 140), (0.004, 150), (0.03, 150), (0.09, 200),
                 (0.15, 200), (0.01, 1000), (0.04, 1000), (0.06, 1000),
                 (0.2, 1000), (0.005, 5000), (0.02, 5000), (0.03, 5000),
                 (0.003, 20000), (0.008, 20000), (0.012, 20000),
                 (0.002, 120000), (0.005, 120000), (0.001, 1000000),
                 (0.0004, 10000)]:
        w("\t{ %s, %s, %s }," % (c(d), c(n), c(stats.kstwo.sf(d, n))))
    w("};")
    w("/* scipy.stats.chisquare(obs, exp) */")
    chis = [([10, 20, 30], [15, 20, 25]),
            ([5, 0, 7, 8], [4, 4, 6, 6]),
            ([100, 0], [99.5, 0.5]),
            ([1, 2], [1.5, 1.5]),
            ([3, 3, 3], [3, 3, 3]),
            ([50, 60, 70, 80, 90, 100, 110], [80, 80, 80, 80, 80, 80, 80]),
            ([0, 10], [0, 10]),
            ([4, 6], [0, 10]),
            ([10, 20], [10, 21]),
            ([7], [7])]
    w("static const struct ccase chi_cases[] = {")
    for o, e in chis:
        r = safe(lambda: stats.chisquare(o, e))
        w("\t{ %d, { %s }, { %s }, %s, %s }," % (
            len(o), ", ".join(c(x) for x in o), ", ".join(c(x) for x in e),
            c(r[0]), c(r[1])))
    w("};")
    w("/* scipy.stats.fisher_exact([[a, b], [c, d]]) */")
    fis = [(8, 2, 1, 5), (1, 9, 11, 3), (0, 5, 5, 0), (3, 3, 3, 3),
           (10, 10, 10, 10), (0, 0, 4, 5), (12, 5, 0, 0), (0, 10, 0, 7),
           (2, 7, 8, 2), (20, 1, 2, 30), (100, 150, 130, 120),
           (500, 480, 450, 530), (1, 0, 0, 1), (5, 0, 0, 5), (3, 1, 1, 3),
           (1000, 2000, 1500, 1400), (7, 12, 3, 22), (0, 50, 30, 20),
           (40, 60, 60, 40), (2, 3, 4, 1), (0, 10, 1, 1), (1, 1, 0, 10),
           (9, 1, 0, 3), (30, 70, 45, 55), (15, 2, 3, 300),
           (2000, 3000, 2100, 2900)]
    w("static const double fisher_cases[][6] = {")
    for a, b, cc, d in fis:
        r = stats.fisher_exact([[a, b], [cc, d]])
        w("\t{ %d, %d, %d, %d, %s, %s }," % (a, b, cc, d, c(r[0]), c(r[1])))
    w("};")
    # Evidently's z test, its formula written out with SciPy's norm.cdf
    w("/* Evidently z_stat_test: z = (p1-p2)/sqrt(P(1-P)(1/n1+1/n2)),")
    w(" * p = 2 (1 - norm.cdf(|z|)), in NumPy as z_stattest.py computes */")
    zs = [(30, 100, 45, 120), (0, 50, 3, 40), (10, 10, 2, 10),
          (500, 1000, 520, 1000), (1, 3, 2, 3), (0, 10, 0, 20),
          (10, 10, 20, 20), (4000, 10000, 2000, 10000), (7, 9, 1, 9)]
    w("static const double z_cases[][6] = {")
    for x1, n1, x2, n2 in zs:
        ref = np.array([1] * x1 + [0] * (n1 - x1))
        cur = np.array([1] * x2 + [0] * (n2 - x2))
        if (x1 in (0, n1)) and (x2 in (0, n2)) and (x1 > 0) == (x2 > 0):
            z, p = math.nan, 1.0      # Evidently's "one same value" case
        else:
            p1 = float(sum(ref)) / n1
            p2 = float(sum(cur)) / n2
            P = float(p1 * n1 + p2 * n2) / (n1 + n2)
            z = (p1 - p2) / np.sqrt(P * (1 - P) * (1.0 / n1 + 1.0 / n2))
            p = 2 * (1 - stats.norm.cdf(np.abs(z)))
        w("\t{ %d, %d, %d, %d, %s, %s }," % (x1, n1, x2, n2, c(z), c(p)))
    w("};")
    w("/* ---- end of generated block ---- */")
    text = "\n".join(out) + "\n"
    if len(sys.argv) > 1 and sys.argv[1] == "--update":
        path = "tests/unit/test_stattest.c"
        src = open(path).read()
        b = src.index("/* BEGIN GENERATED */\n") + len("/* BEGIN GENERATED */\n")
        e = src.index("/* END GENERATED */")
        open(path, "w").write(src[:b] + text + src[e:])
    else:
        sys.stdout.write(text)


main()
