#include "track_store.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "child.h"
#include "diag.h"
#include "io.h"
#include "json.h"
#include "jsonw.h"
#include "key.h"
#include "strmap.h"
#include "times.h"
#include "xalloc.h"

/* ---- appending ---- */

int
mlw_store_openx(const char *path, const char **why)
{
	struct stat st;
	int fd, fl;

	*why = NULL;
	/* O_NONBLOCK: opening a FIFO must not wait for a reader; it is
	 * refused below, before anything is written to it */
	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_NONBLOCK | O_NOCTTY,
	    0666);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	/* a regular file, or a character device that is not a terminal
	 * (/dev/null): what else is written to can block or drop records,
	 * and a store must read back */
	if (S_ISFIFO(st.st_mode))
		*why = "not a regular file (a FIFO)";
	else if (S_ISSOCK(st.st_mode))
		*why = "not a regular file (a socket)";
	else if (S_ISBLK(st.st_mode))
		*why = "not a regular file (a block device)";
	else if (S_ISCHR(st.st_mode) && isatty(fd))
		*why = "not a regular file (a terminal)";
	else if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
		*why = "not a regular file";
	if (*why != NULL || (fl = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		int e = errno;

		close(fd);
		errno = *why ? EINVAL : e;
		return -1;
	}
	return fd;
}

int
mlw_store_open(const char *path)
{
	const char *why;

	return mlw_store_openx(path, &why);
}

static int
lock(int fd, short type)
{
	struct flock fl;

	memset(&fl, 0, sizeof fl);
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	fl.l_start = 0;
	fl.l_len = 0;
	while (fcntl(fd, F_SETLKW, &fl) < 0) {
		/* waiting for another writer: a SIGTERM or SIGINT caught
		 * (mlw_child_start) ends the wait */
		if (errno == EINTR && !mlw_child_received())
			continue;
		if (errno == EINTR)
			return -1;
		/* a file system without locks: O_APPEND alone still keeps
		 * each write whole on a local file system */
		if (errno == ENOLCK || errno == EOPNOTSUPP || errno == EINVAL)
			return 0;
		return -1;
	}
	return 0;
}

int
mlw_store_append(int fd, const char *p, size_t len)
{
	static struct mlw_buf b;
	struct stat st;
	const char *w = p;
	size_t n = len;
	int rc = 0, e = 0;

	if (lock(fd, F_WRLCK) < 0)
		return -1;
	if (fstat(fd, &st) == 0 && st.st_size > 0) {
		char c;

		if (pread(fd, &c, 1, st.st_size - 1) == 1 && c != '\n') {
			b.len = 0;
			mlw_buf_addc(&b, '\n');
			mlw_buf_add(&b, p, len);
			w = b.p;
			n = b.len;
		}
	}
	while (n > 0) {
		ssize_t k = write(fd, w, n);

		if (k < 0) {
			if (errno == EINTR && !mlw_child_received())
				continue;
			rc = -1;
			e = errno;
			break;
		}
		w += k;
		n -= (size_t)k;
	}
	lock(fd, F_UNLCK);
	if (rc < 0)
		errno = e;
	return rc;
}

