/* Fuzz target: one program's whole main loop over arbitrary bytes.
 *
 * Built once per program (make fuzz, make fuzz-replay): cmd/PROG.c is
 * compiled with -Dmain=mlw_prog_main and -DMLW_FUZZ_PROG='"PROG"' and
 * linked with this file, harness.c and -Wl,--wrap=exit. Each input runs
 * the program once, as a fresh process would (harness.h): the first byte
 * chooses one of the program's command lines in progargs.h, the rest is
 * written to a file that the command line reads (@IN). The fixtures the
 * command lines name come from scripts/fuzz/fixtures (MLW_FUZZ_FIXTURES,
 * set by the Makefile). A word <@NAME makes the file NAME the program's
 * standard input (else it is /dev/null). Leak detection must be off
 * (harness.h). */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "progargs.h"

#ifndef MLW_FUZZ_PROG
#error "compile with -DMLW_FUZZ_PROG='\"mlw-NAME\"'"
#endif
#ifndef MLW_FUZZ_FIXTURES
#define MLW_FUZZ_FIXTURES "scripts/fuzz/fixtures"
#endif

#define MAXARGS 40
#define MAXLINES 32
#define MAXFIX 32

int mlw_prog_main(int argc, char *argv[]);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct cmdline {
	int argc;
	char *argv[MAXARGS + 1];
	const char *out[MAXARGS];       /* output files to remove */
	int nout;
	const char *in;                 /* standard input, or NULL */
};

static struct cmdline lines[MAXLINES];
static int nlines;
static struct fixture {
	char *name, *text;
	size_t len;
} fix[MAXFIX];
static int nfix;

static int
is_fixture(const char *name)
{
	int i;

	for (i = 0; i < nfix; i++)
		if (strcmp(fix[i].name, name) == 0)
			return 1;
	return 0;
}

static void
load_fixtures(void)
{
	DIR *d = opendir(MLW_FUZZ_FIXTURES);
	struct dirent *e;

	if (d == NULL) {
		perror(MLW_FUZZ_FIXTURES);
		abort();
	}
	while ((e = readdir(d)) != NULL && nfix < MAXFIX) {
		char p[4096];
		FILE *f;
		long n;

		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof p, "%s/%s", MLW_FUZZ_FIXTURES, e->d_name);
		if ((f = fopen(p, "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 ||
		    (n = ftell(f)) < 0) {
			perror(p);
			abort();
		}
		rewind(f);
		fix[nfix].name = strdup(e->d_name);
		fix[nfix].text = malloc((size_t)n + 1);
		if (fread(fix[nfix].text, 1, (size_t)n, f) != (size_t)n)
			abort();
		fix[nfix++].len = (size_t)n;
		fclose(f);
	}
	closedir(d);
}

/* Split one progargs line into a command line. */
static void
add_line(const char *args)
{
	struct cmdline *c = &lines[nlines++];
	const char *s = args;

	c->argv[c->argc++] = strdup(MLW_FUZZ_PROG);
	while (*s) {
		char w[1024];
		size_t k = 0;
		char q = 0;

		while (*s == ' ')
			s++;
		if (*s == '\0')
			break;
		while (*s && (q || *s != ' ') && k < sizeof w - 1) {
			if (!q && *s == '\'')
				q = *s++;
			else if (q && *s == q) {
				q = 0;
				s++;
			} else
				w[k++] = *s++;
		}
		w[k] = '\0';
		if (c->argc == MAXARGS)
			abort();
		if (w[0] == '<' && w[1] == '@') {
			const char *name = strcmp(w, "<@IN") == 0 ? "in" : w + 2;

			c->in = strdup(mlw_fuzz_path(0, name));
		} else if (w[0] == '@') {
			const char *name = strcmp(w, "@IN") == 0 ? "in" : w + 1;
			const char *p = mlw_fuzz_path(0, name);

			c->argv[c->argc++] = strdup(p);
			if (strcmp(w, "@IN") != 0 && !is_fixture(name))
				c->out[c->nout++] = c->argv[c->argc - 1];
		} else
			c->argv[c->argc++] = strdup(w);
	}
	c->argv[c->argc] = NULL;
}

/* Standard input is /dev/null, unless a command line says <@NAME. */
static void
stdin_null(void)
{
	int fd = open("/dev/null", O_RDONLY);

	if (fd < 0 || dup2(fd, 0) < 0) {
		perror("/dev/null");
		abort();
	}
	close(fd);
	clearerr(stdin);
}

static void
init(void)
{
	size_t i;

	stdin_null();
	load_fixtures();
	for (i = 0; i < sizeof progargs / sizeof progargs[0]; i++)
		if (strcmp(progargs[i].prog, MLW_FUZZ_PROG) == 0 &&
		    nlines < MAXLINES)
			add_line(progargs[i].args);
	if (nlines == 0) {
		add_line("@IN");
		add_line("--strict @IN");
	}
}

static int
call_main(void *arg)
{
	const struct cmdline *c = arg;
	char *argv[MAXARGS + 1];

	/* main may change argv (argv[0], getopt's permutation) */
	memcpy(argv, c->argv, sizeof argv);
	if (c->in != NULL) {
		int fd = open(c->in, O_RDONLY);

		if (fd < 0 || dup2(fd, 0) < 0) {
			perror(c->in);
			abort();
		}
		close(fd);
	}
	return mlw_prog_main(c->argc, argv);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	const struct cmdline *c;
	int i;

	if (!ready) {
		init();
		ready = 1;
	}
	c = &lines[size ? data[0] % nlines : 0];
	for (i = 0; i < nfix; i++)
		mlw_fuzz_write(fix[i].name, fix[i].text, fix[i].len);
	mlw_fuzz_write("in", size ? data + 1 : data, size ? size - 1 : 0);
	mlw_fuzz_run(call_main, (void *)c);
	if (c->in != NULL)
		stdin_null();
	for (i = 0; i < c->nout; i++)
		unlink(c->out[i]);
	return 0;
}
