#!/usr/bin/python3
# Witness for tests/mlw-mvdrift.bats. Writes the fixtures mv-ref.jsonl and
# mv-cur.jsonl (two models; numbers x, y = 0.7 x + noise, z with nulls, a
# category with nulls, a 6-number embedding; three hourly windows, the
# third with y's relation to x reversed, an unseen category and a moved
# embedding), mv-ref5.jsonl and mv-cur5.jsonl (5 + 5 embeddings), and
# mv-expect.tsv, the numbers mlw-mvdrift must print for them: RUN WINDOW
# SEGMENT METHOD STAT VALUE, tab separated (RUN names the command line in
# the test).
#
# Each number is computed independently, with NumPy 1.24 and scikit-learn
# 1.2, from the definitions:
# - encoding, NannyML's DataReconstructionDriftCalculator: SimpleImputer
#   mean for numbers (math.fsum / count), most_frequent for categories
#   (ties to the smallest), then each category its share of the imputed
#   reference (category_encoders' CountEncoder(normalize=True)), an unseen
#   one 0;
# - pca: sklearn StandardScaler + PCA(n_components=0.65,
#   svd_solver="full"); record error np.linalg.norm(z - inverse_transform(
#   transform(z))); window mean; thresholds from the reference in chunks
#   of n // 10 (last partial kept): mean +- 3 pandas std (ddof 1), lower
#   clipped at 0; sampling error std(ddof 1) of the reference errors /
#   sqrt(n); with --thresholds cross-fit, each chunk's errors under the
#   StandardScaler and PCA fitted on the other chunks;
# - samples (mmd, classifier): the records with the smallest priority,
#   FNV-1a 64 over the seed's little-endian bytes and the record's line
#   (as mlw-window wrote it, for the windowed input) then MurmurHash3's
#   fmix64, sorted by (priority, values); standardized with the
#   reference's mean and ddof-0 sd (math.fsum);
# - mmd: the unbiased MMD^2 of Gretton et al. 2012 (eq. 3) with the
#   kernel exp(-d^2 / (2 sigma^2)), sigma = sqrt(median(d^2 of the
#   reference sample's pairs) / 2); p-value: every split
#   (itertools.combinations) when there are at most B, else B Fisher-Yates
#   shuffles driven by SplitMix64 from the seed, (k + 1) / (B + 1);
# - classifier: sklearn PolynomialFeatures(2, include_bias=False) of the
#   standardized samples, LogisticRegression(C=1, solver="newton-cholesky",
#   tol=1e-12) per fold (the j-th record of each side in fold
#   j mod 5), roc_auc_score of the pooled out-of-fold probabilities;
# - meandist: the Euclidean and cosine distances of the mean vectors
#   (math.fsum means) of the encoded values.
# Run by hand: /usr/bin/python3 witness-mvdrift.py; the tests never run it.
import itertools
import json
import math
import os
import struct

import numpy as np
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
WINDOWS = ["2026-11-01T00:00:00Z", "2026-11-01T01:00:00Z",
           "2026-11-01T02:00:00Z"]
M64 = (1 << 64) - 1
out = []


def emit(run, window, segment, method, stat, value):
    if isinstance(value, (bool, np.bool_)):
        v = "true" if value else "false"
    elif value is None or (isinstance(value, float) and math.isnan(value)):
        v = "null"
    else:
        v = repr(float(value)) if not isinstance(value, int) else str(value)
    out.append("\t".join([run, window, segment, method, stat, v]))


# ---------------- data ----------------
rng = np.random.default_rng(20261207)


def record(ts, model, shifted):
    x = rng.normal()
    if model == "m2":
        x = x * 2 + 1
    y = (-0.7 if shifted else 0.7) * x + 0.5 * rng.normal()
    z = None if rng.random() < 0.06 else round(float(rng.uniform(0, 100)), 3)
    cats = ["a", "b", "c", "d"] if shifted else ["a", "b", "c"]
    p = [0.4, 0.3, 0.2, 0.1] if shifted else [0.5, 0.3, 0.2]
    cat = None if rng.random() < 0.04 else str(rng.choice(cats, p=p))
    e = rng.normal(size=6)
    e[1] = 0.8 * e[0] + 0.6 * e[1]
    if shifted:
        e[2] += 0.8
    r = {"ts": ts, "model": model, "x": round(float(x), 4),
         "y": round(float(y), 4)}
    if z is not None:
        r["z"] = z
    r["cat"] = cat
    r["emb"] = [round(float(v), 4) for v in e]
    return r


