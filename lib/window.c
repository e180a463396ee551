#include "window.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "diag.h"
#include "io.h"
#include "json.h"
#include "jsonw.h"
#include "out.h"
#include "times.h"
#include "xalloc.h"

void
mlw_wclock_init(struct mlw_wclock *c, int64_t size, int64_t slide,
    int64_t lateness)
{
	memset(c, 0, sizeof *c);
	c->size = size;
	c->slide = slide;
	c->lateness = lateness;
}

void
mlw_wclock_free(struct mlw_wclock *c)
{
	free(c->open);
	c->open = NULL;
	c->nopen = c->cap = 0;
}

static struct mlw_wopen *
find_or_add(struct mlw_wclock *c, int64_t start)
{
	size_t lo = 0, hi = c->nopen;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->open[mid].start < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < c->nopen && c->open[lo].start == start)
		return &c->open[lo];
	if (c->nopen == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 8;
		struct mlw_wopen *n = mlw_xrealloc(c->open, ncap * sizeof *n);

		c->open = n;
		c->cap = ncap;
	}
	memmove(&c->open[lo + 1], &c->open[lo],
	    (c->nopen - lo) * sizeof *c->open);
	c->nopen++;
	c->open[lo].start = start;
	c->open[lo].n = 0;
	return &c->open[lo];
}

size_t
mlw_wclock_assign(struct mlw_wclock *c, int64_t t, int64_t *starts, int *late)
{
	int64_t last = mlw_floordiv(t, c->slide) * c->slide, s;
	size_t n = 0, k;
	int64_t first = last;

	*late = 0;
	/* windows containing t start in (t - size, t], on multiples of slide */
	while (first - c->slide > t - c->size)
		first -= c->slide;
	for (s = first; s <= last; s += c->slide) {
		if (s + c->size <= t || (c->nonneg && s < 0))
			continue;       /* gaps when slide > size; index >= 0 */
		if (c->has_wm && s + c->size <= c->wm) {
			*late = 1;
			continue;
		}
		if (n < MLW_WINDOWS_PER_RECORD)
			starts[n++] = s;
	}
	for (k = 0; k < n; k++)
		find_or_add(c, starts[k])->n++;
	return n;
}

void
mlw_wclock_advance(struct mlw_wclock *c, int64_t wm,
    void (*close)(int64_t, int64_t, uint64_t, void *), void *arg)
{
	size_t k = 0, i;

	if (c->has_wm && wm <= c->wm)
		return;
	c->wm = wm;
	c->has_wm = 1;
	while (k < c->nopen && c->open[k].start + c->size <= wm) {
		close(c->open[k].start, c->open[k].start + c->size,
		    c->open[k].n, arg);
		k++;
	}
	if (k) {
		for (i = k; i < c->nopen; i++)
			c->open[i - k] = c->open[i];
		c->nopen -= k;
	}
}

void
mlw_wclock_close_all(struct mlw_wclock *c,
    void (*close)(int64_t, int64_t, uint64_t, void *), void *arg)
{
	size_t k;

	for (k = 0; k < c->nopen; k++)
		close(c->open[k].start, c->open[k].start + c->size,
		    c->open[k].n, arg);
	c->nopen = 0;
}

/* ---- consuming ---- */

static int
bound(const struct mlw_json *doc, long i, char *raw, size_t *rawlen,
    int64_t *order, const char **why)
{
	const struct mlw_jtok *t = &doc->tok[i];
	double d;

	if (t->len >= MLW_WKEY_MAX) {
		*why = "window bound longer than 63 bytes";
		return -1;
	}
	memcpy(raw, doc->src + t->start, t->len);
	*rawlen = t->len;
	if (t->type == MLW_JSTR) {
		if (t->esc) {
			*why = "window bound is not an RFC 3339 time";
			return -1;
		}
		if (mlw_time_parse(doc->src + t->start + 1, t->len - 2,
		    order, why) < 0)
			return -1;      /* why says what is wrong with it */
		return 0;
	}
	if (t->type == MLW_JNUM) {
		if (mlw_json_num(doc, (uint32_t)i, &d) < 0 ||
		    !(d > -9.2e18 && d < 9.2e18)) {
			*why = "window bound out of range";
			return -1;
		}
		*order = (int64_t)d;
		return 0;
	}
	*why = "window bound is neither a time string nor a number";
	return -1;
}

