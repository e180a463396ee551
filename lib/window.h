/* window: assigning records to windows (mlw-window) and consuming windowed
 * streams (every per-window program).
 *
 * The protocol (man/mlw.7, "WINDOWS"): mlw-window adds window_start and
 * window_end to each record and, the moment a window closes, writes a close
 * record {"mlw":"window_close","window_start":S,"window_end":E,"n":N}.
 * A per-window program keeps one state per open window, keyed by the raw
 * JSON of window_start and window_end, reports a window when its close record
 * arrives, and reports the windows still open at end of input in order.
 * Records with neither member form one batch reported at end of input. */
#ifndef MLW_WINDOW_H
#define MLW_WINDOW_H

#include <stddef.h>
#include <stdint.h>

#include "io.h"
#include "jsonw.h"
#include "json.h"

/* The most windows one record may belong to (size / slide). */
#define MLW_WINDOWS_PER_RECORD 1000

/* ---- assigning: windows [k*slide, k*slide+size) over an int64 axis
 * (event time in ns, or record index for count windows) ---- */
struct mlw_wclock {
	int64_t size, slide, lateness;
	int64_t wm;              /* watermark; valid when has_wm */
	int has_wm;
	int nonneg;              /* count windows: no window starts below 0 */
	struct mlw_wopen { int64_t start; uint64_t n; } *open;
	size_t nopen, cap;       /* open windows, sorted by start */
};

void mlw_wclock_init(struct mlw_wclock *c, int64_t size, int64_t slide,
    int64_t lateness);
void mlw_wclock_free(struct mlw_wclock *c);
/* Put t into its windows: writes the starts of those still open, in
 * increasing order, to starts[] (room for MLW_WINDOWS_PER_RECORD) and
 * returns their number; *late is set when t also belongs to a window that has
 * already closed (it is then not counted there). Does not move the
 * watermark. */
size_t mlw_wclock_assign(struct mlw_wclock *c, int64_t t, int64_t *starts,
    int *late);
/* Raise the watermark to wm (never lowers it) and close, in order, every
 * open window whose end is <= the watermark, calling close(start, end, n,
 * arg) for each. */
void mlw_wclock_advance(struct mlw_wclock *c, int64_t wm,
    void (*close)(int64_t, int64_t, uint64_t, void *), void *arg);
/* Close every open window, in order (end of input). */
void mlw_wclock_close_all(struct mlw_wclock *c,
    void (*close)(int64_t, int64_t, uint64_t, void *), void *arg);

/* ---- consuming ---- */
#define MLW_WKEY_MAX 64
struct mlw_wkey {
	int has;                 /* 0: no window members (the batch) */
	int64_t order;           /* start as ns or index, for ordering */
	int64_t order_end;
	size_t slen, elen;
	char start[MLW_WKEY_MAX], end[MLW_WKEY_MAX];   /* raw JSON values */
};

enum { MLW_WREC = 0, MLW_WCLOSE = 1, MLW_WCONTROL = 2 };

/* Read the window of a parsed record: MLW_WREC for a data record,
 * MLW_WCLOSE for a close record, MLW_WCONTROL for any other record with a
 * top-level "mlw" member (not data: skip it), -1 with *why for malformed
 * window members. */
int mlw_wkey_get(const struct mlw_json *doc, struct mlw_wkey *k,
    const char **why);
/* Read the window members of any record, whatever its "mlw" member says
 * (a state record of --merge): 0 with *k (k->has 0 when it has neither),
 * -1 with *why for malformed window members. */
int mlw_wkey_read(const struct mlw_json *doc, struct mlw_wkey *k,
    const char **why);
/* Write "window_start":S,"window_end":E (nothing for the batch). */
void mlw_wkey_write(struct mlw_buf *b, const struct mlw_wkey *k);

struct mlw_wtab;
/* state_size bytes of state per open window; reset(state, arg) prepares
 * one for a new window (a state is zeroed when first allocated, and reused
 * after its window closed); close(key, state, arg) reports it. */
struct mlw_wtab *mlw_wtab_new(size_t state_size,
    void (*reset)(void *, void *),
    void (*close)(const struct mlw_wkey *, void *, void *), void *arg);
/* The state of k's window, opened (reset) if it was not open. */
void *mlw_wtab_open(struct mlw_wtab *t, const struct mlw_wkey *k);
/* Report and forget k's window if it is open. */
void mlw_wtab_close(struct mlw_wtab *t, const struct mlw_wkey *k);
/* Route a parsed record of a windowed stream: 1 when it is data, *key
 * naming its window; 0 when it was consumed: a close record (its window
 * reported now), another control record, or a record with bad window
 * members (rejected). */
int mlw_wtab_route(struct mlw_wtab *t, const struct mlw_json *doc,
    const struct mlw_line *ln, struct mlw_wkey *key);
/* Report every open window, ordered by start then end, the batch last. */
void mlw_wtab_close_all(struct mlw_wtab *t);
/* Call destroy(state, arg) on every state when the table is freed, for
 * states that own memory. */
void mlw_wtab_set_destroy(struct mlw_wtab *t, void (*destroy)(void *, void *));
void mlw_wtab_free(struct mlw_wtab *t);

/* ---- mlw-window ---- */

struct mlw_window_opts {
	int count;               /* --count: windows of records */
	int64_t size, slide;     /* ns; records with count */
	int64_t lateness;        /* ns the watermark stays behind */
	int64_t idle_ns;         /* --idle, 0 for never */
	int64_t unit;            /* ns per unit of a numeric time */
	const char *time;        /* --time's path (not with count) */
	const char *late;        /* --late FILE, or NULL */
};
/* mlw-window's work: write every record of in once for each window its
 * time falls in, with window_start and window_end added after its own
 * members (kept byte for byte), and each window's close record, flushed,
 * when the watermark passes its end (or at the end of input; with idle_ns,
 * the wall clock also moves the watermark while no input comes). A record
 * without a time that reads is rejected; a late record (for a closed
 * window) is reported, appended to the late file and counted; so is one
 * that falls between windows. */
void mlw_window_run(const struct mlw_window_opts *o, struct mlw_input *in);

#endif
