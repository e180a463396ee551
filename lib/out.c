#include "out.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "diag.h"

static int stdout_setup;
static int stdout_closed;
static char outbuf[1u << 16];

void
mlw_out_setup(void)
{
	if (!stdout_setup) {
		setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
		stdout_setup = 1;
	}
}

static _Noreturn void
out_failed(void)
{
	if (errno == EPIPE)
		_exit(MLW_EXIT_OK);
	mlw_fatal_errno("write error");
}

void
mlw_out_write(const void *p, size_t len)
{
	mlw_out_setup();
	if (fwrite(p, 1, len, stdout) != len)
		out_failed();
}

void
mlw_out_flush(void)
{
	mlw_out_setup();
	if (fflush(stdout) == EOF)
		out_failed();
}

void
mlw_out_close(void)
{
	mlw_out_setup();
	if (fflush(stdout) == EOF || ferror(stdout))
		out_failed();
	stdout_closed = 1;
	if (fclose(stdout) == EOF)
		out_failed();
}

int
mlw_finish(void)
{
	mlw_out_close();
	return mlw_diag_finish();
}

int
mlw_out_reset(void)
{
	int closed = stdout_closed;

	stdout_setup = 0;
	stdout_closed = 0;
	return closed;
}
