#include "psiref.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "hash.h"
#include "io.h"
#include "json.h"
#include "jsonw.h"
#include "key.h"
#include "num.h"
#include "opt.h"
#include "seg.h"
#include "state.h"
#include "stats.h"
#include "strmap.h"
#include "window.h"
#include "xalloc.h"

#define PROFILE_TAG MLW_PSIREF_TAG
#define SEGMENT_TAG MLW_PSIREF_SEGMENT_TAG

/* The category text of a scalar, in a buffer reused call after call (so
 * binning allocates nothing per record): mlw_key_category, with numbers
 * only when the field takes them. Returns the length, or -1. */
static struct mlw_buf catbuf;
static struct mlw_buf namebuf;     /* a state's feature name */

static long
category_text(const struct mlw_json *doc, uint32_t i, int numbers)
{
	if (doc->tok[i].type == MLW_JNUM && !numbers)
		return -1;
	if (mlw_key_category(&catbuf, doc, (long)i) < 0)
		return -1;
	return (long)catbuf.len;
}

int
mlw_feature_value(const struct mlw_feature *f, const struct mlw_json *doc,
    long i, double *d, const char **cat, size_t *catlen, char *why)
{
	const struct mlw_jtok *t;
	long n;

	if (mlw_json_missing(doc, i))
		return -1;
	t = &doc->tok[i];
	if (!f->categorical) {
		if (t->type != MLW_JNUM) {
			snprintf(why, 128, "%s: expected a number, found %s",
			    f->path.text, mlw_json_typename(t->type));
			return -2;
		}
		if (mlw_json_num(doc, (uint32_t)i, d) < 0) {
			snprintf(why, 128, "%s: number out of range", f->path.text);
			return -2;
		}
		return 0;
	}
	if (t->type == MLW_JSTR && !t->esc) {
		/* the common case: the bytes between the quotes, uncopied */
		*cat = doc->src + t->start + 1;
		*catlen = t->len - 2;
		return 0;
	}
	n = category_text(doc, (uint32_t)i, f->numcats);
	if (n < 0) {
		snprintf(why, 128, "%s: expected a category (string or "
		    "boolean), found %s", f->path.text,
		    mlw_json_typename(t->type));
		return -2;
	}
	*cat = catbuf.p;
	*catlen = (size_t)n;
	return 0;
}

long
mlw_feature_bin(const struct mlw_feature *f, const struct mlw_json *doc,
    long i, char *why)
{
	const char *cat = NULL;
	size_t len = 0;
	double d = 0;
	long b;
	int r = mlw_feature_value(f, doc, i, &d, &cat, &len, why);

	if (r < 0)
		return r;
	if (!f->categorical)
		return (long)mlw_bin_of(f->edges, f->nedges, d);
	b = mlw_strmap_find(&f->cats, cat, len);
	return b < 0 ? (long)f->nbins - 1 : b;
}

static int
in_list(char **list, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}

void
mlw_psiref_opt_bins(struct mlw_psiref_opts *po, const char *arg)
{
	long long ll;

	if (mlw_int_strict(arg, 2, 1000, &ll) < 0)
		mlw_opt_error("--bins: expected a whole number from 2 to 1000, "
		    "found '%s'", arg);
	po->bins = (int)ll;
	po->bins_given = 1;
}

void
mlw_psiref_opts_check(const struct mlw_psiref_opts *po)
{
	size_t i, j;

	for (i = 0; i < po->nfields; i++)
		for (j = 0; j < i; j++)
			if (strcmp(po->fields[i], po->fields[j]) == 0)
				mlw_opt_error("--fields: %s is given twice",
				    po->fields[i]);
}

/* ---------- building from reference records ---------- */

struct builder {
	struct mlw_psiref *p;
	const struct mlw_psiref_opts *o;
	struct mlw_strmap names;          /* path text -> feature */
	size_t cap;
	/* the current record's values: (feature, token) pairs */
	struct { size_t f; uint32_t tok; } *pend;
	size_t npend, pcap;
	char *pathbuf;
	size_t pathcap;
	const struct mlw_seg *seg;        /* --by: its paths are not fields */
};

static size_t
add_feature(struct builder *b, const char *text)
{
	struct mlw_psiref *p = b->p;
	struct mlw_feature *f;
	size_t idx = mlw_strmap_add(&b->names, text, strlen(text));

	if (idx < p->nf)
		return idx;
	if (p->nf >= MLW_MAX_FIELDS)
		mlw_fatal("reference has more than %d fields; name the ones to "
		    "compare with --fields", MLW_MAX_FIELDS);
	if (p->nf == b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 16;
		struct mlw_feature *n = mlw_xrealloc(p->f, ncap * sizeof *n);

		p->f = n;
		b->cap = ncap;
	}
	f = &p->f[p->nf];
	memset(f, 0, sizeof *f);
	if (mlw_path_parse(&f->path, text) < 0)
		mlw_fatal("--fields: %s, found '%s'", MLW_PATH_EXPECTED, text);
	if (in_list(b->o->categorical, b->o->ncategorical, text)) {
		f->categorical = f->numcats = f->typed = 1;
	}
	return p->nf++;
}

static void
pend(struct builder *b, size_t f, uint32_t tok)
{
	size_t j;

	/* a repeated member name: the last one wins, as everywhere */
	for (j = 0; j < b->npend; j++)
		if (b->pend[j].f == f) {
			b->pend[j].tok = tok;
			return;
		}
	if (b->npend == b->pcap) {
		size_t ncap = b->pcap ? b->pcap * 2 : 32;
		void *n = mlw_xrealloc(b->pend, ncap * sizeof *b->pend);

		b->pend = n;
		b->pcap = ncap;
	}
	b->pend[b->npend].f = f;
	b->pend[b->npend].tok = tok;
	b->npend++;
}

