#include "strmap.h"

#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "xalloc.h"

static long
lookup(const struct mlw_strmap *m, const char *s, size_t len, uint64_t h,
    size_t *slotp)
{
	size_t mask = m->nslot - 1, i = (size_t)h & mask;

	for (;; i = (i + 1) & mask) {
		uint32_t e = m->slot[i];

		if (e == 0) {
			*slotp = i;
			return -1;
		}
		if (m->ent[e - 1].hash == h && m->ent[e - 1].len == len &&
		    (len == 0 || memcmp(m->ent[e - 1].s, s, len) == 0))
			return (long)e - 1;
	}
}

long
mlw_strmap_find(const struct mlw_strmap *m, const char *s, size_t len)
{
	size_t slot;

	if (m->nslot == 0)
		return -1;
	return lookup(m, s, len, mlw_hash_bytes(MLW_HASH_INIT, s, len), &slot);
}

static void
grow(struct mlw_strmap *m)
{
	size_t ns = m->nslot ? m->nslot * 2 : 16, i;
	uint32_t *slot = mlw_xcalloc(ns, sizeof *slot);

	for (i = 0; i < m->n; i++) {
		size_t j = (size_t)m->ent[i].hash & (ns - 1);

		while (slot[j])
			j = (j + 1) & (ns - 1);
		slot[j] = (uint32_t)(i + 1);
	}
	free(m->slot);
	m->slot = slot;
	m->nslot = ns;
}

size_t
mlw_strmap_add(struct mlw_strmap *m, const char *s, size_t len)
{
	uint64_t h = mlw_hash_bytes(MLW_HASH_INIT, s, len);
	size_t slot;
	long i;
	struct mlw_strent *e;

	if ((m->n + 1) * 2 > m->nslot)
		grow(m);
	i = lookup(m, s, len, h, &slot);
	if (i >= 0)
		return (size_t)i;
	if (m->n == m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 8;
		struct mlw_strent *n = mlw_xrealloc(m->ent, ncap * sizeof *n);

		m->ent = n;
		m->cap = ncap;
	}
	e = &m->ent[m->n];
	e->s = mlw_xmalloc(len + 1);
	if (len)        /* s may be NULL when len is 0 */
		memcpy(e->s, s, len);
	e->s[len] = '\0';
	e->len = len;
	e->hash = h;
	m->slot[slot] = (uint32_t)(m->n + 1);
	return m->n++;
}

void
mlw_strmap_free(struct mlw_strmap *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->ent[i].s);
	free(m->ent);
	free(m->slot);
	memset(m, 0, sizeof *m);
}
