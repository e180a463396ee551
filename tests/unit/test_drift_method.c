/* Unit tests of lib/drift_method.c: the corrections of the dataset verdict,
 * against Alibi Detect's rule (alibi_detect/cd/base.py and
 * alibi_detect/utils/statstest.py's fdr) run in NumPy 1.24.2 by hand:
 *   bonferroni: int((p < q / m).any())
 *   fdr: i = np.arange(m) + 1; int((np.sort(p) < q * i / m).any())
 * Each verdict below is what those lines print for the same p and q. */
#include <math.h>
#include <stddef.h>

#include "drift_method.h"
#include "tap.h"

struct ccase {
	const char *what;
	int corr;
	double alpha;
	size_t m;
	double p[6];
	int want;
};

#define B MLW_CORR_BONFERRONI
#define F MLW_CORR_FDR

static const struct ccase cases[] = {
	{ "bonferroni: min p below alpha / m", B, 0.05, 5,
	    { 0.9, 0.005, 0.9, 0.9, 0.9 }, 1 },
	{ "bonferroni: min p above alpha / m", B, 0.05, 5,
	    { 0.015, 0.019, 0.9, 0.9, 0.9 }, 0 },
	/* 0.05 / 4 is 0.0125 exactly in doubles: strict, as Alibi's < */
	{ "bonferroni: p == alpha / m is no drift", B, 0.05, 4,
	    { 0.0125, 0.5, 0.5, 0.5 }, 0 },
	{ "bonferroni: one test is alpha itself", B, 0.05, 1, { 0.049 }, 1 },
	{ "fdr: k = 2 of 5 (0.019 < 0.02), though k = 1 fails", F, 0.05, 5,
	    { 0.9, 0.019, 0.9, 0.015, 0.9 }, 1 },
	/* step-up: p_(1) = 0.02 > 0.0125 and p_(2) = 0.03 > 0.025 fail,
	 * p_(3) = 0.0349 < 0.0375 rescues them */
	{ "fdr: a larger k rescues the smaller", F, 0.05, 4,
	    { 0.0349, 0.9, 0.02, 0.03 }, 1 },
	{ "fdr: no k passes", F, 0.05, 4, { 0.0398, 0.9, 0.02, 0.03 }, 0 },
	/* NumPy computes q * i / n: 0.05 * 3 / 4 = 0.037500000000000006,
	 * so p = 0.0375 passes (0.05 * (3 / 4) would be 0.0375 and fail) */
	{ "fdr: alpha * k before / m, as NumPy", F, 0.05, 4,
	    { 0.9, 0.0375, 0.03, 0.02 }, 1 },
	{ "fdr: 0.0376 at k = 3 of 4 fails", F, 0.05, 4,
	    { 0.9, 0.0376, 0.03, 0.02 }, 0 },
	/* 0.05 * 1 / 4 = 0.0125: strict */
	{ "fdr: p == alpha * k / m is no drift", F, 0.05, 4,
	    { 0.0125, 0.9, 0.9, 0.9 }, 0 },
	{ "fdr: the last k, p_(m) < alpha", F, 0.05, 3,
	    { 0.049, 0.048, 0.0499 }, 1 },
	{ "fdr: alpha 0.1", F, 0.1, 2, { 0.07, 0.09 }, 1 },
	{ "bonferroni: alpha 0.1", B, 0.1, 2, { 0.07, 0.09 }, 0 },
	{ "bonferroni: p 0", B, 0.05, 6, { 1, 1, 1, 1, 1, 0 }, 1 },
};

int
main(void)
{
	size_t i, k;
	double p[6];

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct ccase *c = &cases[i];
		int got;

		for (k = 0; k < c->m; k++)
			p[k] = c->p[k];
		got = mlw_dcorrected(c->corr, p, c->m, c->alpha);
		ok(got == c->want, "%s", c->what);
		if (got != c->want)
			printf("#   got %d, want %d\n", got, c->want);
		for (k = 1; k < c->m && p[k - 1] <= p[k]; k++)
			;
		ok(k >= c->m, "%s: p sorted in place", c->what);
	}
	ok(mlw_dcorrected(B, p, 0, 0.05) == -1, "bonferroni: no tests, no verdict");
	ok(mlw_dcorrected(F, p, 0, 0.05) == -1, "fdr: no tests, no verdict");
	is_str(mlw_dcorrections[MLW_CORR_NONE], "none", "names: none");
	is_str(mlw_dcorrections[B], "bonferroni", "names: bonferroni");
	is_str(mlw_dcorrections[F], "fdr", "names: fdr");
	ok(mlw_dcorrections[F + 1] == NULL, "names: NULL-terminated");
	return done_testing();
}
