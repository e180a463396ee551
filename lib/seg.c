/* seg: the segments of a run (see seg.h). */
#include "seg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "jsonw.h"
#include "key.h"
#include "opt.h"
#include "out.h"
#include "state.h"
#include "xalloc.h"

/* a value in a message: its first 40 bytes */
#define RAW(doc, i) (int)((doc)->tok[i].len > 40 ? 40 : (doc)->tok[i].len), \
	(doc)->src + (doc)->tok[i].start

static int
listed(const char *const *list, const char *s)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

void
mlw_seg_opt_check(char *const *by, size_t nby, const char *const *taken)
{
	static const char *const always[] = {
		"window_start", "window_end", "segment", NULL
	};
	size_t i, j;

	mlw_paths_free(mlw_paths_opt("--by", by, nby), nby);
	for (i = 0; i < nby; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(by[i], by[j]) == 0)
				mlw_opt_error("--by: %s is given twice", by[i]);
		if (listed(always, by[i]) || listed(taken, by[i]))
			mlw_opt_error("--by: %s is the name of a member of the "
			    "output, where each segment value is written",
			    by[i]);
	}
}

void
mlw_seg_init(struct mlw_seg *s, char **by, size_t nby)
{
	memset(s, 0, sizeof *s);
	s->by = by;
	s->nby = nby;
	s->paths = mlw_paths_opt("--by", by, nby);
	s->bad = mlw_xcalloc(nby ? nby : 1, sizeof *s->bad);
}

void
mlw_seg_free(struct mlw_seg *s)
{
	mlw_paths_free(s->paths, s->nby);
	mlw_strmap_free(&s->keys);
	mlw_buf_free(&s->key);
	mlw_buf_free(&s->text);
	free(s->bad);
	free(s->said);
	memset(s, 0, sizeof *s);
}

int
mlw_seg_key(struct mlw_seg *s, const struct mlw_json *doc,
    const struct mlw_line *ln)
{
	const char *why;
	size_t k;

	if (mlw_key_make(&s->key, doc, s->paths, s->nby, &k, &why) == 0)
		return 0;
	{
		long bi = mlw_json_get(doc, 0, &s->paths[k]);

		mlw_reject(ln->file, ln->lineno, ln->p, ln->rawlen,
		    "%s: %s as a segment value, found %.*s", s->by[k], why,
		    RAW(doc, bi));
	}
	s->bad[k]++;
	return -1;
}

long
mlw_seg_id(struct mlw_seg *s, const struct mlw_line *ln, int add)
{
	long id = mlw_strmap_find(&s->keys, s->key.p, s->key.len);

	if (id >= 0 || !add)
		return id;
	if ((id = mlw_key_index(&s->keys, s->key.p, s->key.len)) < 0)
		mlw_key_full(ln->file, ln->lineno, "segments", s->key.p,
		    s->key.len, s->by);
	return id;
}

size_t
mlw_seg_count(const struct mlw_seg *s)
{
	return s->keys.n;
}

static void
display(struct mlw_buf *b, struct mlw_seg *s, size_t id)
{
	const struct mlw_strent *e = &s->keys.ent[id];

	mlw_jw_key(b, "segment");
	s->text.len = 0;
	mlw_key_display(&s->text, e->s, e->len, s->by);
	mlw_jw_str(b, s->text.p, s->text.len);
}

void
mlw_seg_members(struct mlw_buf *b, struct mlw_seg *s, size_t id)
{
	const struct mlw_strent *e = &s->keys.ent[id];
	struct mlw_keypart part;
	size_t pos = 0, k;

	display(b, s, id);
	for (k = 0; mlw_key_next(e->s, e->len, &pos, &part); k++) {
		mlw_jw_key(b, s->by[k]);
		mlw_key_json(b, &part);
	}
}

void
mlw_seg_state_members(struct mlw_buf *b, struct mlw_seg *s, size_t id,
    const char *name)
{
	const struct mlw_strent *e = &s->keys.ent[id];

	display(b, s, id);
	mlw_jw_key(b, name);
	mlw_key_json_array(b, e->s, e->len);
}

int
mlw_seg_state_key(struct mlw_seg *s, const struct mlw_json *doc,
    const char *name, const char **why)
{
	long vi = mlw_state_member(doc, name);
	size_t k = 0;
	uint32_t i;

	s->key.len = 0;
	mlw_buf_reserve(&s->key, 1);
	snprintf(s->why, sizeof s->why, "%s: expected an array of the "
	    "segment's values, one per --by path", name);
	*why = s->why;
	if (vi < 0 || doc->tok[vi].type != MLW_JARR)
		return -1;
	for (i = (uint32_t)vi + 1; i < doc->tok[vi].next; i = doc->tok[i].next)
		if (k++ == s->nby || mlw_key_add(&s->key, doc, (long)i, why) < 0)
			return -1;
	return k == s->nby ? 0 : -1;
}

int
mlw_seg_all_missing(const struct mlw_seg *s, size_t id)
{
	struct mlw_keypart part;
	size_t pos = 0;

	while (mlw_key_next(s->keys.ent[id].s, s->keys.ent[id].len, &pos,
	    &part))
		if (part.type != MLW_KEY_MISSING)
			return 0;
	return 1;
}

