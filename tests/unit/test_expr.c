/* Unit tests of lib/expr.c (the condition language and templates) and of
 * the alert state machine in lib/alert.c. Expected truth values follow the
 * grammar and rules in lib/expr.h; state transitions follow Prometheus'
 * alerting-rule semantics as described in mlw-alert(1). */
#include "alert.h"
#include "expr.h"
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

int
main(void)
{
	const char *r = "{\"psi\":0.3,\"n\":10,\"f\":\"age\",\"b\":true,"
	    "\"o\":{\"x\":-2},\"s\":\"caf\\u00e9\",\"nul\":null}";
	struct mlw_rule rule;
	struct mlw_astate st;
	struct mlw_buf b = { 0 };
	char err[160];

	ok(test("psi > 0.2", r) == 1, "comparison");
	ok(test("psi > 0.2 && n >= 10", r) == 1, "and");
	ok(test("psi > 0.5 || n == 10", r) == 1, "or");
	ok(test("!(psi > 0.5)", r) == 1, "not");
	ok(test("not psi > 0.5 and f == 'age'", r) == 1, "word operators");
	ok(test("psi * 10 + 1 == 4", r) == 1, "arithmetic precedence");
	ok(test("(1 + 2) * 3 == 9", r) == 1, "parentheses");
	ok(test("-o.x == 2", r) == 1, "unary minus, nested path");
	ok(test("abs(o.x) == 2 && min(3, n, 5) == 3 && max(1, psi) == 1", r) == 1,
	    "abs, min, max");
	ok(test("f == \"age\" && f != 'agex' && f < 'b'", r) == 1, "strings");
	ok(test("s == 'caf\xc3\xa9'", r) == 1, "escaped string from the record");
	ok(test("b", r) == 1, "a boolean field alone");
	ok(test("b == true && !(b == false)", r) == 1, "boolean equality");
	ok(test("missing(zz) && exists(psi) && missing(nul)", r) == 1,
	    "missing() and exists(); null is missing");
	ok(test("zz > 1", r) == -1, "a missing field is undefined");
	ok(test("f > 1", r) == -1, "a string against a number is undefined");
	ok(test("psi", r) == -1, "a number is not a condition");
	ok(test("n / 0 > 1", r) == -1, "division by zero is undefined");
	ok(test("b < true", r) == -1, "booleans are not ordered");
	ok(test("missing(zz) || zz > 1", r) == 1, "|| decides from its left");
	ok(test("exists(zz) && zz > 1", r) == 0, "&& decides from its left");
	ok(test("zz > 1 || true", r) == -1, "undefined on the left stays undefined");
	ok(test("1e3 == 1000 && 2.5e-1 == 0.25", r) == 1, "number syntax");

	is_str(compile_err("psi >"), "column 6: expected a number, string, "
	    "field or '(', found end of expression", "error at the end");
	is_str(compile_err("psi > 1 )"), "column 9: expected an operator or the "
	    "end, found ')'", "trailing junk");
	is_str(compile_err("(psi > 1"), "column 9: expected ')', found end of "
	    "expression", "unclosed parenthesis");
	is_str(compile_err("psi > 'x"), "column 9: expected a closing quote, "
	    "found end of expression", "unclosed string");
	is_str(compile_err("abs(1, 2)"), "column 10: expected abs() of one "
	    "value, found end of expression", "abs arity");
	is_str(compile_err("missing(1)"), "column 9: expected a field path, "
	    "found '1)'", "missing() takes a path");
	is_str(compile_err("a.b\\.c > 1"), "(compiled)", "escaped dot in a path");
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