/* Walk the scalar leaves of object obj, with path prefix of length plen. */
static void
walk(struct builder *b, const struct mlw_json *doc, uint32_t obj, size_t plen)
{
	const struct mlw_jtok *tok = doc->tok;
	uint32_t i;

	for (i = obj + 1; i < tok[obj].next; i = tok[i + 1].next) {
		const struct mlw_jtok *k = &tok[i], *v = &tok[i + 1];
		size_t n = plen, need = plen + 2 * k->len + 2;
		char *name;
		size_t nlen;

		if (v->type == MLW_JARR)
			continue;
		if (k->len == 2) {
			static struct mlw_msgkind empty = {
				"members with empty names", 0, 0 };

			if (empty.n == 0)
				mlw_msg(&empty, NULL, 0, "reference: a member with "
				    "an empty name cannot be named by a path; "
				    "left out");
			else
				empty.n++;
			continue;
		}
		if (obj == 0 && (mlw_json_streq(doc, i, "window_start", 12) ||
		    mlw_json_streq(doc, i, "window_end", 10)))
			continue;
		if (need > b->pathcap) {
			b->pathcap = need * 2;
			b->pathbuf = mlw_xrealloc(b->pathbuf, b->pathcap);
		}
		name = mlw_xmalloc(k->len);
		nlen = mlw_json_str(doc, i, name, k->len);
		if (n)
			b->pathbuf[n++] = '.';
		n += mlw_path_escape(name, nlen, b->pathbuf + n);
		free(name);
		b->pathbuf[n] = '\0';
		if (v->type == MLW_JOBJ)
			walk(b, doc, i + 1, n);
		else if (!mlw_seg_is_by(b->seg, b->pathbuf))
			pend(b, add_feature(b, b->pathbuf), i + 1);
	}
}

/* Check one pending value; 0, or -1 with why. */
static int
check_value(struct mlw_feature *f, const struct mlw_json *doc, uint32_t t,
    char *why)
{
	int type = doc->tok[t].type;
	double d;

	if (type == MLW_JNULL)
		return 0;
	if (!f->typed) {
		if (type == MLW_JNUM)
			return 0;
		if (type == MLW_JSTR || type == MLW_JTRUE || type == MLW_JFALSE)
			return 0;
		snprintf(why, 128, "%s: expected a scalar, found %s",
		    f->path.text, mlw_json_typename(type));
		return -1;
	}
	if (f->categorical) {
		if (type == MLW_JSTR || type == MLW_JTRUE || type == MLW_JFALSE ||
		    (type == MLW_JNUM && f->numcats &&
		    mlw_json_num(doc, t, &d) == 0))
			return 0;
		snprintf(why, 128, "%s: expected a category (string or "
		    "boolean), found %s", f->path.text, mlw_json_typename(type));
		return -1;
	}
	if (type != MLW_JNUM) {
		snprintf(why, 128, "%s: expected a number, found %s",
		    f->path.text, mlw_json_typename(type));
		return -1;
	}
	if (mlw_json_num(doc, t, &d) < 0) {
		snprintf(why, 128, "%s: number out of range", f->path.text);
		return -1;
	}
	return 0;
}

static void
push_seq(struct mlw_feature *f, uint32_t c)
{
	if (f->nseq == f->seqcap) {
		size_t ncap = f->seqcap ? f->seqcap * 2 : 1024;
		uint32_t *n = mlw_xrealloc(f->seq, ncap * sizeof *n);

		f->seq = n;
		f->seqcap = ncap;
	}
	f->seq[f->nseq++] = c;
}

static void
commit_value(struct mlw_feature *f, const struct mlw_json *doc, uint32_t t,
    const struct mlw_psiref_opts *o)
{
	int explicit = o->nfields > 0;

	const struct mlw_jtok *tok = &doc->tok[t];

	if (tok->type == MLW_JNULL || f->dropped)
		return;
	if (!f->typed) {
		f->typed = 1;
		f->categorical = tok->type != MLW_JNUM;
	}
	f->ref_n++;
	if (f->categorical) {
		long n = category_text(doc, t, 1);
		const char *buf = catbuf.p;

		if (mlw_strmap_find(&f->cats, buf, (size_t)n) < 0 &&
		    f->cats.n >= MLW_MAX_CATEGORIES) {
			if (explicit)
				mlw_fatal("%s: more than %d distinct categories in "
				    "the reference", f->path.text,
				    MLW_MAX_CATEGORIES);
			mlw_warnx("%s: more than %d distinct categories in the "
			    "reference; field left out (name fields with "
			    "--fields)", f->path.text, MLW_MAX_CATEGORIES);
			f->dropped = 1;
			mlw_strmap_free(&f->cats);
			free(f->ref);
			f->ref = NULL;
			free(f->seq);
			f->seq = NULL;
			f->nseq = f->seqcap = 0;
		} else {
			size_t c = mlw_strmap_add(&f->cats, buf, (size_t)n);

			if (c >= f->nbins) {
				size_t nb = f->nbins ? f->nbins * 2 : 16;
				uint64_t *r = mlw_xrealloc(f->ref,
				    nb * sizeof *r);

				memset(r + f->nbins, 0, (nb - f->nbins) * sizeof *r);
				f->ref = r;
				f->nbins = nb;
			}
			f->ref[c]++;
			if (o->keep_order)
				push_seq(f, (uint32_t)c);
		}
		return;
	}
	if (f->nvals == f->vcap) {
		size_t ncap = f->vcap ? f->vcap * 2 : 1024;
		double *n = mlw_xrealloc(f->vals, ncap * sizeof *n);

		f->vals = n;
		f->vcap = ncap;
	}
	mlw_json_num(doc, t, &f->vals[f->nvals++]);
}

