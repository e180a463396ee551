/* out: standard output, fully buffered, every write checked, and the end
 * of a program (mlw(7), ERRORS AND EXIT STATUS and BUFFERING). */
#ifndef MLW_OUT_H
#define MLW_OUT_H

#include <stddef.h>

/* Standard output: fully buffered; every write error is fatal (exit 2) and a
 * closed pipe ends the program quietly. */
void mlw_out_write(const void *p, size_t len);
/* Flush standard output now (call when a window closes). */
void mlw_out_flush(void);
/* Flush and close standard output, exiting 2 on a write error. */
void mlw_out_close(void);

/* Give standard output its buffer, once; every mlw_out_* call does, and
 * mlw_input_new does, so that it is set before anything is written. */
void mlw_out_setup(void);

/* Flush and close standard output (exit 2 on a write error), then end the
 * diagnostics (mlw_diag_finish): the exit status the program should end
 * with. The last call of every main. */
int mlw_finish(void);

/* For fuzz targets only (scripts/fuzz), which run a program's main many
 * times in one process: forget the setup of standard output, so that the
 * next mlw_out_* call sets its buffer up again. Returns 1 when
 * mlw_out_close() has closed stdout since the last reset (the caller must
 * then give the process a new stdout before the next run), else 0. */
int mlw_out_reset(void);

#endif
