/* psiref: the reference distribution of each field (bin edges or
 * categories, and reference counts per bin), built from reference records or
 * loaded from a saved profile; and the binning of current values. */
#ifndef MLW_PSIREF_H
#define MLW_PSIREF_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "strmap.h"

/* Most distinct categories a field may have in the reference. */
#define MLW_MAX_CATEGORIES 10000
/* Most fields a profile may have. */
#define MLW_MAX_FIELDS 4096

enum { MLW_BINNING_QUANTILE, MLW_BINNING_UNIFORM };

struct mlw_feature {
	struct mlw_path path;
	int categorical;
	int numcats;              /* categorical that accepts numbers */
	double *edges;            /* numeric: inner edges */
	size_t nedges;
	struct mlw_strmap cats;   /* categorical: category -> bin */
	size_t nbins;             /* edges + 1, or categories + 1 ("other") */
	uint64_t *ref;            /* reference count per bin */
	uint64_t ref_n, ref_missing;
	/* while building; with keep_values, vals stays: the reference's
	 * numeric values sorted ascending */
	int typed, dropped;
	double *vals;
	size_t nvals, vcap;
	/* with keep_order: the values in reference order (numeric), or the
	 * category index of each value (categorical) */
	double *order;
	uint32_t *seq;
	size_t nseq, seqcap;
};

struct mlw_psiref {
	struct mlw_feature *f;
	size_t nf;
	uint64_t records;         /* reference records used */
	int binning, bins;
	int saved;                /* loaded from a saved profile */
};

struct mlw_psiref_opts {
	char **fields;            /* NULL: every scalar leaf */
	size_t nfields;
	char **categorical;
	size_t ncategorical;
	int binning, bins;
	int bins_given;           /* --bins or --binning given explicitly */
	int keep_values;          /* keep each numeric field's sorted values */
	int keep_order;           /* and the values in reference order */
};

/* Command-line helpers shared by the programs that take a reference:
 * --bins N (a whole number from 2 to 1000) into po, and the check that no
 * field is named twice in --fields; both a usage error otherwise. */
void mlw_psiref_opt_bins(struct mlw_psiref_opts *po, const char *arg);
void mlw_psiref_opts_check(const struct mlw_psiref_opts *po);

/* Open the reference path (missing or empty: fatal) and read its first
 * line into *first; 1 when that line begins a saved profile
 * ({"mlw":"psi_profile",...}, parsed into doc), else 0 (reference records;
 * doc then holds nothing). The caller frees in and doc. */
#define MLW_PSIREF_TAG "psi_profile"
/* The line that begins a segment's part in a saved profile. */
#define MLW_PSIREF_SEGMENT_TAG "psi_segment"
struct mlw_seg;
struct mlw_line;
/* The number of the segment a psi_segment line names (doc, line ln),
 * numbered in seg; fatal (an invalid profile) when the line does not name
 * a segment of seg's --by paths, or names one a second time. */
size_t mlw_psi_segment_id(struct mlw_seg *seg, const struct mlw_json *doc,
    const struct mlw_line *ln);
struct mlw_input;
struct mlw_line;
int mlw_ref_open(const char *path, struct mlw_input **in,
    struct mlw_line *first, struct mlw_json *doc);

/* Load path: a saved profile (its first record is {"mlw":"psi_profile",..})
 * or JSON Lines reference records. Bad reference records are rejected as
 * input records are; a bad profile or an unusable field is fatal. */
void mlw_psiref_load(struct mlw_psiref *p, const char *path,
    const struct mlw_psiref_opts *o);
/* A reference per segment (--by, seg.h). Built from reference records,
 * each record goes to its segment's part (the --by paths are not fields
 * then); read from a saved profile, the parts are the profile's. When the
 * reference holds no --by values (every record's are missing, or a saved
 * profile without segments) it is shared: whole serves every segment. */
struct mlw_seg;
struct mlw_psirefs {
	struct mlw_psiref **part; /* by segment number: its part, or NULL */
	size_t npart;
	struct mlw_psiref whole;  /* every record, when has_whole */
	int has_whole;
	int shared;
};
/* Load path into r, numbering its segments in seg; whole: build the
 * whole reference too (--ref-fallback all, saving). */