static void
finish_feature(struct mlw_feature *f, const struct mlw_psiref *p,
    const struct mlw_psiref_opts *o)
{
	size_t i;

	if (f->categorical) {
		uint64_t *r = mlw_xcalloc(f->cats.n + 1, sizeof *r);

		if (f->ref)
			memcpy(r, f->ref, f->cats.n * sizeof *r);
		free(f->ref);
		f->ref = r;
		f->nbins = f->cats.n + 1;
		return;
	}
	if (o->keep_order) {
		f->order = mlw_xmalloc(f->nvals * sizeof *f->order);
		memcpy(f->order, f->vals, f->nvals * sizeof *f->order);
	}
	mlw_sort_doubles(f->vals, f->nvals);
	f->edges = mlw_xmalloc((size_t)(p->bins > 1 ? p->bins - 1 : 1) *
	    sizeof *f->edges);
	f->nedges = mlw_edges(f->vals, f->nvals, p->bins,
	    p->binning == MLW_BINNING_UNIFORM, f->edges);
	f->nbins = f->nedges + 1;
	f->ref = mlw_xcalloc(f->nbins, sizeof *f->ref);
	for (i = 0; i < f->nvals; i++)
		f->ref[mlw_bin_of(f->edges, f->nedges, f->vals[i])]++;
	if (o->keep_values)
		return;
	free(f->vals);
	f->vals = NULL;
	f->nvals = f->vcap = 0;
}

static void
builder_init(struct builder *b, struct mlw_psiref *p,
    const struct mlw_psiref_opts *o, const struct mlw_seg *seg)
{
	size_t i;

	memset(b, 0, sizeof *b);
	b->p = p;
	b->o = o;
	b->seg = seg;
	p->binning = o->binning;
	p->bins = o->bins;
	for (i = 0; i < o->nfields; i++)
		add_feature(b, o->fields[i]);
}

/* Find the values of a data record doc and check them all before any is
 * used (a field's type is set by its first value): 0, or -1 with why. */
static int
builder_check(struct builder *b, const struct mlw_json *doc, char *why)
{
	struct mlw_psiref *p = b->p;
	size_t i, j;

	b->npend = 0;
	if (b->o->nfields) {
		for (i = 0; i < p->nf; i++) {
			long t = mlw_json_get(doc, 0, &p->f[i].path);

			if (t >= 0)
				pend(b, i, (uint32_t)t);
		}
	} else
		walk(b, doc, 0, 0);
	for (j = 0; j < b->npend; j++) {
		struct mlw_feature *f = &p->f[b->pend[j].f];
		int type = doc->tok[b->pend[j].tok].type;

		why[0] = '\0';
		if (check_value(f, doc, b->pend[j].tok, why) < 0)
			break;
		if (!f->typed && type != MLW_JNULL) {
			size_t k;
			int num = type == MLW_JNUM;

			/* a later value of the same record must agree */
			for (k = j + 1; k < b->npend; k++)
				if (b->pend[k].f == b->pend[j].f) {
					int t2 = doc->tok[b->pend[k].tok].type;

					if (t2 != MLW_JNULL &&
					    (t2 == MLW_JNUM) != num)
						break;
				}
			if (k < b->npend) {
				snprintf(why, 128, "%s: repeated with different "
				    "types", f->path.text);
				break;
			}
		}
	}
	if (j == b->npend)
		return 0;
	if (why[0] == '\0')
		snprintf(why, 128, "field of the wrong type");
	return -1;
}

/* Take the values builder_check found. */
static void
builder_commit(struct builder *b, const struct mlw_json *doc)
{
	size_t j;

	for (j = 0; j < b->npend; j++)
		commit_value(&b->p->f[b->pend[j].f], doc, b->pend[j].tok, b->o);
	b->p->records++;
}

/* Say a --categorical field no builder saw; label names the reference. */
static void
check_categorical(struct builder *b, size_t nb, const char *label)
{
	const struct mlw_psiref_opts *o = b->o;
	size_t i, k;

	for (i = 0; i < o->ncategorical; i++) {
		for (k = 0; k < nb; k++)
			if (mlw_strmap_find(&b[k].names, o->categorical[i],
			    strlen(o->categorical[i])) >= 0)
				break;
		if (k == nb)
			mlw_fatal("--categorical: field %s is not in the "
			    "reference %s", o->categorical[i], label);
	}
}

/* Drop the fields with no values and finish the others; label names the
 * reference (or its segment) in messages. */
static void
builder_finish(struct builder *b, const char *label)
{
	struct mlw_psiref *p = b->p;
	const struct mlw_psiref_opts *o = b->o;
	size_t i, j;

	for (i = j = 0; i < p->nf; i++) {
		struct mlw_feature *f = &p->f[i];

		if (f->ref_n == 0 || f->dropped) {
			if (f->ref_n == 0 && o->nfields)
				mlw_fatal("%s: field %s has no values in the "
				    "reference", label, f->path.text);
			if (!f->dropped)
				mlw_warnx("%s: field %s has no values in the "
				    "reference; left out", label, f->path.text);
			mlw_path_free(&f->path);
			mlw_strmap_free(&f->cats);
			free(f->ref);
			free(f->vals);
			free(f->seq);
			continue;
		}
		f->ref_missing = p->records - f->ref_n;
		finish_feature(f, p, o);
		p->f[j++] = *f;
	}
	p->nf = j;
	mlw_strmap_free(&b->names);
	free(b->pend);
	free(b->pathbuf);
	b->names.n = 0;
	b->pend = NULL;
	b->pathbuf = NULL;
}

static void
build(struct mlw_psiref *p, const char *path, const struct mlw_psiref_opts *o,
    struct mlw_input *in, struct mlw_line *first)
{
	struct builder b;
	struct mlw_json doc;
	struct mlw_line ln = *first;
	int have = 1;
	char why[128];

