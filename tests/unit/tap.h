/* tap.h: a tiny TAP producer for the C unit tests. */
#ifndef MLW_TAP_H
#define MLW_TAP_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

static void
tap_ok(int pass, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#include <stdarg.h>
static void
tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", pass ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!pass) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
}

/* Exact equality of doubles (bit for bit, apart from NaN). */
#define is_double(got, want, ...) do { \
	double g_ = (got), w_ = (want); \
	ok(g_ == w_, __VA_ARGS__); \
	if (g_ != w_) printf("#   got %.17g, want %.17g\n", g_, w_); \
} while (0)

/* Equality within a relative tolerance. */
#define near_double(got, want, rel, ...) do { \
	double g_ = (got), w_ = (want); \
	int p_ = fabs(g_ - w_) <= (rel) * fabs(w_); \
	ok(p_, __VA_ARGS__); \
	if (!p_) printf("#   got %.17g, want %.17g\n", g_, w_); \
} while (0)

#define is_str(got, want, ...) do { \
	const char *g_ = (got), *w_ = (want); \
	int p_ = strcmp(g_, w_) == 0; \
	ok(p_, __VA_ARGS__); \
	if (!p_) printf("#   got '%s', want '%s'\n", g_, w_); \
} while (0)

static int
done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
