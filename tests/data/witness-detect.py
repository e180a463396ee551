#!/usr/bin/python3
"""Witness for mlw-detect: River's update rules re-written in plain Python
(from river/drift/page_hinkley.py, cusum.py, adwin.py + adwin_c.pyx,
binary/ddm.py, eddm.py, hddm_a.py, hddm_w.py, kswin.py; River is not
installable here), with scipy.stats.ks_2samp for KSWIN's test. It prints
the values pinned in tests/unit/test_detect.c and tests/mlw-detect.bats.

    /usr/bin/python3 tests/data/witness-detect.py [unit|streams|all]

The streams are the ones tests/mlw-detect.bats makes with awk: the Park-
Miller generator s = 16807 s mod (2^31 - 1), u = s / (2^31 - 1), printed
with %.6f (numbers) or as 0/1 (errors), so both sides read the same text.
"""
import math
import sys
import warnings

from scipy import stats

warnings.simplefilter("ignore", RuntimeWarning)   # as River's KSWIN

INF = float("inf")


def csqrt(x):
    """libc's sqrt, as River's Cython ADWIN calls it: NaN below 0 (the
    window variance can come out a rounding error below 0)."""
    return math.sqrt(x) if x >= 0 else math.nan


class Mean:                      # river.stats.Mean
    def __init__(self):
        self.n = 0.0
        self.m = 0.0

    def update(self, x):
        self.n += 1.0
        self.m += (1.0 / self.n) * (x - self.m)

    def copy(self):
        c = Mean()
        c.n, c.m = self.n, self.m
        return c


class Var:                       # river.stats.Var, ddof=1
    def __init__(self):
        self.mean = Mean()
        self.S = 0.0

    def update(self, x):
        old = self.mean.m
        self.mean.update(x)
        self.S += 1.0 * (x - old) * (x - self.mean.m)

    def get(self):
        return self.S / (self.mean.n - 1) if self.mean.n > 1 else 0.0


class PageHinkley:
    def __init__(self, min_instances=30, delta=0.005, threshold=50.0,
                 alpha=1 - 0.0001, mode="both"):
        self.p = (min_instances, delta, threshold, alpha, mode)
        self.reset()

    def reset(self):
        self.x = Mean()
        self.inc = self.dec = 0.0
        self.min_inc = INF
        self.max_dec = -1

    def update(self, x):
        mi, delta, thr, alpha, mode = self.p
        self.x.update(x)
        dev = x - self.x.m
        self.inc = alpha * self.inc + dev - delta
        self.dec = alpha * self.dec + dev + delta
        self.min_inc = min(self.min_inc, self.inc)
        self.max_dec = max(self.max_dec, self.dec)
        if self.x.n < mi:
            return None, math.nan
        ti, td = self.inc - self.min_inc, self.max_dec - self.dec
        st = ti if mode == "up" else td if mode == "down" else max(ti, td)
        up = mode != "down" and ti > thr
        down = mode != "up" and td > thr
        return ("drift" if up or down else None), st


class CUSUM:
    def __init__(self, warmup=30, k=0.5, h=5.0, mode="both"):
        self.p = (warmup, k, h, mode)
        self.reset()

    def reset(self):
        self.n = 0
        self.v = Var()
        self.ref = None
        self.sigma = 0.0
        self.up = self.down = 0.0

    def update(self, x):
        warmup, kk, hh, mode = self.p
        self.n += 1
        self.v.update(x)
        if self.n < warmup:
            return None, math.nan
        if self.ref is None:
            self.ref = self.v.mean.m
            self.sigma = max(self.v.get(), 0.0) ** 0.5
        k, lim, dev = kk * self.sigma, hh * self.sigma, x - self.ref
        self.up = max(0.0, self.up + dev - k)
        self.down = max(0.0, self.down - dev - k)
        st = (self.up if mode == "up" else self.down if mode == "down"
              else max(self.up, self.down))
        hit = ((mode != "down" and self.up > lim) or
               (mode != "up" and self.down > lim))
        return ("drift" if hit else None), st


