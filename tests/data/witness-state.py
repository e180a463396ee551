#!/usr/bin/python3
# Witness for tests/unit/test_state.c: the correctly rounded sums that
# Python's math.fsum (Shewchuk's exact partials, rounded once) gives for the
# term lists of the test. Run by hand; the test pins its printed numbers.
import math

cases = {
    "tenths": [0.1] * 10,
    "cancel": [1e100, 1.0, -1e100, 1e-100],
    "halfway": [1.0, 2.0 ** -53, 2.0 ** -106],
    "tiny": [5e-324, 5e-324, -1e-320, 2.5e-308],
    "mixed": [(-1) ** i * (i + 0.1) * 10.0 ** ((i % 21) - 10) for i in range(200)],
}
for name, xs in cases.items():
    print(name, repr(math.fsum(xs)))
