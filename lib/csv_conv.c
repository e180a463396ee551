#include "csv_conv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "csv.h"
#include "diag.h"
#include "io.h"
#include "json.h"
#include "jsonw.h"
#include "opt.h"
#include "out.h"
#include "strmap.h"
#include "xalloc.h"



#define T_AUTO MLW_CSV_AUTO
#define T_NUMBER MLW_CSV_NUMBER
#define T_STRING MLW_CSV_STRING
#define T_BOOL MLW_CSV_BOOL
#define T_JSON MLW_CSV_JSON

static const char *const type_names[] = {
	"auto", "number", "string", "bool", "json"
};

/* Write the canonical text of p (names joined by dots, dots and
 * backslashes in names escaped) to b, emptied first. */
static void
canon_path(struct mlw_buf *b, const struct mlw_path *p, size_t nseg)
{
	size_t j, i;

	b->len = 0;
	for (j = 0; j < nseg; j++) {
		if (j)
			mlw_buf_addc(b, '.');
		for (i = 0; i < p->seglen[j]; i++) {
			if (p->seg[j][i] == '.' || p->seg[j][i] == '\\')
				mlw_buf_addc(b, '\\');
			mlw_buf_addc(b, p->seg[j][i]);
		}
	}
}

/* A temporary file in $TMPDIR (or /tmp), already unlinked so that it
 * goes away however the program ends. A failure is fatal. */
static FILE *
spool_open(void)
{
	const char *dir = getenv("TMPDIR");
	struct mlw_buf path = { 0 };
	FILE *f;
	int fd;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	mlw_buf_adds(&path, dir);
	mlw_buf_add(&path, "/mlw-csv.XXXXXX", 16);     /* with the NUL */
	fd = mkstemp(path.p);
	if (fd < 0)
		mlw_fatal_errno("%s: cannot create a temporary file", dir);
	unlink(path.p);
	mlw_buf_free(&path);
	if ((f = fdopen(fd, "w+")) == NULL)
		mlw_fatal_errno("temporary file");
	return f;
}

/* Records held back until the columns are known (both directions): each
 * is kept as its raw line, with a tag of the caller's, its file name and
 * line number, and read back in order once. */
struct spool {
	FILE *f;                 /* NULL until the first record */
	const char **files;      /* the file names, in order */
	size_t nfiles;
	int reading;
};

static void
spool_put(struct spool *s, uint32_t tag, const char *file, uint64_t line,
    const char *raw, size_t len)
{
	uint32_t h[3];

	if (s->f == NULL)
		s->f = spool_open();
	if (s->nfiles == 0 || s->files[s->nfiles - 1] != file) {
		s->files = mlw_xrealloc(s->files, (s->nfiles + 1) *
		    sizeof *s->files);
		s->files[s->nfiles++] = file;
	}
	h[0] = tag;
	h[1] = (uint32_t)(s->nfiles - 1);
	h[2] = (uint32_t)len;            /* len <= MLW_LINE_MAX */
	if (fwrite(h, sizeof h, 1, s->f) != 1 ||
	    fwrite(&line, sizeof line, 1, s->f) != 1 ||
	    fwrite(raw, 1, len, s->f) != len)
		mlw_fatal_errno("temporary file: write error");
}

/* The next record held back, from the first: 1, or 0 when there is none
 * left (the temporary file is then closed). */
static int
spool_next(struct spool *s, uint32_t *tag, const char **file,
    uint64_t *line, struct mlw_buf *raw)
{
	uint32_t h[3];

	if (s->f == NULL)
		return 0;
	if (!s->reading && (fflush(s->f) == EOF ||
	    fseek(s->f, 0, SEEK_SET) != 0))
		mlw_fatal_errno("temporary file");
	s->reading = 1;
	if (fread(h, sizeof h, 1, s->f) != 1) {
		if (ferror(s->f))
			mlw_fatal_errno("temporary file: read error");
		fclose(s->f);
		s->f = NULL;
		return 0;
	}
	raw->len = 0;
	mlw_buf_reserve(raw, (size_t)h[2] + 1);
	if (fread(line, sizeof *line, 1, s->f) != 1 || h[1] >= s->nfiles ||
	    fread(raw->p, 1, h[2], s->f) != h[2])
		mlw_fatal_errno("temporary file: read error");
	raw->len = h[2];
	*tag = h[0];
	*file = s->files[h[1]];
	return 1;
}

static void
spool_free(struct spool *s)
{
	if (s->f)
		fclose(s->f);
	free(s->files);
	memset(s, 0, sizeof *s);
}

/* A value quoted for a message: at most 40 bytes, cut on a character. */
static int
shown(const char *s, size_t n)
{
	if (n <= 40)
		return (int)n;
	n = 40;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return (int)n;
}

/* ------------------------------------------------------------------ */
/* CSV to JSON Lines */

