#!/usr/bin/python3
# Witness for tests/unit/test_mvstat.c: NumPy 1.24 and scikit-learn 1.2 on
# a 40 x 3 table both sides build from the same 64-bit LCG (row() below and
# gen_row() in the test, operation for operation). Prints the C arrays the
# test pins. Run by hand: /usr/bin/python3 witness-mvstat.py.
import itertools
import math

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

M64 = (1 << 64) - 1
lcg = 7


def unif():
    global lcg
    lcg = (lcg * 6364136223846793005 + 1442695040888963407) & M64
    return (lcg >> 11) * 2.0 ** -53


def row(i):
    a, b, c = unif(), unif(), unif()
    lab = i % 2
    return [a + 0.4 * lab, b - 0.3 * a, c * 2.0], lab


X, y = [], []
for i in range(40):
    r, lab = row(i)
    X.append(r)
    y.append(lab)
X, y = np.array(X), np.array(y)


def c(name, v):
    print("static const double %s[] = { %s };" % (
        name, ", ".join(repr(float(t)) for t in np.ravel(v))))


# logistic regression, lambda = 0.5 (C = 2)
lr = LogisticRegression(C=2.0, solver="newton-cholesky", tol=1e-14,
                        max_iter=1000).fit(X, y)
c("w_logreg", list(lr.coef_[0]) + [lr.intercept_[0]])
c("w_prob0", lr.predict_proba(X[:1])[:, 1])

# bandwidth: sqrt(median of the pair distances squared / 2)
d2 = [((X[i] - X[j]) ** 2).sum() for i in range(40) for j in range(i + 1, 40)]
c("w_sigma", [math.sqrt(np.median(d2) / 2)])


def mmd2(K, inx):
    a, b = np.where(inx)[0], np.where(~inx)[0]
    kxx, kyy, kxy = K[np.ix_(a, a)], K[np.ix_(b, b)], K[np.ix_(a, b)]
    m, n = len(a), len(b)
    return ((kxx.sum() - np.trace(kxx)) / (m * (m - 1)) +
            (kyy.sum() - np.trace(kyy)) / (n * (n - 1)) - 2 * kxy.mean())


def kernel(Z, s):
    d = ((Z[:, None, :] - Z[None, :, :]) ** 2).sum(axis=2)
    return np.exp(-d / (2 * s * s))


# MMD^2 of the first 20 rows against the last 20, sigma 0.7
K = kernel(X, 0.7)
inx = np.arange(40) < 20
c("w_mmd2", [mmd2(K, inx)])
# the exact permutation p of rows 0-4 against rows 5-9, sigma 0.7
K10 = kernel(X[:10], 0.7)
inx = np.arange(10) < 5
obs = mmd2(K10, inx)
k = 0
for comb in itertools.combinations(range(10), 5):
    s = np.zeros(10, dtype=bool)
    s[list(comb)] = True
    k += mmd2(K10, s) >= obs - 1e-12 * abs(obs)
c("w_mmd2_10", [obs])
c("w_p_exact", [k / 252])

# the domain classifier: 4 folds, the j-th record of each class in fold
# j mod 4, lambda 1 (C = 1), the pooled out-of-fold AUC
fold = np.zeros(40, dtype=int)
cnt = [0, 0]
for i in range(40):
    fold[i] = cnt[y[i]] % 4
    cnt[y[i]] += 1
prob = np.zeros(40)
for f in range(4):
    m = LogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-14,
                           max_iter=1000).fit(X[fold != f], y[fold != f])
    prob[fold == f] = m.predict_proba(X[fold == f])[:, 1]
c("w_auc", [roc_auc_score(y, prob)])
