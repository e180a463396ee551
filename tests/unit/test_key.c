/* Unit tests of lib/key.c: keys equal exactly when the values are equal
 * (strings decoded, numbers by exact decimal value, types apart), and the
 * texts that show them. Expected number texts: Python's repr() of the
 * double where it reads back to the same decimal value (the shortest
 * round-trip form), else the decimal digits in full, in ECMAScript's
 * Number::toString layout (ECMA-262, 6.1.6.1.20). */
#include <stdlib.h>

#include "json.h"
#include "jsonw.h"
#include "key.h"
#include "tap.h"

static struct mlw_json doc;

/* The key of the values of "a" and "b" in the record s, as a C string of
 * its display text, or "ERR: why". */
static const char *
display(const char *s)
{
	static struct mlw_buf k, d;
	static char out[512];
	struct mlw_path p[2];
	char *names[2] = { "a", "b" };
	const char *why = NULL;
	size_t bad;

	if (mlw_json_parse(&doc, s, strlen(s)) < 0)
		return "ERR: json";
	mlw_path_parse(&p[0], "a");
	mlw_path_parse(&p[1], "b");
	d.len = 0;
	if (mlw_key_make(&k, &doc, p, 2, &bad, &why) < 0)
		snprintf(out, sizeof out, "ERR: %zu %s", bad, why);
	else {
		mlw_key_display(&d, k.p, k.len, names);
		snprintf(out, sizeof out, "%.*s", (int)d.len, d.p);
	}
	mlw_path_free(&p[0]);
	mlw_path_free(&p[1]);
	return out;
}

/* 1 when records s and t make the same key of a and b. */
static int
same(const char *s, const char *t)
{
	struct mlw_buf a = { 0 }, b = { 0 };
	struct mlw_path p[2];
	const char *why;
	size_t bad;
	int r;

	mlw_path_parse(&p[0], "a");
	mlw_path_parse(&p[1], "b");
	mlw_json_parse(&doc, s, strlen(s));
	mlw_key_make(&a, &doc, p, 2, &bad, &why);
	mlw_json_parse(&doc, t, strlen(t));
	mlw_key_make(&b, &doc, p, 2, &bad, &why);
	r = a.len == b.len && memcmp(a.p, b.p, a.len) == 0;
	mlw_buf_free(&a);
	mlw_buf_free(&b);
	mlw_path_free(&p[0]);
	mlw_path_free(&p[1]);
	return r;
}

/* The JSON text of the value of "a" as a key part. */
static const char *
json(const char *s)
{
	static struct mlw_buf k, j;
	static char out[512];
	struct mlw_keypart part;
	const char *why;
	size_t pos = 0;

	mlw_json_parse(&doc, s, strlen(s));
	k.len = j.len = 0;
	if (mlw_key_add(&k, &doc, mlw_json_member(&doc, 0, "a", 1), &why) < 0)
		return why;
	mlw_key_next(k.p, k.len, &pos, &part);
	mlw_key_json(&j, &part);
	snprintf(out, sizeof out, "%.*s", (int)j.len, j.p);
	return out;
}

