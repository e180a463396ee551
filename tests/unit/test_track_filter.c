/* Unit tests of lib/track_filter.c: MLflow filters translated into the
 * expression language, LIKE aliases, and what the translations select:
 * the cases are the tables tests/tables/filter.test and
 * filter-select.test. */
#include <string.h>

#include "buf.h"
#include "expr.h"
#include "json.h"
#include "table.h"
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
	static const char *const res[] = { "undefined", "false", "true" };
	struct table t;
	int r;

	/* translation: filter, then the expression or the error */
	table_open(&t, "filter.test");
	while (table_next(&t, 2)) {
		if (strncmp(t.line[1], "error: ", 7) == 0)
			tr_err(t.line[0], t.line[1] + 7);
		else
			tr(t.line[0], t.line[1]);
	}

	/* evaluation, with aliases: filter, record, result */
	table_open(&t, "filter-select.test");
	while (table_next(&t, 3)) {
		r = sel(t.line[0], t.line[1]);
		ok(r >= -1 && r <= 1 && strcmp(res[r + 1], t.line[2]) == 0,
		    "filter-select.test:%ld: %s", t.first, t.line[0]);
		if (r < -1 || r > 1 || strcmp(res[r + 1], t.line[2]) != 0)
			printf("#   got %d\n", r);
	}

	return done_testing();
}