static int
wkey_get(const struct mlw_json *doc, struct mlw_wkey *k, const char **why,
    int anymlw)
{
	long s = -1, e = -1, m = -1;
	uint32_t i;
	int close;

	/* one walk over the members for the three names */
	for (i = 1; i < doc->tok[0].next; i = doc->tok[i + 1].next) {
		const struct mlw_jtok *kt = &doc->tok[i];
		char c = doc->src[kt->start + 1];

		if (c != 'w' && c != 'm' && !kt->esc)
			continue;
		if (mlw_json_streq(doc, i, "window_start", 12))
			s = (long)i + 1;
		else if (mlw_json_streq(doc, i, "window_end", 10))
			e = (long)i + 1;
		else if (mlw_json_streq(doc, i, "mlw", 3))
			m = (long)i + 1;
	}
	close = m >= 0 && doc->tok[m].type == MLW_JSTR &&
	    mlw_json_streq(doc, (uint32_t)m, "window_close", 12);
	if (m >= 0 && !close && !anymlw)
		return MLW_WCONTROL;
	if (anymlw)
		close = 0;

	k->has = 0;
	k->order = k->order_end = 0;
	k->slen = k->elen = 0;
	if (mlw_json_missing(doc, s) && mlw_json_missing(doc, e)) {
		if (close) {
			*why = "close record without window_start and window_end";
			return -1;
		}
		return MLW_WREC;
	}
	if (mlw_json_missing(doc, s) || mlw_json_missing(doc, e)) {
		*why = mlw_json_missing(doc, s) ? "window_end without window_start"
		    : "window_start without window_end";
		return -1;
	}
	if (bound(doc, s, k->start, &k->slen, &k->order, why) < 0 ||
	    bound(doc, e, k->end, &k->elen, &k->order_end, why) < 0)
		return -1;
	k->has = 1;
	return close ? MLW_WCLOSE : MLW_WREC;
}

int
mlw_wkey_get(const struct mlw_json *doc, struct mlw_wkey *k, const char **why)
{
	return wkey_get(doc, k, why, 0);
}

int
mlw_wkey_read(const struct mlw_json *doc, struct mlw_wkey *k, const char **why)
{
	return wkey_get(doc, k, why, 1) < 0 ? -1 : 0;
}

void
mlw_wkey_write(struct mlw_buf *b, const struct mlw_wkey *k)
{
	if (!k->has)
		return;
	mlw_jw_key(b, "window_start");
	mlw_buf_add(b, k->start, k->slen);
	mlw_jw_key(b, "window_end");
	mlw_buf_add(b, k->end, k->elen);
}

struct wslot {
	struct mlw_wkey key;
	void *state;
};

struct mlw_wtab {
	size_t state_size;
	void (*reset)(void *, void *);
	void (*close)(const struct mlw_wkey *, void *, void *);
	void *arg;
	void (*destroy)(void *, void *);
	int64_t maxorder;        /* the latest start seen among windows */
	struct wslot *open;
	size_t nopen, cap;
	void **spare;            /* states of closed windows, for reuse */
	size_t nspare, spcap;
};

struct mlw_wtab *
mlw_wtab_new(size_t state_size, void (*reset)(void *, void *),
    void (*close)(const struct mlw_wkey *, void *, void *), void *arg)
{
	struct mlw_wtab *t = mlw_xcalloc(1, sizeof *t);

	t->state_size = state_size ? state_size : 1;
	t->reset = reset;
	t->close = close;
	t->arg = arg;
	return t;
}

static int
samekey(const struct mlw_wkey *a, const struct mlw_wkey *b)
{
	return a->has == b->has && a->slen == b->slen && a->elen == b->elen &&
	    memcmp(a->start, b->start, a->slen) == 0 &&
	    memcmp(a->end, b->end, a->elen) == 0;
}