class ADWIN:
    """Rows of [total, variance] buckets, row r of 2**r values, oldest
    first in each row; rows[0] the newest."""

    def __init__(self, delta=0.002, clock=32, max_buckets=5,
                 min_window_length=5, grace_period=10):
        self.p = (delta, clock, max_buckets, min_window_length, grace_period)
        self.reset()

    def reset(self):
        self.rows = [[]]
        self.width = 0.0
        self.total = 0.0
        self.variance = 0.0
        self.tick = 0

    def _insert(self, x):
        mb = self.p[2]
        self.rows[0].append([x, 0.0])
        self.width += 1
        if self.width > 1.0:
            t = self.total / (self.width - 1.0)
            self.variance += (self.width - 1.0) * (x - t) * (x - t) / self.width
        self.total += x
        r = 0
        while r < len(self.rows) and len(self.rows[r]) == mb + 1:
            if r + 1 == len(self.rows):
                self.rows.append([])
            n1 = float(2 ** r)
            (t1, v1), (t2, v2) = self.rows[r][0], self.rows[r][1]
            d = t1 / n1 - t2 / n1
            self.rows[r + 1].append([t1 + t2, v1 + v2 + n1 * 0.5 * d * d])
            del self.rows[r][:2]
            if len(self.rows[r + 1]) <= mb:
                break
            r += 1

    def _delete(self):
        r = len(self.rows) - 1
        n = float(2 ** r)
        u, v = self.rows[r][0]
        mu = u / n
        self.width -= n
        self.total -= u
        muw = self.total / self.width
        self.variance -= v + n * self.width * (mu - muw) * (mu - muw) / (n + self.width)
        del self.rows[r][0]
        if not self.rows[r]:
            self.rows.pop()
        return n

    def _cut(self, n0, n1, dm):
        delta, mwl = self.p[0], self.p[3]
        dp = math.log(2 * math.log(self.width) / delta)
        m = (1.0 / (n0 - mwl + 1)) + (1.0 / (n1 - mwl + 1))
        eps = csqrt(2 * m * (self.variance / self.width) * dp) + 2.0 / 3.0 * dp * m
        return abs(dm) > eps

    def update(self, x):
        delta, clock, mb, mwl, grace = self.p
        self._insert(x)
        self.tick += 1
        st, change = math.nan, False
        if self.tick % clock == 0 and self.width > grace:
            reduce = True
            while reduce:
                reduce = done = False
                n0, n1, u0, u1 = 0.0, self.width, 0.0, self.total
                for r in range(len(self.rows) - 1, -1, -1):
                    if done:
                        break
                    size = float(2 ** r)
                    c = len(self.rows[r])
                    for k in range(c):
                        t = self.rows[r][k][0]
                        n0 += size
                        n1 -= size
                        u0 += t
                        u1 -= t
                        if r == 0 and k == c - 1:
                            done = True
                            break
                        dm = (u0 / n0) - (u1 / n1)
                        if n1 >= mwl and n0 >= mwl and self._cut(n0, n1, dm):
                            if not change:
                                st = abs(dm)
                            reduce = change = True
                            if self.width > 0:
                                n0 -= self._delete()
                                done = True
                                break
        return ("drift" if change else None), st


class DDM:
    def __init__(self, warm_start=30, warning_threshold=2.0, drift_threshold=3.0):
        self.p = (warm_start, warning_threshold, drift_threshold)
        self.reset()

    def reset(self):
        self.m = Mean()
        self.p_min = self.s_min = self.ps_min = INF
        self.warning = False

    def update(self, x):
        ws, wt, dt = self.p
        self.m.update(x)
        p, n = self.m.m, self.m.n
        s = math.sqrt(p * (1 - p) / n)
        if n > ws:
            if p + s <= self.ps_min:
                self.p_min, self.s_min = p, s
                self.ps_min = self.p_min + self.s_min
            self.warning = p + s > self.p_min + wt * self.s_min
            if p + s > self.p_min + dt * self.s_min:
                self.warning = False
                return "drift", p + s
        return ("warning" if self.warning else None), p + s


class EDDM:
    def __init__(self, warm_start=30, alpha=0.95, beta=0.9):
        self.p = (warm_start, alpha, beta)
        self.reset()

    def reset(self):
        self.dist = Var()
        self.n = 0
        self.last = 0
        self.nerr = 0
        self.max = -1
        self.warning = False

    def update(self, x):
        ws, alpha, beta = self.p
        self.n += 1
        st = math.nan
        if x == 1:
            self.nerr += 1
            self.dist.update(self.n - self.last)
            if self.n > ws:
                p2s = self.dist.mean.m + 2 * self.dist.get() ** 0.5
                if p2s > self.max:
                    self.max = p2s
                elif self.nerr > ws:
                    st = p2s / self.max
                    if st < beta:
                        return "drift", st
                    self.warning = st < alpha
            self.last = self.n
        return ("warning" if self.warning else None), st


