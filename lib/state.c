#include "state.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"

/* ---------- exact sums ----------
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

/* ---------- hashing ---------- */

uint64_t
mlw_hash_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= c[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

uint64_t
mlw_hash_u64(uint64_t h, uint64_t v)
{
	unsigned char c[8];
	int i;

	for (i = 0; i < 8; i++)
		c[i] = (unsigned char)(v >> (8 * i));
	return mlw_hash_bytes(h, c, 8);
}

uint64_t
mlw_hash_str(uint64_t h, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	h = mlw_hash_u64(h, s ? n : UINT64_MAX);
	return mlw_hash_bytes(h, s ? s : "", n);
}

uint64_t
mlw_hash_double(uint64_t h, double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof u);
	return mlw_hash_u64(h, u);
}

/* ---------- writing ---------- */

static uint64_t emitted;

static void
header(struct mlw_buf *b, const char *tag, const char *program,
    uint64_t hash)
{
	char hex[17];

	b->len = 0;
	mlw_jw_open(b, '{');
	mlw_jw_key(b, "mlw");
	mlw_jw_str(b, tag, strlen(tag));
	mlw_jw_key(b, "program");
	mlw_jw_str(b, program, strlen(program));
	mlw_jw_key(b, "version");
	mlw_jw_uint(b, MLW_STATE_VERSION);
	mlw_jw_key(b, "hash");
	snprintf(hex, sizeof hex, "%016llx", (unsigned long long)hash);
	mlw_jw_str(b, hex, 16);
}

void
mlw_state_begin(struct mlw_buf *b, const char *program, uint64_t hash,
    const struct mlw_wkey *k)
{
	header(b, "state", program, hash);
	mlw_wkey_write(b, k);
}

void
mlw_state_emit(struct mlw_buf *b)
{
	mlw_jw_close(b, '}');
	if (b->len > MLW_LINE_MAX)
		mlw_fatal("a state record would be %zu bytes, longer than the "
		    "%u bytes --merge can read", b->len, MLW_LINE_MAX);
	mlw_buf_addc(b, '\n');
	mlw_out_write(b->p, b->len);
	emitted++;
}

void
mlw_state_end(const char *program, uint64_t hash)
{
	struct mlw_buf b = { 0 };

	header(&b, "state_end", program, hash);
	mlw_jw_key(&b, "states");
	mlw_jw_uint(&b, emitted);
	mlw_jw_key(&b, "rejected");
	mlw_jw_uint(&b, mlw_rejected());
	mlw_jw_close(&b, '}');
	mlw_buf_addc(&b, '\n');
	mlw_out_write(b.p, b.len);
	mlw_buf_free(&b);
}

/* ---------- reading ---------- */

void
mlw_state_in_init(struct mlw_state_in *r, const char *program, uint64_t hash)
{
	memset(r, 0, sizeof *r);
	r->program = program;
	r->hash = hash;
}

long
mlw_state_member(const struct mlw_json *doc, const char *name)
{
	return mlw_json_member(doc, 0, name, strlen(name));
}