/* A column path, shared by every file's header. */
struct colinfo {
	int type;        /* T_AUTO unless --types named it */
	int nonnum;      /* T_AUTO: a value that is not a number was seen */
	int hasnum;      /* T_AUTO: a number was seen */
	uint64_t nnum, nother;   /* T_AUTO: how many of each */
	char first[64];  /* the first value that is not a number, cut */
	const char *ffile;       /* and where it was */
	uint64_t fline;
	char *name;      /* canonical path text */
};

/* What writes a record: open an object, a member from a field, close. */
enum { OP_OPEN, OP_LEAF, OP_CLOSE };
struct op {
	int kind;
	size_t key, keylen;      /* the member's "name": text in keys */
	size_t field;            /* OP_LEAF: field index in the record */
};

/* One header: its columns and the plan of the JSON object. */
struct table {
	size_t ncol;
	size_t *col;             /* field index -> colinfo index */
	struct op *ops;
	size_t nops;
	struct mlw_buf keys;
	int typed;               /* every column has a type from --types */
};

struct tojson {
	char delim;
	uint64_t skip;               /* --skip-lines */
	struct mlw_csv_type *types;
	size_t ntypes;
	struct mlw_strmap paths;     /* canonical path -> colinfo index */
	struct colinfo *cols;
	size_t ncols, capcols;
	struct table *tabs;
	size_t ntabs;
	struct spool spool;          /* records before their types are known */
	struct mlw_buf out, tmp;
	struct mlw_json doc;
	struct mlw_csv_fields fields;
};

/* Node of the tree built from a header, for nesting. */
struct node {
	size_t name, namelen;        /* in the table's keys buffer */
	long first, last, next;      /* children and sibling */
	long field;                  /* field index of a leaf, -1 for objects */
};

static struct op *
op_new(struct table *t, size_t *cap)
{
	if (t->nops == *cap) {
		*cap = *cap * 2 + 16;
		t->ops = mlw_xrealloc(t->ops, *cap * sizeof *t->ops);
	}
	return &t->ops[t->nops++];
}

static void
emit_ops(struct table *t, const struct node *nd, long first, size_t *cap)
{
	long c;

	for (c = first; c >= 0; c = nd[c].next) {
		struct op *o = op_new(t, cap);

		o->key = nd[c].name;
		o->keylen = nd[c].namelen;
		if (nd[c].field >= 0) {
			o->kind = OP_LEAF;
			o->field = (size_t)nd[c].field;
		} else {
			o->kind = OP_OPEN;
			emit_ops(t, nd, nd[c].first, cap);
			op_new(t, cap)->kind = OP_CLOSE;
		}
	}
}

/* Build a table from header names; 0, or -1 with why in err. */
static int
table_build(struct tojson *tj, struct table *t, char **names,
    const size_t *lens, size_t n, char *err, size_t errcap)
{
	struct mlw_strmap prefixes;
	struct node *nd = NULL;
	size_t nnode = 0, capnode = 0, i, j, capops = 0;
	long rfirst = -1, rlast = -1;
	struct mlw_buf cb = { 0 };
	int rc = -1;

	memset(t, 0, sizeof *t);
	memset(&prefixes, 0, sizeof prefixes);
	t->ncol = n;
	t->col = mlw_xcalloc(n ? n : 1, sizeof *t->col);
	t->typed = 1;
	for (i = 0; i < n; i++) {
		struct mlw_path p;
		long parent = -1;

		if (memchr(names[i], '\0', lens[i]) != NULL ||
		    mlw_path_parse(&p, names[i]) < 0) {
			snprintf(err, errcap, "column %zu: '%.*s' is not a "
			    "path (an empty name or an empty part)", i + 1,
			    shown(names[i], lens[i]), names[i]);
			goto out;
		}
		for (j = 0; j < p.nseg; j++) {
			long k;
			size_t before = prefixes.n;

			canon_path(&cb, &p, j + 1);
			k = (long)mlw_strmap_add(&prefixes, cb.p, cb.len);
			if ((size_t)k < before) {
				/* seen: an object on the way, or a clash */
				if (j + 1 == p.nseg || nd[k].field >= 0) {
					snprintf(err, errcap, "column %zu: '%s' "
					    "%s", i + 1, p.text, j + 1 == p.nseg
					    ? nd[k].field >= 0 ?
					    "is named twice" :
					    "is also an object of other columns"
					    : "is inside a column that is a value");
					mlw_path_free(&p);
					goto out;
				}
				parent = k;
				continue;
			}
			if (nnode == capnode) {
				capnode = capnode * 2 + 16;
				nd = mlw_xrealloc(nd, capnode * sizeof *nd);
			}
			nd[k].name = t->keys.len;
			mlw_jw_str(&t->keys, p.seg[j], p.seglen[j]);
			mlw_buf_addc(&t->keys, ':');
			nd[k].namelen = t->keys.len - nd[k].name;
			nd[k].first = nd[k].last = nd[k].next = -1;
			nd[k].field = j + 1 == p.nseg ? (long)i : -1;
			nnode++;
			if (parent < 0) {
				if (rlast >= 0)
					nd[rlast].next = k;
				else
					rfirst = k;
				rlast = k;
			} else {
				if (nd[parent].last >= 0)
					nd[nd[parent].last].next = k;
				else
					nd[parent].first = k;
				nd[parent].last = k;
			}
			parent = k;
		}
		/* the column's shared information */
		canon_path(&cb, &p, p.nseg);
		{
			size_t before = tj->paths.n, c;

			c = mlw_strmap_add(&tj->paths, cb.p, cb.len);
			if (c >= before) {
				if (tj->ncols == tj->capcols) {
					tj->capcols = tj->capcols * 2 + 16;
					tj->cols = mlw_xrealloc(tj->cols,
					    tj->capcols * sizeof *tj->cols);
				}
				memset(&tj->cols[c], 0, sizeof tj->cols[c]);
				tj->cols[c].name = tj->paths.ent[c].s;
				for (j = 0; j < tj->ntypes; j++)
					if (strlen(tj->types[j].path) == cb.len &&
					    memcmp(tj->types[j].path, cb.p,
					    cb.len) == 0) {
						tj->cols[c].type = tj->types[j].type;
						tj->types[j].used = 1;
					}
				tj->ncols++;
			}
			t->col[i] = c;
			if (tj->cols[c].type == T_AUTO)
				t->typed = 0;
		}
		mlw_path_free(&p);
	}
	emit_ops(t, nd, rfirst, &capops);
	rc = 0;
out:
	free(nd);
	mlw_buf_free(&cb);
	mlw_strmap_free(&prefixes);
	return rc;
}