void mlw_psirefs_load(struct mlw_psirefs *r, struct mlw_seg *seg,
    const char *path, const struct mlw_psiref_opts *o, int whole);
/* The reference of segment id: its part; else the whole one when the
 * reference is shared or with fallback; else NULL. */
struct mlw_psiref *mlw_psirefs_get(struct mlw_psirefs *r, size_t id,
    int fallback);
/* Save: the whole reference's features, then each segment's line
 * {"mlw":"psi_segment","segment":...,"values":[...],"records":N} and its
 * features; the first line says "by". Exits 2 on error. */
void mlw_psirefs_save(const struct mlw_psirefs *r, struct mlw_seg *seg,
    const char *path);
/* The segment of data record doc (line ln), when it has a reference
 * (mlw_psirefs_get with fallback): its number. Else -1, the record
 * rejected: a value that cannot be part of a key, or a segment with no
 * part in the reference (said once per segment, with its key; its later
 * records rejected without a word). */
long mlw_psirefs_route(struct mlw_psirefs *r, struct mlw_seg *seg,
    int fallback, const struct mlw_json *doc, const struct mlw_line *ln);
/* The same for a state record of --merge (its "values"): -1 after
 * mlw_state_reject. */
struct mlw_state_in;
long mlw_psirefs_state_route(struct mlw_psirefs *r, struct mlw_seg *seg,
    int fallback, struct mlw_state_in *st, const struct mlw_json *doc,
    const struct mlw_line *ln);
/* The hash of every segment's reference, in order, for states. */
uint64_t mlw_psirefs_hash(const struct mlw_psirefs *r,
    const struct mlw_seg *seg);
void mlw_psirefs_free(struct mlw_psirefs *r);

/* Write the profile as JSON Lines to path; exits 2 on error. */
void mlw_psiref_save(const struct mlw_psiref *p, const char *path);
void mlw_psiref_free(struct mlw_psiref *p);

/* The value at token i of doc for feature f: 0 with *d (numeric) or with
 * the category text in *cat, *catlen (categorical; valid until the next
 * call), -1 when missing, -2 with why (room for 128 bytes) when the value
 * has the wrong type. */
int mlw_feature_value(const struct mlw_feature *f, const struct mlw_json *doc,
    long i, double *d, const char **cat, size_t *catlen, char *why);

/* Bin of the value at token i of doc for feature f (i < 0 or null: missing).
 * Returns the bin, -1 when missing, or -2 with *why when the value has the
 * wrong type. why must have room for 128 bytes. */
long mlw_feature_bin(const struct mlw_feature *f, const struct mlw_json *doc,
    long i, char *why);

/* Append feature f's bins as members: "categories", its categories, or
 * "edges", its inner edges. */
struct mlw_buf;
void mlw_feature_bins_write(struct mlw_buf *b, const struct mlw_feature *f);
/* Append member key: the shares c[k] / n of nb bins (null when n is 0). */
void mlw_feature_props_write(struct mlw_buf *b, const char *key,
    const uint64_t *c, size_t nb, uint64_t n);

/* Partial states of per-bin counts (--emit-state and --merge; see
 * state.h). The hash of everything that decides how values are counted:
 * each feature's path, kind, edges or categories, and reference counts. */
uint64_t mlw_psiref_hash(const struct mlw_psiref *p);
struct mlw_wkey;
struct mlw_state_in;
struct mlw_line;
struct mlw_buf;
/* Write one state record: with seg, the members naming segment segid
 * (seg.h), then feature f's counts per bin (counts[0..ncounts), zeros
 * beyond) and its missing count. */
void mlw_psiref_state_emit(struct mlw_buf *b, const char *program,
    uint64_t hash, const struct mlw_wkey *key, struct mlw_seg *seg,
    size_t segid, const struct mlw_feature *f, const uint64_t *counts,
    size_t ncounts, uint64_t missing);
/* Read such a record: the feature's index, its nbins counts and then its
 * missing count in counts (room for the largest nbins + 1); or -1, the
 * record rejected. */
long mlw_psiref_state_read(const struct mlw_psiref *p,
    struct mlw_state_in *r, const struct mlw_line *ln,
    const struct mlw_json *doc, uint64_t *counts);

#endif