static int
whole(const struct mlw_json *doc, long i, uint64_t max, uint64_t *v)
{
	const char *p;
	uint32_t n, j;
	uint64_t x = 0;

	if (i < 0 || doc->tok[i].type != MLW_JNUM)
		return -1;
	p = doc->src + doc->tok[i].start;
	n = doc->tok[i].len;
	for (j = 0; j < n; j++) {
		unsigned d = (unsigned char)p[j] - '0';

		if (d > 9 || x > (max - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

int
mlw_state_u64(const struct mlw_json *doc, long i, uint64_t *v)
{
	return whole(doc, i, MLW_STATE_COUNT_MAX, v);
}

int
mlw_state_word(const struct mlw_json *doc, long i, uint64_t *v)
{
	return whole(doc, i, UINT64_MAX, v);
}

int
mlw_state_u64s(const struct mlw_json *doc, long i, uint64_t *out, size_t n)
{
	uint32_t j;
	size_t k = 0;

	if (i < 0 || doc->tok[i].type != MLW_JARR)
		return -1;
	for (j = (uint32_t)i + 1; j < doc->tok[i].next; j = doc->tok[j].next) {
		if (k == n || mlw_state_u64(doc, (long)j, &out[k]) < 0)
			return -1;
		k++;
	}
	return k == n ? 0 : -1;
}

void
mlw_state_reject(struct mlw_state_in *r, const struct mlw_line *ln,
    const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	r->bad++;
	mlw_reject(ln->file, ln->lineno, ln->p, ln->rawlen, "%s", msg);
}

/* 1 for a state, 0 for a trailer, -1 rejected. */
static int
classify(struct mlw_state_in *r, const struct mlw_line *ln,
    const struct mlw_json *doc, struct mlw_wkey *key)
{
	long m = mlw_state_member(doc, "mlw");
	long p = mlw_state_member(doc, "program");
	long v = mlw_state_member(doc, "version");
	long h = mlw_state_member(doc, "hash");
	int trailer;
	uint64_t ver, n;
	char hex[17];
	const char *why;

	if (m < 0 || doc->tok[m].type != MLW_JSTR ||
	    !((trailer = mlw_json_streq(doc, (uint32_t)m, "state_end", 9)) ||
	    mlw_json_streq(doc, (uint32_t)m, "state", 5))) {
		mlw_state_reject(r, ln, "not a state record (written by %s "
		    "--emit-state)", r->program);
		return -1;
	}
	if (p < 0 || doc->tok[p].type != MLW_JSTR ||
	    !mlw_json_streq(doc, (uint32_t)p, r->program, strlen(r->program))) {
		mlw_state_reject(r, ln, "a state of %.*s, not of %s",
		    p < 0 ? 7 : (int)doc->tok[p].len,
		    p < 0 ? "unknown" : doc->src + doc->tok[p].start,
		    r->program);
		return -1;
	}
	if (mlw_state_u64(doc, v, &ver) < 0 || ver != MLW_STATE_VERSION) {
		mlw_state_reject(r, ln, "state version %.*s; this %s reads "
		    "version %d", v < 0 ? 7 : (int)doc->tok[v].len,
		    v < 0 ? "missing" : doc->src + doc->tok[v].start,
		    r->program, MLW_STATE_VERSION);
		return -1;
	}
	snprintf(hex, sizeof hex, "%016llx", (unsigned long long)r->hash);
	if (h < 0 || doc->tok[h].type != MLW_JSTR ||
	    !mlw_json_streq(doc, (uint32_t)h, hex, 16)) {
		mlw_state_reject(r, ln, "state made with another reference or "
		    "other options (hash %.*s, this run's is \"%s\")",
		    h < 0 ? 9 : (int)doc->tok[h].len,
		    h < 0 ? "(missing)" : doc->src + doc->tok[h].start, hex);
		return -1;
	}
	if (trailer) {
		if (mlw_state_u64(doc, mlw_state_member(doc, "states"), &n) < 0) {
			mlw_state_reject(r, ln, "state_end: states: expected a "
			    "count");
			return -1;
		}
		r->announced += n;
		if (mlw_state_u64(doc, mlw_state_member(doc, "rejected"),
		    &n) == 0)
			r->shard_rejects += n;
		r->ntrailers++;
		return 0;
	}
	if (mlw_wkey_read(doc, key, &why) < 0) {
		mlw_state_reject(r, ln, "%s", why);
		return -1;
	}
	return 1;
}

int
mlw_state_next(struct mlw_state_in *r, struct mlw_input *in,
    struct mlw_line *ln, struct mlw_json *doc, struct mlw_wkey *key)
{
	while (mlw_input_next(in, ln)) {
		if (mlw_record_parse(doc, ln) < 0) {
			r->bad++;
			continue;
		}
		if (classify(r, ln, doc, key) == 1) {
			r->nstates++;
			return 1;
		}
	}
	return 0;
}

void
mlw_state_in_check(const struct mlw_state_in *r)
{
	if (r->bad)
		mlw_fatal("%llu state record%s rejected: the merged results "
		    "would not be exact; nothing written",
		    (unsigned long long)r->bad, r->bad == 1 ? "" : "s");
	if (r->ntrailers == 0)
		mlw_fatal("no state_end record: the states are truncated or "
		    "not from %s --emit-state; nothing written", r->program);
	if (r->nstates != r->announced)
		mlw_fatal("read %llu state records but the state_end records "
		    "announce %llu: a state file is truncated or missing; "
		    "nothing written", (unsigned long long)r->nstates,
		    (unsigned long long)r->announced);
	if (r->shard_rejects)
		mlw_warnx("the runs that made these states rejected %llu input "
		    "record%s (see their messages)",
		    (unsigned long long)r->shard_rejects,
		    r->shard_rejects == 1 ? "" : "s");
}