int
mlw_seg_is_by(const struct mlw_seg *s, const char *text)
{
	size_t k;

	for (k = 0; s != NULL && k < s->nby; k++)
		if (strcmp(s->paths[k].text, text) == 0)
			return 1;
	return 0;
}

void
mlw_seg_no_ref(struct mlw_seg *s, size_t id, const struct mlw_line *ln)
{
	const struct mlw_strent *e = &s->keys.ent[id];

	if (id >= s->nsaid) {
		size_t old = s->nsaid;

		s->said = mlw_grow(s->said, &s->nsaid, id + 1, 1);
		memset(s->said + old, 0, s->nsaid - old);
	}
	if (s->said[id]) {
		mlw_reject_again(ln->p, ln->rawlen);
		return;
	}
	s->said[id] = 1;
	s->text.len = 0;
	mlw_key_display(&s->text, e->s, e->len, s->by);
	mlw_reject(ln->file, ln->lineno, ln->p, ln->rawlen, "segment %.*s has "
	    "no part in the reference; its records are rejected (see "
	    "--ref-fallback)", (int)s->text.len, s->text.p);
}

void
mlw_seg_warn(const struct mlw_seg *s, uint64_t seen)
{
	size_t k;

	for (k = 0; k < s->nby; k++)
		if (s->bad[k] > 0 && seen == 0)
			mlw_warnx("--by %s: every value of this field was "
			    "rejected (%llu record%s): a segment value is a "
			    "string, number or boolean", s->by[k],
			    (unsigned long long)s->bad[k], s->bad[k] == 1 ? "" :
			    "s");
}

void *
mlw_segwin_get(struct mlw_segwin *w, size_t id, size_t size)
{
	size_t i;

	if (id >= w->nslot) {
		size_t old = w->nslot;

		w->slot = mlw_grow(w->slot, &w->nslot, id + 1, sizeof *w->slot);
		for (i = old; i < w->nslot; i++)
			w->slot[i] = -1;
	}
	if (w->slot[id] >= 0)
		return w->state[w->slot[id]];
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 8;
		w->ids = mlw_xrealloc(w->ids, w->cap * sizeof *w->ids);
		w->state = mlw_xrealloc(w->state, w->cap * sizeof *w->state);
	}
	w->ids[w->n] = id;
	w->state[w->n] = mlw_xcalloc(1, size ? size : 1);
	w->slot[id] = (long)w->n;
	return w->state[w->n++];
}

void
mlw_segwin_clear(struct mlw_segwin *w, void (*fin)(void *))
{
	size_t i;

	for (i = 0; i < w->n; i++) {
		w->slot[w->ids[i]] = -1;
		if (fin != NULL)
			fin(w->state[i]);
		free(w->state[i]);
	}
	w->n = 0;
}

void
mlw_segwin_free(struct mlw_segwin *w, void (*fin)(void *))
{
	mlw_segwin_clear(w, fin);
	free(w->ids);
	free(w->state);
	free(w->slot);
	memset(w, 0, sizeof *w);
}

int
mlw_seg_state_id(struct mlw_seg *s, struct mlw_state_in *st,
    const struct mlw_json *doc, const struct mlw_line *ln, size_t *id)
{
	const char *why;

	*id = 0;
	if (s == NULL) {
		if (mlw_state_member(doc, "segment") < 0)
			return 0;
		mlw_state_reject(st, ln, "segment: a state of a run with --by");
		return -1;
	}
	if (mlw_seg_state_key(s, doc, MLW_SEG_VALUES, &why) < 0) {
		mlw_state_reject(st, ln, "%s", why);
		return -1;
	}
	*id = (size_t)mlw_seg_id(s, ln, 1);
	return 0;
}

/* ---------------- the driver ---------------- */

static void
segcells_fin(struct mlw_segcells *c, struct mlw_segwin *w)
{
	size_t i;

	if (c->fin != NULL)
		for (i = 0; i < w->n; i++)
			c->fin(c->arg, w->state[i]);
}

static void
segcells_reset(void *state, void *arg)
{
	segcells_fin(arg, state);
	mlw_segwin_clear(state, NULL);
}

static void
segcells_destroy(void *state, void *arg)
{
	segcells_fin(arg, state);
	mlw_segwin_free(state, NULL);
}

static void
segcells_close(const struct mlw_wkey *key, void *state, void *arg)
{
	struct mlw_segcells *c = arg;
	struct mlw_segwin *w = state;
	size_t i;

	for (i = 0; i < w->n; i++)
		c->close(c->arg, key, w->state[i], w->ids[i]);
	mlw_out_flush();
}

struct mlw_wtab *
mlw_segcells_tab(struct mlw_segcells *c)
{
	struct mlw_wtab *t = mlw_wtab_new(sizeof(struct mlw_segwin),
	    segcells_reset, segcells_close, c);

	mlw_wtab_set_destroy(t, segcells_destroy);
	return t;
}

void *
mlw_segcells_get(struct mlw_segcells *c, struct mlw_wtab *tab,
    const struct mlw_wkey *key, size_t id)
{
	return mlw_segwin_get(mlw_wtab_open(tab, key), id, c->size);
}