void *
mlw_wtab_open(struct mlw_wtab *t, const struct mlw_wkey *k)
{
	size_t i;
	struct wslot *s;

	/* the newest window is the likeliest: search from the end; a window
	 * that starts after every open one is new without a search */
	if (t->nopen == 0 || k->order <= t->maxorder || !k->has)
		for (i = t->nopen; i-- > 0;)
			if (samekey(&t->open[i].key, k))
				return t->open[i].state;
	if (k->has && (t->nopen == 0 || k->order > t->maxorder))
		t->maxorder = k->order;
	if (t->nopen == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 8;
		struct wslot *n = mlw_xrealloc(t->open, ncap * sizeof *n);

		t->open = n;
		t->cap = ncap;
	}
	s = &t->open[t->nopen++];
	s->key = *k;
	if (t->nspare)
		s->state = t->spare[--t->nspare];
	else s->state = mlw_xcalloc(1, t->state_size);
	t->reset(s->state, t->arg);
	return s->state;
}

static void
retire(struct mlw_wtab *t, size_t i)
{
	struct wslot s = t->open[i];

	t->close(&s.key, s.state, t->arg);
	memmove(&t->open[i], &t->open[i + 1],
	    (t->nopen - i - 1) * sizeof *t->open);
	t->nopen--;
	if (t->nspare == t->spcap) {
		size_t ncap = t->spcap ? t->spcap * 2 : 8;
		void **n = mlw_xrealloc(t->spare, ncap * sizeof *n);

		t->spare = n;
		t->spcap = ncap;
	}
	t->spare[t->nspare++] = s.state;
}

void
mlw_wtab_close(struct mlw_wtab *t, const struct mlw_wkey *k)
{
	size_t i;

	for (i = 0; i < t->nopen; i++)
		if (samekey(&t->open[i].key, k)) {
			retire(t, i);
			return;
		}
}

int
mlw_wtab_route(struct mlw_wtab *t, const struct mlw_json *doc,
    const struct mlw_line *ln, struct mlw_wkey *key)
{
	const char *why;

	switch (mlw_wkey_get(doc, key, &why)) {
	case MLW_WREC:
		return 1;
	case MLW_WCLOSE:
		mlw_wtab_close(t, key);
		return 0;
	case MLW_WCONTROL:
		return 0;
	default:
		mlw_reject(ln->file, ln->lineno, ln->p, ln->rawlen, "%s", why);
		return 0;
	}
}

static int
keycmp(const struct mlw_wkey *a, const struct mlw_wkey *b)
{
	if (a->has != b->has)
		return a->has ? -1 : 1;
	if (a->order != b->order)
		return a->order < b->order ? -1 : 1;
	if (a->order_end != b->order_end)
		return a->order_end < b->order_end ? -1 : 1;
	return 0;
}

static int
slotcmp(const void *a, const void *b)
{
	return keycmp(&((const struct wslot *)a)->key,
	    &((const struct wslot *)b)->key);
}

void
mlw_wtab_close_all(struct mlw_wtab *t)
{
	size_t n = t->nopen, i;

	if (n == 0)
		return;
	/* sort once, then report in order */
	if (n > 1)
		qsort(t->open, n, sizeof *t->open, slotcmp);
	for (i = 0; i < n; i++) {
		struct wslot s = t->open[i];

		t->close(&s.key, s.state, t->arg);
		if (t->nspare == t->spcap) {
			size_t ncap = t->spcap ? t->spcap * 2 : 8;
			void **sp = mlw_xrealloc(t->spare, ncap * sizeof *sp);

			t->spare = sp;
			t->spcap = ncap;
		}
		t->spare[t->nspare++] = s.state;
	}
	t->nopen = 0;
}

void
mlw_wtab_set_destroy(struct mlw_wtab *t, void (*destroy)(void *, void *))
{
	t->destroy = destroy;
}

