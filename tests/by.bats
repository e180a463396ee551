#!/usr/bin/env bats
# --by across the per-window programs, against an independent witness: the
# fixtures tests/data/by-ref.jsonl and by-cur.jsonl (four models: two
# strings, a number and a missing value; two hourly windows) and the numbers
# in tests/data/by-expect.tsv were written by tests/data/witness-by.py, a
# pandas 1.5 groupby over the segments with NumPy 1.24 and SciPy 1.10 (run
# by hand, never by the tests). tests/by-witness.awk checks that every
# witness number is in the program's output, for its window, segment and
# field, to a relative 1e-12.

load helpers

witness() {
	awk -v prog="$1" -f "$ROOT/tests/by-witness.awk" \
	    "$DATA/by-expect.tsv" out.jsonl
}

setup_file() {
	mlw-window --time ts --size 1h "$BATS_TEST_DIRNAME/data/by-cur.jsonl" \
	    > "$BATS_FILE_TMPDIR/w.jsonl"
}

@test "mlw-profile --by: count, missing, mean, std, min, max and quantiles per model equal the pandas groupby" {
	mlw-profile --by model --fields x --quantiles 0.05,0.5,0.95 \
	    "$BATS_FILE_TMPDIR/w.jsonl" > out.jsonl
	[ "$(wc -l < out.jsonl)" -eq 8 ]
	run witness mlw-profile
	[ "$status" -eq 0 ] || { echo "$output"; false; }
}

@test "mlw-psi --by: each model's PSI against its own reference deciles equals the witness" {
	mlw-psi --ref "$DATA/by-ref.jsonl" --by model --fields x,c \
	    "$BATS_FILE_TMPDIR/w.jsonl" > out.jsonl
	[ "$(wc -l < out.jsonl)" -eq 16 ]
	run witness mlw-psi
	[ "$status" -eq 0 ] || { echo "$output"; false; }
}

@test "mlw-drift --by: each model's KS and chi-square against its own reference equal SciPy" {
	mlw-drift --ref "$DATA/by-ref.jsonl" --by model --fields x,c \
	    --method-for x=ks --method-for c=chisquare \
	    "$BATS_FILE_TMPDIR/w.jsonl" > out.jsonl
	# two fields and one verdict per window and model
	[ "$(wc -l < out.jsonl)" -eq 24 ]
	run witness mlw-drift
	[ "$status" -eq 0 ] || { echo "$output"; false; }
}

@test "mlw-bias --by: each model's group rates and parity difference equal the witness" {
	mlw-bias --group g --label y --pred p --by model \
	    "$BATS_FILE_TMPDIR/w.jsonl" > out.jsonl
	[ "$(wc -l < out.jsonl)" -eq 24 ]
	run witness mlw-bias
	[ "$status" -eq 0 ] || { echo "$output"; false; }
}

@test "the witness check fails on a number off by one part in 10^11 and on a missing record" {
	mlw-psi --ref "$DATA/by-ref.jsonl" --by model --fields x,c \
	    "$BATS_FILE_TMPDIR/w.jsonl" > all.jsonl
	awk 'NR == 5 { sub(/"psi":[^,]*/, "\"psi\":" sprintf("%.17g", \
	    substr($0, index($0, "\"psi\":") + 6) * (1 + 1e-11))) } 1' \
	    all.jsonl > out.jsonl
	run witness mlw-psi
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	sed 3d all.jsonl > out.jsonl
	run witness mlw-psi
	[ "$status" -eq 1 ]
	[[ "$output" == "mlw-psi: no psi for window "* ]]
}
