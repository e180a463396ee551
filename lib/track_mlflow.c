#include "track_mlflow.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "diag.h"
#include "io.h"
#include "num.h"
#include "strmap.h"
#include "track_store.h"
#include "utf8.h"
#include "xalloc.h"

static void
set_str(char **dst, char *s)
{
	if (s) {
		free(*dst);
		*dst = s;
	}
}

/* ---- reading an MLflow file store ---- */

static char *
path_join(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	char *p = mlw_xrealloc(NULL, na + nb + 2);

	memcpy(p, a, na);
	p[na] = '/';
	memcpy(p + na + 1, b, nb + 1);
	return p;
}

/* One line of y from p: its length without the LF and trailing CR. */
static size_t
line_len(const char *p, const char **next)
{
	const char *e = strchr(p, '\n');
	size_t n = e ? (size_t)(e - p) : strlen(p);

	*next = e ? e + 1 : NULL;
	return n;
}

static int
hexdigits(const char *p, size_t n, unsigned *cp)
{
	size_t i;

	*cp = 0;
	for (i = 0; i < n; i++) {
		unsigned c = (unsigned char)p[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (c | 0x20) - 'a' + 10;
		else
			return -1;
		*cp = *cp << 4 | d;
	}
	return 0;
}

/* The text of a YAML scalar t (n bytes, already folded) as a string: a
 * 'single-quoted' one with '' for ', a "double-quoted" one with YAML's
 * escapes (PyYAML writes \t, \xNN, \uNNNN, \UNNNNNNNN ...; a code point
 * that cannot be in a C string, NUL or a surrogate, becomes U+FFFD), or a
 * plain one as it is. NULL for an empty or null plain scalar. */
static char *
yaml_scalar(const char *t, size_t n)
{
	char q, *s;
	size_t i, k = 0;

	if (n < 2 || (t[0] != '\'' && t[0] != '"') || t[n - 1] != t[0]) {
		if (n == 0 || (n == 4 && strncmp(t, "null", 4) == 0) ||
		    (n == 1 && *t == '~'))
			return NULL;
		return mlw_xstrndup(t, n);
	}
	q = t[0];
	s = mlw_xrealloc(NULL, 4 * n + 1);      /* \xNN: 4 bytes, 3 at most */
	for (i = 1; i + 1 < n; i++) {
		unsigned cp;
		size_t h;

		if (q == '\'' && t[i] == '\'' && t[i + 1] == '\'') {
			s[k++] = t[i++];
			continue;
		}
		if (q == '\'' || t[i] != '\\' || i + 2 >= n) {
			s[k++] = t[i];
			continue;
		}
		switch (t[++i]) {
		case '0': cp = 0; break;
		case 'a': cp = 7; break;
		case 'b': cp = 8; break;
		case 't': case '\t': cp = 9; break;
		case 'n': cp = 10; break;
		case 'v': cp = 11; break;
		case 'f': cp = 12; break;
		case 'r': cp = 13; break;
		case 'e': cp = 27; break;
		case 'N': cp = 0x85; break;
		case '_': cp = 0xA0; break;
		case 'L': cp = 0x2028; break;
		case 'P': cp = 0x2029; break;
		case 'x': case 'u': case 'U':
			h = t[i] == 'x' ? 2 : t[i] == 'u' ? 4 : 8;
			if (i + h + 1 < n && hexdigits(t + i + 1, h, &cp) == 0) {
				i += h;
				break;
			}
			/* FALLTHROUGH */
		default:        /* \\ \" \/ \ and the unknown: the character */
			cp = (unsigned char)t[i];
			if (cp >= 0x80) {
				s[k++] = t[i];
				continue;
			}
		}
		if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			cp = 0xFFFD;
		k += mlw_utf8_put(s + k, cp);
	}
	s[k] = '\0';
	return s;
}

/* Whether the line at p continues the value before it: it is indented,
 * or blank and followed, after more blank lines, by an indented one. */
static int
continues(const char *p)
{
	const char *q = p;

	if (p == NULL)
		return 0;
	while (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n') {
		if (*q == '\n')
			p = q + 1;      /* the start of the next line */
		q++;
	}
	return *q != '\0' && p != q;   /* text, after indentation */
}

/* The value of key in a flat YAML mapping as PyYAML's safe_dump writes
 * MLflow's meta.yaml: "key: value" lines, the value plain or quoted, and
 * a long value folded onto the indented lines that follow (a line break
 * read as a space, an empty line as a line break). NULL when absent,
 * empty, or null. */
static char *
yaml_get(const char *y, const char *key)
{
	size_t kn = strlen(key);
	const char *p = y, *next;

	for (; p && *p; p = next) {
		size_t n = line_len(p, &next);
		const char *v = p + kn + 1;
		struct mlw_buf t = { 0 };
		size_t breaks = 0;
		char *s;

		if (n <= kn || strncmp(p, key, kn) != 0 || p[kn] != ':')
			continue;
		n -= kn + 1;
		for (;;) {
			while (n && (*v == ' ' || *v == '\t')) {
				v++;
				n--;
			}
			while (n && (v[n - 1] == ' ' || v[n - 1] == '\r'))
				n--;
			if (n == 0) {
				if (t.len)
					breaks++;       /* an empty line */
			} else {
				if (t.len == 0)
					;               /* the first line */
				else if (breaks)
					for (; breaks; breaks--)
						mlw_buf_addc(&t, '\n');
				else if (t.p[0] == '"' && t.p[t.len - 1] == '\\')
					t.len--;        /* an escaped line break */
				else
					mlw_buf_addc(&t, ' ');
				mlw_buf_add(&t, v, n);
			}
			if (!continues(next))
				break;
			v = next;
			n = line_len(v, &next);
		}
		s = yaml_scalar(t.p ? t.p : "", t.len);
		mlw_buf_free(&t);
		return s;
	}
	return NULL;
}

/* The whole of a small file as a string; NULL (errno set) when it cannot
 * be read, or (rejected, errno 0) when it holds a NUL byte. */
static char *
read_small(const char *path)
{
	size_t n;
	char *s = mlw_read_file(path, &n);

	if (s && memchr(s, '\0', n) != NULL) {
		mlw_reject(NULL, 0, NULL, 0, "%s: contains a NUL byte; skipped",
		    path);
		free(s);
		errno = 0;
		return NULL;
	}
	return s;
}

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Call fn for every regular file under dir (key: its path under the
 * top directory, as MLflow keys with "/" are nested files). */
static void
walk_files(const char *dir, const char *prefix,
    void (*fn)(const char *path, const char *key, void *), void *arg)
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, i;

	if (dp == NULL)
		return;
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = mlw_xrealloc(names, (n + 1) * sizeof *names);
		names[n++] = mlw_xstrndup(de->d_name, strlen(de->d_name));
	}
	closedir(dp);
	if (n > 1)
		qsort(names, n, sizeof *names, by_name);
	for (i = 0; i < n; i++) {
		char *p = path_join(dir, names[i]);
		char *k = *prefix ? path_join(prefix, names[i]) :
		    mlw_xstrndup(names[i], strlen(names[i]));

		if (is_dir(p))
			walk_files(p, k, fn, arg);
		else
			fn(p, k, arg);
		free(p);
		free(k);
		free(names[i]);
	}
	free(names);
}