class HDDMA:
    def __init__(self, drift_confidence=0.001, warning_confidence=0.005,
                 two_sided=False):
        self.p = (drift_confidence, warning_confidence, two_sided)
        self.reset()

    def reset(self):
        self.z, self.lo, self.hi = Mean(), Mean(), Mean()

    def _bound(self, n):
        return math.sqrt(1.0 / (2 * n) * math.log(1.0 / self.p[0]))

    def _changed(self, c, conf, up):
        if c.n == self.z.n:
            return False
        m = (self.z.n - c.n) / c.n * (1.0 / self.z.n)
        eps = math.sqrt(m / 2 * math.log(2.0 / conf))
        return (self.z.m - c.m if up else c.m - self.z.m) >= eps

    def update(self, x):
        dc, wc, two = self.p
        self.z.update(x)
        if self.lo.n == 0:
            self.lo = self.z.copy()
        if self.hi.n == 0:
            self.hi = self.z.copy()
        ez = self._bound(self.z.n)
        if self.lo.m + self._bound(self.lo.n) >= self.z.m + ez:
            self.lo = self.z.copy()
        if self.hi.m - self._bound(self.hi.n) <= self.z.m - ez:
            self.hi = self.z.copy()
        st = self.z.m - self.lo.m
        res = None
        if self._changed(self.lo, dc, True):
            res = "drift"
        elif self._changed(self.lo, wc, True):
            res = "warning"
        if two:
            if self._changed(self.hi, dc, False):
                res, st = "drift", self.hi.m - self.z.m
            elif self._changed(self.hi, wc, False) and res is None:
                res, st = "warning", self.hi.m - self.z.m
        return res, st


class Sample:                    # HDDMW's SampleInfo with River's EWMean
    def __init__(self, lam):
        self.lam = lam
        self.ewma = 0.0
        self.init = False
        self.ibc = 1.0

    def update(self, x):
        lam = self.lam
        # River >= 0.24 (rust_src/ewmean.rs): the first value, then the EWMA
        self.ewma = lam * x + (1 - lam) * self.ewma if self.init else x
        self.init = True
        self.ibc = lam * lam + (1 - lam) ** 2 * self.ibc

    def copy(self):
        c = Sample(self.lam)
        c.ewma, c.init, c.ibc = self.ewma, self.init, self.ibc
        return c


class HDDMW:
    def __init__(self, drift_confidence=0.001, warning_confidence=0.005,
                 lambda_val=0.05, two_sided=False):
        self.p = (drift_confidence, warning_confidence, lambda_val, two_sided)
        self.reset()

    def reset(self):
        lam = self.p[2]
        self.total = Sample(lam)
        self.s1d, self.s1i, self.s2d, self.s2i = (Sample(lam), Sample(lam),
                                                  Sample(lam), Sample(lam))
        self.icut, self.dcut = INF, -INF

    @staticmethod
    def _bound(ibc, conf):
        return math.sqrt(ibc * math.log(1 / conf) / 2)

    def _changed(self, s1, s2, conf):
        if not (s1.init and s2.init):
            return False
        return s2.ewma - s1.ewma > self._bound(s1.ibc + s2.ibc, conf)

    def update(self, x):
        dc, wc, lam, two = self.p
        self.total.update(x)
        eps = self._bound(self.total.ibc, dc)
        if self.total.ewma + eps < self.icut:
            self.icut = self.total.ewma + eps
            self.s1i, self.s2i = self.total.copy(), Sample(lam)
        else:
            self.s2i.update(x)
        st = (self.s2i.ewma - self.s1i.ewma
              if self.s1i.init and self.s2i.init else math.nan)
        res = None
        if self._changed(self.s1i, self.s2i, dc):
            res = "drift"
        elif self._changed(self.s1i, self.s2i, wc):
            res = "warning"
        eps = self._bound(self.total.ibc, dc)
        if self.total.ewma - eps > self.dcut:
            self.dcut = self.total.ewma - eps
            self.s1d, self.s2d = self.total.copy(), Sample(lam)
        else:
            self.s2d.update(x)
        if two:
            if self._changed(self.s2d, self.s1d, dc):
                res, st = "drift", self.s1d.ewma - self.s2d.ewma
            elif self._changed(self.s2d, self.s1d, wc) and res is None:
                res, st = "warning", self.s1d.ewma - self.s2d.ewma
        return res, st


M64 = (1 << 64) - 1