static void
table_free(struct table *t)
{
	free(t->col);
	free(t->ops);
	mlw_buf_free(&t->keys);
}

static int
bool_value(const char *s, size_t n)
{
	if ((n == 4 && (memcmp(s, "true", 4) == 0 || memcmp(s, "True", 4) == 0
	    || memcmp(s, "TRUE", 4) == 0)))
		return 1;
	if ((n == 5 && (memcmp(s, "false", 5) == 0 ||
	    memcmp(s, "False", 5) == 0 || memcmp(s, "FALSE", 5) == 0)))
		return 0;
	return -1;
}

/* Reject the record when the JSON value just parsed into tj->doc holds a
 * number that strtod makes infinite: it could only be printed as one.
 * 0, or -1 when the record was rejected. */
static int
json_inf(struct tojson *tj, const struct mlw_csv_rec *rec, const char *col)
{
	const struct mlw_json *d = &tj->doc;
	uint32_t i;
	double x;

	for (i = 0; i < d->ntok; i++) {
		const struct mlw_jtok *t = &d->tok[i];

		if (t->type != MLW_JNUM || mlw_json_num(d, i, &x) == 0)
			continue;
		mlw_reject(rec->file, rec->lineno, rec->raw, rec->rawlen,
		    "%s: expected a finite number, found '%.*s'", col,
		    shown(d->src + t->start, t->len), d->src + t->start);
		return -1;
	}
	return 0;
}

/* Check the fields of a data record against its table and note what they
 * say about the columns' types; 0, or -1 when the record was rejected. */
static int
check_record(struct tojson *tj, const struct table *t,
    const struct mlw_csv_rec *rec, const struct mlw_csv_fields *f)
{
	size_t i;

	if (f->n != t->ncol) {
		mlw_reject(rec->file, rec->lineno, rec->raw, rec->rawlen,
		    "expected %zu fields (as the header), found %zu", t->ncol,
		    f->n);
		return -1;
	}
	for (i = 0; i < f->n; i++) {
		const struct mlw_csv_field *v = &f->f[i];
		struct colinfo *c = &tj->cols[t->col[i]];

		if (v->len == 0)
			continue;
		switch (c->type) {
		case T_AUTO:
			break;
		case T_NUMBER:
			if (!mlw_csv_is_number(v->p, v->len))
				goto bad;
			break;
		case T_BOOL:
			if (bool_value(v->p, v->len) < 0)
				goto bad;
			break;
		case T_JSON:
			if (mlw_json_parse(&tj->doc, v->p, v->len) < 0) {
				mlw_reject(rec->file, rec->lineno, rec->raw,
				    rec->rawlen, "%s: %s", c->name,
				    tj->doc.err);
				return -1;
			}
			if (json_inf(tj, rec, c->name) < 0)
				return -1;
			break;
		}
		continue;
bad:
		mlw_reject(rec->file, rec->lineno, rec->raw, rec->rawlen,
		    "%s: expected %s, found '%.*s'", c->name,
		    c->type == T_NUMBER ? "a number" : "true or false",
		    shown(v->p, v->len), v->p);
		return -1;
	}
	for (i = 0; i < f->n; i++) {
		const struct mlw_csv_field *v = &f->f[i];
		struct colinfo *c = &tj->cols[t->col[i]];

		if (c->type != T_AUTO || v->len == 0)
			continue;
		if (mlw_csv_is_number(v->p, v->len)) {
			c->hasnum = 1;
			c->nnum++;
		} else {
			if (!c->nonnum) {
				/* for a message: control bytes escaped */
				struct mlw_buf e = { 0 };

				mlw_jw_cell(&e, v->p, (size_t)shown(v->p,
				    v->len));
				snprintf(c->first, sizeof c->first, "%.*s%s",
				    (int)(e.len < sizeof c->first - 4 ? e.len :
				    sizeof c->first - 4), e.p ? e.p : "",
				    e.len > sizeof c->first - 4 ? "..." : "");
				mlw_buf_free(&e);
				c->ffile = rec->file;
				c->fline = rec->lineno;
			}
			c->nonnum = 1;
			c->nother++;
		}
	}
	return 0;
}