struct mlf_ctx {
	struct mlw_runs *rs;
	struct mlw_run *r;
	struct mlw_kvs *kv;
};

static void
mlf_kv(const char *path, const char *key, void *arg)
{
	struct mlf_ctx *c = arg;
	char *v = read_small(path);

	if (v == NULL) {
		if (errno)
			mlw_warn("%s", path);
		return;
	}
	mlw_kvs_set(c->kv, key, strlen(key), v, strlen(v));
	free(v);
}

static void
mlf_metric(const char *path, const char *key, void *arg)
{
	static struct mlw_msgkind nonfinite = { "non-finite MLflow metric "
	    "values", 0, 0 };
	struct mlf_ctx *c = arg;
	char *buf = read_small(path), *p, *next;
	uint64_t lineno = 0;

	if (buf == NULL) {
		if (errno)
			mlw_warn("%s", path);
		return;
	}
	for (p = buf; *p; p = next) {
		char *e1, *e2, *e3, *nl = strchr(p, '\n');
		long long ts, step = 0;
		double v;

		next = nl ? nl + 1 : p + strlen(p);
		if (nl)
			*nl = '\0';
		lineno++;
		if (*p == '\0' || (*p == '\r' && p[1] == '\0'))
			continue;       /* an empty line */
		errno = 0;
		ts = strtoll(p, &e1, 10);
		if (e1 == p || *e1 != ' ' || errno)
			goto bad;
		v = strtod(e1 + 1, &e2);
		if (e2 == e1 + 1)
			goto bad;
		if (*e2 == ' ') {
			errno = 0;
			step = strtoll(e2 + 1, &e3, 10);
			if (e3 == e2 + 1 || errno)
				goto bad;
			e2 = e3;
		}
		if (*e2 != '\0' && *e2 != '\r')
			goto bad;
		if (!isfinite(v)) {
			mlw_msg(&nonfinite, path, lineno, "%s: value is not a "
			    "finite number; shown as null", key);
			v = NAN;
		}
		if (ts > INT64_MAX / 1000000 || ts < -(INT64_MAX / 1000000))
			goto bad;
		mlw_run_add_point(c->rs, c->r, key, strlen(key), step,
		    (int64_t)ts * 1000000, v);
		continue;
bad:
		mlw_reject(path, lineno, p, strlen(p), "expected 'timestamp "
		    "value [step]'; line skipped");
	}
	free(buf);
}

