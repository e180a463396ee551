/* track_mlflow: reading an MLflow file store (the mlruns/ directory that
 * MLflow's FileStore writes) into the runs of track_store.h, for mlw-runs. */
#ifndef MLW_TRACK_MLFLOW_H
#define MLW_TRACK_MLFLOW_H

#include "track_store.h"

/* Read an MLflow file store (mlruns/: EXP/meta.yaml, EXP/RUN/meta.yaml,
 * EXP/RUN/{params,tags,metrics}/KEY) into rs. Deleted experiments and runs
 * (lifecycle_stage: deleted, .trash) are left out. Runs are in order of
 * start time, then id. Problems are reported and the item skipped.
 * 0, or -1 when dir cannot be read. */
int mlw_mlflow_read(struct mlw_runs *rs, const char *dir);

#endif
