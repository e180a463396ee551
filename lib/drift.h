/* drift: mlw-drift's work per window: each field's reference sample, the
 * window's values or counts, and the records reporting each field's method,
 * statistic and verdict and the window's dataset verdict. */
#ifndef MLW_DRIFT_H
#define MLW_DRIFT_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "drift_method.h"
#include "io.h"
#include "json.h"
#include "psiref.h"
#include "window.h"

/* Most distinct categories one field may have, reference and current
 * windows together. */
#define MLW_DRIFT_MAX_CATEGORIES 100000

struct mlw_drift_field {
	struct mlw_feature *f;
	int method;               /* MLW_DM_*, MLW_DM_AUTO included */
	double threshold;         /* NAN: the method's default */
	struct mlw_dsample ref;
	uint64_t *refc;           /* categorical: reference count per category */
	/* --auto-threshold: the last window size and method, and the result */
	uint64_t at_n;
	int at_m;
	double at_t;
};

struct mlw_drift {
	/* set by the caller before mlw_drift_setup */
	struct mlw_psiref prof;  /* loaded with keep_values (and keep_order
	                           * for autothr) */
	int quantile;             /* --binning quantile: counts, not values */
	int autothr;              /* --auto-threshold */
	double share;             /* --drift-share */
	double js_base;           /* --js-base, 0 for e */
	int emit;                 /* --emit-state (quantile binning only) */
	/* the library's */
	uint64_t hash;            /* of the profile, for states */
	struct mlw_drift_field *fl;
	size_t nf;
	struct mlw_pathset set;
	long *tok, *slot;
	double *val;
	struct mlw_dscratch sc;
	struct mlw_buf out;
	double *chunk, *stats;
	size_t chunkcap, statcap;
	uint64_t *chunkc;
	size_t chunkccap;
	struct mlw_msgkind nulls, fallback;
};

/* Prepare the fields of d->prof: methods[i] (MLW_DM_*) and threshold (NAN:
 * each method's default) for field i. Fatal when a method cannot apply to
 * a field (numbers for a categorical field; not binned with quantile). */
void mlw_drift_setup(struct mlw_drift *d, const int *methods,
    double threshold);
/* Bytes of state per window, for mlw_wtab_new, with these callbacks
 * (arg: the struct mlw_drift). */
size_t mlw_drift_state_size(const struct mlw_drift *d);
void mlw_drift_reset(void *state, void *arg);
void mlw_drift_destroy(void *state, void *arg);
/* Write the window's records (one per field, then the dataset verdict) to
 * standard output, and flush. */
void mlw_drift_report(const struct mlw_wkey *key, void *state, void *arg);
/* Read every field of a data record: 0, or -1 with why (room for 128
 * bytes) when a value has the wrong type (nothing is taken then). */
int mlw_drift_check(struct mlw_drift *d, const struct mlw_json *doc,
    char *why);
/* Add the values just checked to a window's state. */
void mlw_drift_add(struct mlw_drift *d, void *state);
/* --merge (quantile binning): add up the states of in, then report every
 * window as a single pass would. */
void mlw_drift_merge(struct mlw_drift *d, struct mlw_wtab *tab,
    struct mlw_input *in);
void mlw_drift_free(struct mlw_drift *d);

/* mlw-drift's setup: load the reference ref (psiref.h; a saved profile
 * only with --binning quantile and without --auto-threshold, else fatal),
 * give every field method, and the fields named in mfor[0..nmfor)
 * ("PATH=METHOD", checked) theirs (a path the reference lacks is fatal),
 * then mlw_drift_setup with threshold. d's options are set before. */
void mlw_drift_load(struct mlw_drift *d, const char *ref,
    const struct mlw_psiref_opts *po, int method, char *const *mfor,
    size_t nmfor, double threshold);
/* mlw-drift's work over in: every record counted into its window (a
 * record with a value of the wrong type rejected), each window reported
 * when it closes, or with d->emit its states and the trailer; with merge,
 * the states of in added up and reported as one pass would. */
void mlw_drift_run(struct mlw_drift *d, int merge, struct mlw_input *in);

#endif
