/* Unit tests of lib/state.c: exact sums against Python's math.fsum
 * (tests/data/witness-state.py, run by hand; its printed numbers are
 * pinned here), order independence, merge, write and read back. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"
#include "tap.h"

static double
sum(const double *x, size_t n)
{
	struct mlw_xsum s;
	size_t i;

	mlw_xsum_clear(&s);
	for (i = 0; i < n; i++)
		mlw_xsum_add(&s, x[i]);
	return mlw_xsum_value(&s);
}

int
main(void)
{
	double tenths[10], mixed[200], rev[200];
	double cancel[] = { 1e100, 1.0, -1e100, 1e-100 };
	double halfway[] = { 1.0, 0x1p-53, 0x1p-106 };
	double tiny[] = { 5e-324, 5e-324, -1e-320, 2.5e-308 };
	struct mlw_xsum a, b, c;
	struct mlw_buf out = { 0 };
	struct mlw_json doc;
	size_t i;

	for (i = 0; i < 10; i++)
		tenths[i] = 0.1;
	for (i = 0; i < 200; i++) {
		mixed[i] = (i % 2 ? -1.0 : 1.0) * ((double)i + 0.1) *
		    pow(10.0, (double)(i % 21) - 10);
		rev[199 - i] = mixed[i];
	}
	/* witness-state.py: tenths 1.0, cancel 1.0, halfway
	 * 1.0000000000000002, tiny 2.499999999999001e-308, mixed
	 * 947190082463.5454 */
	is_double(sum(tenths, 10), 1.0, "0.1 ten times is 1 (fsum)");
	is_double(sum(cancel, 4), 1.0, "1e100 + 1 - 1e100 + 1e-100 (fsum)");
	is_double(sum(halfway, 3), 1.0000000000000002,
	    "a tie broken by a lower term rounds up (fsum)");
	is_double(sum(tiny, 4), 2.499999999999001e-308, "subnormals (fsum)");
	is_double(sum(mixed, 200), 947190082463.5454, "mixed magnitudes (fsum)");
	is_double(sum(rev, 200), 947190082463.5454, "in reverse order too");

	/* split in two, merged: the same bits */
	mlw_xsum_clear(&a);
	mlw_xsum_clear(&b);
	for (i = 0; i < 200; i++)
		mlw_xsum_add(i % 3 ? &a : &b, mixed[i]);
	mlw_xsum_merge(&a, &b);
	is_double(mlw_xsum_value(&a), 947190082463.5454, "merge of two parts");

	/* written as JSON and read back: the same sum */
	mlw_jw_open(&out, '[');
	mlw_jw_sep(&out);
	mlw_xsum_write(&out, &a);
	mlw_jw_close(&out, ']');
	memset(&doc, 0, sizeof doc);
	ok(mlw_json_parse(&doc, out.p, out.len) == 0, "written sum parses");
	mlw_xsum_clear(&c);
	ok(mlw_xsum_read(&c, &doc, 1) == 0, "and reads back");
	is_double(mlw_xsum_value(&c), 947190082463.5454, "to the same value");

	/* exact products: (1 + 2^-30)^2 - 1 - 2^-29 = 2^-60 */
	mlw_xsum_clear(&c);
	mlw_xsum_add_product(&c, 1 + 0x1p-30, 1 + 0x1p-30);
	mlw_xsum_add(&c, -1);
	mlw_xsum_add(&c, -0x1p-29);
	is_double(mlw_xsum_value(&c), 0x1p-60, "a product is added exactly");

	/* non-finite terms */
	mlw_xsum_clear(&c);
	mlw_xsum_add(&c, 1);
	mlw_xsum_add(&c, INFINITY);
	ok(isinf(mlw_xsum_value(&c)) && mlw_xsum_value(&c) > 0, "+inf");
	mlw_xsum_add(&c, -INFINITY);
	ok(isnan(mlw_xsum_value(&c)), "+inf plus -inf is NaN");
	/* beyond the double range, then back */
	mlw_xsum_clear(&c);
	mlw_xsum_add(&c, 1.5e308);
	mlw_xsum_add(&c, 1.5e308);
	ok(isinf(mlw_xsum_value(&c)), "an overflowing sum is infinite");
	mlw_xsum_add(&c, -1.5e308);
	is_double(mlw_xsum_value(&c), 1.5e308, "and exact again after");

	mlw_json_free(&doc);
	mlw_buf_free(&out);
	return done_testing();
}
