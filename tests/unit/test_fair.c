/* Unit tests of lib/fair.c. Expected values come from
 * tests/data/witness-bias.py (run by hand with Debian's python3-sklearn
 * 1.2.1 for the per-group counts and rates, and Fairlearn's formulas
 * written out by hand, since fairlearn is not packaged), on the fixture
 * tests/data/bias-3g.jsonl: groups A (8 records), B (6) and C (4). */
#include <math.h>

#include "fair.h"
#include "tap.h"

#define is_null(got, ...) ok(isnan(got), __VA_ARGS__)

int
main(void)
{
	/* bias-3g.jsonl with --pred p: the confusion counts per group */
	struct mlw_fair_counts g[3] = {
		{ .tp = 4, .fp = 2, .tn = 1, .fn = 1 },   /* A */
		{ .tp = 1, .fp = 1, .tn = 2, .fn = 2 },   /* B */
		{ .tp = 1, .fp = 1, .tn = 1, .fn = 1 },   /* C */
	};
	struct mlw_fair_counts one = { 0 }, perfect[2] = {
		{ .tp = 3, .tn = 2 }, { .tp = 1, .tn = 4 } };
	struct mlw_fair_counts nopos[3] = {
		{ .tp = 2, .tn = 1 },                    /* A */
		{ .tp = 1, .fp = 1, .fn = 1 },           /* B */
		{ .fp = 1, .tn = 2 },                    /* C: no positives */
	};
	struct mlw_fair_counts zero[2] = { { .tn = 2 }, { .fn = 1, .tn = 1 } };
	struct mlw_fair_summary s;
	struct mlw_fair_pair p;
	int y[] = { 1, 1, 0, 0 }, q[] = { 1, 0, 1, 0 }, i;

	for (i = 0; i < 4; i++)
		mlw_fair_add(&one, y[i], q[i]);
	ok(one.tp == 1 && one.fn == 1 && one.fp == 1 && one.tn == 1,
	    "mlw_fair_add counts each cell");
	ok(mlw_fair_n(&g[0]) == 8, "n");

	/* per group, as the witness */
	is_double(mlw_fair_selection_rate(&g[0]), 0.75, "A selection_rate");
	is_double(mlw_fair_tpr(&g[0]), 0.8, "A tpr");
	is_double(mlw_fair_fpr(&g[0]), 0.6666666666666666, "A fpr");
	is_double(mlw_fair_precision(&g[0]), 0.6666666666666666, "A precision");
	is_double(mlw_fair_accuracy(&g[0]), 0.625, "A accuracy");
	is_double(mlw_fair_selection_rate(&g[1]), 0.3333333333333333,
	    "B selection_rate");
	is_double(mlw_fair_tpr(&g[1]), 0.3333333333333333, "B tpr");
	is_double(mlw_fair_precision(&g[1]), 0.5, "B precision");
	is_double(mlw_fair_accuracy(&g[2]), 0.5, "C accuracy");

	/* the summary against the largest group, A */
	ok(mlw_fair_largest(g, 3) == 0, "the largest group is A");
	mlw_fair_summarize(g, 3, 0, &s);
	is_double(s.dpd, 0.4166666666666667, "demographic_parity_difference");
	is_double(s.dpr, 0.4444444444444444, "demographic_parity_ratio");
	is_double(s.di, 0.4444444444444444, "disparate_impact (min)");
	ok(s.di_flag, "four-fifths rule flagged");
	is_double(s.eod, 0.46666666666666673, "equal_opportunity_difference");
	is_double(s.eqodds, 0.46666666666666673, "equalized_odds_difference");
	ok(s.nulls == 0, "no nulls");
	mlw_fair_pair(&g[1], &g[0], &p);
	is_double(p.sr_diff, -0.4166666666666667, "B-A selection_rate_difference");
	is_double(p.di, 0.4444444444444444, "B/A disparate_impact");
	is_double(p.tpr_diff, -0.46666666666666673, "B-A tpr_difference");
	is_double(p.fpr_diff, -0.3333333333333333, "B-A fpr_difference");
	mlw_fair_pair(&g[2], &g[0], &p);
	is_double(p.tpr_diff, -0.30000000000000004, "C-A tpr_difference");
	is_double(p.fpr_diff, -0.16666666666666663, "C-A fpr_difference");

	/* against C (--reference-group C) */
	mlw_fair_summarize(g, 3, 2, &s);
	is_double(s.di, 0.6666666666666666, "disparate_impact against C");
	ok(s.di_flag, "flagged against C");
	mlw_fair_pair(&g[0], &g[2], &p);
	is_double(p.di, 1.5, "A/C disparate_impact");
	mlw_fair_pair(&g[1], &g[2], &p);
	is_double(p.sr_diff, -0.16666666666666669, "B-C selection_rate_difference");

	/* largest: ties go to the first */
	ok(mlw_fair_largest(perfect, 2) == 0, "a tie goes to the first group");

	/* a perfect classifier: every difference 0 */
	mlw_fair_summarize(perfect, 2, 0, &s);
	is_double(s.eod, 0, "perfect: equal_opportunity_difference 0");
	is_double(s.eqodds, 0, "perfect: equalized_odds_difference 0");
	/* 3/5 - 1/5 in doubles, as Python computes it */
	is_double(s.dpd, 0.39999999999999997,
	    "perfect: selection rates still differ (base rates)");
	mlw_fair_pair(&perfect[1], &perfect[0], &p);
	is_double(p.tpr_diff, 0, "perfect: tpr_difference 0");
	is_double(p.fpr_diff, 0, "perfect: fpr_difference 0");

	/* a group without positive labels (bias-nopos.jsonl) */
	is_null(mlw_fair_tpr(&nopos[2]), "no positives: tpr null");
	mlw_fair_summarize(nopos, 3, 0, &s);
	is_null(s.eod, "no positives: equal_opportunity_difference null");
	is_null(s.eqodds, "no positives: equalized_odds_difference null");
	ok(s.nulls == MLW_FAIR_NO_TPR, "the reason is given");
	is_double(s.dpd, 0.3333333333333333, "no positives: dpd");
	is_double(s.dpr, 0.5, "no positives: dpr");
	is_double(s.di, 0.5, "no positives: disparate_impact");
	mlw_fair_pair(&nopos[2], &nopos[0], &p);
	is_null(p.tpr_diff, "no positives: tpr_difference null");
	is_double(p.fpr_diff, 0.3333333333333333, "no positives: fpr_difference");

	/* one group only */
	mlw_fair_summarize(&g[0], 1, 0, &s);
	is_double(s.dpd, 0, "one group: dpd 0");
	is_double(s.dpr, 1, "one group: dpr 1");
	is_double(s.eod, 0, "one group: eod 0");
	is_null(s.di, "one group: disparate_impact null");
	ok(!s.di_flag && s.nulls == MLW_FAIR_ONE_GROUP, "one group: not flagged");

	/* no positive predictions anywhere; a reference that is absent */
	mlw_fair_summarize(zero, 2, 0, &s);
	is_null(s.dpr, "no selections: dpr null");
	is_null(s.di, "no selections: disparate_impact null");
	ok(s.nulls == (MLW_FAIR_ALL_ZERO | MLW_FAIR_NO_TPR | MLW_FAIR_REF_ZERO),
	    "no selections: the reasons");
	mlw_fair_summarize(g, 3, -1, &s);
	ok(isnan(s.di) && !s.di_flag && s.nulls == MLW_FAIR_NO_REF,
	    "absent reference: disparate_impact null");
	return done_testing();
}
