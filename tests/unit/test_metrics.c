/* Unit tests of lib/metrics.c. Expected values come from scikit-learn 1.2
 * (Debian python3-sklearn) via tests/data/witness-metrics.py, on the same
 * fixtures; "near" checks allow 1e-12 relative where scikit-learn sums in
 * another order (NumPy's pairwise sums). */
#include <math.h>
#include <stdlib.h>

#include "metrics.h"
#include "tap.h"

static double
member(const struct mlw_buf *b, const char *key)
{
	char k[64];
	const char *p;

	snprintf(k, sizeof k, "\"%s\":", key);
	p = strstr(b->p, k);
	if (p == NULL || strncmp(p + strlen(k), "null", 4) == 0)
		return NAN;
	return strtod(p + strlen(k), NULL);
}

int
main(void)
{
	/* the binary fixture: tied scores at 0.8, 0.5 and 0.3 */
	int y[] = { 1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1 };
	double s[] = { 0.9, 0.8, 0.8, 0.7, 0.55, 0.5, 0.5, 0.3, 0.3, 0.2, 0.1,
	    0.05 };
	struct mlw_binacc a;
	struct mlw_buf b = { 0 };
	size_t i;

	mlw_bin_init(&a, 0);
	for (i = 0; i < 12; i++)
		mlw_bin_add(&a, y[i], s[i] >= 0.5, 1, s[i]);
	mlw_jw_open(&b, '{');
	mlw_bin_write(&b, &a, 1);
	mlw_jw_close(&b, '}');
	mlw_buf_addc(&b, '\0');
	is_double(member(&b, "accuracy"), 0.5833333333333334, "accuracy_score");
	is_double(member(&b, "precision"), 0.5714285714285714, "precision_score");
	is_double(member(&b, "recall"), 0.6666666666666666, "recall_score");
	is_double(member(&b, "f1"), 0.6153846153846153, "f1_score");
	is_double(member(&b, "balanced_accuracy"), 0.5833333333333333,
	    "balanced_accuracy_score");
	is_double(member(&b, "mcc"), 0.1690308509457033, "matthews_corrcoef");
	is_double(member(&b, "roc_auc"), 0.625, "roc_auc_score with ties");
	near_double(member(&b, "pr_auc"), 0.6739417989417988, 1e-12,
	    "average_precision_score with ties");
	is_double(member(&b, "log_loss"), 0.7803585891227689, "log_loss");
	is_double(member(&b, "brier"), 0.25958333333333333, "brier_score_loss");

	/* one class only: AUC undefined */
	mlw_bin_clear(&a);
	mlw_bin_add(&a, 1, 1, 1, 0.9);
	mlw_bin_add(&a, 1, 0, 1, 0.2);
	ok(isnan(mlw_roc_auc(a.s, a.y, a.ns)), "one class: AUC is undefined");
	/* perfect and worst rankings */
	{
		double ps[] = { 0.9, 0.8, 0.2, 0.1 };
		unsigned char py[] = { 1, 1, 0, 0 }, wy[] = { 0, 0, 1, 1 };

		is_double(mlw_roc_auc(ps, py, 4), 1, "perfect ranking: AUC 1");
		is_double(mlw_average_precision(ps, py, 4), 1, "perfect: AP 1");
		is_double(mlw_roc_auc(ps, wy, 4), 0, "worst ranking: AUC 0");
		/* average_precision_score([0,0,1,1], [.9,.8,.2,.1]) */
		is_double(mlw_average_precision(ps, wy, 4), 0.41666666666666663,
		    "worst: AP as sklearn (1/2*1/3 + 1/2*2/4)");
	}
	/* all scores tied: AUC 0.5 */
	{
		double ts[] = { 0.5, 0.5, 0.5, 0.5 };
		unsigned char ty[] = { 1, 0, 1, 0 };

		is_double(mlw_roc_auc(ts, ty, 4), 0.5, "all tied: AUC 0.5");
	}
	/* binned AUC: with few distinct scores the bins lose nothing */
	{
		struct mlw_binacc c;

		mlw_bin_init(&c, 10);
		for (i = 0; i < 12; i++)
			mlw_bin_add(&c, y[i], s[i] >= 0.5, 1, s[i]);
		b.len = 0;
		mlw_jw_open(&b, '{');
		mlw_bin_write(&b, &c, 1);
		mlw_jw_close(&b, '}');
		mlw_buf_addc(&b, '\0');
		/* the bins are floor(10 s): roc_auc_score(y, [9, 8, 8, 7, 5,
		 * 5, 5, 3, 3, 2, 1, 0]) = 0.6388888888888888 */
		near_double(member(&b, "roc_auc"), 0.6388888888888888, 1e-12,
		    "binned AUC equals the AUC of the bin indices");
		mlw_bin_free(&c);
	}
	mlw_bin_free(&a);

	/* multiclass */
	{
		const char *yt[] = { "cat", "dog", "bird", "cat", "dog", "cat",
		    "bird", "dog", "cat", "cat" };
		const char *yp[] = { "cat", "cat", "bird", "cat", "dog", "dog",
		    "cat", "dog", "cat", "bird" };
		struct mlw_mcacc m;

		memset(&m, 0, sizeof m);
		for (i = 0; i < 10; i++)
			mlw_mc_add(&m, yt[i], strlen(yt[i]), yp[i], strlen(yp[i]), 0);
		b.len = 0;
		mlw_jw_open(&b, '{');
		mlw_mc_write(&b, &m);
		mlw_jw_close(&b, '}');
		mlw_buf_addc(&b, '\0');
		is_double(member(&b, "accuracy"), 0.6, "multiclass accuracy");
		is_double(member(&b, "f1_macro"), 0.5888888888888889, "f1 macro");
		is_double(member(&b, "precision_weighted"), 0.6, "precision weighted");
		ok(strstr(b.p, "\"labels\":[\"bird\",\"cat\",\"dog\"],"
		    "\"confusion_matrix\":[[1,1,0],[1,3,1],[0,1,2]]") != NULL,
		    "confusion_matrix with sorted labels");
		mlw_mc_free(&m);
	}

	/* regression */
	{
		double rt[] = { 3.0, -0.5, 2.0, 7.0, 4.2, 0.0 };
		double rp[] = { 2.5, 0.0, 2.0, 8.0, 3.9, 0.1 };
		struct mlw_regacc r;

		mlw_reg_clear(&r);
		for (i = 0; i < 6; i++)
			mlw_reg_add(&r, rt[i], rp[i]);
		b.len = 0;
		mlw_jw_open(&b, '{');
		mlw_reg_write(&b, &r);
		mlw_jw_close(&b, '}');
		mlw_buf_addc(&b, '\0');
		near_double(member(&b, "mae"), 0.4000000000000001, 1e-12,
		    "mean_absolute_error");
		near_double(member(&b, "mse"), 0.26666666666666666, 1e-12,
		    "mean_squared_error");
		near_double(member(&b, "rmse"), 0.5163977794943222, 1e-12, "rmse");
		near_double(member(&b, "mape"), 75059993789508.5, 1e-12,
		    "mean_absolute_percentage_error (a zero label)");
		near_double(member(&b, "r2"), 0.9587717414644621, 1e-12, "r2_score");
		near_double(member(&b, "mean_error"), 0.13333333333333328, 1e-12,
		    "mean error");
		is_double(member(&b, "max_error"), 1, "max_error");
		mlw_reg_clear(&r);
		mlw_reg_add(&r, 2, 2);
		mlw_reg_add(&r, 2, 2);
		b.len = 0;
		mlw_reg_write(&b, &r);
		mlw_buf_addc(&b, '\0');
		is_double(member(&b, "r2"), 1, "constant labels, perfect: r2 1");
	}
	mlw_buf_free(&b);
	return done_testing();
}