void
mlw_run_id_new(char out[MLW_RUN_ID_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	static uint64_t counter;
	unsigned char r[MLW_RUN_ID_LEN / 2];
	size_t got = 0, i;
	int fd = open("/dev/urandom", O_RDONLY);

	if (fd >= 0) {
		while (got < sizeof r) {
			ssize_t k = read(fd, r + got, sizeof r - got);

			if (k <= 0) {
				if (k < 0 && errno == EINTR)
					continue;
				break;
			}
			got += (size_t)k;
		}
		close(fd);
	}
	if (got < sizeof r) {
		/* splitmix64 over the time, the pid and a counter */
		struct timespec ts;
		uint64_t x;

		clock_gettime(CLOCK_REALTIME, &ts);
		x = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
		x ^= (uint64_t)getpid() << 32;
		x += ++counter * UINT64_C(0x9E3779B97F4A7C15);
		for (i = 0; i < sizeof r; i++) {
			uint64_t z;

			if (i % 8 == 0) {
				x += UINT64_C(0x9E3779B97F4A7C15);
				z = x;
				z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
				z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
				z ^= z >> 31;
				memcpy(r + i, &z, 8);
			}
		}
	}
	for (i = 0; i < sizeof r; i++) {
		out[2 * i] = hex[r[i] >> 4];
		out[2 * i + 1] = hex[r[i] & 15];
	}
	out[MLW_RUN_ID_LEN] = '\0';
}

void
mlw_trec_begin(struct mlw_buf *b, const char *kind, const char *run_id)
{
	b->len = 0;
	mlw_jw_open(b, '{');
	mlw_jw_key(b, "mlw");
	mlw_jw_str(b, kind, strlen(kind));
	mlw_jw_key(b, "run_id");
	mlw_jw_str(b, run_id, strlen(run_id));
}

void
mlw_trec_end(struct mlw_buf *b)
{
	mlw_jw_close(b, '}');
	mlw_buf_addc(b, '\n');
}

/* ---- runs in memory ---- */

struct mlw_run *
mlw_runs_get(struct mlw_runs *rs, const char *id, size_t len)
{
	size_t i = mlw_strmap_add(&rs->ids, id, len);
	struct mlw_run *r;

	if (i < rs->n)
		return rs->run[i];
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? 2 * rs->cap : 16;
		rs->run = mlw_xrealloc(rs->run, rs->cap * sizeof *rs->run);
	}
	r = mlw_xrealloc(NULL, sizeof *r);
	memset(r, 0, sizeof *r);
	r->run_id = mlw_xstrndup(id, len);
	r->git_dirty = -1;
	rs->run[rs->n++] = r;
	return r;
}

void
mlw_kvs_set(struct mlw_kvs *kv, const char *k, size_t klen, const char *v,
    size_t vlen)
{
	size_t n = kv->keys.n, i = mlw_strmap_add(&kv->keys, k, klen);

	if (kv->keys.n > n) {
		kv->val = mlw_xrealloc(kv->val, kv->keys.n * sizeof *kv->val);
		kv->val[i] = NULL;
	}
	free(kv->val[i]);
	kv->val[i] = mlw_xstrndup(v, vlen);
}

static void
kv_free(struct mlw_kvs *kv)
{
	size_t i;

	for (i = 0; i < kv->keys.n; i++)
		free(kv->val[i]);
	free(kv->val);
	mlw_strmap_free(&kv->keys);
}

void
mlw_run_add_point(struct mlw_runs *rs, struct mlw_run *r, const char *k,
    size_t klen, int64_t step, int64_t ts, double v)
{
	size_t had = r->mkeys.n, i = mlw_strmap_add(&r->mkeys, k, klen);
	struct mlw_tmetric *m;

	if (r->mkeys.n > had) {
		mlw_strmap_add(&rs->mnames, k, klen);
		r->metric = mlw_xrealloc(r->metric, r->mkeys.n * sizeof *r->metric);
		memset(&r->metric[i], 0, sizeof *r->metric);
		r->metric[i].key = mlw_xstrndup(k, klen);
	}
	m = &r->metric[i];
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 8;
		m->pt = mlw_xrealloc(m->pt, m->cap * sizeof *m->pt);
	}
	m->pt[m->n].step = step;
	m->pt[m->n].ts = ts;
	m->pt[m->n].value = v;
	m->pt[m->n].seq = rs->seq++;
	m->n++;
}

void
mlw_runs_free(struct mlw_runs *rs)
{
	size_t i, k;

	for (i = 0; i < rs->n; i++) {
		struct mlw_run *r = rs->run[i];

		free(r->run_id);
		free(r->experiment);
		free(r->run_name);
		free(r->status);
		free(r->host);
		free(r->user);
		free(r->cwd);
		free(r->git_commit);
		free(r->command);
		kv_free(&r->params);
		kv_free(&r->tags);
		for (k = 0; k < r->mkeys.n; k++) {
			free(r->metric[k].key);
			free(r->metric[k].pt);
		}
		free(r->metric);
		mlw_strmap_free(&r->mkeys);
		free(r);
	}
	free(rs->run);
	mlw_strmap_free(&rs->ids);
	mlw_strmap_free(&rs->mnames);
	memset(rs, 0, sizeof *rs);
}

/* ---- reading a store ---- */

/* A decoded string member, or NULL (absent, null); -2 in *bad when present
 * but not a string. */