void
mlw_wtab_free(struct mlw_wtab *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nopen; i++) {
		if (t->destroy)
			t->destroy(t->open[i].state, t->arg);
		free(t->open[i].state);
	}
	for (i = 0; i < t->nspare; i++) {
		if (t->destroy)
			t->destroy(t->spare[i], t->arg);
		free(t->spare[i]);
	}
	free(t->open);
	free(t->spare);
	free(t);
}

/* ---- mlw-window ---- */

struct win {
	struct mlw_wclock clock;
	int count;               /* count windows: bounds are integers */
	struct mlw_buf out;
	FILE *late;
	const char *latepath;
	uint64_t nlate, ngap;
	/* the last window's bounds as written, for reuse */
	int64_t cstart;
	int cached;
	struct mlw_buf cbounds;
};

static void
bound_write(struct mlw_buf *b, const struct win *w, int64_t v)
{
	if (w->count)
		mlw_jw_int(b, v);
	else
		mlw_jw_time(b, v);
}

/* Append ,"window_start":S,"window_end":E (formatted once per window). */
static void
bounds_write(struct mlw_buf *b, struct win *w, int64_t start)
{
	if (!w->cached || w->cstart != start) {
		w->cbounds.len = 0;
		mlw_jw_key(&w->cbounds, "window_start");
		bound_write(&w->cbounds, w, start);
		mlw_jw_key(&w->cbounds, "window_end");
		bound_write(&w->cbounds, w, start + w->clock.size);
		w->cstart = start;
		w->cached = 1;
	}
	mlw_jw_sep(b);
	mlw_buf_add(b, w->cbounds.p, w->cbounds.len);
}

/* A window closed: write its close record and flush. */
static void
closed(int64_t start, int64_t end, uint64_t n, void *arg)
{
	struct win *w = arg;
	struct mlw_buf *b = &w->out;

	b->len = 0;
	mlw_jw_open(b, '{');
	mlw_jw_key(b, "mlw");
	mlw_buf_adds(b, "\"window_close\"");
	mlw_jw_key(b, "window_start");
	bound_write(b, w, start);
	mlw_jw_key(b, "window_end");
	bound_write(b, w, end);
	mlw_jw_key(b, "n");
	mlw_jw_uint(b, n);
	mlw_jw_close(b, '}');
	mlw_buf_addc(b, '\n');
	mlw_out_write(b->p, b->len);
	mlw_out_flush();
}

/* No input for --idle: let the watermark follow the wall clock. */
static void
idle(void *arg)
{
	struct win *w = arg;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	mlw_wclock_advance(&w->clock, (int64_t)ts.tv_sec * MLW_NS_PER_SEC +
	    ts.tv_nsec - w->clock.lateness, closed, w);
}

static struct mlw_msgkind latekind = { "late records", 0, 0 };
static struct mlw_msgkind gapkind = { "records between windows", 0, 0 };

static void
late_record(struct win *w, const struct mlw_line *ln, int64_t t)
{
	char ts[MLW_TIME_MAX], wm[MLW_TIME_MAX];

	w->nlate++;
	if (w->count)
		snprintf(ts, sizeof ts, "%lld", (long long)t);
	else
		mlw_time_format(t, ts);
	mlw_time_format(w->clock.wm, wm);
	mlw_msg(&latekind, ln->file, ln->lineno, "late record at %s: the "
	    "watermark is already %s%s", ts, wm,
	    w->late ? "; written to the --late file" : "");
	if (w->late && (fwrite(ln->p, 1, ln->rawlen, w->late) != ln->rawlen ||
	    putc('\n', w->late) == EOF))
		mlw_fatal_errno("%s: write error", w->latepath);
}

