#include "num.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* Powers of ten that are exact doubles. */
static const double p10[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

int
mlw_num_parse(const char *s, size_t len, double *out)
{
	const char *p = s, *end = s + len;
	int neg = 0, digits = 0;
	uint64_t m = 0;
	int exp10 = 0;
	double d;

	/*
	 * Clinger's fast path: when the decimal significand fits in 53 bits
	 * and the power of ten is an exact double, one IEEE multiplication or
	 * division is correctly rounded, so the result equals strtod's.
	 */
	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	while (p < end && *p >= '0' && *p <= '9') {
		m = m * 10 + (uint64_t)(*p - '0');
		if (m || digits)
			digits++;
		p++;
	}
	if (p < end && *p == '.') {
		p++;
		while (p < end && *p >= '0' && *p <= '9') {
			m = m * 10 + (uint64_t)(*p - '0');
			if (m || digits)
				digits++;
			exp10--;
			p++;
		}
	}
	if (p == end && digits <= 15 && exp10 >= -22) {
		d = (double)m;
		d = exp10 < 0 ? d / p10[-exp10] : d;
		*out = neg ? -d : d;
		return 0;
	}
	/* slow path: exponents, long significands */
	{
		char tmp[64], *e;
		const char *z = s;
		char *heap = NULL;

		if (len < sizeof tmp) {
			memcpy(tmp, s, len);
			tmp[len] = '\0';
			z = tmp;
		} else {
			heap = mlw_xmalloc(len + 1);
			memcpy(heap, s, len);
			heap[len] = '\0';
			z = heap;
		}
		errno = 0;
		d = strtod(z, &e);
		free(heap);
	}
	if (isinf(d))
		return -1;
	*out = d;
	return 0;
}

size_t
mlw_num_format(double x, char *buf)
{
	int prec;
	int n = 0;

	if (x == 0) {
		if (signbit(x)) {
			memcpy(buf, "-0", 3);
			return 2;
		}
		memcpy(buf, "0", 2);
		return 1;
	}
	for (prec = 15; prec <= 17; prec++) {
		n = snprintf(buf, MLW_NUM_MAX, "%.*g", prec, x);
		if (prec == 17 || strtod(buf, NULL) == x)
			break;
	}
	return (size_t)n;
}

int
mlw_num_strict(const char *s, double *out)
{
	char *e;
	double d;

	if (*s == '\0' || *s == ' ' || *s == '\t' || *s == '\n' ||
	    strpbrk(s, "xX") != NULL)  /* decimal only: strtod reads hex */
		return -1;
	errno = 0;
	d = strtod(s, &e);
	if (*e != '\0' || errno == ERANGE || !isfinite(d))
		return -1;
	*out = d;
	return 0;
}

int
mlw_int_strict(const char *s, long long lo, long long hi, long long *out)
{
	char *e;
	long long v;

	if (!(*s >= '0' && *s <= '9') && *s != '-' && *s != '+')
		return -1;
	errno = 0;
	v = strtoll(s, &e, 10);
	if (*e != '\0' || errno == ERANGE || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}