/* Write the JSON record of fields f under table t; reject it when the line
 * would be too long for the other tools. */
static void
write_record(struct tojson *tj, const struct table *t,
    const struct mlw_csv_fields *f, const char *file, uint64_t lineno,
    const char *raw, size_t rawlen)
{
	struct mlw_buf *b = &tj->out;
	size_t k;

	b->len = 0;
	mlw_buf_addc(b, '{');
	for (k = 0; k < t->nops; k++) {
		const struct op *o = &t->ops[k];
		const struct mlw_csv_field *v;
		const struct colinfo *c;
		int str;

		if (o->kind == OP_CLOSE) {
			mlw_buf_addc(b, '}');
			continue;
		}
		mlw_jw_sep(b);
		mlw_buf_add(b, t->keys.p + o->key, o->keylen);
		if (o->kind == OP_OPEN) {
			mlw_buf_addc(b, '{');
			continue;
		}
		v = &f->f[o->field];
		c = &tj->cols[t->col[o->field]];
		str = c->type == T_STRING ||
		    (c->type == T_AUTO && (c->nonnum || !c->hasnum));
		if (v->len == 0 && (!v->quoted || !str)) {
			mlw_jw_null(b);
			continue;
		}
		switch (c->type) {
		case T_AUTO:
			if (str)
				mlw_jw_str(b, v->p, v->len);
			else
				mlw_buf_add(b, v->p, v->len);
			break;
		case T_NUMBER:
			mlw_buf_add(b, v->p, v->len);
			break;
		case T_STRING:
			mlw_jw_str(b, v->p, v->len);
			break;
		case T_BOOL:
			if (bool_value(v->p, v->len))
				mlw_buf_add(b, "true", 4);
			else
				mlw_buf_add(b, "false", 5);
			break;
		case T_JSON:
			mlw_json_compact(b, v->p, v->len);
			break;
		}
	}
	mlw_buf_addc(b, '}');
	if (b->len > MLW_LINE_MAX) {
		mlw_reject(file, lineno, raw, rawlen, "the JSON record would be "
		    "longer than %u bytes (%zu bytes)", MLW_LINE_MAX, b->len);
		return;
	}
	mlw_buf_addc(b, '\n');
	mlw_out_write(b->p, b->len);
}

/* Write the records held back, now that every column's type is known. */
static void
spool_replay(struct tojson *tj)
{
	struct mlw_buf raw = { 0 };
	const char *file;
	uint64_t line;
	uint32_t tab;
	char err[128];

	while (spool_next(&tj->spool, &tab, &file, &line, &raw)) {
		size_t len = raw.len;

		if (len > 0 && raw.p[len - 1] == '\r')
			len--;
		if (mlw_csv_split(raw.p, len, tj->delim, &tj->fields, err,
		    sizeof err) < 0)
			mlw_fatal("temporary file: damaged record");
		write_record(tj, &tj->tabs[tab], &tj->fields, file, line,
		    raw.p, raw.len);
	}
	mlw_buf_free(&raw);
}

static void
add_table(struct tojson *tj, struct table *t)
{
	tj->tabs = mlw_xrealloc(tj->tabs, (tj->ntabs + 1) * sizeof *tj->tabs);
	tj->tabs[tj->ntabs++] = *t;
}

static void
tojson_free(struct tojson *tj)
{
	size_t i;

	for (i = 0; i < tj->ntabs; i++)
		table_free(&tj->tabs[i]);
	free(tj->tabs);
	free(tj->cols);
	spool_free(&tj->spool);
	mlw_strmap_free(&tj->paths);
	mlw_buf_free(&tj->out);
	mlw_buf_free(&tj->tmp);
	mlw_json_free(&tj->doc);
	mlw_csv_fields_free(&tj->fields);
}

