# Shared setup for the bats suites: programs from $MLW_BIN (default bin/),
# the generator from $MLW_GEN, C locale and UTC, a fresh directory per test.
bats_require_minimum_version 1.5.0
export LC_ALL=C TZ=UTC
ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
export PATH="${MLW_BIN:-$ROOT/bin}:$PATH"
GEN=${MLW_GEN:-$ROOT/build/mlw-gen}
DATA=$BATS_TEST_DIRNAME/data

setup() {
	T=$BATS_TEST_TMPDIR
	cd "$T" || return 1
}

# gen ARGS...: the deterministic generator
gen() {
	"$GEN" "$@"
}