static int64_t
ms_of(const char *s, int *ok)
{
	long long v;

	*ok = s && mlw_int_strict(s, -(INT64_MAX / 1000000),
	    INT64_MAX / 1000000, &v) == 0;
	return *ok ? (int64_t)v * 1000000 : 0;
}

static void
mlf_run(struct mlw_runs *rs, const char *rdir, const char *expname)
{
	static const char *const statuses[] = { NULL, "RUNNING", "SCHEDULED",
	    "FINISHED", "FAILED", "KILLED" };
	char *mp = path_join(rdir, "meta.yaml"), *meta = read_small(mp);
	char *id, *s, *sub;
	struct mlw_run *r;
	struct mlf_ctx c;
	long long st;
	int ok;

	free(mp);
	if (meta == NULL)
		return;                 /* not a run directory */
	s = yaml_get(meta, "lifecycle_stage");
	if (s && strcmp(s, "deleted") == 0) {
		free(s);
		free(meta);
		return;
	}
	free(s);
	id = yaml_get(meta, "run_id");
	if (id == NULL)
		id = yaml_get(meta, "run_uuid");
	if (id == NULL) {
		mlw_warnx("%s/meta.yaml: no run_id; run skipped", rdir);
		free(meta);
		return;
	}
	r = mlw_runs_get(rs, id, strlen(id));
	free(id);
	if (expname)
		set_str(&r->experiment, mlw_xstrndup(expname, strlen(expname)));
	set_str(&r->run_name, yaml_get(meta, "run_name"));
	set_str(&r->user, yaml_get(meta, "user_id"));
	s = yaml_get(meta, "start_time");
	r->start = ms_of(s, &ok);
	r->has_start = ok;
	free(s);
	s = yaml_get(meta, "end_time");
	r->end = ms_of(s, &ok);
	r->has_end = ok;
	free(s);
	s = yaml_get(meta, "status");
	if (s && mlw_int_strict(s, 1, 5, &st) == 0)
		set_str(&r->status, mlw_xstrndup(statuses[st], strlen(statuses[st])));
	else if (s && (strcmp(s, "FINISHED") == 0 || strcmp(s, "FAILED") == 0 ||
	    strcmp(s, "KILLED") == 0 || strcmp(s, "RUNNING") == 0 ||
	    strcmp(s, "SCHEDULED") == 0))
		set_str(&r->status, mlw_xstrndup(s, strlen(s)));
	free(s);
	/* a RUNNING run has no end record: leave status to the reader */
	if (r->status && strcmp(r->status, "RUNNING") == 0) {
		free(r->status);
		r->status = NULL;
	}
	free(meta);
	c.rs = rs;
	c.r = r;
	c.kv = &r->params;
	sub = path_join(rdir, "params");
	walk_files(sub, "", mlf_kv, &c);
	free(sub);
	c.kv = &r->tags;
	sub = path_join(rdir, "tags");
	walk_files(sub, "", mlf_kv, &c);
	free(sub);
	sub = path_join(rdir, "metrics");
	walk_files(sub, "", mlf_metric, &c);
	free(sub);
	if (r->run_name == NULL) {
		long t = mlw_strmap_find(&r->tags.keys, "mlflow.runName", 14);

		if (t >= 0)
			r->run_name = mlw_xstrndup(r->tags.val[t],
			    strlen(r->tags.val[t]));
	}
}