	memset(&doc, 0, sizeof doc);
	builder_init(&b, p, o, NULL);
	for (; have; have = mlw_input_next(in, &ln)) {
		if (mlw_record_parse(&doc, &ln) < 0)
			continue;
		if (mlw_json_member(&doc, 0, "mlw", 3) >= 0)
			continue;       /* a control record, not data */
		if (builder_check(&b, &doc, why) < 0) {
			mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen, "%s",
			    why);
			continue;
		}
		builder_commit(&b, &doc);
	}
	check_categorical(&b, 1, path);
	builder_finish(&b, path);
	mlw_json_free(&doc);
}

/* ---------- saved profiles ---------- */

static _Noreturn void
bad_profile(const struct mlw_line *ln, const char *what)
{
	mlw_fatal("%s:%llu: invalid profile: %s", ln->file,
	    (unsigned long long)ln->lineno, what);
}

/* Read an array of numbers (token a) into a fresh array. */
static double *
num_array(const struct mlw_json *doc, long a, size_t *n,
    const struct mlw_line *ln, const char *name)
{
	uint32_t i;
	size_t k = 0, cnt = 0;
	double *v;

	if (a < 0 || doc->tok[a].type != MLW_JARR)
		bad_profile(ln, name);
	for (i = (uint32_t)a + 1; i < doc->tok[a].next; i = doc->tok[i].next)
		cnt++;
	v = mlw_xmalloc((cnt ? cnt : 1) * sizeof *v);
	for (i = (uint32_t)a + 1; i < doc->tok[a].next; i = doc->tok[i].next)
		if (doc->tok[i].type != MLW_JNUM ||
		    mlw_json_num(doc, i, &v[k++]) < 0)
			bad_profile(ln, name);
	*n = cnt;
	return v;
}

/* The number at member name of the object doc: records, a count. */
static uint64_t
saved_count(const struct mlw_json *doc, const char *name,
    const struct mlw_line *ln)
{
	long t = mlw_json_member(doc, 0, name, strlen(name));
	double d;

	if (t < 0 || mlw_json_num(doc, (uint32_t)t, &d) < 0 || d < 0 || d > 9e15)
		bad_profile(ln, "expected records");
	return (uint64_t)d;
}

/* Whether doc (an object) is the line that begins a segment's part. */
static int
segment_line(const struct mlw_json *doc)
{
	long t = mlw_json_member(doc, 0, "mlw", 3);

	return t >= 0 && mlw_json_streq(doc, (uint32_t)t, SEGMENT_TAG,
	    strlen(SEGMENT_TAG));
}

/* Check the first line of a saved profile (in doc) against the options. */
static void
saved_header(struct mlw_psiref *p, const struct mlw_psiref_opts *o,
    const struct mlw_json *doc, const struct mlw_line *ln)
{
	long t;
	double d;

	if (o->bins_given)
		mlw_fatal("--bins and --binning do not apply to a saved profile "
		    "(%s)", ln->file);
	if (o->ncategorical)
		mlw_fatal("--categorical does not apply to a saved profile (%s); "
		    "give it when saving", ln->file);
	t = mlw_json_member(doc, 0, "version", 7);
	if (t < 0 || mlw_json_num(doc, (uint32_t)t, &d) < 0 || d != 1)
		bad_profile(ln, "expected version 1");
	p->records = saved_count(doc, "records", ln);
}

static void select_fields(struct mlw_psiref *, const struct mlw_psiref_opts *,
    const char *);

/* Read a saved profile's feature lines into p up to the end (0) or up to
 * a segment's line (1, parsed in doc). */
static int
load_features(struct mlw_psiref *p, const struct mlw_psiref_opts *o,
    struct mlw_input *in, struct mlw_json *doc, struct mlw_line *ln)
{
	size_t cap = 0, k;
	int more = 0;
	double d;

	p->saved = 1;
	while (mlw_input_next(in, ln)) {
		struct mlw_feature *f;
		long fe, ty, ct, ed, ca, mi;
		char *name;
		double *counts;
		size_t nc;

		if (mlw_json_parse(doc, ln->p, ln->len) < 0)
			bad_profile(ln, doc->err);
		if (doc->tok[0].type != MLW_JOBJ)
			bad_profile(ln, "expected an object");
		if (segment_line(doc)) {
			more = 1;
			break;
		}
		fe = mlw_json_member(doc, 0, "feature", 7);
		ty = mlw_json_member(doc, 0, "type", 4);
		ct = mlw_json_member(doc, 0, "counts", 6);
		mi = mlw_json_member(doc, 0, "missing", 7);
		if (fe < 0 || doc->tok[fe].type != MLW_JSTR || ty < 0 ||
		    doc->tok[ty].type != MLW_JSTR)
			bad_profile(ln, "expected feature and type strings");
		if (p->nf == cap) {
			cap = cap ? cap * 2 : 16;
			p->f = mlw_xrealloc(p->f, cap * sizeof *p->f);
		}
		f = &p->f[p->nf];
		memset(f, 0, sizeof *f);
		name = mlw_xcalloc(1, doc->tok[fe].len);
		mlw_json_str(doc, (uint32_t)fe, name, doc->tok[fe].len);
		if (mlw_path_parse(&f->path, name) < 0)
			bad_profile(ln, "invalid feature path");
		free(name);
		for (k = 0; k < p->nf; k++)
			if (strcmp(p->f[k].path.text, f->path.text) == 0)
				bad_profile(ln, "repeated feature");
		p->nf++;
		counts = num_array(doc, ct, &nc, ln, "expected counts");
		if (mlw_json_streq(doc, (uint32_t)ty, "numeric", 7)) {
			ed = mlw_json_member(doc, 0, "edges", 5);
			f->edges = num_array(doc, ed, &f->nedges, ln,
			    "expected edges");
			for (k = 1; k < f->nedges; k++)
				if (!(f->edges[k] > f->edges[k - 1]))
					bad_profile(ln, "edges not increasing");
			f->nbins = f->nedges + 1;
		} else if (mlw_json_streq(doc, (uint32_t)ty, "categorical", 11)) {
			uint32_t j;
			long nm = mlw_json_member(doc, 0, "numbers_as_categories", 21);

			f->categorical = 1;
			f->numcats = nm >= 0 && doc->tok[nm].type == MLW_JTRUE;
			ca = mlw_json_member(doc, 0, "categories", 10);
			if (ca < 0 || doc->tok[ca].type != MLW_JARR)
				bad_profile(ln, "expected categories");
			for (j = (uint32_t)ca + 1; j < doc->tok[ca].next;
			    j = doc->tok[j].next) {
				char *c;
				size_t n;

				if (doc->tok[j].type != MLW_JSTR)
					bad_profile(ln, "expected category strings");
				c = mlw_xmalloc(doc->tok[j].len);
				n = mlw_json_str(doc, j, c, doc->tok[j].len);
				if (mlw_strmap_find(&f->cats, c, n) >= 0)
					bad_profile(ln, "repeated category");
				mlw_strmap_add(&f->cats, c, n);
				free(c);
			}
			f->nbins = f->cats.n + 1;
		} else
			bad_profile(ln, "type must be numeric or categorical");
		if (nc != f->nbins)
			bad_profile(ln, "counts must have one entry per bin");
		f->ref = mlw_xcalloc(f->nbins, sizeof *f->ref);
		for (k = 0; k < nc; k++) {
			if (!(counts[k] >= 0 && counts[k] < 9e15) ||
			    counts[k] != (double)(uint64_t)counts[k])
				bad_profile(ln, "counts must be whole numbers");
			f->ref[k] = (uint64_t)counts[k];
			f->ref_n += f->ref[k];
		}
		free(counts);
		if (f->ref_n == 0)
			bad_profile(ln, "a field without reference values");
		if (mi >= 0 && mlw_json_num(doc, (uint32_t)mi, &d) == 0 && d >= 0 &&
		    d <= 9e15)
			f->ref_missing = (uint64_t)d;
	}
	select_fields(p, o, ln->file);
	return more;
}

