/* seg: the segments of a run (--by PATHS): every distinct key of the
 * values at the --by paths (key.h), numbered in the order first seen, the
 * members that name a segment in result and state records, and the
 * segments one window has seen, in the order it saw them. */
#ifndef MLW_SEG_H
#define MLW_SEG_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "io.h"
#include "json.h"
#include "strmap.h"
#include "window.h"

struct mlw_seg {
	char **by;                /* the --by paths' texts, as given */
	struct mlw_path *paths;
	size_t nby;
	struct mlw_strmap keys;   /* key -> segment number */
	struct mlw_buf key;       /* the last key made */
	struct mlw_buf text;      /* scratch */
	uint64_t *bad;            /* per path: records rejected for it */
	char why[128];            /* scratch: a state's error */
	unsigned char *said;      /* by segment number: said to have no
	                           * reference part */
	size_t nsaid;
};

/* Check the --by paths as a usage error (exit 2): each a path, none given
 * twice, and none the name of a member the program writes (taken, a
 * NULL-terminated list; window_start, window_end and segment always). */
void mlw_seg_opt_check(char *const *by, size_t nby,
    const char *const *taken);
/* Set up the segments of paths by[0..nby) (texts checked by the caller,
 * kept, not copied). */
void mlw_seg_init(struct mlw_seg *s, char **by, size_t nby);
void mlw_seg_free(struct mlw_seg *s);
/* Make the key of doc's --by values in s->key: 0, or -1 after rejecting
 * the record ln (a value that cannot be part of a key, key.h). */
int mlw_seg_key(struct mlw_seg *s, const struct mlw_json *doc,
    const struct mlw_line *ln);
/* The number of the segment whose key is s->key: with add, a new key is
 * numbered next (exit 2 naming the key, mlw_key_full, when --max-keys
 * segments are numbered already); without, -1 for a new key. */
long mlw_seg_id(struct mlw_seg *s, const struct mlw_line *ln, int add);
/* The number of segments numbered. */
size_t mlw_seg_count(const struct mlw_seg *s);
/* Append the members naming segment id to a result record: "segment", its
 * display text (key.h), then each --by path's text as a member holding its
 * value (null when missing): ,"segment":"model=m1","model":"m1". */
void mlw_seg_members(struct mlw_buf *b, struct mlw_seg *s, size_t id);
/* Append the members naming segment id to a state record (or to a saved
 * profile's segment line): "segment", the display text, and member name
 * (MLW_SEG_VALUES, or another where a record has a "values" of its own),
 * the values as an array. */
#define MLW_SEG_VALUES "values"
void mlw_seg_state_members(struct mlw_buf *b, struct mlw_seg *s, size_t id,
    const char *name);
/* Read the segment of such a record (its member name, checked against the
 * --by paths) into s->key: 0, or -1 with *why set. */
int mlw_seg_state_key(struct mlw_seg *s, const struct mlw_json *doc,
    const char *name, const char **why);
/* The segment of state record doc (its "values" member) for a merge:
 * with s, the key read and numbered into *id; without (a run without
 * --by), *id 0, and a state that names a segment is rejected. 0, or -1
 * after rejecting the state into st. */
struct mlw_state_in;
int mlw_seg_state_id(struct mlw_seg *s, struct mlw_state_in *st,
    const struct mlw_json *doc, const struct mlw_line *ln, size_t *id);
/* Whether every value of segment id's key is missing. */
int mlw_seg_all_missing(const struct mlw_seg *s, size_t id);
/* Whether path text is one of the --by paths (which name a segment and
 * are not fields). */
int mlw_seg_is_by(const struct mlw_seg *s, const char *text);
/* Reject the record ln of segment id, which has no part in the
 * reference: the first time with "segment KEY has no part in the
 * reference; its records are rejected (see --ref-fallback)", after that
 * without a word. */
void mlw_seg_no_ref(struct mlw_seg *s, size_t id, const struct mlw_line *ln);
/* Say (a warning) each --by path whose values were all rejected, as
 * mlw-metrics does; seen is the number of records keyed. */
void mlw_seg_warn(const struct mlw_seg *s, uint64_t seen);

/* The segments one window has seen, in the order first seen: state[i] the
 * state of segment ids[i], allocated by mlw_segwin_get. */
struct mlw_segwin {
	size_t *ids;
	void **state;
	size_t n, cap;
	long *slot;               /* by segment number: index, or -1 */
	size_t nslot;
};

/* The state of segment id in window w: size bytes, zeroed when the window
 * first sees the segment. */
void *mlw_segwin_get(struct mlw_segwin *w, size_t id, size_t size);
/* Forget every segment, their states freed (after fin(state), when fin
 * is not NULL): the window is empty. */
void mlw_segwin_clear(struct mlw_segwin *w, void (*fin)(void *));
void mlw_segwin_free(struct mlw_segwin *w, void (*fin)(void *));

/* The per-window, per-segment driver of mlw-agg, mlw-estimate and
 * mlw-mvdrift: a table of windows (window.h) whose state is the segments
 * each has seen, one cell of the program's per segment. */
struct mlw_segcells {
	size_t size;              /* bytes of a cell, zeroed when opened */
	/* a window closed: called for each of its cells, in the order their
	 * segments were first seen (then standard output is flushed and the
	 * cells freed) */
	void (*close)(void *arg, const struct mlw_wkey *key, void *cell,
	    size_t id);
	void (*fin)(void *arg, void *cell);   /* free what a cell holds, or
	                                       * NULL */
	void *arg;
};
/* The table of c (which must outlive it; free it with mlw_wtab_free). */
struct mlw_wtab *mlw_segcells_tab(struct mlw_segcells *c);
/* The cell of segment id in window key (opened, and zeroed, on first use). */
void *mlw_segcells_get(struct mlw_segcells *c, struct mlw_wtab *tab,
    const struct mlw_wkey *key, size_t id);

#endif
