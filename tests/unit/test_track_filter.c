/* Unit tests of lib/track_filter.c: MLflow filters translated into the
 * expression language, LIKE aliases, and what the translations select. */
#include <string.h>

#include "buf.h"
#include "expr.h"
#include "json.h"
#include "tap.h"
#include "track_filter.h"

static void
tr(const char *src, const char *want)
{
	struct mlw_filter f;
	char err[200];
	int rc;

	memset(&f, 0, sizeof f);
	rc = mlw_filter_translate(src, &f, err, sizeof err);
	ok(rc == 0 && strcmp(f.text.p, want) == 0, "translate [%s] -> [%s]",
	    src, want);
	if (rc == 0 && strcmp(f.text.p, want) != 0)
		printf("#   got [%s]\n", f.text.p);
	else if (rc != 0)
		printf("#   error %s\n", err);
	mlw_filter_free(&f);
}

static void
tr_err(const char *src, const char *want)
{
	struct mlw_filter f;
	char err[200] = "";
	int rc;

	memset(&f, 0, sizeof f);
	rc = mlw_filter_translate(src, &f, err, sizeof err);
	ok(rc < 0 && strcmp(err, want) == 0, "translate [%s] fails: %s", src,
	    want);
	if (rc == 0 || strcmp(err, want) != 0)
		printf("#   got rc %d [%s]\n", rc, err);
	mlw_filter_free(&f);
}

/* Does the filter select the record? 1, 0, or -1 (undefined). */
static int
sel(const char *filter, const char *rec)
{
	struct mlw_filter f;
	struct mlw_json d, e;
	struct mlw_buf b = { 0 };
	struct mlw_expr *x;
	char err[200];
	int r;

	memset(&f, 0, sizeof f);
	memset(&d, 0, sizeof d);
	memset(&e, 0, sizeof e);
	if (mlw_filter_translate(filter, &f, err, sizeof err) < 0 ||
	    (x = mlw_expr_compile(f.text.p, err, sizeof err)) == NULL) {
		printf("#   %s\n", err);
		return -2;
	}
	mlw_json_parse(&d, rec, strlen(rec));
	mlw_filter_extend(&f, &d, &b);
	if (mlw_json_parse(&e, b.p, b.len) < 0)
		return -3;
	r = mlw_expr_test(x, &e);
	mlw_expr_free(x);
	mlw_filter_free(&f);
	mlw_json_free(&d);
	mlw_json_free(&e);
	mlw_buf_free(&b);
	return r;
}

int
main(void)
{
	static const char rec[] = "{\"run_id\":\"ab\",\"status\":\"FINISHED\","
	    "\"params\":{\"model\":\"Tree\",\"lr\":\"0.1\"},\"tags\":"
	    "{\"mlflow.runName\":\"calm-owl\"},\"metrics\":{\"rmse\":0.5,"
	    "\"val/loss\":0.25,\"rmse.min\":0.4}}";

	/* translation */
	tr("metrics.rmse < 1 and params.model = 'tree'",
	    "metrics.rmse < 1 && params.model == 'tree'");
	tr("metrics.acc > 0.9 && params.model == \"tree\"",
	    "metrics.acc > 0.9 && params.model == \"tree\"");
	tr("tags.`mlflow.runName` = 'x' OR NOT attributes.status <> 'A'",
	    "tags.mlflow\\.runName == 'x' || ! status != 'A'");
	tr("tags.mlflow.runName = 'x'", "tags.mlflow\\.runName == 'x'");
	tr("metric.loss.min <= 1e-3", "metrics.loss\\.min <= 1e-3");
	tr("exists(git.commit) and missing(params.lr)",
	    "exists(git.commit) && missing(params.lr)");
	tr("params.a = 'and = or'", "params.a == 'and = or'");
	tr("metrics.`val/loss` < 1", "__mlw.a0 < 1");
	tr("params.model ILIKE 't%'", "__mlw.a0 == true");
	tr("params.model not like 't%' and metrics.x > 1",
	    "__mlw.a0 == false && metrics.x > 1");
	tr_err("metrics.a IN (1)", "column 11: IN is not supported (use ==, "
	    "!=, <, <=, >, >=, LIKE, ILIKE)");
	tr_err("LIKE 'x'", "column 1: expected a field before LIKE");
	tr_err("metrics.`a < 1", "column 9: expected a closing backquote");

	/* evaluation, with aliases */
	ok(sel("metrics.rmse < 1 and params.model = 'Tree'", rec) == 1,
	    "MLflow filter selects");
	ok(sel("metrics.`val/loss` < 0.3", rec) == 1, "a key with / selects");
	ok(sel("metrics.`val/loss` > 0.3", rec) == 0, "a key with / rejects");
	ok(sel("metrics.rmse.min == 0.4", rec) == 1, "a stats member");
	ok(sel("params.model LIKE 'T%e'", rec) == 1, "LIKE %%");
	ok(sel("params.model LIKE 't%'", rec) == 0, "LIKE is case-sensitive");
	ok(sel("params.model ILIKE 't_EE'", rec) == 1, "ILIKE _");
	ok(sel("params.model NOT ILIKE 'x%'", rec) == 1, "NOT ILIKE");
	ok(sel("tags.mlflow.runName LIKE '%owl'", rec) == 1, "LIKE on a tag");
	ok(sel("params.nope LIKE '%'", rec) == -1, "LIKE on a missing field "
	    "is undefined");
	ok(sel("metrics.rmse LIKE '0.5'", rec) == 1, "LIKE on a number's text");

	return done_testing();
}