static char *
str_member(const struct mlw_json *d, const char *name, const char **bad)
{
	long i = mlw_json_member(d, 0, name, strlen(name));
	size_t n;

	if (mlw_json_missing(d, i))
		return NULL;
	if (d->tok[i].type != MLW_JSTR) {
		*bad = name;
		return NULL;
	}
	return mlw_json_cstr(d, (uint32_t)i, &n);
}

static int
time_member(const struct mlw_json *d, const char *name, int64_t *ns,
    const char **bad)
{
	long i = mlw_json_member(d, 0, name, strlen(name));
	const char *why;

	if (mlw_json_missing(d, i))
		return 0;
	if (d->tok[i].type != MLW_JSTR || mlw_time_parse(d->src +
	    d->tok[i].start + 1, d->tok[i].len - 2, ns, &why) < 0) {
		*bad = name;
		return 0;
	}
	return 1;
}

static int
int_member(const struct mlw_json *d, const char *name, long long *v,
    const char **bad)
{
	long i = mlw_json_member(d, 0, name, strlen(name));
	double x;

	if (mlw_json_missing(d, i))
		return 0;
	if (d->tok[i].type != MLW_JNUM || mlw_json_num(d, (uint32_t)i, &x) < 0 ||
	    x != floor(x) || fabs(x) >= 9.2e18) {
		*bad = name;
		return 0;
	}
	*v = (long long)x;
	return 1;
}

static void
set_str(char **dst, char *s)
{
	if (s) {
		free(*dst);
		*dst = s;
	}
}

/* Check object member name as string params or tags (kv_member):
 * absent, or an object of strings, numbers, true or false; else its name
 * in *bad. */
static void
kv_check(const struct mlw_json *d, const char *name, const char **bad)
{
	long o = mlw_json_member(d, 0, name, strlen(name));
	struct mlw_buf nb = { 0 };
	uint32_t i;

	if (mlw_json_missing(d, o))
		return;
	if (d->tok[o].type != MLW_JOBJ) {
		*bad = name;
		return;
	}
	for (i = (uint32_t)o + 1; i < d->tok[o].next; i = d->tok[i + 1].next)
		if (d->tok[i + 1].type != MLW_JSTR &&
		    mlw_key_category(&nb, d, (long)i + 1) < 0)
			*bad = name;
	mlw_buf_free(&nb);
}

/* The members of object member name as string params or tags. */
static void
kv_member(const struct mlw_json *d, const char *name, struct mlw_kvs *kv,
    const char **bad)
{
	long o = mlw_json_member(d, 0, name, strlen(name));
	uint32_t i;
	char *k, *v;

	if (mlw_json_missing(d, o))
		return;
	if (d->tok[o].type != MLW_JOBJ) {
		*bad = name;
		return;
	}
	for (i = (uint32_t)o + 1; i < d->tok[o].next; i = d->tok[i + 1].next) {
		const struct mlw_jtok *vt = &d->tok[i + 1];
		size_t kn, vn;
		struct mlw_buf nb = { 0 };

		k = mlw_json_cstr(d, i, &kn);
		if (vt->type == MLW_JSTR)
			v = mlw_json_cstr(d, i + 1, &vn);
		else if (mlw_key_category(&nb, d, (long)i + 1) == 0) {
			v = nb.p;
			vn = nb.len;
			nb.p = NULL;
		} else {
			free(k);
			*bad = name;
			continue;
		}
		mlw_kvs_set(kv, k, kn, v, vn);
		free(k);
		free(v);
		mlw_buf_free(&nb);
	}
}