/* The event time of a record, or -1 when it was rejected (reported). */
static int
record_time(struct win *w, const struct mlw_window_opts *o,
    const struct mlw_path *tp, const struct mlw_json *doc,
    const struct mlw_line *ln, int64_t *t)
{
	const struct mlw_jtok *tt;
	const char *why;
	long i = mlw_json_get(doc, 0, tp);
	int r;

	if (mlw_json_missing(doc, i)) {
		mlw_reject(ln->file, ln->lineno, ln->p, ln->rawlen,
		    "%s: missing time field", o->time);
		return -1;
	}
	tt = &doc->tok[i];
	r = mlw_time_token(doc, i, o->unit, t, &why);
	/* every window of t lies in [t - size, t + size]: its bounds must be
	 * times the next program can read */
	if (r == 0 && (!mlw_time_in_range(*t - w->clock.size) ||
	    !mlw_time_in_range(*t + w->clock.size))) {
		r = -1;
		why = "its window would reach outside the years 1824 to 2115";
	}
	if (r < 0)
		mlw_reject(ln->file, ln->lineno, ln->p, ln->rawlen,
		    "%s: %s, found %.*s", o->time, why,
		    tt->len > 40 ? 40 : (int)tt->len, doc->src + tt->start);
	return r;
}

void
mlw_window_run(const struct mlw_window_opts *o, struct mlw_input *in)
{
	static const char *const owned[] = { "window_start", "window_end" };
	struct win w;
	struct mlw_path tp;
	int64_t index = 0, *starts, t;
	struct mlw_line ln;
	struct mlw_json doc;
	size_t n, k;
	int late;

	memset(&w, 0, sizeof w);
	memset(&doc, 0, sizeof doc);
	w.count = o->count;
	if ((w.latepath = o->late) != NULL &&
	    (w.late = fopen(o->late, "a")) == NULL)
		mlw_fatal_errno("%s", o->late);
	if (!o->count && mlw_path_parse(&tp, o->time) < 0)
		mlw_fatal("--time: invalid path '%s'", o->time);
	mlw_wclock_init(&w.clock, o->size, o->slide, o->lateness);
	w.clock.nonneg = w.count;
	starts = mlw_xmalloc(MLW_WINDOWS_PER_RECORD * sizeof *starts);
	if (o->idle_ns)
		mlw_input_set_idle(in, o->idle_ns, idle, &w);
	while (mlw_record_next(in, &ln, &doc)) {
		if (mlw_json_member(&doc, 0, "mlw", 3) >= 0)
			continue;       /* an upstream control record */
		if (w.count)
			t = index;
		else if (record_time(&w, o, &tp, &doc, &ln, &t) < 0)
			continue;
		n = mlw_wclock_assign(&w.clock, t, starts, &late);
		if (late)
			late_record(&w, &ln, t);
		else if (n == 0) {
			char ts[MLW_TIME_MAX];

			w.ngap++;
			mlw_time_format(t, ts);
			mlw_msg(&gapkind, ln.file, ln.lineno, "record at %s falls "
			    "between windows (--slide is longer than --size)", ts);
		}
		if (!w.count)
			mlw_wclock_advance(&w.clock, t - o->lateness, closed, &w);
		for (k = 0; k < n; k++) {
			struct mlw_buf *b = &w.out;

			b->len = 0;
			mlw_jw_copy_open(b, &doc, owned, 2);
			bounds_write(b, &w, starts[k]);
			mlw_jw_close(b, '}');
			mlw_buf_addc(b, '\n');
			mlw_out_write(b->p, b->len);
		}
		if (w.count)
			mlw_wclock_advance(&w.clock, ++index, closed, &w);
	}
	mlw_wclock_close_all(&w.clock, closed, &w);
	if (w.nlate)
		mlw_warnx("%llu late record%s (for a window already closed)",
		    (unsigned long long)w.nlate, w.nlate == 1 ? "" : "s");
	if (w.ngap)
		mlw_warnx("%llu record%s between windows, in none",
		    (unsigned long long)w.ngap, w.ngap == 1 ? "" : "s");
	if (w.late && (fflush(w.late) == EOF || ferror(w.late) ||
	    fclose(w.late) == EOF))
		mlw_fatal_errno("%s: write error", w.latepath);
	mlw_wclock_free(&w.clock);
	mlw_buf_free(&w.out);
	mlw_buf_free(&w.cbounds);
	mlw_json_free(&doc);
	free(starts);
	if (!o->count)
		mlw_path_free(&tp);
}
