/* harness: what the fuzz targets that run code which may call exit() share
 * (the reference-profile and state readers, and every program's whole main
 * loop, fuzz_prog.c).
 *
 * The target is linked with -Wl,--wrap=exit: while mlw_fuzz_run() is
 * running fn, exit() (mlw_fatal, usage errors, strict rejects, --version)
 * longjmps back to it instead of ending the process. Between runs it
 * restores the process to the state a fresh process would have: getopt
 * (optind = 0, glibc's full reset), the library's diag and io state
 * (mlw_diag_reset, mlw_io_reset), a new standard output on /dev/null, and
 * every file descriptor the run left open is closed.
 *
 * A run that ends in exit() leaks what it had allocated (as the real
 * process would at exit), so these targets must run with ASan's leak
 * detection off: ASAN_OPTIONS=detect_leaks=0 (make fuzz sets it, and
 * -detect_leaks=0 for libFuzzer). */
#ifndef MLW_FUZZ_HARNESS_H
#define MLW_FUZZ_HARNESS_H

#include <stddef.h>

/* Run fn(arg) and return its return value, or the status passed to exit(). */
int mlw_fuzz_run(int (*fn)(void *), void *arg);

/* A private temporary directory (under /dev/shm when it exists, for speed;
 * else $TMPDIR or /tmp), created on first use and removed at process exit;
 * mlw_fuzz_path returns DIR/name in a buffer that stays valid until the
 * next call with the same slot (0..7). */
const char *mlw_fuzz_dir(void);
const char *mlw_fuzz_path(int slot, const char *name);

/* Write n bytes at p to DIR/name (replacing it); aborts on failure. */
void mlw_fuzz_write(const char *name, const void *p, size_t n);

#endif