/* A column of numbers but for a few values becomes a column of strings:
 * say so (a stray line before a header, a "n/a" ...), with the first of
 * them, when they are fewer than the numbers. */
static void
mostly_numbers(const struct tojson *tj)
{
	size_t i;

	for (i = 0; i < tj->ncols; i++) {
		const struct colinfo *c = &tj->cols[i];

		if (c->type != T_AUTO || !c->hasnum || !c->nonnum ||
		    c->nother >= c->nnum)
			continue;
		mlw_warnx("%s: %llu of %llu values are not numbers (the first, "
		    "%s:%llu: '%s'), so the column is strings (--types "
		    "%s=string says so, %s=number rejects those records)",
		    c->name, (unsigned long long)c->nother,
		    (unsigned long long)(c->nother + c->nnum), c->ffile,
		    (unsigned long long)c->fline, c->first, c->name, c->name);
	}
}

/* pandas' name for a column whose header cell is empty (its to_csv()
 * writes the index so): "Unnamed: I", I the column's index from 0, as
 * read_csv() names it. */
static char *
unnamed(size_t i)
{
	char *s = mlw_xmalloc(32);

	snprintf(s, 32, "Unnamed: %zu", i);
	return s;
}

static int
to_json(struct tojson *tj, char **header, size_t nheader, char *const *files,
    int nfiles, char *errout, size_t errcap)
{
	struct mlw_csv_reader *r;
	struct mlw_csv_rec rec;
	struct table t;
	char err[256];
	long cur = -1;          /* the table of the current file */
	int skipfile = 0;
	size_t i;

	if (header) {
		size_t *lens = mlw_xcalloc(nheader, sizeof *lens);

		for (i = 0; i < nheader; i++)
			lens[i] = strlen(header[i]);
		if (table_build(tj, &t, header, lens, nheader, errout,
		    errcap) < 0) {
			free(lens);
			table_free(&t);
			tojson_free(tj);
			return -1;
		}
		free(lens);
		add_table(tj, &t);
		cur = 0;
	}
	r = mlw_csv_open(files, nfiles, tj->delim);
	mlw_csv_skip(r, tj->skip);
	while (mlw_csv_next(r, &rec)) {
		const struct mlw_csv_fields *f = rec.fields;

		if (rec.first)
			skipfile = 0;
		if (skipfile)
			continue;
		/* RFC 4180 makes every line a record: with one column, an
		 * empty line is a record whose cell is empty; with more it
		 * cannot be a row, and is skipped as are those before a
		 * header */
		if (rec.blank && ((rec.first && !header) ||
		    tj->tabs[cur].ncol != 1))
			continue;
		if (rec.first && !header) {
			char **names;
			size_t *lens;
			int bad = 0;

			if (rec.err) {
				snprintf(err, sizeof err, "header: %s", rec.err);
				bad = 1;
			} else if (f->f[0].len > 0 && f->f[0].p[0] == '{' &&
			    !f->f[0].quoted) {
				snprintf(err, sizeof err, "the header starts "
				    "with '{': this looks like JSON Lines "
				    "(use --to-csv)");
				bad = 1;
			} else {
				names = mlw_xcalloc(f->n, sizeof *names);
				lens = mlw_xcalloc(f->n, sizeof *lens);
				for (i = 0; i < f->n; i++) {
					names[i] = (char *)f->f[i].p;
					lens[i] = f->f[i].len;
					if (lens[i] == 0) {
						names[i] = unnamed(i);
						lens[i] = strlen(names[i]);
					}
				}
				if (table_build(tj, &t, names, lens, f->n,
				    err + 8, sizeof err - 8) < 0) {
					memcpy(err, "header: ", 8);
					bad = 1;
					table_free(&t);
				} else {
					add_table(tj, &t);
					cur = (long)tj->ntabs - 1;
				}
				for (i = 0; i < f->n; i++)
					if (names[i] != f->f[i].p)
						free(names[i]);
				free(names);
				free(lens);
			}
			if (bad) {
				mlw_warnx("%s:%llu: %s; file skipped", rec.file,
				    (unsigned long long)rec.lineno, err);
				mlw_diag_set_failed();
				skipfile = 1;
			}
			continue;
		}
		if (rec.err) {
			mlw_reject(rec.file, rec.lineno, rec.raw, rec.rawlen,
			    "%s", rec.err);
			continue;
		}
		if (check_record(tj, &tj->tabs[cur], &rec, f) < 0)
			continue;
		if (tj->spool.f == NULL && tj->tabs[cur].typed)
			write_record(tj, &tj->tabs[cur], f, rec.file,
			    rec.lineno, rec.raw, rec.rawlen);
		else
			spool_put(&tj->spool, (uint32_t)cur, rec.file,
			    rec.lineno, rec.raw, rec.rawlen);
	}
	mostly_numbers(tj);
	spool_replay(tj);
	mlw_csv_close(r);
	for (i = 0; i < tj->ntypes; i++)
		if (!tj->types[i].used)
			mlw_warnx("--types: no column %s in the input",
			    tj->types[i].path);
	tojson_free(tj);
	return 0;
}