static int
by_start(const void *a, const void *b)
{
	const struct mlw_run *x = *(struct mlw_run *const *)a;
	const struct mlw_run *y = *(struct mlw_run *const *)b;

	if (x->has_start != y->has_start)
		return x->has_start ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return strcmp(x->run_id, y->run_id);
}

int
mlw_mlflow_read(struct mlw_runs *rs, const char *dir)
{
	DIR *dp = opendir(dir), *ep;
	struct dirent *de, *re;
	size_t i;

	if (dp == NULL) {
		mlw_warn("%s", dir);
		mlw_diag_set_failed();
		return -1;
	}
	while ((de = readdir(dp)) != NULL) {
		char *edir, *mp, *meta, *name, *s;

		if (de->d_name[0] == '.')
			continue;       /* ., .., .trash */
		edir = path_join(dir, de->d_name);
		mp = path_join(edir, "meta.yaml");
		meta = read_small(mp);
		free(mp);
		if (meta == NULL) {     /* not an experiment (models/ ...) */
			free(edir);
			continue;
		}
		s = yaml_get(meta, "lifecycle_stage");
		name = yaml_get(meta, "name");
		free(meta);
		if ((s && strcmp(s, "deleted") == 0) ||
		    (ep = opendir(edir)) == NULL) {
			free(s);
			free(name);
			free(edir);
			continue;
		}
		free(s);
		while ((re = readdir(ep)) != NULL) {
			char *rdir;

			if (re->d_name[0] == '.' ||
			    strcmp(re->d_name, "tags") == 0 ||
			    strcmp(re->d_name, "datasets") == 0 ||
			    strcmp(re->d_name, "traces") == 0)
				continue;
			rdir = path_join(edir, re->d_name);
			if (is_dir(rdir))
				mlf_run(rs, rdir, name);
			free(rdir);
		}
		closedir(ep);
		free(name);
		free(edir);
	}
	closedir(dp);
	if (rs->n > 1)	/* qsort(NULL, 0) is undefined */
		qsort(rs->run, rs->n, sizeof *rs->run, by_start);
	/* the id map follows the new order */
	mlw_strmap_free(&rs->ids);
	memset(&rs->ids, 0, sizeof rs->ids);
	for (i = 0; i < rs->n; i++)
		mlw_strmap_add(&rs->ids, rs->run[i]->run_id,
		    strlen(rs->run[i]->run_id));
	return 0;
}
