#include "join.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "io.h"
#include "json.h"
#include "jsonw.h"
#include "key.h"
#include "out.h"
#include "strmap.h"
#include "xalloc.h"

/* A label: its raw JSON bytes in the arena. */
struct label {
	size_t off, len;
};

struct join {
	struct mlw_path key, field;
	struct mlw_strmap keys;     /* canonical key -> index into lab */
	struct label *lab;
	size_t cap;
	struct mlw_buf arena;       /* label values, raw */
	struct mlw_buf kbuf;        /* the record's key (lib/key.h) */
	uint64_t ndup;
	uint64_t nstr, nnum;        /* label keys that are strings, numbers */
};

/* The key of the record in j->kbuf (lib/key.h: strings decoded, numbers
 * by exact value, so 7, 7.0 and 70e-1 are one key and no two different
 * numbers are): its length; -1 when the key is missing; -2 (record
 * rejected) when it is not a string or a number. */
static long
record_key(struct join *j, const struct mlw_json *doc,
    const struct mlw_line *ln)
{
	const char *why = "expected a string or a number";
	long i = mlw_json_get(doc, 0, &j->key);
	const struct mlw_jtok *t;

	if (mlw_json_missing(doc, i))
		return -1;
	t = &doc->tok[i];
	j->kbuf.len = 0;
	if ((t->type != MLW_JSTR && t->type != MLW_JNUM) ||
	    mlw_key_add(&j->kbuf, doc, i, &why) < 0) {
		mlw_reject(ln->file, ln->lineno, ln->p, ln->rawlen,
		    "%s: %s as key, found %.*s", j->key.text, why,
		    t->len > 40 ? 40 : (int)t->len, doc->src + t->start);
		return -2;
	}
	return (long)j->kbuf.len;
}

/* Make a labels file that cannot be read a fatal error before anything is
 * written. It is checked without being opened: opening a FIFO twice would
 * lose its writer, and mlw_input opens it once to read. */
static void
labels_check(const char *path)
{
	struct stat st;

	if (strcmp(path, "-") == 0)
		return;
	if (stat(path, &st) < 0)
		mlw_fatal_errno("%s", path);
	if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		mlw_fatal_errno("%s", path);
	}
	if (access(path, R_OK) < 0)
		mlw_fatal_errno("%s", path);
}

static void
labels_read(struct join *j, const char *path)
{
	char *files[1];
	struct mlw_input *in;
	struct mlw_line ln;
	struct mlw_json doc;

	labels_check(path);
	memset(&doc, 0, sizeof doc);
	files[0] = (char *)path;
	in = mlw_input_new(files, 1);
	while (mlw_record_next(in, &ln, &doc)) {
		const struct mlw_jtok *v;
		struct label *l;
		long n, i;
		size_t k, had;

		if (mlw_json_member(&doc, 0, "mlw", 3) >= 0)
			continue;       /* a control record */
		if ((n = record_key(j, &doc, &ln)) == -2)
			continue;
		if (n == -1) {
			mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen,
			    "%s: missing key field", j->key.text);
			continue;
		}
		i = mlw_json_get(&doc, 0, &j->field);
		if (mlw_json_missing(&doc, i)) {
			mlw_reject(ln.file, ln.lineno, ln.p, ln.rawlen,
			    "%s: missing label field", j->field.text);
			continue;
		}
		v = &doc.tok[i];
		if (j->kbuf.p[0] == MLW_KEY_STR)
			j->nstr++;
		else
			j->nnum++;
		had = j->keys.n;
		k = mlw_strmap_add(&j->keys, j->kbuf.p, (size_t)n);
		if (j->keys.n == had) {
			j->ndup++;
			l = &j->lab[k];
			if (v->len <= l->len) {
				memcpy(j->arena.p + l->off, doc.src + v->start,
				    v->len);
				l->len = v->len;
				continue;
			}
		} else {
			if (k == j->cap) {
				size_t ncap = j->cap ? j->cap * 2 : 1024;
				struct label *nl = mlw_xrealloc(j->lab,
				    ncap * sizeof *nl);

				j->lab = nl;
				j->cap = ncap;
			}
			l = &j->lab[k];
		}
		l->off = j->arena.len;
		l->len = v->len;
		mlw_buf_add(&j->arena, doc.src + v->start, v->len);
	}
	mlw_input_free(in);
	mlw_json_free(&doc);
}