/* --fields selects and orders the features of a saved profile. */
static void
select_fields(struct mlw_psiref *p, const struct mlw_psiref_opts *o,
    const char *file)
{
	size_t i, k;

	if (o->nfields) {
		struct mlw_feature *sel = mlw_xcalloc(o->nfields, sizeof *sel);

		for (i = 0; i < o->nfields; i++) {
			for (k = 0; k < p->nf; k++)
				if (p->f[k].path.text &&
				    strcmp(p->f[k].path.text, o->fields[i]) == 0)
					break;
			if (k == p->nf)
				mlw_fatal("%s: field %s is not in the profile",
				    file, o->fields[i]);
			sel[i] = p->f[k];
			p->f[k].path.text = NULL;   /* moved */
		}
		for (k = 0; k < p->nf; k++)
			if (p->f[k].path.text) {
				mlw_path_free(&p->f[k].path);
				mlw_strmap_free(&p->f[k].cats);
				free(p->f[k].ref);
				free(p->f[k].edges);
			}
		free(p->f);
		p->f = sel;
		p->nf = o->nfields;
	}
}

int
mlw_ref_open(const char *path, struct mlw_input **in, struct mlw_line *first,
    struct mlw_json *doc)
{
	char *files[1];
	int fd;
	long t;

	/* a missing reference is fatal, not one bad file among many */
	fd = open(path, O_RDONLY);
	if (fd < 0)
		mlw_fatal_errno("%s", path);
	close(fd);
	files[0] = (char *)path;
	*in = mlw_input_new(files, 1);
	if (!mlw_input_next(*in, first))
		mlw_fatal("%s: reference is empty", path);
	if (mlw_json_parse(doc, first->p, first->len) < 0 ||
	    doc->tok[0].type != MLW_JOBJ)
		return 0;
	t = mlw_json_member(doc, 0, "mlw", 3);
	return t >= 0 && mlw_json_streq(doc, (uint32_t)t, PROFILE_TAG,
	    strlen(PROFILE_TAG));
}

void
mlw_psiref_load(struct mlw_psiref *p, const char *path,
    const struct mlw_psiref_opts *o)
{
	struct mlw_input *in;
	struct mlw_line ln;
	struct mlw_json doc;

	memset(p, 0, sizeof *p);
	memset(&doc, 0, sizeof doc);
	p->binning = o->binning;
	p->bins = o->bins;
	if (mlw_ref_open(path, &in, &ln, &doc)) {
		saved_header(p, o, &doc, &ln);
		/* a profile with segments: its first part is the whole */
		load_features(p, o, in, &doc, &ln);
	} else
		build(p, path, o, in, &ln);
	if (p->nf == 0)
		mlw_fatal("%s: no fields to compare", path);
	mlw_json_free(&doc);
	mlw_input_free(in);
}

void
mlw_feature_bins_write(struct mlw_buf *b, const struct mlw_feature *f)
{
	if (f->categorical) {
		mlw_jw_key(b, "categories");
		mlw_jw_strs(b, &f->cats);
	} else {
		mlw_jw_key(b, "edges");
		mlw_jw_nums(b, f->edges, f->nedges);
	}
}

/* The first line of a saved profile: with seg, the --by paths too. */
static void
save_header(struct mlw_buf *b, const struct mlw_psiref *p,
    const struct mlw_seg *seg)
{
	size_t k;

	mlw_jw_open(b, '{');
	mlw_jw_key(b, "mlw");
	mlw_jw_str(b, PROFILE_TAG, strlen(PROFILE_TAG));
	mlw_jw_key(b, "version");
	mlw_jw_int(b, 1);
	mlw_jw_key(b, "records");
	mlw_jw_uint(b, p->records);
	if (seg) {
		mlw_jw_key(b, "by");
		mlw_jw_open(b, '[');
		for (k = 0; k < seg->nby; k++) {
			mlw_jw_sep(b);
			mlw_jw_str(b, seg->by[k], strlen(seg->by[k]));
		}
		mlw_jw_close(b, ']');
	}
	mlw_jw_close(b, '}');
	mlw_buf_addc(b, '\n');
}

