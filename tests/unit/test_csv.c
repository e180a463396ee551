/* Unit tests of lib/csv.c: RFC 4180 splitting, quoting on output, UTF-8
 * checks, JSON number syntax and JSON compaction. The expected splits
 * follow RFC 4180 section 2 by hand (and agree with Python's csv module,
 * tests/data/csv-witness.py). */
#include <string.h>

#include "csv.h"
#include "utf8.h"
#include "tap.h"

static struct mlw_csv_fields F;
static char err[128];

/* Split s and compare with want: fields separated by '|', a leading '@'
 * marks a quoted field. */
static int
split_is(const char *s, char delim, const char *want)
{
	struct mlw_buf got = { 0 };
	size_t i;
	int r;

	if (mlw_csv_split(s, strlen(s), delim, &F, err, sizeof err) < 0)
		return 0;
	for (i = 0; i < F.n; i++) {
		if (i)
			mlw_buf_addc(&got, '|');
		if (F.f[i].quoted)
			mlw_buf_addc(&got, '@');
		mlw_buf_add(&got, F.f[i].p, F.f[i].len);
		if (F.f[i].p[F.f[i].len] != '\0')
			return 0;
	}
	mlw_buf_addc(&got, '\0');
	r = strcmp(got.p, want) == 0;
	if (!r)
		printf("#   got '%s', want '%s'\n", got.p, want);
	mlw_buf_free(&got);
	return r;
}

static int
split_fails(const char *s, const char *why)
{
	if (mlw_csv_split(s, strlen(s), ',', &F, err, sizeof err) == 0)
		return 0;
	if (strcmp(err, why) != 0) {
		printf("#   got '%s'\n", err);
		return 0;
	}
	return 1;
}

static int
put_is(const char *s, size_t n, const char *want)
{
	struct mlw_buf b = { 0 };
	int r;

	mlw_csv_put(&b, s, n, ',');
	r = b.len == strlen(want) && memcmp(b.p, want, b.len) == 0;
	if (!r)
		printf("#   got '%.*s'\n", (int)b.len, b.p);
	mlw_buf_free(&b);
	return r;
}

static int
compact_is(const char *s, const char *want)
{
	struct mlw_buf b = { 0 };
	int r;

	mlw_json_compact(&b, s, strlen(s));
	r = b.len == strlen(want) && memcmp(b.p, want, b.len) == 0;
	mlw_buf_free(&b);
	return r;
}

int
main(void)
{
	ok(split_is("a,b,c", ',', "a|b|c"), "plain fields");
	ok(split_is("a,,c,", ',', "a||c|"), "empty fields, empty last field");
	ok(split_is("\"a,b\",c", ',', "@a,b|c"), "a quoted comma");
	ok(split_is("\"he said \"\"hi\"\"\"", ',', "@he said \"hi\""),
	    "doubled quotes");
	ok(split_is("\"\"", ',', "@"), "a quoted empty field");
	ok(split_is("\"a\r\nb\",\"c\nd\"", ',', "@a\r\nb|@c\nd"),
	    "embedded CRLF and LF kept as they are");
	ok(split_is("5'11\",x", ',', "5'11\"|x"),
	    "a quote inside an unquoted field is data");
	ok(split_is("a\tb,c\t\"d\te\"", '\t', "a|b,c|@d\te"), "TAB delimiter");
	ok(split_is(" a , b ", ',', " a | b "), "spaces are data (RFC 4180)");
	ok(split_is("x", ',', "x"), "one field");
	ok(split_fails("\"abc\"d,e", "field 1: text after the closing quote"),
	    "text after a closing quote");
	ok(split_fails("a,\"open", "field 2: a quoted field is not closed at "
	    "the end of the file"), "an unterminated quote");
	ok(split_fails("a,\xc3\x28", "field 2: invalid UTF-8 (byte 0xc3)"),
	    "invalid UTF-8");

	ok(mlw_utf8_check("h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80", 15)
	    == -1, "valid UTF-8");
	ok(mlw_utf8_check("\xc0\xaf", 2) == 0, "overlong form");
	ok(mlw_utf8_check("ab\xed\xa0\x80", 5) == 2, "a surrogate");
	ok(mlw_utf8_check("\xf4\x90\x80\x80", 4) == 0, "above U+10FFFF");
	ok(mlw_utf8_check("\xe2\x82", 2) == 0, "truncated sequence");

	ok(mlw_csv_is_number("0", 1), "0");
	ok(mlw_csv_is_number("-12.50e+3", 9), "-12.50e+3");
	ok(mlw_csv_is_number("1E5", 3), "1E5");
	ok(mlw_csv_is_number("-0", 2), "-0");
	ok(!mlw_csv_is_number("01", 2), "01 is not JSON");
	ok(!mlw_csv_is_number("+1", 2), "+1 is not JSON");
	ok(!mlw_csv_is_number(".5", 2), ".5 is not JSON");
	ok(!mlw_csv_is_number("5.", 2), "5. is not JSON");
	ok(!mlw_csv_is_number("1e", 2), "1e is not JSON");
	ok(!mlw_csv_is_number(" 1", 2), "a leading space is not JSON");
	ok(!mlw_csv_is_number("NaN", 3), "NaN");
	ok(!mlw_csv_is_number("0x10", 4), "hex");
	ok(!mlw_csv_is_number("1e999", 5), "overflow to infinity");
	ok(mlw_csv_is_number("1e-400", 6), "underflow is a number");
	ok(!mlw_csv_is_number("", 0), "empty");

	ok(put_is("abc", 3, "abc"), "plain field unquoted");
	ok(put_is("", 0, "\"\""), "the empty string is quoted");
	ok(put_is("a,b", 3, "\"a,b\""), "a comma is quoted");
	ok(put_is("say \"x\"", 7, "\"say \"\"x\"\"\""), "quotes doubled");
	ok(put_is("a\nb", 3, "\"a\nb\""), "LF quoted");
	ok(put_is("a\rb", 3, "\"a\rb\""), "CR quoted");
	ok(put_is(" a ", 3, " a "), "spaces not quoted");
	ok(put_is("\xEF\xBB\xBFx", 4, "\"\xEF\xBB\xBFx\""),
	    "a leading byte-order mark is quoted");
	ok(put_is("{a", 2, "\"{a\""), "a leading { is quoted (not JSON Lines)");
	ok(put_is("a{", 2, "a{"), "a { further on is not");

	ok(compact_is("[1, {\"a\" : \"b c\\\" d\"} ]",
	    "[1,{\"a\":\"b c\\\" d\"}]"), "compact JSON keeps strings");
	ok(compact_is("{ }", "{}"), "compact empty object");

	mlw_csv_fields_free(&F);
	return done_testing();
}