static void
write_line(FILE *f, const char *path, const struct mlw_line *ln)
{
	if (fwrite(ln->p, 1, ln->rawlen, f) != ln->rawlen || putc('\n', f) == EOF)
		mlw_fatal_errno("%s: write error", path);
}

void
mlw_join_run(const struct mlw_join_opts *o, struct mlw_input *in)
{
	struct join j;
	const char *omit[1];
	FILE *uf = NULL;
	struct mlw_buf out = { 0 }, member = { 0 };
	struct mlw_json doc;
	struct mlw_line ln;
	uint64_t npred = 0, nunmatched = 0, nnokey = 0, pstr = 0, pnum = 0;

	memset(&j, 0, sizeof j);
	memset(&doc, 0, sizeof doc);
	if (o->unmatched && (uf = fopen(o->unmatched, "a")) == NULL)
		mlw_fatal_errno("%s", o->unmatched);
	if (mlw_path_parse(&j.key, o->key) < 0 ||
	    mlw_path_parse(&j.field, o->field) < 0)
		mlw_fatal("--key, --label-field: invalid path");
	mlw_jw_str(&member, o->as, strlen(o->as));
	mlw_buf_addc(&member, ':');
	omit[0] = o->as;
	labels_read(&j, o->labels);
	while (mlw_record_next(in, &ln, &doc)) {
		long n, k = -1;

		if (mlw_json_member(&doc, 0, "mlw", 3) >= 0) {
			mlw_out_write(ln.p, ln.len);    /* a control record */
			mlw_out_write("\n", 1);
			continue;
		}
		if ((n = record_key(&j, &doc, &ln)) == -2)
			continue;
		npred++;
		if (n == -1)
			nnokey++;
		else {
			k = mlw_strmap_find(&j.keys, j.kbuf.p, (size_t)n);
			if (j.kbuf.p[0] == MLW_KEY_STR)
				pstr++;
			else
				pnum++;
		}
		if (k < 0) {
			nunmatched++;
			mlw_out_write(ln.p, ln.len);
			mlw_out_write("\n", 1);
			if (uf)
				write_line(uf, o->unmatched, &ln);
			continue;
		}
		out.len = 0;
		mlw_jw_copy_open(&out, &doc, omit, 1);
		mlw_jw_sep(&out);
		mlw_buf_add(&out, member.p, member.len);
		mlw_buf_add(&out, j.arena.p + j.lab[k].off, j.lab[k].len);
		mlw_buf_add(&out, "}\n", 2);
		mlw_out_write(out.p, out.len);
	}
	mlw_out_flush();

	if (j.ndup)
		mlw_warnx("%llu duplicate label key%s; the last of each was used",
		    (unsigned long long)j.ndup, j.ndup == 1 ? "" : "s");
	if (nunmatched == npred && ((pstr && !pnum && j.nnum && !j.nstr) ||
	    (pnum && !pstr && j.nstr && !j.nnum)))
		/* no key matched, and the two sides' keys differ in type */
		mlw_warnx("%llu of %llu predictions had no label (their keys "
		    "are %s, the labels' %s: the string \"1\" never matches "
		    "the number 1)", (unsigned long long)nunmatched,
		    (unsigned long long)npred, pstr ? "strings" : "numbers",
		    pstr ? "numbers" : "strings");
	else if (nunmatched)
		mlw_warnx("%llu of %llu predictions had no label",
		    (unsigned long long)nunmatched, (unsigned long long)npred);
	if (nnokey)
		mlw_warnx("%llu prediction%s had no key %s",
		    (unsigned long long)nnokey, nnokey == 1 ? "" : "s",
		    j.key.text);
	if (uf && (fflush(uf) == EOF || ferror(uf) || fclose(uf) == EOF))
		mlw_fatal_errno("%s: write error", o->unmatched);
	mlw_json_free(&doc);
	mlw_buf_free(&out);
	mlw_buf_free(&member);
	mlw_buf_free(&j.arena);
	mlw_strmap_free(&j.keys);
	free(j.lab);
	mlw_buf_free(&j.kbuf);
	mlw_path_free(&j.key);
	mlw_path_free(&j.field);
}