/* The feature lines of a saved profile. */
static void
save_features(struct mlw_buf *b, const struct mlw_psiref *p)
{
	size_t i, k;

	for (i = 0; i < p->nf; i++) {
		const struct mlw_feature *f = &p->f[i];

		mlw_jw_open(b, '{');
		mlw_jw_key(b, "feature");
		mlw_jw_str(b, f->path.text, strlen(f->path.text));
		mlw_jw_key(b, "type");
		mlw_buf_adds(b, f->categorical ? "\"categorical\"" : "\"numeric\"");
		if (f->numcats) {
			mlw_jw_key(b, "numbers_as_categories");
			mlw_buf_adds(b, "true");
		}
		mlw_jw_key(b, "n");
		mlw_jw_uint(b, f->ref_n);
		mlw_jw_key(b, "missing");
		mlw_jw_uint(b, f->ref_missing);
		mlw_feature_bins_write(b, f);
		mlw_jw_key(b, "counts");
		mlw_jw_uints(b, f->ref, f->nbins);
		mlw_jw_key(b, "proportions");
		mlw_jw_open(b, '[');
		for (k = 0; k < f->nbins; k++) {
			mlw_jw_sep(b);
			mlw_jw_num(b, (double)f->ref[k] / (double)f->ref_n);
		}
		mlw_jw_close(b, ']');
		mlw_jw_close(b, '}');
		mlw_buf_addc(b, '\n');
	}
}

/* Write b to path, atomically: a new file renamed over the old one, so
 * that a kill or a full disk leaves the old profile whole. */
static void
save_file(struct mlw_buf *b, const char *path)
{
	if (mlw_write_atomic(path, b->p, b->len) < 0)
		mlw_fatal_errno("%s: write error", path);
	mlw_buf_free(b);
}

void
mlw_psiref_save(const struct mlw_psiref *p, const char *path)
{
	struct mlw_buf b = { 0 };

	save_header(&b, p, NULL);
	save_features(&b, p);
	save_file(&b, path);
}

void
mlw_psiref_free(struct mlw_psiref *p)
{
	size_t i;

	for (i = 0; i < p->nf; i++) {
		mlw_path_free(&p->f[i].path);
		mlw_strmap_free(&p->f[i].cats);
		free(p->f[i].ref);
		free(p->f[i].edges);
		free(p->f[i].vals);
		free(p->f[i].order);
		free(p->f[i].seq);
	}
	free(p->f);
	mlw_buf_free(&catbuf);
	mlw_buf_free(&namebuf);
	memset(p, 0, sizeof *p);
}

/* ---------- partial states (--emit-state, --merge) ---------- */

/* What decides how values are counted: each feature's path, kind, edges or
 * categories, and reference counts. */
uint64_t
mlw_psiref_hash(const struct mlw_psiref *p)
{
	uint64_t h = mlw_hash_u64(MLW_HASH_INIT, p->nf);
	size_t i, k;

	for (i = 0; i < p->nf; i++) {
		const struct mlw_feature *f = &p->f[i];

		h = mlw_hash_str(h, f->path.text);
		h = mlw_hash_u64(h, (uint64_t)f->categorical << 1 |
		    (uint64_t)(f->categorical && f->numcats));
		h = mlw_hash_u64(h, f->nbins);
		if (f->categorical)
			for (k = 0; k < f->cats.n; k++) {
				h = mlw_hash_u64(h, f->cats.ent[k].len);
				h = mlw_hash_bytes(h, f->cats.ent[k].s,
				    f->cats.ent[k].len);
			}
		else
			for (k = 0; k < f->nedges; k++)
				h = mlw_hash_double(h, f->edges[k]);
		for (k = 0; k < f->nbins; k++)
			h = mlw_hash_u64(h, f->ref[k]);
		h = mlw_hash_u64(h, f->ref_n);
	}
	return h;
}

void
mlw_psiref_state_emit(struct mlw_buf *b, const char *program, uint64_t hash,
    const struct mlw_wkey *key, struct mlw_seg *seg, size_t segid,
    const struct mlw_feature *f, const uint64_t *counts, size_t ncounts,
    uint64_t missing)
{
	size_t k;

	mlw_state_begin(b, program, hash, key);
	if (seg != NULL)
		mlw_seg_state_members(b, seg, segid, MLW_SEG_VALUES);
	mlw_jw_key(b, "feature");
	mlw_jw_str(b, f->path.text, strlen(f->path.text));
	mlw_jw_key(b, "counts");
	mlw_jw_open(b, '[');
	for (k = 0; k < f->nbins; k++) {
		mlw_jw_sep(b);
		mlw_jw_uint(b, k < ncounts ? counts[k] : 0);
	}
	mlw_jw_close(b, ']');
	mlw_jw_key(b, "missing");
	mlw_jw_uint(b, missing);
	mlw_state_emit(b);
}

