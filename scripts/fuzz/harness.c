/* harness: exit() interception and per-run reset; see harness.h. */
#include "harness.h"

#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "io.h"

#define MAXFD 256

void __real_exit(int status);
_Noreturn void __wrap_exit(int status);

static jmp_buf jb;
static volatile int active;
static volatile int exit_status;
static int devnull = -1;
static char dir[512];

_Noreturn void
__wrap_exit(int status)
{
	if (active) {
		active = 0;
		exit_status = status;
		longjmp(jb, 1);
	}
	__real_exit(status);
	abort();
}

static void
rmdir_all(void)
{
	DIR *d;
	struct dirent *e;
	char p[1024];

	if (dir[0] == '\0' || (d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

const char *
mlw_fuzz_dir(void)
{
	const char *base;
	struct stat st;

	if (dir[0])
		return dir;
	if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
	    access("/dev/shm", W_OK) == 0)
		base = "/dev/shm";
	else if ((base = getenv("TMPDIR")) == NULL || *base == '\0')
		base = "/tmp";
	snprintf(dir, sizeof dir, "%s/mlw-fuzz.XXXXXX", base);
	if (mkdtemp(dir) == NULL) {
		perror(dir);
		abort();
	}
	atexit(rmdir_all);
	return dir;
}

const char *
mlw_fuzz_path(int slot, const char *name)
{
	static char buf[8][1024];

	snprintf(buf[slot & 7], sizeof buf[0], "%s/%s", mlw_fuzz_dir(), name);
	return buf[slot & 7];
}

void
mlw_fuzz_write(const char *name, const void *p, size_t n)
{
	const char *path = mlw_fuzz_path(7, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	size_t off = 0;

	if (fd < 0) {
		perror(path);
		abort();
	}
	while (off < n) {
		ssize_t w = write(fd, (const char *)p + off, n - off);

		if (w <= 0) {
			perror(path);
			abort();
		}
		off += (size_t)w;
	}
	close(fd);
}

/* Which descriptors below MAXFD are open: from /proc/self/fd where there
 * is one (one getdents instead of MAXFD fcntl calls), else by fcntl. */
static void
fd_snapshot(unsigned char *open_)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int fd;

	memset(open_, 0, MAXFD);
	if (d == NULL) {
		for (fd = 0; fd < MAXFD; fd++)
			open_[fd] = fcntl(fd, F_GETFD) != -1;
		return;
	}
	while ((e = readdir(d)) != NULL) {
		fd = atoi(e->d_name);
		if (e->d_name[0] >= '0' && e->d_name[0] <= '9' &&
		    fd >= 0 && fd < MAXFD && fd != dirfd(d))
			open_[fd] = 1;
	}
	closedir(d);
}

int
mlw_fuzz_run(int (*fn)(void *), void *arg)
{
	unsigned char before[MAXFD], after[MAXFD];
	int fd, status;

	if (devnull < 0) {
		/* the programs' output goes nowhere; stdout is a fresh
		 * stream on /dev/null for each run (below) */
		fflush(stdout);
		if ((devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0) {
			perror("/dev/null");
			abort();
		}
		dup2(devnull, 1);
		mlw_fuzz_dir();
	}
	fd_snapshot(before);
	optind = 0;             /* glibc: reinitialise getopt completely */
	if (setjmp(jb) == 0) {
		active = 1;
		status = fn(arg);
		active = 0;
	} else
		status = exit_status;
	/* a fresh process for the next run */
	mlw_diag_reset();
	if (!mlw_io_reset())
		fclose(stdout);
	dup2(devnull, 1);
	if ((stdout = fdopen(1, "w")) == NULL) {
		perror("fdopen");
		abort();
	}
	fd_snapshot(after);
	for (fd = 0; fd < MAXFD; fd++)
		if (after[fd] && !before[fd])
			close(fd);
	return status;
}
