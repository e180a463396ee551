#include "xsum.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "jsonw.h"

/*
 * The value is sum(limb[k] * 2^(32k - 1074)). Between carry propagations
 * each limb holds a signed sum of 32-bit digits; after one, limbs
 * 0..L-2 are digits in [0, 2^32) and the top limb carries the sign. */

#define L MLW_XSUM_LIMBS
#define DIGIT 4294967296.0

void
mlw_xsum_clear(struct mlw_xsum *s)
{
	memset(s, 0, sizeof *s);
}

static void
carry(struct mlw_xsum *s)
{
	int k;

	for (k = 0; k < L - 1; k++) {
		int64_t v = s->limb[k];
		int64_t low = (int64_t)((uint64_t)v & 0xffffffffu);

		s->limb[k] = low;
		s->limb[k + 1] += (v - low) / 4294967296;
	}
	s->nadd = 0;
}

void
mlw_xsum_add(struct mlw_xsum *s, double x)
{
	uint64_t u, m;
	int e, k, r;
	int64_t p0, p1, p2;

	memcpy(&u, &x, sizeof u);
	e = (int)((u >> 52) & 0x7ff);
	m = u & 0xfffffffffffffull;
	if (e == 0x7ff) {
		if (m)
			s->nan = 1;
		else if (u >> 63)
			s->ninf = 1;
		else
			s->pinf = 1;
		return;
	}
	if (e)
		m |= 1ull << 52;
	else
		e = 1;                   /* subnormal: same scale as e == 1 */
	if (m == 0)
		return;
	/* x = m * 2^(e - 1075); bit position from 2^-1074: e - 1 */
	k = (e - 1) / 32;
	r = (e - 1) % 32;
	p0 = (int64_t)((m & ((1ull << (32 - r)) - 1)) << r);
	m >>= 32 - r;
	p1 = (int64_t)(m & 0xffffffffu);
	p2 = (int64_t)(m >> 32);
	if (u >> 63) {
		p0 = -p0;
		p1 = -p1;
		p2 = -p2;
	}
	s->limb[k] += p0;
	s->limb[k + 1] += p1;
	s->limb[k + 2] += p2;
	if (++s->nadd >= (1u << 30))
		carry(s);
}

void
mlw_xsum_add_product(struct mlw_xsum *s, double a, double b)
{
	double p = a * b;

	mlw_xsum_add(s, p);
	if (isfinite(p))
		mlw_xsum_add(s, fma(a, b, -p));
}

void
mlw_xsum_merge(struct mlw_xsum *s, const struct mlw_xsum *o)
{
	struct mlw_xsum t = *o;
	int k;

	carry(s);
	carry(&t);
	for (k = 0; k < L; k++)
		s->limb[k] += t.limb[k];
	s->nadd = 1;
	s->pinf |= o->pinf;
	s->ninf |= o->ninf;
	s->nan |= o->nan;
}

static int
nonfinite(const struct mlw_xsum *s, double *v)
{
	if (s->nan || (s->pinf && s->ninf))
		*v = NAN;
	else if (s->pinf)
		*v = INFINITY;
	else if (s->ninf)
		*v = -INFINITY;
	else
		return 0;
	return 1;
}

static int
bitlen(uint64_t v)
{
	int n = 0;

	while (v) {
		n++;
		v >>= 1;
	}
	return n;
}

/* Bit i of the magnitude t (carried, top limb >= 0). */
static int
bit(const struct mlw_xsum *t, int i)
{
	int k = i / 32;

	if (k >= L - 1)
		return (int)(((uint64_t)t->limb[L - 1] >> (i - 32 * (L - 1))) & 1);
	return (int)(((uint64_t)t->limb[k] >> (i % 32)) & 1);
}