/* ------------------------------------------------------------------ */
/* JSON Lines to CSV */

struct pathent {
	long col;                /* column of this path, -1 when none */
	int prefix;              /* an object with columns inside */
};

struct tocsv {
	char delim;
	int crlf;
	int fixed;               /* columns from --header */
	struct mlw_strmap paths; /* canonical path -> pathent */
	struct pathent *pe;
	size_t cappe;
	size_t *colpath;         /* column -> path index */
	size_t ncol, capcol;
	long *cell;              /* scratch: token of each column */
	size_t capcell;
	struct { size_t ent; int was_col; } *undo;
	size_t nundo, capundo;
	struct mlw_buf key, name, out, tmp;
	char why[160];
};

static size_t
path_add(struct tocsv *tc, const char *s, size_t len)
{
	size_t before = tc->paths.n, k = mlw_strmap_add(&tc->paths, s, len);

	if (k >= before) {
		if (tc->paths.n > tc->cappe) {
			tc->cappe = tc->cappe * 2 + 64;
			tc->pe = mlw_xrealloc(tc->pe,
			    tc->cappe * sizeof *tc->pe);
		}
		tc->pe[k].col = -1;
		tc->pe[k].prefix = 0;
	}
	return k;
}

static void
col_add(struct tocsv *tc, size_t k)
{
	if (tc->ncol == tc->capcol) {
		tc->capcol = tc->capcol * 2 + 64;
		tc->colpath = mlw_xrealloc(tc->colpath, tc->capcol *
		    sizeof *tc->colpath);
	}
	tc->pe[k].col = (long)tc->ncol;
	tc->colpath[tc->ncol++] = k;
}

static void
undo_note(struct tocsv *tc, size_t ent, int was_col)
{
	if (tc->nundo == tc->capundo) {
		tc->capundo = tc->capundo * 2 + 64;
		tc->undo = mlw_xrealloc(tc->undo,
		    tc->capundo * sizeof *tc->undo);
	}
	tc->undo[tc->nundo].ent = ent;
	tc->undo[tc->nundo].was_col = was_col;
	tc->nundo++;
}

/*
 * Walk the object at token obj. learn: note its leaves as columns (and its
 * objects as prefixes), failing on a clash with what earlier records said.
 * Otherwise: fill cell[] with the token of each column. The key buffer
 * holds the path of obj (keylen bytes). 0, or -1 with tc->why set.
 */
static int
walk(struct tocsv *tc, const struct mlw_json *doc, uint32_t obj,
    size_t keylen, int learn)
{
	const struct mlw_jtok *tok = doc->tok;
	uint32_t i, end = tok[obj].next;

	for (i = obj + 1; i < end; i = tok[i + 1].next) {
		uint32_t v = i + 1;
		size_t n, j;
		long k;
		int obj_inside = tok[v].type == MLW_JOBJ && tok[v].next > v + 1;

		mlw_buf_reserve(&tc->name, tok[i].len);
		n = mlw_json_str(doc, i, tc->name.p, tok[i].len);
		if (n == 0) {
			snprintf(tc->why, sizeof tc->why, "a member name is "
			    "empty; it cannot name a CSV column");
			return -1;
		}
		tc->key.len = keylen;
		if (keylen)
			mlw_buf_addc(&tc->key, '.');
		for (j = 0; j < n; j++) {
			if (tc->name.p[j] == '.' || tc->name.p[j] == '\\')
				mlw_buf_addc(&tc->key, '\\');
			mlw_buf_addc(&tc->key, tc->name.p[j]);
		}
		if (learn) {
			size_t e = path_add(tc, tc->key.p, tc->key.len);

			if (obj_inside) {
				if (tc->pe[e].col >= 0) {
					snprintf(tc->why, sizeof tc->why, "%.*s "
					    "is an object here but a value in "
					    "an earlier record",
					    shown(tc->key.p, tc->key.len),
					    tc->key.p);
					return -1;
				}
				if (!tc->pe[e].prefix) {
					tc->pe[e].prefix = 1;
					undo_note(tc, e, 0);
				}
			} else {
				if (tc->pe[e].prefix) {
					snprintf(tc->why, sizeof tc->why, "%.*s "
					    "is a value here but an object in "
					    "an earlier record",
					    shown(tc->key.p, tc->key.len),
					    tc->key.p);
					return -1;
				}
				if (tc->pe[e].col < 0) {
					col_add(tc, e);
					undo_note(tc, e, 1);
				}
				continue;
			}
		} else {
			k = mlw_strmap_find(&tc->paths, tc->key.p, tc->key.len);
			if (k < 0)
				continue;
			if (tc->pe[k].col >= 0)
				tc->cell[tc->pe[k].col] = (long)v;
			if (!obj_inside || !tc->pe[k].prefix)
				continue;
		}
		if (obj_inside && walk(tc, doc, v, tc->key.len, learn) < 0)
			return -1;
	}
	return 0;
}

