#include "sketch.h"

#include <string.h>

#include "buf.h"
#include "json.h"
#include "jsonw.h"
#include "state.h"

void
mlw_kll_write(struct mlw_buf *b, const struct mlw_kll *s)
{
	int h;

	mlw_jw_open(b, '{');
	mlw_jw_key(b, "n");
	mlw_jw_uint(b, s->n);
	mlw_jw_key(b, "min");
	mlw_jw_num(b, s->min);
	mlw_jw_key(b, "max");
	mlw_jw_num(b, s->max);
	mlw_jw_key(b, "rng");
	mlw_jw_uint(b, s->rng);
	mlw_jw_key(b, "compactions");
	mlw_jw_uints(b, s->compactions, (size_t)s->nlev);
	mlw_jw_key(b, "levels");
	mlw_jw_open(b, '[');
	for (h = 0; h < s->nlev; h++) {
		mlw_jw_sep(b);
		mlw_jw_nums(b, s->lev[h].v, s->lev[h].n);
	}
	mlw_jw_close(b, ']');
	mlw_jw_close(b, '}');
}

/* The number member name of object obj into *d: 0, or -1. */
static int
member_num(const struct mlw_json *doc, uint32_t obj, const char *name,
    double *d)
{
	long t = mlw_json_member(doc, obj, name, strlen(name));

	return t >= 0 && doc->tok[t].type == MLW_JNUM &&
	    mlw_json_num(doc, (uint32_t)t, d) == 0 ? 0 : -1;
}

int
mlw_kll_read(struct mlw_kll *t, const struct mlw_json *doc, uint32_t o)
{
	long lv, cp;
	uint32_t j, x;
	uint64_t u;
	double d;
	int h;

	if (doc->tok[o].type != MLW_JOBJ ||
	    mlw_state_word(doc, mlw_json_member(doc, o, "rng", 3), &u) < 0)
		return -1;
	mlw_kll_init(t, MLW_KLL_K, u);
	lv = mlw_json_member(doc, o, "levels", 6);
	cp = mlw_json_member(doc, o, "compactions", 11);
	if (lv < 0 || doc->tok[lv].type != MLW_JARR || cp < 0 ||
	    mlw_state_u64(doc, mlw_json_member(doc, o, "n", 1), &t->n) < 0 ||
	    member_num(doc, o, "min", &t->min) < 0 ||
	    member_num(doc, o, "max", &t->max) < 0)
		goto bad;
	for (h = 0, j = (uint32_t)lv + 1; j < doc->tok[lv].next;
	    j = doc->tok[j].next, h++) {
		if (doc->tok[j].type != MLW_JARR)
			goto bad;
		for (x = j + 1; x < doc->tok[j].next; x = doc->tok[x].next)
			if (doc->tok[x].type != MLW_JNUM ||
			    mlw_json_num(doc, x, &d) < 0 ||
			    mlw_kll_load(t, h, d) < 0)
				goto bad;
	}
	if (h == 0 || mlw_kll_levels(t, h) < 0 ||
	    mlw_state_u64s(doc, cp, t->compactions, (size_t)h) < 0)
		goto bad;
	return 0;
bad:
	mlw_kll_free(t);
	return -1;
}

void
mlw_hll_write(struct mlw_buf *b, const struct mlw_hll *h)
{
	static const char hex[] = "0123456789abcdef";
	size_t k;

	mlw_buf_reserve(b, 2 * MLW_HLL_M + 2);
	mlw_buf_addc(b, '"');
	for (k = 0; k < MLW_HLL_M; k++) {
		mlw_buf_addc(b, hex[h->reg[k] >> 4]);
		mlw_buf_addc(b, hex[h->reg[k] & 15]);
	}
	mlw_buf_addc(b, '"');
}

static int
unhex(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ?
	    c - 'a' + 10 : -1;
}

int
mlw_hll_read(struct mlw_hll *h, const struct mlw_json *doc, long t)
{
	const char *p;
	size_t i;

	if (t < 0 || doc->tok[t].type != MLW_JSTR ||
	    doc->tok[t].len != 2 * MLW_HLL_M + 2)
		return -1;
	p = doc->src + doc->tok[t].start;
	for (i = 0; i < MLW_HLL_M; i++) {
		int hi = unhex(p[1 + 2 * i]), lo = unhex(p[2 + 2 * i]);

		if (hi < 0 || lo < 0)
			return -1;
		h->reg[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}
