/* Unit tests of lib/times.c. Epoch values were computed with Python's
 * calendar.timegm and datetime (see each comment). */
#include "times.h"
#include "tap.h"

static int64_t
parse(const char *s)
{
	int64_t ns = -42;
	const char *why;

	if (mlw_time_parse(s, strlen(s), &ns, &why) < 0)
		return -42;
	return ns;
}

static int
bad(const char *s)
{
	int64_t ns;
	const char *why;

	return mlw_time_parse(s, strlen(s), &ns, &why) < 0;
}

static const char *
fmt(int64_t ns)
{
	static char b[MLW_TIME_MAX];

	mlw_time_format(ns, b);
	return b;
}

int
main(void)
{
	int64_t ns;
	const char *why;

	/* calendar.timegm((2026,11,1,1,0,0)) == 1793494800 */
	ok(parse("2026-11-01T01:00:00Z") == INT64_C(1793494800) * MLW_NS_PER_SEC,
	    "UTC time");
	/* datetime(2026,11,1,1,0,0,250000,tz=+01:00).timestamp()*1000 ==
	 * 1793491200250 */
	ok(parse("2026-11-01T01:00:00.250+01:00") ==
	    INT64_C(1793491200250) * 1000000, "offset and fraction");
	ok(parse("2026-11-01t01:00:00z") == parse("2026-11-01T01:00:00Z"),
	    "lower-case t and z");
	ok(parse("2026-11-01 01:00:00Z") == parse("2026-11-01T01:00:00Z"),
	    "space separator");
	/* datetime(1969,12,31,23,59,59,tz=utc).timestamp() == -1 */
	ok(parse("1969-12-31T23:59:59Z") == -MLW_NS_PER_SEC, "before 1970");
	/* datetime(2000,2,29,12,tz=utc).timestamp() == 951825600 */
	ok(parse("2000-02-29T12:00:00Z") == INT64_C(951825600) * MLW_NS_PER_SEC,
	    "leap day 2000");
	ok(bad("1900-02-29T00:00:00Z"), "1900 is not a leap year");
	ok(bad("2026-13-01T00:00:00Z"), "month 13");
	ok(bad("2026-11-01T24:00:00Z"), "hour 24");
	ok(bad("2026-11-01T00:00:00"), "no offset");
	ok(bad("2026-11-01T00:00:00.Z"), "empty fraction");
	ok(bad("2026-11-01T00:00:00+0100"), "offset without colon");
	ok(bad("2026-11-01"), "date only");
	ok(bad("3000-01-01T00:00:00Z"), "year beyond 2115");
	/* calendar.timegm((1824,1,1,0,0,0)) == -4607366400 */
	ok(parse("1824-01-01T00:00:00Z") == INT64_C(-4607366400) * MLW_NS_PER_SEC,
	    "the first accepted time");
	ok(bad("1823-12-31T23:59:59Z"), "before 1824");
	/* found by libFuzzer: a leap second rolling into 2116 must not parse,
	 * or it would format as a time that does not read back */
	ok(bad("2115-12-31T23:59:60.5Z"), "a leap second into 2116");
	ok(bad("2115-12-31T23:00:00-05:00"), "an offset into 2116");
	ok(parse("2026-11-01T00:00:00.123456789123Z") % MLW_NS_PER_SEC ==
	    123456789, "fraction digits beyond 9 are cut");

	is_str(fmt(INT64_C(1793494800) * MLW_NS_PER_SEC), "2026-11-01T01:00:00Z",
	    "format whole seconds");
	is_str(fmt(INT64_C(1793494800) * MLW_NS_PER_SEC + 250000000),
	    "2026-11-01T01:00:00.25Z", "format fraction without zeros");
	is_str(fmt(-1), "1969-12-31T23:59:59.999999999Z", "format before 1970");
	is_str(fmt(0), "1970-01-01T00:00:00Z", "format epoch");

	ok(mlw_time_from_number("1793494800.25", 13, MLW_NS_PER_SEC, &ns, &why)
	    == 0 && ns == INT64_C(1793494800250000000), "epoch seconds exactly");
	ok(mlw_time_from_number("1793494800250", 13, 1000000, &ns, &why) == 0 &&
	    ns == INT64_C(1793494800250000000), "epoch milliseconds");
	ok(mlw_time_from_number("-1.5", 4, MLW_NS_PER_SEC, &ns, &why) == 0 &&
	    ns == -1500000000, "negative epoch seconds");
	ok(mlw_time_from_number("1.7934948e9", 11, MLW_NS_PER_SEC, &ns, &why) ==
	    0 && ns == INT64_C(1793494800000000000), "exponent form");
	ok(mlw_time_from_number("1e400", 5, MLW_NS_PER_SEC, &ns, &why) < 0,
	    "overflow");

	ok(mlw_duration_parse("250ms", &ns) == 0 && ns == 250000000, "250ms");
	ok(mlw_duration_parse("1h30m", &ns) == 0 &&
	    ns == INT64_C(5400) * MLW_NS_PER_SEC, "1h30m");
	ok(mlw_duration_parse("1.5s", &ns) == 0 && ns == 1500000000, "1.5s");
	ok(mlw_duration_parse("1w", &ns) == 0 &&
	    ns == INT64_C(604800) * MLW_NS_PER_SEC, "1w");
	ok(mlw_duration_parse("1d", &ns) == 0 &&
	    ns == INT64_C(86400) * MLW_NS_PER_SEC, "1d");
	ok(mlw_duration_parse("5", &ns) < 0, "a number without unit");
	ok(mlw_duration_parse("0s", &ns) == 0 && ns == 0, "zero parses");
	ok(mlw_duration_parse("-5s", &ns) < 0, "negative");
	ok(mlw_duration_parse("5 s", &ns) < 0, "space");
	ok(mlw_duration_parse("0x10s", &ns) < 0, "hex");
	ok(mlw_duration_parse("1y", &ns) < 0, "unknown unit");

	ok(mlw_floordiv(-1, 3600) == -1 && mlw_floordiv(3599, 3600) == 0 &&
	    mlw_floordiv(-3600, 3600) == -1, "floor division");
	return done_testing();
}