/* Forget what a rejected record taught. */
static void
undo(struct tocsv *tc)
{
	while (tc->nundo > 0) {
		size_t e = tc->undo[--tc->nundo].ent;

		if (tc->undo[tc->nundo].was_col) {
			tc->pe[e].col = -1;
			tc->ncol--;
		} else
			tc->pe[e].prefix = 0;
	}
}

static void
csv_end(struct tocsv *tc, struct mlw_buf *b)
{
	if (tc->crlf)
		mlw_buf_addc(b, '\r');
	mlw_buf_addc(b, '\n');
}

static void
write_header(struct tocsv *tc)
{
	struct mlw_buf *b = &tc->out;
	size_t c;

	b->len = 0;
	for (c = 0; c < tc->ncol; c++) {
		const struct mlw_strent *e = &tc->paths.ent[tc->colpath[c]];

		if (c)
			mlw_buf_addc(b, tc->delim);
		mlw_csv_put(b, e->s, e->len, tc->delim);
	}
	if (b->len > MLW_CSV_RECORD_MAX)
		mlw_fatal("the header would be longer than %u bytes (%zu "
		    "bytes)", MLW_CSV_RECORD_MAX, b->len);
	if (tc->ncol == 0)
		return;
	csv_end(tc, b);
	mlw_out_write(b->p, b->len);
}

/* Write the CSV record of doc (parsed from ln). */
static void
write_row(struct tocsv *tc, const struct mlw_json *doc, const char *file,
    uint64_t lineno, const char *raw, size_t rawlen)
{
	struct mlw_buf *b = &tc->out;
	size_t c;

	if (tc->ncol == 0) {
		mlw_reject(file, lineno, raw, rawlen, "the record has no "
		    "member to write as a CSV column");
		return;
	}
	if (tc->capcell < tc->ncol) {
		tc->capcell = tc->ncol;
		tc->cell = mlw_xrealloc(tc->cell,
		    tc->capcell * sizeof *tc->cell);
	}
	for (c = 0; c < tc->ncol; c++)
		tc->cell[c] = -1;
	tc->key.len = 0;
	walk(tc, doc, 0, 0, 0);
	b->len = 0;
	for (c = 0; c < tc->ncol; c++) {
		long i = tc->cell[c];
		const struct mlw_jtok *t;

		if (c)
			mlw_buf_addc(b, tc->delim);
		if (i < 0)
			continue;
		t = &doc->tok[i];
		switch (t->type) {
		case MLW_JNULL:
			break;
		case MLW_JSTR:
			mlw_buf_reserve(&tc->tmp, t->len);
			tc->tmp.len = mlw_json_str(doc, (uint32_t)i, tc->tmp.p,
			    t->len);
			mlw_csv_put(b, tc->tmp.p, tc->tmp.len, tc->delim);
			break;
		case MLW_JARR:
		case MLW_JOBJ:
			tc->tmp.len = 0;
			mlw_json_compact(&tc->tmp, doc->src + t->start, t->len);
			mlw_csv_put(b, tc->tmp.p, tc->tmp.len, tc->delim);
			break;
		default:        /* numbers as written, true, false */
			mlw_csv_put(b, doc->src + t->start, t->len, tc->delim);
		}
	}
	if (b->len > MLW_CSV_RECORD_MAX) {
		mlw_reject(file, lineno, raw, rawlen, "the CSV record would be "
		    "longer than %u bytes (%zu bytes)", MLW_CSV_RECORD_MAX,
		    b->len);
		return;
	}
	csv_end(tc, b);
	mlw_out_write(b->p, b->len);
}

static void
tocsv_free(struct tocsv *tc)
{
	free(tc->pe);
	free(tc->colpath);
	free(tc->cell);
	free(tc->undo);
	mlw_strmap_free(&tc->paths);
	mlw_buf_free(&tc->key);
	mlw_buf_free(&tc->name);
	mlw_buf_free(&tc->out);
	mlw_buf_free(&tc->tmp);
}

