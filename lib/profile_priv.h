/* profile_priv: what the three parts of mlw-profile's data profile share
 * (profile.c: accumulating, statistics, windows; profile_state.c: the
 * partial states of --emit-state and --merge; profile_saved.c: saving a
 * profile and loading a reference). Not for other modules. */
#ifndef MLW_PROFILE_PRIV_H
#define MLW_PROFILE_PRIV_H

#include <regex.h>
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

/* The data tests of one path (profile_check.c): --match, --allowed,
 * --unique. */
struct chk {
	char *path;                         /* as given */
	char *ere;                          /* --match: as given; NULL: none */
	regex_t re;
	int has_set;                        /* --allowed */
	struct mlw_strmap set;              /* its entries' texts */
	double *nums;                       /* its entries that are numbers */
	size_t nnums;
	int unique;                         /* --unique */
};

/* A value outside the allowed set, kept for not_allowed_values. */
struct naent {
	uint64_t hash;
	char *k;                            /* its key, as the category keys,
	                                     * 'n' and the double for a number */
	size_t len;
	uint64_t count;
};

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
	/* data tests (profile_check.c): strings that match --match's ERE,
	 * values outside --allowed's set and the offending values kept, in
	 * the order of their hash (those below navcut, when navcut_set), and
	 * --unique's distinct keys, exactly or (uhll) in HyperLogLog */
	uint64_t nmatch, notallowed;
	struct naent *nav;
	size_t nnav, navcap, navbytes;
	int navcut_set;
	uint64_t navcut;
	struct mlw_strmap ukeys;
	size_t ubytes;
	struct mlw_hll *uhll;
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
	const struct chk *chk;              /* its data tests, or NULL */
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
	/* the data tests, by path; a segment's profile shares its parent's */
	struct chk *chk;
	size_t nchk;
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

/* profile_check.c */
/* Read the options --match, --allowed and --unique into dp->chk: a usage
 * error (exit 2) for a bad path or ERE (regerror's message), an empty
 * set, a path given twice to one option, or with --fields a path not
 * among them. */
void mlw_prof_checks_setup(struct mlw_profile *dp);
void mlw_prof_checks_free(struct mlw_profile *dp);
/* The data tests of the field named text, or NULL. */
const struct chk *mlw_prof_check_of(const struct mlw_profile *dp,
    const char *text);
/* Add h what the data tests are (nothing when there are none). */
uint64_t mlw_prof_checks_hash(uint64_t h, const struct mlw_profile *dp);
/* Count a non-missing value of type ty (T_*) for the data tests c: its
 * key k (len bytes; a string's key has a NUL after it), NULL for an
 * object or an array. */
void mlw_prof_check_value(struct acc *a, const struct chk *c, int ty,
    const char *k, size_t len);
/* The key of number x for the data tests into k (room for 9 bytes):
 * 'n' and its bytes, -0 as 0. Returns its length. */
size_t mlw_prof_num_key(double x, char *k);
/* Keep offending value k (len bytes) c more times, or drop it (beyond
 * the kept ones' bounds). */
void mlw_prof_nav_add(struct acc *a, const char *k, size_t len, uint64_t c);
/* Forget the offending values at or above hash cut. */
void mlw_prof_nav_cut(struct acc *a, uint64_t cut);
/* Count key k (len bytes) for --unique. */
void mlw_prof_ukey_add(struct acc *a, const char *k, size_t len);
/* Give up --unique's exact key table for HyperLogLog. */
void mlw_prof_to_uhll(struct acc *a);
/* Write the members of the data tests c of field record a (nothing when
 * c is NULL). */
void mlw_prof_write_checks(struct mlw_profile *dp, struct mlw_buf *b,
    const struct acc *a, const struct chk *c);
/* Write the key of a data test as its JSON value. */
void mlw_prof_write_ckey(struct mlw_buf *b, const char *k, size_t len);
/* Free what a's data tests hold. */
void mlw_prof_check_acc_free(struct acc *a);

/* profile_saved.c */
/* Write the batch profile to path, atomically. */
void mlw_prof_write_saved(struct mlw_profile *dp, const char *path);
/* Load the reference at path (a saved profile or records) into dp->whole
 * and, with --by, each segment's part into dp->part (or dp->shared);
 * fatal when bad. */
void mlw_prof_load_ref(struct mlw_profile *dp, const char *path);

#endif
