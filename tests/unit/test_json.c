/* Unit tests of lib/json.c, lib/jw.c and lib/num.c: RFC 8259 validity
 * (the accept/reject cases follow the grammar in RFC 8259 sections 2-8),
 * path lookup, string decoding, exact numbers. */
#include <stdlib.h>

#include "json.h"
#include "jsonw.h"
#include "num.h"
#include "tap.h"

static struct mlw_json doc;

static int
valid(const char *s)
{
	return mlw_json_parse(&doc, s, strlen(s)) == 0;
}

static int
nf(const char *s)
{
	return mlw_json_parse_nonfinite(&doc, s, strlen(s));
}

static long
get(const char *s, const char *path)
{
	struct mlw_path p;
	long r;

	if (!valid(s) || mlw_path_parse(&p, path) < 0)
		return -99;
	r = mlw_json_get(&doc, 0, &p);
	mlw_path_free(&p);
	return r;
}

static const char *
str(long i)
{
	static char b[256];
	size_t n = mlw_json_str(&doc, (uint32_t)i, b, sizeof b - 1);

	b[n] = '\0';
	return b;
}

int
main(void)
{
	static const char *const good[] = {
		"{}", "[]", "0", "-0", "1.5e-3", "1E+2", "\"\"", "true",
		"null", " { \"a\" : [ 1 , { } , [ ] ] } ", "{\"\\u00e9\":\"\\ud83d\\ude00\"}",
		"\"caf\xc3\xa9\"", "\"\xf0\x9f\x98\x80\"", "{\"a\":1,\"a\":2}",
		"\"\\ud800\"", "123456789012345678901234567890",
	};
	static const char *const badj[] = {
		"", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "[1,]", "01", "1.",
		".5", "+1", "1e", "-", "tru", "nul", "\"\\x\"", "\"\\u12\"",
		"\"a\tb\"", "\"\xc3\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"",
		"\"\xf5\x80\x80\x80\"", "{} {}", "{'a':1}", "[1 2]", "NaN",
		"Infinity", "{\"a\":1}x", "\"abc",
	};
	size_t i;
	char deep[600];
	long t;
	double d;
	char nb[MLW_NUM_MAX];

	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		ok(valid(good[i]), "valid: %s", good[i]);
	for (i = 0; i < sizeof badj / sizeof badj[0]; i++)
		ok(!valid(badj[i]), "invalid: %s", badj[i]);

	memset(deep, '[', 256);
	memset(deep + 256, ']', 256);
	ok(mlw_json_parse(&doc, deep, 512) == 0, "256 levels of nesting");
	memset(deep, '[', 257);
	memset(deep + 257, ']', 257);
	ok(mlw_json_parse(&doc, deep, 514) < 0 &&
	    strstr(doc.err, "deeper than 256") != NULL, "257 levels rejected");

	ok(!valid("{\"a\":1,}"), "trailing comma");
	is_str(doc.err, "invalid JSON at column 8: expected a member name in "
	    "double quotes, found '}'", "error names the column and the byte");
	ok(!valid("{\"a\":\"\x01\"}"), "raw control byte");
	is_str(doc.err, "invalid JSON at column 7: control character in string "
	    "(must be escaped), found byte 0x01", "non-printable byte shown in hex");

	t = get("{\"features\":{\"age\":41,\"n\":null},\"x\":\"y\"}", "features.age");
	ok(t > 0 && doc.tok[t].type == MLW_JNUM, "nested path");
	ok(get("{\"features\":{\"age\":41}}", "features.income") == -1,
	    "absent member");
	ok(get("{\"features\":3}", "features.age") == -1, "path through a number");
	t = get("{\"f\":{\"n\":null}}", "f.n");
	ok(t > 0 && mlw_json_missing(&doc, t), "null is missing");
	t = get("{\"a.b\":7,\"a\":{\"b\":8}}", "a\\.b");
	ok(t > 0 && doc.src[doc.tok[t].start] == '7', "escaped dot in a path");
	t = get("{\"a\":1,\"a\":2}", "a");
	ok(t > 0 && doc.src[doc.tok[t].start] == '2', "the last duplicate wins");
	t = get("{\"caf\\u00e9\":5}", "caf\xc3\xa9");
	ok(t > 0, "escaped member name matches the decoded path");

	t = get("{\"s\":\"a\\\"b\\\\c\\/d\\n\\u00e9\\ud83d\\ude00\"}", "s");
	is_str(str(t), "a\"b\\c/d\n\xc3\xa9\xf0\x9f\x98\x80", "string decoding");
	t = get("{\"s\":\"\\udc00x\"}", "s");
	is_str(str(t), "\xef\xbf\xbdx", "a lone surrogate decodes to U+FFFD");

	ok(mlw_num_parse("0.1", 3, &d) == 0 && d == 0.1, "0.1 as strtod");
	ok(mlw_num_parse("-0", 2, &d) == 0 && d == 0 && signbit(d), "-0");
	ok(mlw_num_parse("1e400", 5, &d) < 0, "1e400 overflows");
	ok(mlw_num_parse("1E-400", 6, &d) == 0 && d == 0, "1E-400 underflows to 0");
	ok(mlw_num_parse("9007199254740993", 16, &d) == 0 &&
	    d == 9007199254740992.0, "2^53+1 rounds as strtod");
	ok(mlw_num_parse("123456.789", 10, &d) == 0 && d == strtod("123456.789",
	    NULL), "fast path equals strtod");
	{
		/* the fast path against strtod on many decimals */
		unsigned long long x = 88172645463325252ULL;
		int bad = 0, k;

		for (k = 0; k < 100000; k++) {
			char s[40];
			double a;

			x ^= x << 13; x ^= x >> 7; x ^= x << 17;
			snprintf(s, sizeof s, "%llu.%0*llu", (x >> 20) % 100000000,
			    (int)(x % 9 + 1), (x >> 3) % 1000000000ULL %
			    (unsigned long long)pow(10, (double)(x % 9 + 1)));
			mlw_num_parse(s, strlen(s), &a);
			bad += a != strtod(s, NULL);
		}
		ok(bad == 0, "100000 random decimals equal strtod (%d differ)", bad);
	}

	mlw_num_format(0.1, nb);
	is_str(nb, "0.1", "shortest 0.1");
	mlw_num_format(1.0 / 3, nb);
	is_str(nb, "0.3333333333333333", "shortest 1/3 (16 digits)");
	mlw_num_format(3600, nb);
	is_str(nb, "3600", "integer without fraction");
	mlw_num_format(0.30000000000000004, nb);
	is_str(nb, "0.30000000000000004", "17 digits when needed");
	mlw_num_format(-0.0, nb);
	is_str(nb, "-0", "negative zero");
	{
		struct mlw_buf b = { 0 };

		mlw_jw_str(&b, "a\"\\\n\x01\xc3\xa9", 7);
		mlw_buf_addc(&b, '\0');
		is_str(b.p, "\"a\\\"\\\\\\n\\u0001\xc3\xa9\"", "string escaping");
		b.len = 0;
		/* regression: a string with an escape decoded into a buffer of
		 * exactly its decoded length lost its last 3 bytes (the loop
		 * kept room for a 4-byte character at every step), so
		 * mlw-report wrote the series "a\"b;" as "a\"b" */
		{
			struct mlw_json d = { 0 };
			char o[16];

			ok(mlw_json_parse(&d, "\"a\\\"b;\"", 7) == 0,
			    "parse a string with an escape");
			ok(mlw_json_str(&d, 0, o, 4) == 4 &&
			    memcmp(o, "a\"b;", 4) == 0, "decoded whole at cap = length");
			ok(mlw_json_str(&d, 0, o, 3) == 3 &&
			    memcmp(o, "a\"b", 3) == 0, "cut at cap");
			ok(mlw_json_parse(&d, "\"x\\u00e9\\ud83d\\ude00\"", 21) == 0,
			    "parse \\u escapes");
			ok(mlw_json_str(&d, 0, o, 7) == 7 &&
			    memcmp(o, "x\xc3\xa9\xf0\x9f\x98\x80", 7) == 0,
			    "escapes decoded whole at cap = length");
			ok(mlw_json_str(&d, 0, o, 6) == 3,
			    "never part of an escaped character");
			ok(mlw_json_str(&d, 0, o, 2) == 1,
			    "never part of an escaped character (2)");
			mlw_json_free(&d);
		}
		/* bytes that are not UTF-8 (an argument, a file name) become
		 * U+FFFD, one per byte, so the output is valid JSON: a lone
		 * continuation byte, a truncated sequence at the end, an
		 * overlong form, a surrogate, and a 4-byte form above U+10FFFF
		 * (the validity rules of RFC 3629, section 4) */
		mlw_jw_str(&b, "\x80" "a\xc3\xa9\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80\xe2\x82", 15);
		mlw_buf_addc(&b, '\0');
		is_str(b.p, "\"\xef\xbf\xbd" "a\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd"
		    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
		    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"",
		    "invalid UTF-8 written as U+FFFD per byte");
		b.len = 0;
		mlw_jw_str(&b, "\xf0\x9f\x98\x80", 4);
		mlw_buf_addc(&b, '\0');
		is_str(b.p, "\"\xf0\x9f\x98\x80\"", "a 4-byte character kept");
		b.len = 0;
		ok(mlw_jw_num(&b, NAN) < 0 && b.len == 4 &&
		    memcmp(b.p, "null", 4) == 0, "NaN is written as null");
		b.len = 0;
		valid("{ \"a\":1 , \"window_end\":2, \"b\" : [3] }");
		{
			static const char *const omit[] = { "window_end" };

			mlw_jw_copy_open(&b, &doc, omit, 1);
			mlw_jw_key(&b, "w");
			mlw_jw_int(&b, 5);
			mlw_jw_close(&b, '}');
			mlw_buf_addc(&b, '\0');
			is_str(b.p, "{\"a\":1,\"b\" : [3],\"w\":5}",
			    "copy without an owned member, bytes kept");
		}
		b.len = 0;
		valid("{ \"a\":1 }");
		mlw_jw_copy_open(&b, &doc, NULL, 0);
		mlw_jw_key(&b, "w");
		mlw_jw_int(&b, 5);
		mlw_jw_close(&b, '}');
		mlw_buf_addc(&b, '\0');
		is_str(b.p, "{ \"a\":1,\"w\":5}", "copy keeps the record's bytes");
		b.len = 0;
		valid("{}");
		mlw_jw_copy_open(&b, &doc, NULL, 0);
		mlw_jw_key(&b, "w");
		mlw_jw_int(&b, 5);
		mlw_jw_close(&b, '}');
		mlw_buf_addc(&b, '\0');
		is_str(b.p, "{\"w\":5}", "members added to an empty object");
		mlw_buf_free(&b);
	}
	mlw_json_free(&doc);
	/* NaN and the infinities as Python's json.dumps writes them:
	 * json.dumps({"a": float("nan"), "b": [float("inf"), -float("inf")]})
	 * is {"a": NaN, "b": [Infinity, -Infinity]} */
	{
		const char *py = "{\"a\": NaN, \"b\": [Infinity, -Infinity], \"c\": \"NaN\"}";
		long a, c;

		ok(mlw_json_parse(&doc, py, strlen(py)) < 0,
		    "the strict parser still rejects NaN (RFC 8259)");
		ok(mlw_json_parse_nonfinite(&doc, py, strlen(py)) == 0 &&
		    doc.nnonfinite == 3 && doc.src == py, "read by the lenient one");
		a = mlw_json_member(&doc, 0, "a", 1);
		c = mlw_json_member(&doc, 0, "c", 1);
		ok(a > 0 && doc.tok[a].type == MLW_JNULL && doc.tok[a].nonfinite &&
		    doc.tok[a].len == 3 && mlw_json_missing(&doc, a),
		    "NaN is a missing value, its word kept");
		ok(doc.tok[a + 3].len == 8 && doc.tok[a + 4].len == 9 &&
		    doc.tok[a + 4].nonfinite, "Infinity and -Infinity in an array");
		ok(c > 0 && doc.tok[c].type == MLW_JSTR && !doc.tok[c].nonfinite,
		    "the string \"NaN\" is a string");
		ok(nf("{\"a\":NaNx}") < 0 &&
		    nf("{\"a\":1Infinity}") < 0 &&
		    nf("{\"a\":Nan}") < 0,
		    "NaNx, 1Infinity and Nan are not JSON");
		ok(nf("{\"a\":1}") == 0 &&
		    doc.nnonfinite == 0 && !doc.tok[2].nonfinite,
		    "a plain record parses as before");
		ok(nf("{\"a\":NaN,\"b\":tru}") < 0 &&
		    strstr(doc.err, "column 14") != NULL,
		    "another error is found at its column: %s", doc.err);
	}
	ok(mlw_json_parse(&doc, "{\"a\":\"x", 7) < 0 && doc.truncated,
	    "a line cut short is truncated JSON");
	ok(mlw_json_parse(&doc, "{\"a\":,}", 7) < 0 && !doc.truncated,
	    "a wrong line is not");
	return done_testing();
}