def splitmix64(state):
    """(new state, output): Vigna's splitmix64.c."""
    state = (state + 0x9E3779B97F4A7C15) & M64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return state, z ^ (z >> 31)


class KSWIN:
    def __init__(self, alpha=0.005, window_size=100, stat_size=30, seed=0):
        self.p = (alpha, window_size, stat_size, seed)
        self.reset()

    def reset(self):
        self.win = []
        self.rng = self.p[3]

    def below(self, n):
        t = (1 << 64) % n
        while True:
            self.rng, x = splitmix64(self.rng)
            if x >= t:
                return x % n

    def update(self, x):
        alpha, ws, r, _ = self.p
        self.win.append(x)
        if len(self.win) > ws:
            self.win.pop(0)
        if len(self.win) < ws:
            return None, math.nan, math.nan
        m = ws - r
        idx = list(range(m))
        for i in range(r):
            j = i + self.below(m - i)
            idx[i], idx[j] = idx[j], idx[i]
        a = [self.win[idx[i]] for i in range(r)]
        b = self.win[m:]
        res = stats.ks_2samp(a, b, method="auto")
        st, p = float(res.statistic), float(res.pvalue)
        return ("drift" if p <= alpha and st > 0.1 else None), st, p


def run(det, xs):
    """The change records mlw-detect writes: (index, change, stat[, p]),
    a warning only when the zone is entered, a reset after each drift."""
    out, warned = [], False
    for i, x in enumerate(xs):
        r = det.update(x)
        res = r[0]
        if res == "warning" and warned:
            res = None
        else:
            warned = res == "warning"
        if res:
            out.append((i, res) + tuple(r[1:]))
        if r[0] == "drift":
            det.reset()
    return out


def lcg(seed, n):
    s = seed
    for _ in range(n):
        s = (16807 * s) % 2147483647
        yield s / 2147483647


def num_stream(seed, n1, n2, shift):
    """n1 values u, then n2 values u + shift, as awk prints them (%.6f)."""
    xs = []
    for i, u in enumerate(lcg(seed, n1 + n2)):
        xs.append(float("%.6f" % (u + (shift if i >= n1 else 0))))
    return xs


def bin_stream(seed, n1, p1, n2, p2):
    return [1 if u < (p1 if i < n1 else p2) else 0
            for i, u in enumerate(lcg(seed, n1 + n2))]


def g(x):
    """%.17g, as the C tests print and compare doubles."""
    return "%.17g" % x if x == x else "nan"


def fmt(x):
    """A number as mlw prints it: the shortest of %.15g, %.16g, %.17g that
    reads back the same; null when not finite."""
    if x != x or x in (INF, -INF):
        return "null"
    for p in (15, 16, 17):
        t = "%.*g" % (p, x)
        if float(t) == x:
            return t
    return t


def members(name, recs):
    """The members mlw-detect appends to each change record."""
    lines = []
    for r in recs:
        t = '"change":"%s","method":"%s","index":%d,"statistic":%s' % (
            r[1], name, r[0], fmt(r[2]))
        if len(r) > 3:
            t += ',"p_value":%s' % fmt(r[3])
        lines.append(t)
    return lines


def show(name, recs):
    print("%s:" % name, " ".join(
        "%d:%s:%s" % (r[0], r[1], ",".join(g(v) for v in r[2:]))
        for r in recs) or "-")


def raw(det, xs):
    """Each update's (result, statistic[, p]) as lib/detect.c returns
    them: warnings every time, a reset after a drift."""
    out = []
    for x in xs:
        r = det.update(x)
        out.append((r[0] or "none",) + tuple(g(v) for v in r[1:]))
        if r[0] == "drift":
            det.reset()
    return out