long
mlw_psiref_state_read(const struct mlw_psiref *p, struct mlw_state_in *r,
    const struct mlw_line *ln, const struct mlw_json *doc, uint64_t *counts)
{
	struct mlw_buf *name = &namebuf;
	long fi = mlw_state_member(doc, "feature");
	const struct mlw_feature *f;
	size_t k;

	if (fi < 0 || doc->tok[fi].type != MLW_JSTR)
		k = p->nf;
	else {
		mlw_buf_reserve(name, doc->tok[fi].len + 1);
		name->len = mlw_json_str(doc, (uint32_t)fi, name->p,
		    doc->tok[fi].len);
		for (k = 0; k < p->nf; k++)
			if (strlen(p->f[k].path.text) == name->len &&
			    memcmp(p->f[k].path.text, name->p, name->len) == 0)
				break;
	}
	if (k == p->nf) {
		mlw_state_reject(r, ln, "feature: expected one of the "
		    "profile's fields");
		return -1;
	}
	f = &p->f[k];
	if (mlw_state_u64s(doc, mlw_state_member(doc, "counts"), counts,
	    f->nbins) < 0 || mlw_state_u64(doc, mlw_state_member(doc,
	    "missing"), &counts[f->nbins]) < 0) {
		mlw_state_reject(r, ln, "%s: expected counts, an array of %zu "
		    "counts, and missing, a count", f->path.text, f->nbins);
		return -1;
	}
	return (long)k;
}

/* ---------- a reference per segment (--by) ---------- */

/* "PATH (segment DISPLAY)": the label of segment id in messages. */
static char *
seg_label(struct mlw_seg *seg, size_t id, const char *path)
{
	struct mlw_buf b = { 0 };

	mlw_buf_adds(&b, path);
	mlw_buf_adds(&b, " (segment ");
	mlw_key_display(&b, seg->keys.ent[id].s, seg->keys.ent[id].len,
	    seg->by);
	mlw_buf_adds(&b, ")");
	mlw_buf_addc(&b, '\0');
	return b.p;
}

static struct mlw_psiref *
new_part(struct mlw_psirefs *r, size_t id)
{
	size_t i;

	if (id >= r->npart) {
		r->part = mlw_xrealloc(r->part, (id + 1) * sizeof *r->part);
		for (i = r->npart; i <= id; i++)
			r->part[i] = NULL;
		r->npart = id + 1;
	}
	if (r->part[id] == NULL)
		r->part[id] = mlw_xcalloc(1, sizeof *r->part[id]);
	return r->part[id];
}

/* The reference records: each to its segment's builder, and to the whole
 * one with whole. */
static void
build_parts(struct mlw_psirefs *r, struct mlw_seg *seg, const char *path,
    const struct mlw_psiref_opts *o, int whole, struct mlw_input *in,
    struct mlw_line *first)
{
	struct builder *b = NULL, wb;
	struct mlw_json doc;
	struct mlw_line ln = *first;
	size_t nb = 0, i;
	int have = 1;
	char why[128];

	memset(&doc, 0, sizeof doc);
	if (whole)
		builder_init(&wb, &r->whole, o, seg);
	for (; have; have = mlw_input_next(in, &ln)) {
		long id;

		if (mlw_record_parse(&doc, &ln) < 0)
			continue;
		if (mlw_json_member(&doc, 0, "mlw", 3) >= 0)
			continue;       /* a control record, not data */
		if (mlw_seg_key(seg, &doc, &ln) < 0)
			continue;
		id = mlw_seg_id(seg, &ln, 1);
		while (nb <= (size_t)id) {
			b = mlw_xrealloc(b, (nb + 1) * sizeof *b);
			builder_init(&b[nb], new_part(r, nb), o, seg);
			nb++;
		}
		if (builder_check(&b[id], &doc, why) < 0 ||
		    (whole && builder_check(&wb, &doc, why) < 0)) {
			mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen, "%s",
			    why);
			continue;
		}
		builder_commit(&b[id], &doc);
		if (whole)
			builder_commit(&wb, &doc);
	}
	if (nb)
		check_categorical(b, nb, path);
	for (i = 0; i < nb; i++) {
		char *label = seg_label(seg, i, path);

		if (r->part[i]->records == 0) {
			/* every record of it was rejected: no part */
			builder_finish(&b[i], label);
			mlw_psiref_free(r->part[i]);
			free(r->part[i]);
			r->part[i] = NULL;
		} else {
			builder_finish(&b[i], label);
			if (r->part[i]->nf == 0)
				mlw_fatal("%s: no fields to compare", label);
		}
		free(label);
	}
	if (whole) {
		builder_finish(&wb, path);
		r->has_whole = 1;
	}
	free(b);
	mlw_json_free(&doc);
}

size_t
mlw_psi_segment_id(struct mlw_seg *seg, const struct mlw_json *doc,
    const struct mlw_line *ln)
{
	const char *why;

	if (mlw_seg_state_key(seg, doc, MLW_SEG_VALUES, &why) < 0)
		bad_profile(ln, why);
	if (mlw_seg_id(seg, ln, 0) >= 0)
		bad_profile(ln, "a segment repeated");
	return (size_t)mlw_seg_id(seg, ln, 1);
}

/* The segments of a saved profile, after its whole part. */
static void
load_parts(struct mlw_psirefs *r, struct mlw_seg *seg, const char *path,
    const struct mlw_psiref_opts *o, struct mlw_input *in,
    struct mlw_json *doc, struct mlw_line *ln)
{
	int more = 1;

	while (more) {
		struct mlw_psiref *p;
		size_t id = mlw_psi_segment_id(seg, doc, ln);

		p = new_part(r, (size_t)id);
		p->binning = o->binning;
		p->bins = o->bins;
		p->records = saved_count(doc, "records", ln);
		more = load_features(p, o, in, doc, ln);
		if (p->nf == 0)
			mlw_fatal("%s: segment %zu has no fields to compare",
			    path, id + 1);
	}
}

