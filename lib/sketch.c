#include "sketch.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "hash.h"
#include "stats.h"
#include "xalloc.h"

/* ---------------- KLL ---------------- */

static uint64_t
rng_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static size_t
kll_cap(const struct mlw_kll *s, int h)
{
	double c = ceil((double)s->k * pow(2.0 / 3.0, s->nlev - 1 - h));

	return c < 2 ? 2 : (size_t)c;
}

static void
kll_grow(struct mlw_kll *s)
{
	int h;

	if (s->nlev >= MLW_KLL_MAXLEVEL)
		mlw_fatal("KLL sketch: too many levels");
	s->nlev++;
	s->maxsize = 0;
	for (h = 0; h < s->nlev; h++)
		s->maxsize += kll_cap(s, h);
}

void
mlw_kll_init(struct mlw_kll *s, int k, uint64_t seed)
{
	memset(s, 0, sizeof *s);
	s->k = k < 8 ? 8 : k;
	s->rng = seed ? seed : 1;
	kll_grow(s);
}

void
mlw_kll_free(struct mlw_kll *s)
{
	int h;

	for (h = 0; h < MLW_KLL_MAXLEVEL; h++)
		free(s->lev[h].v);
	free(s->scratch);
	memset(s, 0, sizeof *s);
}

static void
lev_push(struct mlw_kll *s, int h, double x)
{
	if (s->lev[h].n == s->lev[h].cap) {
		s->lev[h].cap = s->lev[h].cap ? s->lev[h].cap * 2 : 16;
		s->lev[h].v = mlw_xrealloc(s->lev[h].v,
		    s->lev[h].cap * sizeof(double));
	}
	s->lev[h].v[s->lev[h].n++] = x;
}

/* Compact the lowest level that is over its capacity: sort it, keep the
 * largest item when the count is odd, promote every other item (offset 0
 * or 1 by a coin flip) to the level above. */
static void
kll_compress(struct mlw_kll *s)
{
	int h;

	for (h = 0; h < s->nlev; h++) {
		size_t n = s->lev[h].n, i, keep;
		double *v = s->lev[h].v, last = 0;
		int odd, off;

		if (n < kll_cap(s, h))
			continue;
		if (h + 1 >= s->nlev)
			kll_grow(s);
		mlw_sort_doubles(v, n);
		odd = (int)(n & 1);
		if (odd)
			last = v[n - 1];
		keep = n - (size_t)odd;
		off = (int)(rng_next(&s->rng) >> 63);
		for (i = (size_t)off; i < keep; i += 2)
			lev_push(s, h + 1, v[i]);
		s->lev[h].n = 0;
		if (odd)
			s->lev[h].v[s->lev[h].n++] = last;
		s->compactions[h]++;
		s->size -= keep / 2;
		if (s->size < s->maxsize)
			break;
	}
}

void
mlw_kll_add(struct mlw_kll *s, double x)
{
	if (s->n == 0 || x < s->min)
		s->min = x;
	if (s->n == 0 || x > s->max)
		s->max = x;
	lev_push(s, 0, x);
	s->n++;
	s->size++;
	while (s->size >= s->maxsize)
		kll_compress(s);
}

int
mlw_kll_load(struct mlw_kll *s, int h, double x)
{
	if (h < 0 || h >= MLW_KLL_MAXLEVEL)
		return -1;
	while (s->nlev <= h)
		kll_grow(s);
	lev_push(s, h, x);
	s->size++;
	return 0;
}

int
mlw_kll_levels(struct mlw_kll *s, int nlev)
{
	if (nlev > MLW_KLL_MAXLEVEL)
		return -1;
	while (s->nlev < nlev)
		kll_grow(s);
	return 0;
}

void
mlw_kll_merge(struct mlw_kll *a, const struct mlw_kll *b)
{
	int h;
	size_t i;

	while (a->nlev < b->nlev)
		kll_grow(a);
	for (h = 0; h < b->nlev; h++) {
		for (i = 0; i < b->lev[h].n; i++)
			lev_push(a, h, b->lev[h].v[i]);
		a->compactions[h] += b->compactions[h];
		a->size += b->lev[h].n;
	}
	if (b->n && (a->n == 0 || b->min < a->min))
		a->min = b->min;
	if (b->n && (a->n == 0 || b->max > a->max))
		a->max = b->max;
	a->n += b->n;
	while (a->size >= a->maxsize)
		kll_compress(a);
}

