#!/usr/bin/python3
# Witness of tests/unit/test_linalg.c: scikit-learn 1.2.1 (NumPy 1.24) on
# the data the test generates. Run: /usr/bin/python3 tests/data/witness-linalg.py
#
# The data: 200 rows x 6 columns from the 64-bit LCG x = x * 6364136223846793005
# + 1442695040888963407 mod 2^64 (Knuth's MMIX constants), seed 22, each
# uniform u = (x >> 11) * 2^-53, g = u1 + u2 + u3 + u4 - 2 (a rough normal),
# and columns built from g0..g5 of the row with the same double operations
# as the test (no libm), so both sides see the same bits.
import numpy as np
import sklearn
from sklearn.decomposition import PCA
from sklearn.preprocessing import StandardScaler

M = 2**64
state = 22


def unif():
    global state
    state = (state * 6364136223846793005 + 1442695040888963407) % M
    return (state >> 11) * 2.0**-53


def gauss():
    return unif() + unif() + unif() + unif() - 2.0


def row():
    g = [gauss() for _ in range(6)]
    c0 = g[0]
    c1 = 0.8 * g[0] + 0.6 * g[1]
    c2 = 3.0 * g[2] + 10.0
    c3 = c1 - 0.5 * g[2] + 0.3 * g[3]
    c4 = 0.001 * g[4] + 0.002 * g[2]
    c5 = 100.0 + 20.0 * g[5] + 5.0 * g[0]
    return [c0, c1, c2, c3, c4, c5]


X = np.array([row() for _ in range(200)])
# records the error is pinned on: rows 0, 1, 199 and two off the reference
Q = np.array([X[0], X[1], X[199],
              [1.0, -1.0, 10.0, 0.0, 0.0, 100.0],
              [0.5, 0.5, 13.0, -2.0, 0.004, 60.0]])

print("# sklearn", sklearn.__version__, "numpy", np.__version__)
sc = StandardScaler().fit(X)
Z = sc.transform(X)
pca = PCA(n_components=0.65).fit(Z)
full = PCA().fit(Z)
err = np.linalg.norm(sc.transform(Q) - pca.inverse_transform(
    pca.transform(sc.transform(Q))), axis=1)


def c(name, a):
    print("static const double %s[] = { %s };" % (
        name, ", ".join(repr(float(v)) for v in np.ravel(a))))


print("/* k = %d */" % pca.n_components_)
c("w_mean", sc.mean_)
c("w_scale", sc.scale_)
c("w_var", full.explained_variance_)
c("w_ratio", full.explained_variance_ratio_)
c("w_comp", full.components_)
c("w_err", err)
c("w_row0", X[0])
c("w_row199", X[199])

# The k rule on exact ties: the columns 1..4 of the 8 x 8 Sylvester
# Hadamard matrix are exactly uncorrelated, so every ratio is 1/4 in exact
# arithmetic; sklearn's SVD gives cumulative ratios a little off
# (0.2500000000000001, 0.5000000000000001, 0.7500000000000001, 1.0), so its
# k at share 0.5 or 0.75 is decided by rounding; off the ties it is this:
H = np.array([[(-1.0) ** bin(i & j).count("1") for j in range(1, 5)]
              for i in range(8)])
ZH = StandardScaler().fit_transform(H)
print("/* Hadamard cumsum %s */" % [repr(v) for v in np.cumsum(
    PCA().fit(ZH).explained_variance_ratio_)])
for s in (0.24, 0.49, 0.5, 0.51, 0.74, 0.75, 0.76, 0.99):
    print("/* share %r: k = %d */" % (s, PCA(n_components=s).fit(ZH).n_components_))
