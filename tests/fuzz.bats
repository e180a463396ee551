#!/usr/bin/env bats
# The fuzz corpus (scripts/fuzz/corpus: seeds and every input that once
# crashed) replays through each fuzz target without a crash; under make
# check-asan the replay runs with ASan and UBSan.

load helpers

FUZZ=${MLW_FUZZ:-$ROOT/build/fuzz}

@test "the fuzz corpus replays cleanly through every target" {
	for t in json scalars expr rules; do
		[ -x "$FUZZ/$t-replay" ] || { echo "build $FUZZ/$t-replay first (make fuzz-replay)"; false; }
		run "$FUZZ/$t-replay" "$ROOT/scripts/fuzz/corpus/$t"
		[ "$status" -eq 0 ] || { echo "$output"; false; }
		[[ "$output" == *"inputs replayed" ]]
	done
}
