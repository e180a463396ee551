/* profile_priv: what the three parts of mlw-profile's data profile share
 * (profile.c: accumulating, statistics, windows; profile_state.c: the
 * partial states of --emit-state and --merge; profile_saved.c: saving a
 * profile and loading a reference). Not for other modules. */
#ifndef MLW_PROFILE_PRIV_H
#define MLW_PROFILE_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "io.h"
#include "json.h"
#include "profile.h"
#include "strmap.h"
#include "window.h"
#include "xsum.h"

struct mlw_hll;
struct mlw_kll;
struct mlw_ss;

#define PROG "mlw-profile"

enum { T_NUM, T_STR, T_BOOL, T_OBJ, T_ARR, NT };

/* One field in one window. */
struct acc {
	uint64_t nval, type[NT];
	/* numbers */
	uint64_t zeros;
	double min, max;
	struct mlw_xsum xs, xss;            /* exact sums of x and x^2 */
	double *vals;                       /* exact, until MLW_PROFILE_EXACT */
	size_t nvals, vcap;
	int sorted;
	struct mlw_kll *kll;
	struct mlw_hll *nhll;               /* the numbers' distinct count,
	                                     * with kll */
	/* strings and booleans: key = 'b' or 's', then the text */
	uint64_t ncat;
	struct mlw_strmap cats;
	uint64_t *cc;
	size_t cccap, cbytes;
	struct mlw_hll *hll;                /* with ss, after the exact table */
	struct mlw_ss *ss;
	/* reference checks */
	uint64_t mismatch, oor, newcat;
	/* --merge: values a state announced that its records have not yet
	 * brought (a long state is cut into several records) */
	uint64_t owed;
};

/* What the reference says about a field. */
struct ref {
	uint64_t records, missing;
	int seen[NT];
	int has_minmax;
	double min, max;
	int complete;                       /* set holds every category */
	struct mlw_strmap set;              /* category texts */
};

/* A reference: what it says about each field it has. */
struct refprof {
	uint64_t records;
	struct ref *refs;                   /* by names */
	struct mlw_strmap names;
	size_t cap;
};

struct field {
	struct mlw_path path;
	struct ref *ref;                    /* NULL: not in the reference */
	uint64_t stamp;
	size_t pend;
};

struct win {
	uint64_t nrec;
	size_t nacc;
	struct acc **a;
};

struct pendv { size_t f; uint32_t tok; };

struct mlw_profile {
	struct mlw_profile_opts o;
	struct field *f;
	size_t nf, fcap;
	struct mlw_strmap names;
	struct refprof *rp;                 /* the reference, or NULL */
	struct ref absent;                  /* a field the reference lacks */
	/* the references it owns: the whole one, and with --by each
	 * segment's part (by segment number; NULL: none), or shared: the
	 * whole one serves every segment */
	struct refprof *whole;
	struct refprof **part;
	size_t npart;
	int shared;
	/* --by: the segments; a segment's own profile (its fields, checked
	 * against its reference) is a sub-profile, by segment number */
	struct mlw_seg *seg;
	int is_sub;                         /* a segment's: segid is its */
	size_t segid;
	struct mlw_profile **sub;
	size_t nsub;
	struct mlw_pathset set;             /* --fields */
	struct mlw_path *paths;
	long *tok;
	struct pendv *pend;
	size_t npend, pcap;
	uint64_t recno;
	char *pathbuf, *namebuf;
	size_t pathcap, namecap;
	struct mlw_buf key, out;
	size_t *idx;
	size_t idxcap;
	struct win batch;
	uint64_t hash;                      /* for --emit-state, --merge */
};

/* The JSON type counters' member names, by T_*. */
extern const char *const mlw_prof_tname[NT];
/* An empty accumulator, for a field a window (or state) has not seen. */
extern const struct acc mlw_prof_zero_acc;

/* profile.c */
/* The accumulator of field f in window w, made when new. */
struct acc *mlw_prof_win_acc(struct win *w, size_t f);
/* x comes before y in the order of min and max (-0 before +0). */
int mlw_prof_before(double x, double y);
/* Give up a's kept values: into its KLL sketch seeded with seed. */
void mlw_prof_to_kll(struct acc *a, uint64_t seed);
/* Keep x for the quantiles, exactly or (past MLW_PROFILE_EXACT) in KLL. */
void mlw_prof_keep_value(struct mlw_profile *dp, struct acc *a, double x);
/* Give up a's exact category table for HyperLogLog + SpaceSaving. */
void mlw_prof_to_sketch(struct mlw_profile *dp, struct acc *a);
/* Count the category key k (len bytes) c times. */
void mlw_prof_count_key(struct mlw_profile *dp, struct acc *a, const char *k,
    size_t len, uint64_t c);
/* Write the category key k as its JSON value (true, false or a string). */
void mlw_prof_write_key_value(struct mlw_buf *b, const char *k, size_t len);
/* Write the statistics members of a field of a window of nrec records. */
void mlw_prof_write_stats(struct mlw_profile *dp, struct mlw_buf *b,
    struct acc *a, uint64_t nrec);
/* Profile every data record of in (from *first when not NULL) as one
 * batch into dp->batch. */
void mlw_prof_run_batch(struct mlw_profile *dp, struct mlw_input *in,
    struct mlw_line *first);
/* The table of windows, closing each into results or (--emit-state)
 * states: with --by, each segment's, in the order the window saw them. */
struct mlw_wtab *mlw_prof_windows(struct mlw_profile *dp);
/* The struct win of segment id (with --by; without, the window's) in the
 * state of a window of mlw_prof_windows. */
struct win *mlw_prof_win_of(struct mlw_profile *dp, void *state, size_t id);
/* --by: the profile of segment id, made when new (its fields, checked
 * against its part of the reference); NULL when the segment has no part
 * in the reference (and no fallback). */
struct mlw_profile *mlw_prof_sub(struct mlw_profile *dp, size_t id);
void mlw_prof_refprof_free(struct refprof *rp);

/* profile_state.c */
/* Write the partial states of window w. */
void mlw_prof_emit_state(struct mlw_profile *dp, const struct mlw_wkey *key,
    struct win *w);
/* The number member name of object obj into *d: 0, or -1 when absent or
 * not a number. */
int mlw_prof_member_num(const struct mlw_json *doc, uint32_t obj,
    const char *name, double *d);

/* profile_saved.c */
/* Write the batch profile to path, atomically. */
void mlw_prof_write_saved(struct mlw_profile *dp, const char *path);
/* Load the reference at path (a saved profile or records) into dp->whole
 * and, with --by, each segment's part into dp->part (or dp->shared);
 * fatal when bad. */
void mlw_prof_load_ref(struct mlw_profile *dp, const char *path);

#endif
