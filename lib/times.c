#include "times.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "num.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	*y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y += *m <= 2;
}

/* The accepted range: [1824-01-01T00:00:00Z, 2116-01-01T00:00:00Z), inside
 * +-MLW_TIME_LIMIT, so that every accepted time formats with a year from
 * 1824 to 2115 and reads back. */
int
mlw_time_in_range(int64_t ns)
{
	static const int64_t lo = INT64_C(-4607366400) * MLW_NS_PER_SEC;
	static const int64_t hi = INT64_C(4607280000) * MLW_NS_PER_SEC;

	return ns >= lo && ns < hi;
}

static int
digits(const char *s, int n, int *v)
{
	int i, x = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return 0;
}

int64_t
mlw_floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && (a < 0))
		q--;
	return q;
}

int
mlw_time_parse(const char *s, size_t len, int64_t *ns, const char **why)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d, h, mi, sec, dim;
	int64_t frac = 0, days, t;
	size_t i;

	*why = "expected an RFC 3339 time like 2026-11-01T00:00:00Z";
	if (len < 19 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
	    s[7] != '-' || digits(s + 8, 2, &d) ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &mi) ||
	    s[16] != ':' || digits(s + 17, 2, &sec))
		return -1;
	if (mo < 1 || mo > 12) {
		*why = "month out of range";
		return -1;
	}
	dim = mdays[mo - 1];
	if (mo == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		dim = 29;
	if (d < 1 || d > dim || h > 23 || mi > 59 || sec > 60) {
		*why = "date or time field out of range";
		return -1;
	}
	i = 19;
	if (i < len && s[i] == '.') {
		int nd = 0;

		i++;
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			if (nd < 9) {
				frac = frac * 10 + (s[i] - '0');
				nd++;
			}
			i++;
		}
		if (nd == 0)
			return -1;
		while (nd++ < 9)
			frac *= 10;
	}
	if (y < 1824 || y > 2115) {
		*why = "year out of the supported range 1824-2115";
		return -1;
	}
	days = days_from_civil(y, mo, d);
	t = days * 86400 + h * 3600 + mi * 60 + sec;
	if (i < len && (s[i] == 'Z' || s[i] == 'z') && i + 1 == len) {
		/* UTC */
	} else if (i + 6 == len && (s[i] == '+' || s[i] == '-') &&
	    s[i + 3] == ':') {
		int oh, om, off;

		if (digits(s + i + 1, 2, &oh) || digits(s + i + 4, 2, &om) ||
		    oh > 23 || om > 59)
			return -1;
		off = oh * 3600 + om * 60;
		t -= s[i] == '+' ? off : -off;
	} else {
		*why = i == len ? "expected Z or a +HH:MM offset at the end of "
		    "the time (a time without one is ambiguous)" :
		    "expected Z or a +HH:MM offset at the end of the time";
		return -1;
	}
	*ns = t * MLW_NS_PER_SEC + frac;
	if (!mlw_time_in_range(*ns)) {
		*why = "year out of the supported range 1824-2115";
		return -1;
	}
	return 0;
}

int
mlw_time_from_number(const char *s, size_t len, int64_t unit_ns, int64_t *ns,
    const char **why)
{
	const char *p = s, *end = s + len;
	int neg = 0;
	int64_t ip = 0, frac = 0, scale = unit_ns;
	double d;

	*why = "time out of range";
	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	while (p < end && *p >= '0' && *p <= '9') {
		ip = ip * 10 + (*p - '0');
		if (ip > MLW_TIME_LIMIT / unit_ns)
			return -1;
		p++;
	}
	if (p < end && *p == '.') {
		p++;
		while (p < end && *p >= '0' && *p <= '9') {
			if (scale >= 10) {
				scale /= 10;
				frac += (*p - '0') * scale;
			}
			p++;
		}
	}
	if (p == end) {
		int64_t v = ip * unit_ns + frac;

		*ns = neg ? -v : v;
		return mlw_time_in_range(*ns) ? 0 : -1;
	}
	/* exponent form: go through the double */
	if (mlw_num_parse(s, len, &d) < 0)
		return -1;
	d = d * (double)unit_ns;
	if (!(d >= -(double)MLW_TIME_LIMIT && d <= (double)MLW_TIME_LIMIT))
		return -1;
	*ns = (int64_t)llround(d);
	return mlw_time_in_range(*ns) ? 0 : -1;
}