ref = []
for i in range(600):
    ref.append(record("2026-10-01T00:%02d:%02dZ" % (i // 60, i % 60),
                      "m1" if i % 3 else "m2", False))
cur = []
for h in range(3):
    for i in range(150):
        cur.append(record("2026-11-01T%02d:%02d:%02dZ" % (h, i // 3, i % 3 * 20),
                          "m1" if i % 3 else "m2", h == 2))
ref5 = [{"emb": [round(float(v), 4) for v in rng.normal(size=3)]}
        for _ in range(5)]
cur5 = [{"emb": [round(float(v) + 0.7, 4) for v in rng.normal(size=3)]}
        for _ in range(5)]


def write(name, rows):
    with open(os.path.join(HERE, name), "w") as f:
        for r in rows:
            f.write(json.dumps(r, separators=(",", ":")) + "\n")


write("mv-ref.jsonl", ref)
write("mv-cur.jsonl", cur)
write("mv-ref5.jsonl", ref5)
write("mv-cur5.jsonl", cur5)
# what mlw-mvdrift reads back: the numbers as written
ref = [json.loads(json.dumps(r)) for r in ref]
cur = [json.loads(json.dumps(r)) for r in cur]


def window_of(r):
    return "2026-11-01T%s:00:00Z" % r["ts"][11:13]


# ---------------- encoding ----------------
FIELDS = ["x", "y", "z", "cat"]


class Fit:
    def __init__(self, rows, fields, vector):
        self.fields, self.vector = fields, vector
        self.impute, self.share = {}, {}
        for f in fields:
            vals = [r.get(f) for r in rows]
            if f == "cat":
                cnt = {}
                for v in vals:
                    if v is not None:
                        cnt[v] = cnt.get(v, 0) + 1
                top = max(cnt.values())
                mode = min(k for k in cnt if cnt[k] == top)
                cnt[mode] += sum(v is None for v in vals)
                self.share[f] = {k: c / len(rows) for k, c in cnt.items()}
                self.impute[f] = self.share[f][mode]
            else:
                have = [v for v in vals if v is not None]
                self.impute[f] = math.fsum(have) / len(have)
        self.E = np.array([self.encode(r) for r in rows])
        n = len(rows)
        self.mean = np.array([math.fsum(c) / n for c in self.E.T])
        self.scale = np.array([math.sqrt(math.fsum((c - m) ** 2) / n)
                               for c, m in zip(self.E.T, self.mean)])

    def encode(self, r):
        x = []
        for f in self.fields:
            v = r.get(f)
            if v is None:
                x.append(self.impute[f])
            elif f == "cat":
                x.append(self.share[f].get(v, 0.0))
            else:
                x.append(float(v))
        if self.vector:
            x.extend(float(v) for v in r[self.vector])
        return x


# ---------------- pca ----------------
def pca_run(run, fields, vector, by, cross=False):
    segs = ["m1", "m2"] if by else [""]
    for seg in segs:
        rrows = [r for r in ref if not by or r["model"] == seg]
        fit = Fit(rrows, fields, vector)
        sc = StandardScaler().fit(fit.E)
        assert np.allclose(sc.mean_, fit.mean, rtol=1e-13, atol=0)
        pca = PCA(n_components=0.65, svd_solver="full").fit(sc.transform(fit.E))

        def errors(E):
            z = sc.transform(E)
            return np.linalg.norm(z - pca.inverse_transform(pca.transform(z)),
                                  axis=1)
        e = errors(fit.E)
        n = len(e)
        ch = n // 10
        means = [e[a:a + ch].mean() for a in range(0, n, ch)]
        if cross:
            # --thresholds cross-fit: each chunk's errors under the scaler
            # and PCA fitted on the other chunks
            means = []
            for a in range(0, n, ch):
                rest = np.vstack([fit.E[:a], fit.E[a + ch:]])
                sc2 = StandardScaler().fit(rest)
                p2 = PCA(n_components=0.65, svd_solver="full").fit(
                    sc2.transform(rest))
                z = sc2.transform(fit.E[a:a + ch])
                means.append(np.linalg.norm(
                    z - p2.inverse_transform(p2.transform(z)), axis=1).mean())
        mu, sd = np.mean(means), np.std(means, ddof=1)
        hi, lo = mu + 3 * sd, max(0.0, mu - 3 * sd)
        esd = np.std(e, ddof=1)
        for w in WINDOWS:
            crow = [r for r in cur if window_of(r) == w and
                    (not by or r["model"] == seg)]
            ew = errors(np.array([fit.encode(r) for r in crow]))
            stat = ew.mean()
            emit(run, w, "model=" + seg if by else "", "pca", "statistic", stat)
            emit(run, w, "model=" + seg if by else "", "pca", "threshold", hi)
            emit(run, w, "model=" + seg if by else "", "pca",
                 "lower_threshold", lo)
            emit(run, w, "model=" + seg if by else "", "pca", "drift",
                 bool(stat > hi or stat < lo))
            emit(run, w, "model=" + seg if by else "", "pca",
                 "sampling_error", esd / math.sqrt(len(ew)))
            emit(run, w, "model=" + seg if by else "", "pca", "components",
                 int(pca.n_components_))
            emit(run, w, "model=" + seg if by else "", "pca",
                 "explained_variance", float(np.sum(pca.explained_variance_ratio_)))
            emit(run, w, "model=" + seg if by else "", "pca", "n", len(ew))
            emit(run, w, "model=" + seg if by else "", "pca", "ref_n", n)


# ---------------- samples ----------------
def fnv(h, bs):
    for b in bs:
        h ^= b
        h = (h * 0x100000001b3) & M64
    return h


def fmix(h):
    h ^= h >> 33
    h = (h * 0xff51afd7ed558ccd) & M64
    h ^= h >> 33
    h = (h * 0xc4ceb9fe1a85ec53) & M64
    h ^= h >> 33
    return h


def priority(seed, line):
    h = fnv(0xcbf29ce484222325, struct.pack("<Q", seed))
    return fmix(fnv(h, line.encode()))


def line_of(r, windowed):
    # the record's line as mlw-mvdrift reads it: as written, and with the
    # members mlw-window appends
    t = json.dumps(r, separators=(",", ":"))
    if windowed:
        w = window_of(r)
        t = t[:-1] + ',"window_start":"%s","window_end":"%s"}' % (
            w, w[:11] + "%02d" % (int(w[11:13]) + 1) + w[13:])
    return t


def sample(rows, E, cap, windowed, seed=0):
    keyed = sorted((priority(seed, line_of(r, windowed)), tuple(x))
                   for r, x in zip(rows, E))
    return np.array([k[1] for k in keyed[:cap]])


def standardize(S, fit):
    return (S - fit.mean) / fit.scale


def splitmix(state):
    state = (state + 0x9e3779b97f4a7c15) & M64
    z = state
    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M64
    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M64
    return state, z ^ (z >> 31)


def mmd2(K, inx):
    X = np.where(inx)[0]
    Y = np.where(~inx)[0]
    m, n = len(X), len(Y)
    kxx = K[np.ix_(X, X)]
    kyy = K[np.ix_(Y, Y)]
    kxy = K[np.ix_(X, Y)]
    return ((kxx.sum() - np.trace(kxx)) / (m * (m - 1)) +
            (kyy.sum() - np.trace(kyy)) / (n * (n - 1)) - 2 * kxy.mean())


def mmd_test(X, Y, sigma, B, seed):
    Z = np.vstack([X, Y])
    N, m = len(Z), len(X)
    d2 = ((Z[:, None, :] - Z[None, :, :]) ** 2).sum(axis=2)
    K = np.exp(-d2 / (2 * sigma * sigma))
    inx = np.zeros(N, dtype=bool)
    inx[:m] = True
    obs = mmd2(K, inx)
    lim = obs - 1e-12 * abs(obs)
    if math.comb(N, m) <= B:
        k = 0
        for c in itertools.combinations(range(N), m):
            s = np.zeros(N, dtype=bool)
            s[list(c)] = True
            k += mmd2(K, s) >= lim
        return obs, k / math.comb(N, m), math.comb(N, m), True
    perm = list(range(N))
    st, k = seed, 0
    for _ in range(B):
        for i in range(N - 1, 0, -1):
            st, r = splitmix(st)
            j = r % (i + 1)
            perm[i], perm[j] = perm[j], perm[i]
        s = np.zeros(N, dtype=bool)
        s[perm[:m]] = True
        k += mmd2(K, s) >= lim
    return obs, (k + 1) / (B + 1), B, False


def bandwidth(S):
    d2 = [((S[i] - S[j]) ** 2).sum() for i in range(len(S))
          for j in range(i + 1, len(S))]
    med = float(np.median(d2))
    return math.sqrt(med / 2) if med > 0 else 1.0


def mmd_run(run, rrows, crows, fields, vector, cap, B, windows=True):
    fit = Fit(rrows, fields, vector)
    RS = standardize(sample(rrows, fit.E, cap, False), fit)
    sigma = bandwidth(RS)
    for w in (WINDOWS if windows else [""]):
        crow = [r for r in crows if not windows or window_of(r) == w]
        CS = standardize(sample(crow, np.array([fit.encode(r) for r in crow]),
                                cap, windows), fit)
        stat, p, perms, exact = mmd_test(RS, CS, sigma, B, 0)
        emit(run, w, "", "mmd", "statistic", stat)
        emit(run, w, "", "mmd", "p_value", p)
        emit(run, w, "", "mmd", "drift", bool(p < 0.05))
        emit(run, w, "", "mmd", "bandwidth", sigma)
        emit(run, w, "", "mmd", "permutations", perms)
        emit(run, w, "", "mmd", "exact", bool(exact))
        emit(run, w, "", "mmd", "sample", len(CS))
        emit(run, w, "", "mmd", "ref_sample", len(RS))


def classifier_run(run, fields, cap):
    fit = Fit(ref, fields, None)
    RS = standardize(sample(ref, fit.E, cap, False), fit)
    for w in WINDOWS:
        crow = [r for r in cur if window_of(r) == w]
        CS = standardize(sample(crow, np.array([fit.encode(r) for r in crow]),
                                cap, True), fit)
        F = PolynomialFeatures(2, include_bias=False).fit_transform(
            np.vstack([RS, CS]))
        y = np.array([0] * len(RS) + [1] * len(CS))
        fold = np.concatenate([np.arange(len(RS)) % 5, np.arange(len(CS)) % 5])
        prob = np.zeros(len(y))
        for f in range(5):
            lr = LogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-12,
                                    max_iter=1000)
            lr.fit(F[fold != f], y[fold != f])
            prob[fold == f] = lr.predict_proba(F[fold == f])[:, 1]
        auc = roc_auc_score(y, prob)
        emit(run, w, "", "classifier", "statistic", auc)
        emit(run, w, "", "classifier", "drift", bool(auc > 0.55))
        emit(run, w, "", "classifier", "sample", len(CS))
        emit(run, w, "", "classifier", "ref_sample", len(RS))


def meandist_run(run):
    fit = Fit(ref, [], "emb")
    mr = np.array([math.fsum(c) / len(fit.E) for c in fit.E.T])
    for w in WINDOWS:
        C = np.array([fit.encode(r) for r in cur if window_of(r) == w])
        mc = np.array([math.fsum(c) / len(C) for c in C.T])
        eu = math.sqrt(((mc - mr) ** 2).sum())
        co = 1 - mc.dot(mr) / (np.linalg.norm(mc) * np.linalg.norm(mr))
        emit(run, w, "", "meandist", "statistic", eu)
        emit(run, w, "", "meandist", "euclidean", eu)
        emit(run, w, "", "meandist", "cosine", co)
        emit(run, w, "", "meandist", "drift", bool(eu > 0.2))


pca_run("pca", FIELDS, None, False)
pca_run("pca-by", FIELDS, None, True)
pca_run("pca-emb", ["x", "cat"], "emb", False)
pca_run("pca-cross", FIELDS, "emb", True, cross=True)
mmd_run("mmd", ref, cur, FIELDS, None, 100, 200)
ref5 = [json.loads(json.dumps(r)) for r in ref5]
cur5 = [json.loads(json.dumps(r)) for r in cur5]
mmd_run("mmd5", ref5, cur5, [], "emb", 1000, 1000, windows=False)
classifier_run("classifier", FIELDS, 100)
meandist_run("meandist")
with open(os.path.join(HERE, "mv-expect.tsv"), "w") as f:
    f.write("\n".join(out) + "\n")