double
mlw_xsum_value(const struct mlw_xsum *s)
{
	struct mlw_xsum t = *s;
	double v;
	int neg = 0, h, top, i;
	uint64_t m = 0;
	int round, sticky = 0;

	if (nonfinite(s, &v))
		return v;
	carry(&t);
	if (t.limb[L - 1] < 0) {
		for (i = 0; i < L; i++)
			t.limb[i] = -t.limb[i];
		carry(&t);
		neg = 1;
	}
	for (h = L - 1; h >= 0 && t.limb[h] == 0; h--)
		;
	if (h < 0)
		return 0.0;
	top = 32 * h + bitlen((uint64_t)t.limb[h]) - 1;  /* highest set bit */
	if (top <= 52) {
		/* fewer than 54 bits from 2^-1074: exactly representable */
		for (i = top; i >= 0; i--)
			m = m << 1 | (uint64_t)bit(&t, i);
		v = ldexp((double)m, -1074);
		return neg ? -v : v;
	}
	for (i = top; i > top - 53; i--)
		m = m << 1 | (uint64_t)bit(&t, i);
	round = bit(&t, top - 53);
	for (i = top - 54; i >= 0 && !sticky; i--) {
		if (i % 32 == 31 && i / 32 < L - 1 && t.limb[i / 32] == 0) {
			i -= 31;             /* skip a zero digit */
			continue;
		}
		sticky = bit(&t, i);
	}
	if (round && (sticky || (m & 1))) {
		m++;
		if (m >> 53) {
			m >>= 1;
			top++;
		}
	}
	v = ldexp((double)m, top - 52 - 1074);
	return neg ? -v : v;
}

/* The finite sum s as signed doubles, one per nonzero 32-bit digit of its
 * magnitude, exactly: their number, or -1 when s is not finite or beyond
 * the double range (then *neg tells its sign). */
static int
digits(const struct mlw_xsum *s, double *out, int *neg)
{
	struct mlw_xsum t = *s;
	double v;
	int k, n = 0;

	*neg = 0;
	carry(&t);
	if (t.limb[L - 1] < 0) {
		for (k = 0; k < L; k++)
			t.limb[k] = -t.limb[k];
		carry(&t);
		*neg = 1;
	}
	for (k = 0; k < L; k++) {
		if (t.limb[k] == 0)
			continue;
		v = ldexp((double)t.limb[k], 32 * k - 1074);
		if (!isfinite(v))
			return -1;
		out[n++] = *neg ? -v : v;
	}
	return n;
}

int
mlw_xsum_terms(const struct mlw_xsum *s, double *out)
{
	double v;
	int neg;

	if (nonfinite(s, &v))
		return -1;
	return digits(s, out, &neg);
}

void
mlw_xsum_write(struct mlw_buf *b, const struct mlw_xsum *s)
{
	double v, d[L];
	int k, n, neg;

	mlw_jw_open(b, '[');
	if (nonfinite(s, &v)) {
		mlw_jw_sep(b);
		mlw_buf_adds(b, isnan(v) ? "\"nan\"" : v > 0 ? "\"inf\"" :
		    "\"-inf\"");
	} else if ((n = digits(s, d, &neg)) < 0) {
		mlw_jw_sep(b);
		mlw_buf_adds(b, neg ? "\"-inf\"" : "\"inf\"");
	} else
		for (k = 0; k < n; k++) {
			mlw_jw_sep(b);
			mlw_jw_num(b, d[k]);
		}
	mlw_jw_close(b, ']');
}

int
mlw_xsum_read(struct mlw_xsum *s, const struct mlw_json *doc, long i)
{
	uint32_t j;
	double d;

	if (i < 0 || doc->tok[i].type != MLW_JARR)
		return -1;
	for (j = (uint32_t)i + 1; j < doc->tok[i].next; j = doc->tok[j].next) {
		if (doc->tok[j].type == MLW_JSTR) {
			if (mlw_json_streq(doc, j, "inf", 3))
				s->pinf = 1;
			else if (mlw_json_streq(doc, j, "-inf", 4))
				s->ninf = 1;
			else if (mlw_json_streq(doc, j, "nan", 3))
				s->nan = 1;
			else
				return -1;
			continue;
		}
		if (doc->tok[j].type != MLW_JNUM ||
		    mlw_json_num(doc, j, &d) < 0)
			return -1;
		mlw_xsum_add(s, d);
	}
	return 0;
}