def unit():
    """The values pinned in tests/unit/test_detect.c."""
    print("# unit (tests/unit/test_detect.c)")
    print("page-hinkley", raw(PageHinkley(min_instances=3, delta=0.5,
          threshold=2, alpha=1), [1, 1, 1, 5, 5, 5]))
    print("page-hinkley down", raw(PageHinkley(min_instances=3, delta=0.5,
          threshold=2, alpha=1, mode="down"), [1, 1, 1, 5, 5, 5]))
    print("cusum", raw(CUSUM(warmup=4, k=0.5, h=2), [1, 2, 3, 2, 2, 5, 6]))
    print("adwin", [(i, r) for i, r in enumerate(raw(
        ADWIN(clock=1, grace_period=5, min_window_length=2),
        [0, 1] * 8 + [5, 6] * 8)) if r[0] != "none"])
    print("ddm", raw(DDM(warm_start=3), [0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1]))
    print("eddm", raw(EDDM(warm_start=2), [1, 0, 0, 1, 0, 0, 1, 1, 1, 1]))
    print("hddm-a", list(enumerate(raw(HDDMA(), [0] * 20 + [1] * 6)))[19:])
    print("hddm-w", [(i, r) for i, r in enumerate(raw(HDDMW(),
          [0] * 20 + [1] * 25)) if r[0] != "none"])
    print("hddm-w 2", [(i, r) for i, r in enumerate(raw(HDDMW(),
          [0] * 20 + [1, 0] * 3 + [1] * 30)) if r[0] != "none"])
    for a, b in [([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]),
                 ([1, 2, 3, 4, 5], [3, 4, 5, 6, 7]),
                 ([1, 1, 2, 2, 3], [1, 2, 2, 3, 3]),
                 (list(range(30)), list(range(20, 50)))]:
        r = stats.ks_2samp(a, b, method="auto")
        print("ks_2samp", a[:5], b[:5], g(r.statistic), g(r.pvalue))
    print("kswin halves", raw(KSWIN(alpha=1, window_size=10, stat_size=5),
                              [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])[-1])
    s, outs = 0, []
    for _ in range(3):
        s, z = splitmix64(s)
        outs.append("0x%016x" % z)
    print("splitmix64 from 0", outs)


def streams():
    """The change records pinned in tests/mlw-detect.bats: the members
    mlw-detect appends, one line per record."""
    print("# streams (tests/mlw-detect.bats)")
    num = num_stream(12345, 1000, 1000, 1.0)
    bits = bin_stream(4242, 1000, 0.05, 1000, 0.5)
    cases = [
        ("page-hinkley", num, PageHinkley()),
        ("page-hinkley --mode up", num, PageHinkley(mode="up")),
        ("cusum", num, CUSUM()),
        ("adwin", num, ADWIN()),
        ("kswin --alpha 0.0001", num, KSWIN(alpha=0.0001)),
        ("kswin --alpha 0.0001 --seed 7", num, KSWIN(alpha=0.0001, seed=7)),
        ("kswin (default alpha)", num, KSWIN()),
        ("ddm", bits, DDM()),
        ("eddm", bits, EDDM()),
        ("hddm-a", bits, HDDMA()),
        ("hddm-w", bits, HDDMW()),
        ("adwin on bits", bits, ADWIN()),
    ]
    for name, xs, det in cases:
        print("==", name)
        for line in members(name.split()[0], run(det, xs)):
            print(line)
    print("== constant streams of 5000 values: no change for any method")
    for name, d in [("page-hinkley", PageHinkley()), ("cusum", CUSUM()),
                    ("adwin", ADWIN()), ("kswin", KSWIN())]:
        assert not run(d, [0.5] * 5000), name
    for name, d in [("ddm", DDM()), ("eddm", EDDM()), ("hddm-a", HDDMA()),
                    ("hddm-w", HDDMW())]:
        assert not run(d, [0] * 5000) and not run(d.__class__(), [1] * 5000), name
    print("ok")
    print("== grace: 0,0,0 then 100s (adwin --clock 1; page-hinkley)")
    step = [0.0] * 3 + [100.0] * 60
    print(members("adwin", run(ADWIN(clock=1), step))[:1])
    print(members("page-hinkley", run(PageHinkley(threshold=5), step))[:1])
    print(members("ddm", run(DDM(), [0] * 3 + [1] * 60))[:1])


def compare(files):
    """compare FILE METHOD FIELD [k=v ...]: the expected members, one line
    per change record, for a JSON Lines file (used by hand to check
    bin/mlw-detect against this witness on random streams)."""
    import json
    path, method, field = files[:3]
    kw = {}
    for a in files[3:]:
        k, v = a.split("=")
        kw[k] = v if k == "mode" else (
            True if v == "true" else float(v) if "." in v or "e" in v else int(v))
    cls = {"page-hinkley": PageHinkley, "cusum": CUSUM, "adwin": ADWIN,
           "ddm": DDM, "eddm": EDDM, "hddm-a": HDDMA, "hddm-w": HDDMW,
           "kswin": KSWIN}[method]
    xs = [json.loads(line)[field] for line in open(path)]
    for line in members(method, run(cls(**kw), xs)):
        print(line)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "compare":
        compare(sys.argv[2:])
        sys.exit(0)
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    if what in ("unit", "all"):
        unit()
    if what in ("streams", "all"):
        streams()