struct wv { double v; double w; };

static int
wv_cmp(const void *x, const void *y)
{
	double a = ((const struct wv *)x)->v, b = ((const struct wv *)y)->v;

	return (a > b) - (a < b);
}

void
mlw_kll_quantiles(struct mlw_kll *s, const double *q, size_t nq, double *out)
{
	struct wv *w;
	size_t n = 0, i, j;
	int h;
	double total = 0;

	for (h = 0; h < s->nlev; h++)
		n += s->lev[h].n;
	if (s->scap < 2 * n) {
		s->scap = 2 * n;
		s->scratch = mlw_xrealloc(s->scratch, s->scap * sizeof(double));
	}
	w = (struct wv *)(void *)s->scratch;
	for (h = 0, j = 0; h < s->nlev; h++)
		for (i = 0; i < s->lev[h].n; i++) {
			w[j].v = s->lev[h].v[i];
			w[j++].w = ldexp(1.0, h);
		}
	if (n > 1)
		qsort(w, n, sizeof *w, wv_cmp);
	for (i = 0; i < n; i++)
		total += w[i].w;
	for (j = 0; j < nq; j++) {
		double target = q[j] * total, cum = 0;

		out[j] = s->max;
		if (q[j] <= 0) {
			out[j] = s->min;
			continue;
		}
		if (q[j] >= 1)
			continue;
		for (i = 0; i < n; i++) {
			cum += w[i].w;
			if (cum >= target) {
				out[j] = w[i].v;
				break;
			}
		}
	}
}

double
mlw_kll_rank(const struct mlw_kll *s, double x)
{
	double r = 0;
	size_t i;
	int h;

	for (h = 0; h < s->nlev; h++)
		for (i = 0; i < s->lev[h].n; i++)
			if (s->lev[h].v[i] <= x)
				r += ldexp(1.0, h);
	return r;
}

double
mlw_kll_error_bound(const struct mlw_kll *s, double delta)
{
	double v = 0;
	int h;

	for (h = 0; h < s->nlev; h++)
		v += (double)s->compactions[h] * ldexp(1.0, 2 * h);
	if (v == 0 || s->n == 0)
		return 0;
	return sqrt(2 * log(2 / delta) * v) / (double)s->n;
}

/* ---------------- HyperLogLog ---------------- */

void
mlw_hll_init(struct mlw_hll *h)
{
	memset(h->reg, 0, sizeof h->reg);
}

void
mlw_hll_add_hash(struct mlw_hll *h, uint64_t x)
{
	uint32_t j = (uint32_t)(x >> (64 - MLW_HLL_P));
	uint64_t w = x << MLW_HLL_P;      /* the other 50 bits, at the top */
	uint8_t r = 1;

	while (r <= 64 - MLW_HLL_P && !(w & 0x8000000000000000ULL)) {
		r++;
		w <<= 1;
	}
	if (r > h->reg[j])
		h->reg[j] = r;
}

void
mlw_hll_merge(struct mlw_hll *a, const struct mlw_hll *b)
{
	size_t j;

	for (j = 0; j < MLW_HLL_M; j++)
		if (b->reg[j] > a->reg[j])
			a->reg[j] = b->reg[j];
}

double
mlw_hll_estimate(const struct mlw_hll *h)
{
	double m = MLW_HLL_M, sum = 0, alpha = 0.7213 / (1 + 1.079 / m), e;
	size_t j, zeros = 0;

	for (j = 0; j < MLW_HLL_M; j++) {
		sum += ldexp(1.0, -(int)h->reg[j]);
		zeros += h->reg[j] == 0;
	}
	e = alpha * m * m / sum;
	if (e <= 2.5 * m && zeros > 0)
		e = m * log(m / (double)zeros);
	return e;
}

/* ---------------- SpaceSaving ---------------- */

void
mlw_ss_init(struct mlw_ss *s, size_t m)
{
	memset(s, 0, sizeof *s);
	s->m = m ? m : 1;
	s->item = mlw_xrealloc(NULL, s->m * sizeof *s->item);
	s->heap = mlw_xrealloc(NULL, s->m * sizeof *s->heap);
	for (s->nslot = 16; s->nslot < 2 * s->m; s->nslot *= 2)
		;
	s->slot = mlw_xcalloc(s->nslot, sizeof *s->slot);
}

void
mlw_ss_free(struct mlw_ss *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->item[i].s);
	free(s->item);
	free(s->heap);
	free(s->slot);
	memset(s, 0, sizeof *s);
}

