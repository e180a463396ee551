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

struct mlw_drift_ref;
struct mlw_seg;
struct mlw_drift {
	/* set by the caller before mlw_drift_load */
	int quantile;             /* --binning quantile: counts, not values */
	int autothr;              /* --auto-threshold */
	double share;             /* --drift-share */
	int correction;           /* --correction: MLW_CORR_* */
	double js_base;           /* --js-base, 0 for e */
	int emit;                 /* --emit-state (quantile binning only) */
	int detail;               /* --detail: bins and shares per field */
	struct mlw_seg *seg;      /* --by (seg.h), or NULL */
	int fallback;             /* --ref-fallback all */
	/* the library's: the reference, loaded with keep_values (and
	 * keep_order for autothr), and how records are read against it */
	struct mlw_psiref prof;   /* without --by */
	struct mlw_psirefs refs;  /* with --by */
	struct mlw_drift_ref *one;    /* without --by: prof's */
	struct mlw_drift_ref **part;  /* --by: each segment's part's */
	size_t npart;
	struct mlw_drift_ref *whole;  /* --by: the whole reference's */
	uint64_t hash;            /* of the reference, for states */
	double alpha;             /* --correction's level, set by load */
	double *pv;               /* scratch: a window's p-values */
	size_t pvcap;
	struct mlw_dscratch sc;
	struct mlw_buf out, segtext;
	double *chunk, *stats;
	size_t chunkcap, statcap;
	uint64_t *chunkc;
	size_t chunkccap;
	struct mlw_msgkind nulls, defthr;
};

/* mlw-drift's setup: load the reference ref (psiref.h; with d->seg, one
 * part per segment, and the whole reference too with d->fallback; a saved
 * profile only with --binning quantile and without --auto-threshold, else
 * fatal), give every field method, and the fields named in mfor[0..nmfor)
 * ("PATH=METHOD", checked) theirs (a path no reference has is fatal), and
 * every field threshold (NAN: its method's default). Fatal when a method
 * cannot apply to a field (numbers for a categorical field; not binned
 * with quantile). With d->correction, sets d->alpha: the one p-value
 * threshold of the fields' tests (fatal when they have different ones;
 * --threshold, or 0.05, when no field has a test), and the option joins
 * d->hash. d's options are set before. */
void mlw_drift_load(struct mlw_drift *d, const char *ref,
    const struct mlw_psiref_opts *po, int method, char *const *mfor,
    size_t nmfor, double threshold);
/* mlw-drift's work over in: every record counted into its window (and
 * segment, with d->seg: a record whose segment has no reference rejected,
 * psiref.h), a record with a value of the wrong type rejected; each window
 * reported when it closes (its segments in the order it saw them), or with
 * d->emit its states and the trailer; with merge, the states of in added
 * up and reported as one pass would. */
void mlw_drift_run(struct mlw_drift *d, int merge, struct mlw_input *in);
void mlw_drift_free(struct mlw_drift *d);

#endif
