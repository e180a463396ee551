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
};

/* Read every record of in (or, with merge, the states of in) and write,
 * per window (window.h) and field of prof, the record of its PSI against
 * the reference (null, with a message, when the window has no values), or
 * with emit the window's states and the trailer (state.h). A record with a
 * value of the wrong type is rejected. */
void mlw_psi_run(struct mlw_psiref *prof, const struct mlw_psi_opts *o,
    struct mlw_input *in);

#endif
