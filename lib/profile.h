/* profile: data profiles (mlw-profile). Per window and field: counts of
 * values, missing values and JSON types; for numbers min, max, mean, sample
 * standard deviation, zeros and quantiles; for strings and booleans the
 * distinct count and the most frequent values. Exact up to documented
 * sizes, then from the sketches of sketch.h, so memory per field is
 * bounded. Optionally checked against a reference profile (new categories,
 * out-of-range numbers, type mismatches, missing share), and saved in a
 * form mlw-psi also loads as a reference. */
#ifndef MLW_PROFILE_H
#define MLW_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "io.h"
#include "json.h"

/* Numbers kept exactly per field and window before the KLL sketch. */
#define MLW_PROFILE_EXACT 100000
/* Distinct strings/booleans counted exactly per field and window, and their
 * total bytes, before HyperLogLog + SpaceSaving take over. */
#define MLW_PROFILE_CATS 100000
#define MLW_PROFILE_CATBYTES (8u << 20)
/* SpaceSaving counters once the exact table is given up. */
#define MLW_PROFILE_SS 1000
/* Most top values (--top). */
#define MLW_PROFILE_TOPMAX 100
/* Most fields. */
#define MLW_PROFILE_FIELDS 4096
/* Most quantiles (--quantiles). */
#define MLW_PROFILE_QMAX 64
/* --unique: distinct keys counted exactly per field and window, and their
 * total bytes, before HyperLogLog takes over. */
#define MLW_PROFILE_UNIQUE 100000
#define MLW_PROFILE_UNIQUEBYTES (8u << 20)
/* --allowed: offending values kept per field and window (those of the
 * smallest hashes), and their total bytes, for not_allowed_values. */
#define MLW_PROFILE_NAV 1000
#define MLW_PROFILE_NAVBYTES (1u << 20)

struct mlw_profile;
struct mlw_seg;

struct mlw_profile_opts {
	char **fields;              /* NULL: every leaf of every record */
	size_t nfields;
	size_t top;                 /* K */
	const double *q;            /* quantiles, in [0, 1] */
	size_t nq;
	const char *ref;            /* reference path, or NULL */
	const char *save;           /* write the batch profile here */
	int emit;                   /* --emit-state: states, not results */
	int merge;                  /* --merge: read states */
	struct mlw_seg *seg;        /* --by (seg.h), or NULL */
	int fallback;               /* --ref-fallback all */
	char **match;               /* --match: "PATH=ERE" each */
	size_t nmatch;
	char **allowed;             /* --allowed: "PATH=a,b,c" each */
	size_t nallowed;
	char **unique;              /* --unique: paths */
	size_t nunique;
	int detail;                 /* --detail: each number field's
	                             * histogram */
};

/* Check the options together: a usage error (exit 2) for a quantile named
 * twice, --emit-state with --merge, either with --save, or either without
 * --fields. */
void mlw_profile_opts_check(const struct mlw_profile_opts *o);
/* Set up: load the reference when o->ref (a saved profile, its first
 * record {"mlw":"psi_profile",...,"profile_version":1,...}, or JSON Lines
 * records profiled as one batch). Fatal on a bad reference. */
struct mlw_profile *mlw_profile_new(const struct mlw_profile_opts *o);
/* Consume every record of in: per window (as mlw-psi, window.h) or, when
 * saving, as one batch; write one result record per window and field, or
 * with o->emit the window's partial states (state.h) and the trailer. */
void mlw_profile_run(struct mlw_profile *dp, struct mlw_input *in);
void mlw_profile_free(struct mlw_profile *dp);
/* --merge: read the states of in (written by mlw_profile_run with o->emit, with
 * the same fields and reference), add them up per window and field, and
 * write the records one pass over all the data would write. Exits 2,
 * writing nothing, when a state is rejected or missing (state.h). */
void mlw_profile_merge(struct mlw_profile *dp, struct mlw_input *in);

/* The member name of quantile q: "p" and 100 q, with "_" for the decimal
 * point and at least two digits (0.01 -> p01, 0.5 -> p50, 0.999 ->
 * p99_9). out has room for 32 bytes. */
void mlw_profile_qname(double q, char *out);

#endif