int
main(void)
{
	/* the mlw-metrics bug: display texts that ran into one another */
	ok(!same("{\"a\":\"1,b=2\",\"b\":\"3\"}", "{\"a\":\"1\",\"b\":\"2,b=3\"}"),
	    "values holding , and = stay apart");
	ok(!same("{\"a\":\"\",\"b\":1}", "{\"b\":1}"),
	    "the empty string and a missing value are two keys");
	ok(same("{\"a\":null,\"b\":1}", "{\"b\":1}"),
	    "null and absent are both missing");
	ok(!same("{\"a\":1}", "{\"a\":\"1\"}"), "a number is not a string");
	ok(!same("{\"a\":true}", "{\"a\":\"true\"}"), "a boolean is not a string");
	ok(!same("{\"a\":true}", "{\"a\":false}"), "true is not false");
	ok(same("{\"a\":7}", "{\"a\":7.0}") && same("{\"a\":7}", "{\"a\":70e-1}") &&
	    same("{\"a\":7}", "{\"a\":0.7E+1}"), "7, 7.0, 70e-1, 0.7E+1 are one key");
	ok(same("{\"a\":0}", "{\"a\":-0.0}") && same("{\"a\":0}", "{\"a\":0e99}"),
	    "zeros are one key");
	/* 2^53 and 2^53 + 1 are one double, two identifiers */
	ok(!same("{\"a\":9007199254740992}", "{\"a\":9007199254740993}"),
	    "numbers are compared exactly, not as doubles");
	ok(same("{\"a\":\"caf\\u00e9\"}", "{\"a\":\"caf\xc3\xa9\"}"),
	    "strings compare decoded");
	ok(!same("{\"a\":\"x\\u0000y\"}", "{\"a\":\"x\"}"),
	    "a NUL in a value does not end it");
	ok(!same("{\"a\":\"x\",\"b\":\"\"}", "{\"a\":\"\",\"b\":\"x\"}"),
	    "parts are framed");

	is_str(display("{\"a\":\"1,b=2\",\"b\":\"3\"}"), "a=\"1,b=2\",b=3",
	    "display joins path=value");
	is_str(display("{\"a\":\"\"}"), "a=\"\",b=", "the empty string shows as \"\", missing as nothing");
	is_str(display("{\"a\":1.0,\"b\":true}"), "a=1,b=true", "numbers in shortest form");
	is_str(display("{\"a\":{\"x\":1}}"), "ERR: 0 expected a string, number or boolean",
	    "an object is not a key");
	is_str(display("{\"b\":[1]}"), "ERR: 1 expected a string, number or boolean",
	    "an array is not a key, with its path");
	is_str(display("{\"a\":1e1000000000000000}"),
	    "ERR: 0 expected a number with an exponent below 1e15", "huge exponents");

	/* shortest round-trip where it is exact (Python: repr(0.1) '0.1',
	 * repr(1e-07) '1e-07', repr(1e300) '1e+300', repr(-2.5) '-2.5') */
	is_str(json("{\"a\":0.1}"), "0.1", "0.1");
	is_str(json("{\"a\":1e-7}"), "1e-07", "1e-7 as %%.15g writes it");
	is_str(json("{\"a\":1E300}"), "1e+300", "1e300");
	is_str(json("{\"a\":-2.50}"), "-2.5", "-2.50");
	is_str(json("{\"a\":-0}"), "0", "-0 is 0");
	/* not a double: all digits (ECMAScript layout) */
	is_str(json("{\"a\":9007199254740993}"), "9007199254740993", "2^53 + 1 in full");
	is_str(json("{\"a\":12345678901234567891}"), "12345678901234567891", "20 digits");
	is_str(json("{\"a\":0.10000000000000001}"), "0.10000000000000001",
	    "17 digits that round to 0.1 stay 17 digits");
	is_str(json("{\"a\":1.00000000000000000001e-10}"), "1.00000000000000000001e-10",
	    "small and long: exponent form");
	is_str(json("{\"a\":123456789012345678901234e-2}"), "1.23456789012345678901234e+21",
	    "past 21 digits before the point: exponent form");
	is_str(json("{\"a\":1e400}"), "1e+400", "beyond the doubles");
	is_str(json("{\"a\":\"x\\\"y\"}"), "\"x\\\"y\"", "strings as JSON");
	is_str(json("{\"a\":null}"), "null", "missing as null");
	is_str(json("{}"), "null", "absent as null");

	{
		struct mlw_strmap m = { 0 };

		mlw_key_set_max(2);
		ok(mlw_key_index(&m, "a", 1) == 0 && mlw_key_index(&m, "b", 1) == 1 &&
		    mlw_key_index(&m, "a", 1) == 0, "keys up to the limit");
		ok(mlw_key_index(&m, "c", 1) == -1 && m.n == 2, "a third key does not fit");
		mlw_key_set_max(0);
		ok(mlw_key_max() == MLW_KEYS_DEFAULT, "0 restores the default");
		mlw_strmap_free(&m);
	}
	mlw_json_free(&doc);
	return done_testing();
}
