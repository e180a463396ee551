/* psi: mlw-psi's work per window: each field's counts per bin of its
 * reference (psiref.h), the Population Stability Index against it, and
 * the partial states that merge exactly. */
#ifndef MLW_PSI_H
#define MLW_PSI_H

#include "io.h"
#include "psiref.h"

struct mlw_psi_opts {
	double eps;              /* --eps: an empty bin's proportion */
	int detail;              /* --detail: edges or categories, and the
	                          * reference's and window's proportions */
	int emit;                /* --emit-state: states, not results */
	int merge;               /* --merge: read states */
	int fallback;            /* --ref-fallback all */
};

/* Read every record of in (or, with merge, the states of in) and write,
 * per window (window.h) and field of prof, the record of its PSI against
 * the reference (null, with a message, when the window has no values), or
 * with emit the window's states and the trailer (state.h). A record with a
 * value of the wrong type is rejected. */
void mlw_psi_run(struct mlw_psiref *prof, const struct mlw_psi_opts *o,
    struct mlw_input *in);

/* The same per segment (--by, seg.h): each record counted into its
 * window and segment, and compared with its segment's reference in refs
 * (the whole one when refs is shared, or with o->fallback for a segment
 * the reference lacks; else the record is rejected, said once per
 * segment). A window reports its segments in the order it saw them; each
 * record carries the segment's members (mlw_seg_members). */
struct mlw_seg;
void mlw_psi_run_by(struct mlw_psirefs *refs, struct mlw_seg *seg,
    const struct mlw_psi_opts *o, struct mlw_input *in);

#endif
