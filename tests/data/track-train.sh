#!/bin/sh
# A tiny "training" script for mlw-track's tests and README: prints a line
# of text, then one JSON object per epoch (step, loss, acc) on standard
# output, a note on standard error, and exits with $TRAIN_EXIT (0), or
# kills itself with the signal $TRAIN_SIGNAL when that is set.
# usage: track-train.sh [LR [EPOCHS]]
lr=${1:-0.1}
epochs=${2:-3}
echo "training with lr=$lr"
awk -v lr="$lr" -v n="$epochs" 'BEGIN {
	for (s = 0; s < n; s++) {
		loss = 1 / (1 + 10 * lr * (s + 1))
		printf "{\"step\":%d,\"loss\":%.4g,\"acc\":%.4g}\n", s, loss, 1 - loss / 2
	}
}'
echo "done" >&2
if [ -n "${TRAIN_SIGNAL:-}" ]; then
	kill -s "$TRAIN_SIGNAL" $$
	sleep 5
fi
exit "${TRAIN_EXIT:-0}"
