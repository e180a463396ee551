#include "diag.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static const char *progname = "mlw";
static int failed;
static int strict;
static uint64_t nnonfinite;
static FILE *rejf;
static const char *rejpath;
static uint64_t nrejected;

#define MAXKINDS 32
static struct mlw_msgkind *kinds[MAXKINDS];
static size_t nkinds;
static struct mlw_msgkind rejkind = { "rejected records", 0, 0 };

char *
mlw_diag_init(char *prog)
{
	char *s = strrchr(prog, '/');

	progname = s ? s + 1 : prog;
	signal(SIGPIPE, SIG_DFL);
	return s ? s + 1 : prog;
}

const char *
mlw_prog(void)
{
	return progname;
}

static void
vmsg(const char *file, uint64_t line, const char *fmt, va_list ap, int err)
{
	int e = errno;

	fflush(stdout);
	fprintf(stderr, "%s: ", progname);
	if (file)
		fprintf(stderr, "%s:%llu: ", file, (unsigned long long)line);
	vfprintf(stderr, fmt, ap);
	if (err)
		fprintf(stderr, ": %s", strerror(e));
	fputc('\n', stderr);
}

void
mlw_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(NULL, 0, fmt, ap, 0);
	va_end(ap);
}

void
mlw_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(NULL, 0, fmt, ap, 1);
	va_end(ap);
}

void
mlw_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(NULL, 0, fmt, ap, 0);
	va_end(ap);
	exit(MLW_EXIT_FATAL);
}

void
mlw_fatal_errno(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(NULL, 0, fmt, ap, 1);
	va_end(ap);
	exit(MLW_EXIT_FATAL);
}

void
mlw_diag_set_failed(void)
{
	failed = 1;
}

int
mlw_diag_failed(void)
{
	return failed;
}

static void
vkind(struct mlw_msgkind *k, const char *file, uint64_t line,
    const char *fmt, va_list ap)
{
	if (!k->registered && nkinds < MAXKINDS) {
		kinds[nkinds++] = k;
		k->registered = 1;
	}
	if (k->n++ < MLW_MSG_LIMIT)
		vmsg(file, line, fmt, ap, 0);
}

void
mlw_msg(struct mlw_msgkind *k, const char *file, uint64_t line,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vkind(k, file, line, fmt, ap);
	va_end(ap);
}

int
mlw_rejects_open(const char *path)
{
	rejf = fopen(path, "a");
	if (rejf == NULL)
		return -1;
	rejpath = path;
	return 0;
}

void
mlw_set_strict(int s)
{
	strict = s;
}

void
mlw_rejects_write(const char *p, size_t len)
{
	if (rejf && len && fwrite(p, 1, len, rejf) != len)
		mlw_fatal_errno("%s: write error", rejpath);
}

void
mlw_reject(const char *file, uint64_t lineno, const char *line, size_t len,
    const char *fmt, ...)
{
	va_list ap;

	nrejected++;
	va_start(ap, fmt);
	if (strict) {
		vmsg(file, lineno, fmt, ap, 0);
		va_end(ap);
		exit(MLW_EXIT_FATAL);   /* which flushes standard output */
	}
	vkind(&rejkind, file, lineno, fmt, ap);
	va_end(ap);
	if (line) {
		mlw_rejects_write(line, len);
		mlw_rejects_write("\n", 1);
	}
}

void
mlw_reject_again(const char *line, size_t len)
{
	nrejected++;
	mlw_rejects_write(line, len);
	mlw_rejects_write("\n", 1);
}

uint64_t
mlw_rejected(void)
{
	return nrejected;
}

int
mlw_strict(void)
{
	return strict;
}

void
mlw_note_nonfinite(const char *file, uint64_t line, uint64_t n)
{
	if (nnonfinite == 0)
		mlw_warnx("%s:%llu: NaN or Infinity (not JSON) read as a "
		    "missing value; any more are counted", file,
		    (unsigned long long)line);
	nnonfinite += n;
}

int
mlw_diag_finish(void)
{
	size_t i;

	if (rejf) {
		if (fflush(rejf) == EOF || ferror(rejf) || fclose(rejf) == EOF) {
			mlw_warn("%s: write error", rejpath);
			failed = 1;
		}
		rejf = NULL;
	}
	for (i = 0; i < nkinds; i++)
		if (kinds[i]->n > MLW_MSG_LIMIT)
			mlw_warnx("%lu more %s not shown",
			    kinds[i]->n - MLW_MSG_LIMIT, kinds[i]->what);
	if (nnonfinite)
		mlw_warnx("%llu value%s NaN or Infinity read as missing",
		    (unsigned long long)nnonfinite, nnonfinite == 1 ? "" : "s");
	if (nrejected)
		mlw_warnx("%llu record%s rejected",
		    (unsigned long long)nrejected, nrejected == 1 ? "" : "s");
	if (failed)
		return MLW_EXIT_FATAL;
	return nrejected ? MLW_EXIT_REJECTS : MLW_EXIT_OK;
}

void
mlw_diag_reset(void)
{
	size_t i;

	progname = "mlw";
	failed = 0;
	strict = 0;
	if (rejf)
		fclose(rejf);
	rejf = NULL;
	rejpath = NULL;
	nrejected = 0;
	nnonfinite = 0;
	for (i = 0; i < nkinds; i++) {
		kinds[i]->n = 0;
		kinds[i]->registered = 0;
	}
	nkinds = 0;
	rejkind.n = 0;
	rejkind.registered = 0;
}