void
mlw_psirefs_load(struct mlw_psirefs *r, struct mlw_seg *seg,
    const char *path, const struct mlw_psiref_opts *o, int whole)
{
	struct mlw_input *in;
	struct mlw_line ln;
	struct mlw_json doc;

	memset(r, 0, sizeof *r);
	memset(&doc, 0, sizeof doc);
	if (mlw_ref_open(path, &in, &ln, &doc)) {
		long by = mlw_json_member(&doc, 0, "by", 2);
		size_t k = 0;
		uint32_t i;

		saved_header(&r->whole, o, &doc, &ln);
		if (by >= 0) {
			/* the profile's --by must be this run's */
			if (doc.tok[by].type != MLW_JARR)
				bad_profile(&ln, "by: expected an array of paths");
			for (i = (uint32_t)by + 1; i < doc.tok[by].next;
			    i = doc.tok[i].next, k++)
				if (k == seg->nby || !mlw_json_streq(&doc, i,
				    seg->by[k], strlen(seg->by[k])))
					break;
			if (k != seg->nby || i != doc.tok[by].next)
				mlw_fatal("%s: the profile's segments are not "
				    "those of this --by (save it again with "
				    "this --by)", path);
		}
		r->has_whole = 1;
		if (load_features(&r->whole, o, in, &doc, &ln)) {
			if (by < 0)
				bad_profile(&ln, "a segment in a profile "
				    "without by");
			load_parts(r, seg, path, o, in, &doc, &ln);
		}
		if (r->whole.nf == 0)
			mlw_fatal("%s: no fields to compare", path);
		r->shared = by < 0;
	} else {
		build_parts(r, seg, path, o, whole, in, &ln);
		/* no record holds a --by value: one reference for all */
		if (mlw_seg_count(seg) == 1 && mlw_seg_all_missing(seg, 0) &&
		    r->part[0] != NULL) {
			if (r->has_whole)
				mlw_psiref_free(&r->whole);
			r->whole = *r->part[0];
			free(r->part[0]);
			r->part[0] = NULL;
			r->has_whole = r->shared = 1;
		}
		if (!r->shared && r->has_whole && r->whole.nf == 0)
			mlw_fatal("%s: no fields to compare", path);
		if (!r->has_whole && r->npart == 0)
			mlw_fatal("%s: no fields to compare", path);
	}
	mlw_json_free(&doc);
	mlw_input_free(in);
}

struct mlw_psiref *
mlw_psirefs_get(struct mlw_psirefs *r, size_t id, int fallback)
{
	if (r->shared)
		return &r->whole;
	if (id < r->npart && r->part[id] != NULL)
		return r->part[id];
	return fallback && r->has_whole ? &r->whole : NULL;
}

void
mlw_psirefs_save(const struct mlw_psirefs *r, struct mlw_seg *seg,
    const char *path)
{
	struct mlw_buf b = { 0 };
	size_t i;

	save_header(&b, &r->whole, r->shared ? NULL : seg);
	save_features(&b, &r->whole);
	for (i = 0; !r->shared && i < r->npart; i++) {
		if (r->part[i] == NULL)
			continue;
		mlw_jw_open(&b, '{');
		mlw_jw_key(&b, "mlw");
		mlw_jw_str(&b, SEGMENT_TAG, strlen(SEGMENT_TAG));
		mlw_seg_state_members(&b, seg, i, MLW_SEG_VALUES);
		mlw_jw_key(&b, "records");
		mlw_jw_uint(&b, r->part[i]->records);
		mlw_jw_close(&b, '}');
		mlw_buf_addc(&b, '\n');
		save_features(&b, r->part[i]);
	}
	save_file(&b, path);
}

void
mlw_psirefs_free(struct mlw_psirefs *r)
{
	size_t i;

	for (i = 0; i < r->npart; i++)
		if (r->part[i] != NULL) {
			mlw_psiref_free(r->part[i]);
			free(r->part[i]);
		}
	free(r->part);
	if (r->has_whole)
		mlw_psiref_free(&r->whole);
	memset(r, 0, sizeof *r);
}

long
mlw_psirefs_route(struct mlw_psirefs *r, struct mlw_seg *seg, int fallback,
    const struct mlw_json *doc, const struct mlw_line *ln)
{
	long id;

	if (mlw_seg_key(seg, doc, ln) < 0)
		return -1;
	id = mlw_seg_id(seg, ln, 1);
	if (mlw_psirefs_get(r, (size_t)id, fallback) != NULL)
		return id;
	mlw_seg_no_ref(seg, (size_t)id, ln);
	return -1;
}

long
mlw_psirefs_state_route(struct mlw_psirefs *r, struct mlw_seg *seg,
    int fallback, struct mlw_state_in *st, const struct mlw_json *doc,
    const struct mlw_line *ln)
{
	size_t id;

	if (mlw_seg_state_id(seg, st, doc, ln, &id) < 0)
		return -1;
	if (mlw_psirefs_get(r, id, fallback) == NULL) {
		mlw_state_reject(st, ln, "segment: a segment with no part in "
		    "the reference");
		return -1;
	}
	return (long)id;
}

uint64_t
mlw_psirefs_hash(const struct mlw_psirefs *r, const struct mlw_seg *seg)
{
	uint64_t h = mlw_hash_u64(MLW_HASH_INIT, (uint64_t)r->shared);
	size_t i;

	if (r->has_whole)
		h = mlw_hash_u64(h, mlw_psiref_hash(&r->whole));
	for (i = 0; i < r->npart; i++) {
		if (r->part[i] == NULL)
			continue;
		h = mlw_hash_u64(h, seg->keys.ent[i].len);
		h = mlw_hash_bytes(h, seg->keys.ent[i].s, seg->keys.ent[i].len);
		h = mlw_hash_u64(h, mlw_psiref_hash(r->part[i]));
	}
	return h;
}

void
mlw_feature_props_write(struct mlw_buf *b, const char *key, const uint64_t *c,
    size_t nb, uint64_t n)
{
	size_t k;

	mlw_jw_key(b, key);
	mlw_jw_open(b, '[');
	for (k = 0; k < nb; k++) {
		mlw_jw_sep(b);
		if (n)
			mlw_jw_num(b, (double)c[k] / (double)n);
		else
			mlw_jw_null(b);
	}
	mlw_jw_close(b, ']');
}