static int
to_csv(struct tocsv *tc, char **header, size_t nheader, char *const *files,
    int nfiles, char *errout, size_t errcap)
{
	struct mlw_input *in;
	struct mlw_json doc;
	struct mlw_line ln;
	struct spool spool = { 0 };
	size_t i;

	memset(&doc, 0, sizeof doc);
	if (header) {
		struct mlw_buf cb = { 0 };

		tc->fixed = 1;
		for (i = 0; i < nheader; i++) {
			struct mlw_path p;
			size_t j, e;

			if (mlw_path_parse(&p, header[i]) < 0) {
				snprintf(errout, errcap, "%s, found '%s'",
				    MLW_PATH_EXPECTED, header[i]);
				mlw_buf_free(&cb);
				tocsv_free(tc);
				return -1;
			}
			for (j = 1; j < p.nseg; j++) {
				canon_path(&cb, &p, j);
				e = path_add(tc, cb.p, cb.len);
				tc->pe[e].prefix = 1;
			}
			canon_path(&cb, &p, p.nseg);
			e = path_add(tc, cb.p, cb.len);
			if (tc->pe[e].col >= 0) {
				snprintf(errout, errcap, "%s is named twice",
				    header[i]);
				mlw_path_free(&p);
				mlw_buf_free(&cb);
				tocsv_free(tc);
				return -1;
			}
			col_add(tc, e);
			mlw_path_free(&p);
		}
		mlw_buf_free(&cb);
		write_header(tc);
	}
	in = mlw_input_new(files, nfiles);
	while (mlw_input_next(in, &ln)) {
		if (mlw_record_parse(&doc, &ln) < 0)
			continue;
		if (tc->fixed) {
			write_row(tc, &doc, ln.file, ln.lineno, ln.p, ln.rawlen);
			continue;
		}
		tc->nundo = 0;
		tc->key.len = 0;
		if (walk(tc, &doc, 0, 0, 1) < 0) {
			undo(tc);
			mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen, "%s",
			    tc->why);
			continue;
		}
		spool_put(&spool, 0, ln.file, ln.lineno, ln.p, ln.rawlen);
	}
	if (spool.f) {
		struct mlw_buf raw = { 0 };
		const char *file;
		uint64_t line;
		uint32_t tag;

		write_header(tc);
		while (spool_next(&spool, &tag, &file, &line, &raw)) {
			size_t len = raw.len;

			if (len > 0 && raw.p[len - 1] == '\r')
				len--;
			if (mlw_json_parse_nonfinite(&doc, raw.p, len) < 0)
				mlw_fatal("temporary file: damaged record");
			write_row(tc, &doc, file, line, raw.p, raw.len);
		}
		mlw_buf_free(&raw);
	}
	spool_free(&spool);
	mlw_input_free(in);
	mlw_json_free(&doc);
	tocsv_free(tc);
	return 0;
}

/* ------------------------------------------------------------------ */

int
mlw_csv_type_add(struct mlw_csv_conv *cv, const char *arg)
{
	const char *eq = strrchr(arg, '=');
	struct mlw_path p;
	struct mlw_buf cb = { 0 };
	char *path;
	int t;

	if (eq == NULL)
		goto bad;
	for (t = T_NUMBER; t <= T_JSON; t++)
		if (strcmp(eq + 1, type_names[t]) == 0)
			break;
	if (t > T_JSON)
		goto bad;
	path = mlw_xstrndup(arg, (size_t)(eq - arg));
	if (mlw_path_parse(&p, path) < 0) {
		free(path);
		goto bad;
	}
	canon_path(&cb, &p, p.nseg);
	mlw_buf_addc(&cb, '\0');
	mlw_path_free(&p);
	free(path);
	cv->types = mlw_xrealloc(cv->types,
	    (cv->ntypes + 1) * sizeof *cv->types);
	cv->types[cv->ntypes].path = cb.p;
	cv->types[cv->ntypes].type = t;
	cv->types[cv->ntypes].used = 0;
	cv->ntypes++;
	return 0;
bad:
	return -1;
}

int
mlw_csv_to_json(struct mlw_csv_conv *cv, char *const *files, int n,
    char *err, size_t errcap)
{
	struct tojson tj;
	int r;

	memset(&tj, 0, sizeof tj);
	tj.delim = cv->delim;
	tj.types = cv->types;
	tj.ntypes = cv->ntypes;
	tj.skip = cv->skip;
	r = to_json(&tj, cv->header, cv->nheader, files, n, err, errcap);
	return r;
}

int
mlw_csv_to_csv(struct mlw_csv_conv *cv, char *const *files, int n,
    char *err, size_t errcap)
{
	struct tocsv tc;

	memset(&tc, 0, sizeof tc);
	tc.delim = cv->delim;
	tc.crlf = cv->crlf;
	return to_csv(&tc, cv->header, cv->nheader, files, n, err, errcap);
}

void
mlw_csv_conv_free(struct mlw_csv_conv *cv)
{
	size_t i;

	for (i = 0; i < cv->ntypes; i++)
		free(cv->types[i].path);
	free(cv->types);
	cv->types = NULL;
	cv->ntypes = 0;
}