/* One store record into rs; NULL, or the reason it is not one. */
static const char *
store_record(struct mlw_runs *rs, const struct mlw_json *d)
{
	static const char *const kinds[] = { "run_start", "metric", "param",
	    "tag", "run_end" };
	long ki = mlw_json_member(d, 0, "mlw", 3);
	long ii = mlw_json_member(d, 0, "run_id", 6);
	const char *bad = NULL;
	char idb[256];
	size_t idn, kind;
	struct mlw_run *r;

	if (mlw_json_missing(d, ki) || d->tok[ki].type != MLW_JSTR)
		return "not a store record (no \"mlw\" kind)";
	for (kind = 0; kind < 5; kind++)
		if (mlw_json_streq(d, (uint32_t)ki, kinds[kind],
		    strlen(kinds[kind])))
			break;
	if (kind == 5)
		return "unknown record kind (expected run_start, metric, "
		    "param, tag or run_end)";
	if (mlw_json_missing(d, ii) || d->tok[ii].type != MLW_JSTR ||
	    d->tok[ii].len > sizeof idb || d->tok[ii].len <= 2)
		return "run_id: expected a string";
	idn = mlw_json_str(d, (uint32_t)ii, idb, sizeof idb);
	/* the record is checked whole first, then applied: a rejected one
	 * changes nothing, not even the list of runs */
	switch (kind) {
	case 0: {               /* run_start */
		static const char *const strs[] = { "experiment", "run_name",
		    "host", "user", "cwd" };
		char *sv[5];
		int64_t start = 0;
		long long pid = 0;
		int has_start, has_pid;
		size_t j;
		long g;

		for (j = 0; j < 5; j++)
			sv[j] = str_member(d, strs[j], &bad);
		has_start = time_member(d, "start_time", &start, &bad);
		has_pid = int_member(d, "pid", &pid, &bad);
		kv_check(d, "params", &bad);
		kv_check(d, "tags", &bad);
		if (bad) {
			for (j = 0; j < 5; j++)
				free(sv[j]);
			break;
		}
		r = mlw_runs_get(rs, idb, idn);
		set_str(&r->experiment, sv[0]);
		set_str(&r->run_name, sv[1]);
		set_str(&r->host, sv[2]);
		set_str(&r->user, sv[3]);
		set_str(&r->cwd, sv[4]);
		if (has_start) {
			r->start = start;
			r->has_start = 1;
		}
		if (has_pid)
			r->pid = pid;
		g = mlw_json_member(d, 0, "git", 3);
		if (!mlw_json_missing(d, g) && d->tok[g].type == MLW_JOBJ) {
			long c = mlw_json_member(d, (uint32_t)g, "commit", 6);
			long y = mlw_json_member(d, (uint32_t)g, "dirty", 5);

			if (c >= 0 && d->tok[c].type == MLW_JSTR)
				set_str(&r->git_commit, mlw_xstrndup(d->src +
				    d->tok[c].start + 1, d->tok[c].len - 2));
			if (y >= 0 && (d->tok[y].type == MLW_JTRUE ||
			    d->tok[y].type == MLW_JFALSE))
				r->git_dirty = d->tok[y].type == MLW_JTRUE;
		}
		g = mlw_json_member(d, 0, "command", 7);
		if (!mlw_json_missing(d, g) && d->tok[g].type == MLW_JARR)
			set_str(&r->command, mlw_xstrndup(d->src + d->tok[g].start,
			    d->tok[g].len));
		kv_member(d, "params", &r->params, &bad);
		kv_member(d, "tags", &r->tags, &bad);
		break;
	}
	case 1: {               /* metric */
		long k = mlw_json_member(d, 0, "key", 3);
		long vi = mlw_json_member(d, 0, "value", 5);
		long long step = 0;
		int64_t ts = 0;
		double v = NAN;
		char *key;
		size_t kn;

		if (mlw_json_missing(d, k) || d->tok[k].type != MLW_JSTR)
			return "key: expected a string";
		if (vi < 0 || (d->tok[vi].type != MLW_JNUM &&
		    d->tok[vi].type != MLW_JNULL))
			return "value: expected a number or null";
		if (d->tok[vi].type == MLW_JNUM &&
		    mlw_json_num(d, (uint32_t)vi, &v) < 0)
			v = NAN;
		int_member(d, "step", &step, &bad);
		time_member(d, "timestamp", &ts, &bad);
		if (bad)
			break;
		r = mlw_runs_get(rs, idb, idn);
		key = mlw_json_cstr(d, (uint32_t)k, &kn);
		mlw_run_add_point(rs, r, key, kn, step, ts, v);
		free(key);
		break;
	}
	case 2: case 3: {       /* param, tag */
		char *key = str_member(d, "key", &bad);
		char *val = str_member(d, "value", &bad);

		if (key && val && !bad) {
			r = mlw_runs_get(rs, idb, idn);
			mlw_kvs_set(kind == 2 ? &r->params : &r->tags, key,
			    strlen(key), val, strlen(val));
		} else if (!bad)
			bad = key ? "value" : "key";
		free(key);
		free(val);
		break;
	}
	default: {              /* run_end */
		char *status = str_member(d, "status", &bad);
		int64_t end = 0;
		long long code = 0, sig = 0;
		int has_end, has_exit, has_sig;

		has_end = time_member(d, "end_time", &end, &bad);
		has_exit = int_member(d, "exit_code", &code, &bad);
		has_sig = int_member(d, "signal", &sig, &bad);
		if (status == NULL && !bad)
			bad = "status";
		if (bad) {
			free(status);
			break;
		}
		r = mlw_runs_get(rs, idb, idn);
		set_str(&r->status, status);
		if (has_end) {
			r->end = end;
			r->has_end = 1;
		}
		if (has_exit) {
			r->exit_code = code;
			r->has_exit = 1;
		}
		if (has_sig) {
			r->signal = sig;
			r->has_signal = 1;
		}
		break;
	}
	}
	if (bad) {
		static char why[96];

		snprintf(why, sizeof why, "%s: wrong type or value", bad);
		return why;
	}
	return NULL;
}