static void
heap_swap(struct mlw_ss *s, size_t a, size_t b)
{
	size_t t = s->heap[a];

	s->heap[a] = s->heap[b];
	s->heap[b] = t;
	s->item[s->heap[a]].heap = a;
	s->item[s->heap[b]].heap = b;
}

static void
heap_down(struct mlw_ss *s, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < s->n && s->item[s->heap[l]].count <
		    s->item[s->heap[m]].count)
			m = l;
		if (r < s->n && s->item[s->heap[r]].count <
		    s->item[s->heap[m]].count)
			m = r;
		if (m == i)
			return;
		heap_swap(s, i, m);
		i = m;
	}
}

static void
heap_up(struct mlw_ss *s, size_t i)
{
	while (i > 0) {
		size_t p = (i - 1) / 2;

		if (s->item[s->heap[p]].count <= s->item[s->heap[i]].count)
			return;
		heap_swap(s, i, p);
		i = p;
	}
}

/* The slot holding s (its item index + 1), or the empty slot for it. */
static size_t
ss_slot(const struct mlw_ss *s, const char *p, size_t len, uint64_t h)
{
	size_t i = (size_t)h & (s->nslot - 1);

	for (;; i = (i + 1) & (s->nslot - 1)) {
		uint32_t e = s->slot[i];

		if (e == 0)
			return i;
		if (s->item[e - 1].hash == h && s->item[e - 1].len == len &&
		    memcmp(s->item[e - 1].s, p, len) == 0)
			return i;
	}
}

/* Remove item index it from the hash table (backward-shift deletion). */
static void
ss_unslot(struct mlw_ss *s, size_t it)
{
	size_t i = ss_slot(s, s->item[it].s, s->item[it].len, s->item[it].hash);
	size_t j = i, mask = s->nslot - 1;

	s->slot[i] = 0;
	for (;;) {
		size_t home;

		j = (j + 1) & mask;
		if (s->slot[j] == 0)
			return;
		home = (size_t)s->item[s->slot[j] - 1].hash & mask;
		/* can slot[j] move to the hole at i? */
		if (((j - home) & mask) >= ((j - i) & mask)) {
			s->slot[i] = s->slot[j];
			s->slot[j] = 0;
			i = j;
		}
	}
}

void
mlw_ss_add(struct mlw_ss *s, const char *p, size_t len, uint64_t c,
    uint64_t err)
{
	uint64_t h = mlw_hash64(p, len);
	size_t sl = ss_slot(s, p, len, h), it;
	struct mlw_ss_item *e;

	s->total += c;
	if (s->slot[sl]) {
		it = s->slot[sl] - 1;
		s->item[it].count += c;
		s->item[it].err += err;
		heap_down(s, s->item[it].heap);
		return;
	}
	if (s->n < s->m) {
		it = s->n++;
		e = &s->item[it];
		e->count = c;
		e->err = err;
		e->heap = it;
		s->heap[it] = it;
		heap_up(s, it);
	} else {
		/* replace the value with the smallest count */
		it = s->heap[0];
		e = &s->item[it];
		ss_unslot(s, it);
		free(e->s);
		e->err = e->count + err;
		e->count += c;
	}
	e->s = mlw_xrealloc(NULL, len);
	memcpy(e->s, p, len);
	e->len = len;
	e->hash = h;
	s->slot[ss_slot(s, p, len, h)] = (uint32_t)it + 1;
	heap_down(s, e->heap);
}

void
mlw_ss_merge(struct mlw_ss *a, const struct mlw_ss *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		mlw_ss_add(a, b->item[i].s, b->item[i].len, b->item[i].count,
		    b->item[i].err);
}

static const struct mlw_ss *sort_ss;

static int
idx_cmp(const void *x, const void *y)
{
	const struct mlw_ss_item *a = &sort_ss->item[*(const size_t *)x];
	const struct mlw_ss_item *b = &sort_ss->item[*(const size_t *)y];
	size_t n = a->len < b->len ? a->len : b->len;
	int c;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	c = memcmp(a->s, b->s, n);
	if (c)
		return c;
	return (a->len > b->len) - (a->len < b->len);
}

size_t
mlw_ss_sorted(const struct mlw_ss *s, size_t *idx)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		idx[i] = i;
	sort_ss = s;
	if (s->n > 1)
		qsort(idx, s->n, sizeof *idx, idx_cmp);
	return s->n;
}
