/* Unit tests of lib/expr.c (the condition language and templates) and of
 * the alert state machine in lib/alert.c. Most cases of the language are
 * the table tests/tables/expr.test. Expected truth values follow the
 * grammar and rules in lib/expr.h; state transitions follow Prometheus'
 * alerting-rule semantics as described in mlw-alert(1). */
#include "alert.h"
#include "expr.h"
#include "table.h"
#include "tap.h"

static struct mlw_json doc;

static int
test(const char *expr, const char *rec)
{
	char err[160];
	struct mlw_expr *e = mlw_expr_compile(expr, err, sizeof err);
	int r;

	if (e == NULL) {
		printf("# compile error: %s\n", err);
		return -99;
	}
	mlw_json_parse(&doc, rec, strlen(rec));
	r = mlw_expr_test(e, &doc);
	mlw_expr_free(e);
	return r;
}

static const char *
compile_err(const char *expr)
{
	static char err[160];
	struct mlw_expr *e = mlw_expr_compile(expr, err, sizeof err);

	if (e) {
		mlw_expr_free(e);
		return "(compiled)";
	}
	return err;
}

/* The cases of tests/tables/expr.test: expression, record, result. */
static void
table_cases(void)
{
	static const char *const res[] = { "undefined", "false", "true" };
	struct table t;
	char want[TABLE_WIDTH];

	table_open(&t, "expr.test");
	while (table_next(&t, 3)) {
		const char *e = compile_err(t.line[0]);
		int r;

		if (strcmp(e, "(compiled)") != 0) {
			snprintf(want, sizeof want, "error: %s", e);
			ok(strcmp(want, t.line[2]) == 0, "expr.test:%ld: %s",
			    t.first, t.line[0]);
			if (strcmp(want, t.line[2]) != 0)
				printf("#   got [%s]\n", want);
			continue;
		}
		r = test(t.line[0], t.line[1]);
		ok(r >= -1 && r <= 1 && strcmp(res[r + 1], t.line[2]) == 0,
		    "expr.test:%ld: %s", t.first, t.line[0]);
		if (r < -1 || r > 1 || strcmp(res[r + 1], t.line[2]) != 0)
			printf("#   got %d\n", r);
	}
}

int
main(void)
{
	const char *r = "{\"psi\":0.3,\"n\":10,\"f\":\"age\",\"b\":true,"
	    "\"o\":{\"x\":-2},\"s\":\"caf\\u00e9\",\"nul\":null}";
	struct mlw_rule rule;
	struct mlw_astate st;
	struct mlw_buf b = { 0 };
	char err[160];

	table_cases();
	{
		/* found by libFuzzer: deep nesting overflowed the stack */
		static char deep[600];

		memset(deep, '!', 300);
		strcpy(deep + 300, "b");
		ok(strstr(compile_err(deep), "nested less deeply") != NULL,
		    "300 nested ! are refused");
	}

	{
		char e2[160];
		struct mlw_expr *e = mlw_expr_compile("2 * psi > 0.5", e2, sizeof e2);
		double v = 0;

		mlw_json_parse(&doc, r, strlen(r));
		ok(e && mlw_expr_value(e, &doc, &v) == 0 && v == 0.6,
		    "value is the left side of the first comparison");
		mlw_expr_free(e);
	}
	mlw_json_parse(&doc, r, strlen(r));
	mlw_template(&b, "{f}: {psi} {psi:.2f} {n:.3g} {zz}{{x}} {s}", &doc);
	mlw_buf_addc(&b, '\0');
	is_str(b.p, "age: 0.3 0.30 10 {x} caf\xc3\xa9", "template");
	ok(mlw_template_check("{psi:.2x}", err, sizeof err) < 0, "bad format");
	ok(mlw_template_check("a } b", err, sizeof err) < 0, "stray brace");
	/* found by libFuzzer: a precision too long for an int */
	ok(mlw_template_check("{f:.99999999999999999999f}", err, sizeof err) < 0,
	    "a huge precision is refused, not overflowed");
	mlw_buf_free(&b);

	/* the state machine: for 2, keep_firing_for 1 */
	memset(&rule, 0, sizeof rule);
	memset(&st, 0, sizeof st);
	rule.for_n = 2;
	rule.keep_n = 1;
	ok(mlw_alert_step(&rule, &st, 1, -1, 1, 0) == MLW_A_NONE &&
	    st.state == MLW_PENDING, "true once: pending");
	ok(mlw_alert_step(&rule, &st, 0, -1, 2, 0) == MLW_A_NONE &&
	    st.state == MLW_INACTIVE, "false while pending: inactive, no output");
	mlw_alert_step(&rule, &st, 1, -1, 3, 0);
	ok(mlw_alert_step(&rule, &st, 1, -1, 4, 0) == MLW_A_FIRE &&
	    st.starts_at == 4, "true twice: fires at the second");
	ok(mlw_alert_step(&rule, &st, 1, -1, 5, 0) == MLW_A_NONE,
	    "still true: no repeat without --repeat");
	ok(mlw_alert_step(&rule, &st, 0, -1, 6, 0) == MLW_A_NONE &&
	    st.state == MLW_FIRING, "one miss is kept firing");
	ok(mlw_alert_step(&rule, &st, 1, -1, 7, 0) == MLW_A_NONE && st.miss == 0,
	    "true again resets the misses");
	mlw_alert_step(&rule, &st, 0, -1, 8, 0);
	ok(mlw_alert_step(&rule, &st, 0, -1, 9, 0) == MLW_A_RESOLVE &&
	    st.state == MLW_INACTIVE, "the second miss resolves");
	memset(&st, 0, sizeof st);
	rule.for_n = 0;
	rule.keep_n = 0;
	ok(mlw_alert_step(&rule, &st, 1, -1, 10, 5) == MLW_A_FIRE, "no for: fires");
	ok(mlw_alert_step(&rule, &st, 1, -1, 14, 5) == MLW_A_NONE, "before repeat");
	ok(mlw_alert_step(&rule, &st, 1, -1, 15, 5) == MLW_A_REPEAT &&
	    st.starts_at == 10, "repeat after the interval keeps starts_at");
	mlw_json_free(&doc);
	return done_testing();
}