int
mlw_store_read(struct mlw_runs *rs, const char *path)
{
	static struct mlw_msgkind torn = { "torn lines", 0, 0 };
	struct mlw_json doc;
	size_t len, off = 0;
	uint64_t lineno = 0;
	char *buf = mlw_read_file(path, &len);

	if (buf == NULL) {
		mlw_warn("%s", path);
		mlw_diag_set_failed();
		return -1;
	}
	memset(&doc, 0, sizeof doc);
	while (off < len) {
		char *nl = memchr(buf + off, '\n', len - off);
		size_t end = nl ? (size_t)(nl - buf) : len, n = end - off;
		char *p = buf + off;
		const char *why;
		int bad;

		lineno++;
		off = nl ? end + 1 : len;
		if (lineno == 1 && n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
			p += 3;
			n -= 3;
		}
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (strspn(p, " \t\r") >= n)
			continue;
		bad = mlw_json_parse(&doc, p, n) < 0;
		if (bad || doc.tok[0].type != MLW_JOBJ) {
			if (nl == NULL) {
				mlw_warnx("%s:%llu: torn last line (no line "
				    "feed; a writer was interrupted), ignored",
				    path, (unsigned long long)lineno);
				break;
			}
			/* a record cut short by a writer killed mid-line, which
			 * the next writer ended with a line feed */
			if (bad && doc.truncated && *p == '{') {
				mlw_msg(&torn, path, lineno, "torn line (a writer "
				    "was interrupted), ignored");
				continue;
			}
			if (bad)
				mlw_reject(path, lineno, p, n, "%s", doc.err);
			else
				mlw_reject(path, lineno, p, n, "expected an "
				    "object, found %s",
				    mlw_json_typename(doc.tok[0].type));
			continue;
		}
		if ((why = store_record(rs, &doc)) != NULL)
			mlw_reject(path, lineno, p, n, "%s", why);
	}
	mlw_json_free(&doc);
	free(buf);
	return 0;
}

/* ---- queries ---- */

long
mlw_runs_find(const struct mlw_runs *rs, const char *arg, char *whyb,
    size_t whylen)
{
	size_t i, n = strlen(arg), hits = 0;
	long found = -1, byname = -1, names = 0;

	found = mlw_strmap_find(&rs->ids, arg, n);
	if (found >= 0)
		return found;
	for (i = 0; i < rs->n; i++) {
		if (n > 0 && strncmp(rs->run[i]->run_id, arg, n) == 0) {
			hits++;
			found = (long)i;
		}
		if (rs->run[i]->run_name && strcmp(rs->run[i]->run_name,
		    arg) == 0) {
			names++;
			byname = (long)i;
		}
	}
	if (hits == 1)
		return found;
	if (hits > 1) {
		snprintf(whyb, whylen, "run id prefix '%s' is ambiguous: %zu "
		    "runs match", arg, hits);
		return -1;
	}
	if (names == 1)
		return byname;
	if (names > 1)
		snprintf(whyb, whylen, "run name '%s' is ambiguous: %ld runs "
		    "have it", arg, names);
	else
		snprintf(whyb, whylen, "no run '%s'", arg);
	return -1;
}
