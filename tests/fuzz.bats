#!/usr/bin/env bats
# The fuzz corpus (scripts/fuzz/corpus: seeds and every input that once
# crashed) replays through each fuzz target without a crash; under make
# check-asan the replay runs with ASan and UBSan. The targets are the
# parsers (json scalars expr rules, and alerttest: mlw-alert's test files), the readers of the psi reference
# (psiref), of states and of MLflow stores, and every program's main loop (one replay driver per cmd/*.c,
# built by make fuzz-replay; a program without a corpus of its own replays
# corpus/records).

load helpers

FUZZ=${MLW_FUZZ:-$ROOT/build/fuzz}
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0

replay() {
	local t=$1 c=$ROOT/scripts/fuzz/corpus/$1
	[ -d "$c" ] || c=$ROOT/scripts/fuzz/corpus/records
	[ -x "$FUZZ/$t-replay" ] || { echo "build $FUZZ/$t-replay first (make fuzz-replay)"; return 1; }
	run "$FUZZ/$t-replay" "$c"
	[ "$status" -eq 0 ] || { echo "$t: $output" | tail -40; return 1; }
	[[ "$output" == *"$t-replay: "*" inputs replayed" ]] || { echo "$t: $output" | tail -5; return 1; }
}

@test "the fuzz corpus replays cleanly through the parser targets" {
	for t in json scalars expr rules alerttest; do
		replay $t
	done
}

@test "the fuzz corpus replays cleanly through the psi reference, state and MLflow store readers" {
	replay psiref
	replay state
	replay mlflow
}

@test "the fuzz corpus replays cleanly through every program's main loop" {
	local n=0 p
	for p in "$ROOT"/cmd/mlw-*.c; do
		p=${p##*/}
		replay "${p%.c}"
		n=$((n + 1))
	done
	[ "$n" -ge 8 ]
}

@test "a program fuzz target survives exit() and runs again from a clean state" {
	# the same input twice in one process: mlw_fatal (a missing --ref
	# value) and the strict reject both return to the driver
	printf '\003{"f":{"x":"bad"}}\n' > in1
	printf '\000{"f":{"x":1,"c":"a"}}\n' > in2
	run "$FUZZ/mlw-psi-replay" in1 in2 in1 in2
	[ "$status" -eq 0 ]
	[[ "$output" == *"mlw-psi-replay: 4 inputs replayed" ]]
	[ "$(grep -c 'in:1: f.x: expected a number, found a string' <<< "$output")" -eq 2 ]
}
