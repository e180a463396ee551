/* Unit tests of lib/track_store.c: filter translation, LIKE aliases, run ids,
 * prefixes, the last value of a metric, appending after a torn line. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "expr.h"
#include "json.h"
#include "track_store.h"

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
	char id[MLW_RUN_ID_LEN + 1], id2[MLW_RUN_ID_LEN + 1], why[100];
	struct mlw_runs rs;
	struct mlw_tmetric m;
	struct mlw_point pt[3];
	char path[] = "/tmp/mlw-track-unit-XXXXXX";
	int fd;

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

	/* run ids */
	mlw_run_id_new(id);
	mlw_run_id_new(id2);
	ok(strlen(id) == 32 && strspn(id, "0123456789abcdef") == 32,
	    "a run id is 32 hex digits");
	ok(strcmp(id, id2) != 0, "two run ids differ");

	/* prefixes */
	memset(&rs, 0, sizeof rs);
	{
		static const char store[] =
		    "{\"mlw\":\"run_start\",\"run_id\":\"abc1\",\"run_name\":\"x\"}\n"
		    "{\"mlw\":\"run_start\",\"run_id\":\"abd2\",\"run_name\":\"y\"}\n"
		    "{\"mlw\":\"run_start\",\"run_id\":\"abd2ee\",\"run_name\":\"y\"}\n";

		fd = mkstemp(path);
		ok(fd >= 0 && write(fd, store, sizeof store - 1) ==
		    (ssize_t)(sizeof store - 1), "a store written");
		close(fd);
		ok(mlw_store_read(&rs, path) == 0 && rs.n == 3, "3 runs read");
		ok(mlw_runs_find(&rs, "abc", why, sizeof why) == 0,
		    "a unique prefix");
		ok(mlw_runs_find(&rs, "abd2", why, sizeof why) == 1,
		    "a whole id that is also a prefix of another");
		ok(mlw_runs_find(&rs, "ab", why, sizeof why) == -1 &&
		    strcmp(why, "run id prefix 'ab' is ambiguous: 3 runs "
		    "match") == 0, "an ambiguous prefix: %s", why);
		ok(mlw_runs_find(&rs, "x", why, sizeof why) == 0,
		    "a unique run name");
		ok(mlw_runs_find(&rs, "y", why, sizeof why) == -1 &&
		    strcmp(why, "run name 'y' is ambiguous: 2 runs have it") == 0,
		    "an ambiguous name: %s", why);
		ok(mlw_runs_find(&rs, "zz", why, sizeof why) == -1 &&
		    strcmp(why, "no run 'zz'") == 0, "no such run");
		ok(strcmp(mlw_run_status(rs.run[0], 0, 0), "RUNNING") == 0,
		    "no end record: RUNNING");
		mlw_runs_free(&rs);
	}

	/* appending after a torn line */
	fd = open(path, O_WRONLY | O_TRUNC);
	ok(fd >= 0 && write(fd, "{\"torn", 6) == 6, "a torn line");
	close(fd);
	fd = mlw_store_open(path);
	ok(mlw_store_append(fd, "{\"a\":1}\n", 8) == 0, "appended");
	close(fd);
	{
		size_t n;
		char *s = NULL;
		FILE *f = fopen(path, "r");
		char buf[64];

		n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
		buf[n] = '\0';
		if (f)
			fclose(f);
		ok(strcmp(buf, "{\"torn\n{\"a\":1}\n") == 0, "the torn line "
		    "was ended first");
		free(s);
	}
	unlink(path);

	/* the last value */
	memset(&m, 0, sizeof m);
	pt[0] = (struct mlw_point){ 5, 20, 3, 0 };
	pt[1] = (struct mlw_point){ 5, 10, 2, 1 };
	pt[2] = (struct mlw_point){ 4, 90, 1, 2 };
	m.pt = pt;
	m.n = 3;
	ok(mlw_metric_last(&m)->value == 3, "last: highest step, then latest "
	    "timestamp");
	pt[1].ts = 20;
	ok(mlw_metric_last(&m)->value == 2, "a tie: the last logged");

	return done_testing();
}