int
mlw_time_token(const struct mlw_json *doc, long i, int64_t unit_ns,
    int64_t *ns, const char **why)
{
	const struct mlw_jtok *t = &doc->tok[i];
	const char *p = doc->src + t->start, *ign;
	int64_t ms;
	char tb[64];

	if (t->type == MLW_JSTR) {
		*why = "expected an RFC 3339 time like 2026-11-01T00:00:00Z";
		return t->len > sizeof tb ? -1 : mlw_time_parse(tb,
		    mlw_json_str(doc, (uint32_t)i, tb, sizeof tb), ns, why);
	}
	if (t->type != MLW_JNUM) {
		*why = "expected an RFC 3339 string or a number of seconds";
		return -1;
	}
	if (mlw_time_from_number(p, t->len, unit_ns, ns, why) == 0)
		return 0;
	/* as milliseconds, a time of this century */
	if (unit_ns == MLW_NS_PER_SEC && mlw_time_from_number(p, t->len,
	    MLW_NS_PER_SEC / 1000, &ms, &ign) == 0 &&
	    ms >= 946684800 * MLW_NS_PER_SEC)
		*why = "time out of range in seconds (in milliseconds? give "
		    "--time-unit ms)";
	return -1;
}

size_t
mlw_time_format(int64_t ns, char *buf)
{
	int64_t secs = mlw_floordiv(ns, MLW_NS_PER_SEC);
	int64_t frac = ns - secs * MLW_NS_PER_SEC;
	int64_t days = mlw_floordiv(secs, 86400);
	int64_t rem = secs - days * 86400;
	int64_t y;
	int m, d;
	int n;

	civil_from_days(days, &y, &m, &d);
	n = snprintf(buf, MLW_TIME_MAX, "%04lld-%02d-%02dT%02d:%02d:%02d",
	    (long long)y, m, d, (int)(rem / 3600), (int)(rem / 60 % 60),
	    (int)(rem % 60));
	if (frac) {
		int w = 9;

		while (frac % 10 == 0) {
			frac /= 10;
			w--;
		}
		n += snprintf(buf + n, MLW_TIME_MAX - (size_t)n, ".%0*lld", w,
		    (long long)frac);
	}
	buf[n++] = 'Z';
	buf[n] = '\0';
	return (size_t)n;
}

int
mlw_duration_parse(const char *s, int64_t *out)
{
	static const struct { const char *u; int64_t ns; } units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 },
		{ "s", MLW_NS_PER_SEC }, { "m", 60 * MLW_NS_PER_SEC },
		{ "h", 3600 * MLW_NS_PER_SEC }, { "d", 86400 * MLW_NS_PER_SEC },
		{ "w", 604800 * MLW_NS_PER_SEC },
	};
	double total = 0;
	const char *p = s;

	if (*p == '\0')
		return -1;
	while (*p) {
		char *e;
		double v;
		size_t i, ul;
		const char *u;
		int found = 0;

		if (!(*p >= '0' && *p <= '9'))
			return -1;
		v = strtod(p, &e);
		if (e == p || strspn(p, "0123456789.") != (size_t)(e - p))
			return -1;
		u = e;
		for (ul = 0; u[ul] >= 'a' && u[ul] <= 'z'; ul++)
			;
		for (i = 0; i < sizeof units / sizeof units[0]; i++) {
			if (strlen(units[i].u) == ul && memcmp(u, units[i].u, ul) == 0) {
				total += v * (double)units[i].ns;
				found = 1;
				break;
			}
		}
		if (!found)
			return -1;
		p = u + ul;
	}
	if (!(total >= 0 && total <= (double)MLW_DURATION_LIMIT))
		return -1;
	*out = (int64_t)llround(total);
	return 0;
}
