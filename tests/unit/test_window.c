/* Unit tests of lib/window.c: window assignment, watermark and closing. */
#include "window.h"
#include "tap.h"

static char closed[1024];

static void
on_close(int64_t s, int64_t e, uint64_t n, void *arg)
{
	size_t l = strlen(closed);

	(void)arg;
	snprintf(closed + l, sizeof closed - l, "[%lld,%lld)=%llu ", (long long)s,
	    (long long)e, (unsigned long long)n);
}

int
main(void)
{
	struct mlw_wclock c;
	int64_t st[MLW_WINDOWS_PER_RECORD];
	int late;
	size_t n;

	/* tumbling 10 */
	mlw_wclock_init(&c, 10, 10, 0);
	n = mlw_wclock_assign(&c, 3, st, &late);
	ok(n == 1 && st[0] == 0 && !late, "t=3 in [0,10)");
	n = mlw_wclock_assign(&c, -3, st, &late);
	ok(n == 1 && st[0] == -10, "t=-3 in [-10,0): epoch-aligned floor");
	mlw_wclock_advance(&c, 10, on_close, NULL);
	is_str(closed, "[-10,0)=1 [0,10)=1 ", "watermark 10 closes both, in order");
	n = mlw_wclock_assign(&c, 9, st, &late);
	ok(n == 0 && late, "t=9 after the close is late");
	mlw_wclock_free(&c);

	/* sliding: size 10, slide 5 */
	closed[0] = '\0';
	mlw_wclock_init(&c, 10, 5, 0);
	n = mlw_wclock_assign(&c, 7, st, &late);
	ok(n == 2 && st[0] == 0 && st[1] == 5, "t=7 in [0,10) and [5,15)");
	mlw_wclock_advance(&c, 12, on_close, NULL);
	is_str(closed, "[0,10)=1 ", "watermark 12 closes [0,10) only");
	n = mlw_wclock_assign(&c, 8, st, &late);
	ok(n == 1 && st[0] == 5 && late, "t=8: late for [0,10), kept in [5,15)");
	mlw_wclock_close_all(&c, on_close, NULL);
	is_str(closed, "[0,10)=1 [5,15)=2 ", "end of input closes the rest");
	mlw_wclock_free(&c);

	/* hopping with gaps: size 5, slide 10 */
	mlw_wclock_init(&c, 5, 10, 0);
	ok(mlw_wclock_assign(&c, 7, st, &late) == 0 && !late,
	    "t=7 falls in the gap of [0,5) and [10,15)");
	ok(mlw_wclock_assign(&c, 12, st, &late) == 1 && st[0] == 10, "t=12");
	mlw_wclock_free(&c);

	/* the watermark never goes back */
	closed[0] = '\0';
	mlw_wclock_init(&c, 10, 10, 0);
	mlw_wclock_assign(&c, 25, st, &late);
	mlw_wclock_advance(&c, 25, on_close, NULL);
	mlw_wclock_advance(&c, 5, on_close, NULL);
	ok(c.wm == 25 && closed[0] == '\0', "a lower watermark is ignored");
	mlw_wclock_free(&c);
	return done_testing();
}
