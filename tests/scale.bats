#!/usr/bin/env bats
# Scale beyond one machine: a log split into 4 shards, each run through
# `mlw-window | PROG --emit-state` by GNU parallel, merged with
# `PROG --merge`, must give byte for byte what one pass over the whole log
# gives. The expected output is the single pass itself (whose numbers the
# program's own suites check against the NumPy / scikit-learn witnesses).
# Then the errors: incompatible, truncated or foreign states.

load helpers

FIELDS=features.age,features.income,features.tenure,features.country,features.device,score

# shards PROG ARGS...: split log.jsonl in 4 by lines, emit states in
# parallel (GNU parallel, which .ci/run installs; xargs -P 4 when the
# parallel found is not GNU's), merge them; compare with the single pass
shards() {
	rm -f x?? state.*
	split -n l/4 log.jsonl x
	if parallel --version 2>/dev/null | grep -q 'GNU parallel'; then
		parallel --halt now,fail=1 "mlw-window --time ts --size 1h {} | $* --emit-state > state.{}" ::: x??
	else
		# not GNU parallel (moreutils has one of the same name):
		# the same 4 concurrent jobs with xargs -P
		printf '%s\n' x?? | xargs -P 4 -I{} sh -c "mlw-window --time ts --size 1h {} | $* --emit-state > state.{}"
	fi
	"$@" --merge state.x?? > merged.out
	mlw-window --time ts --size 1h log.jsonl | "$@" > single.out
	[ -s single.out ]
	cmp single.out merged.out
}

setup() {
	T=$BATS_TEST_TMPDIR
	cd "$T" || return 1
	gen -n 40000 --drift-at 20000 --labels lab.jsonl > pred.jsonl
	gen -n 5000 --reference --seed 7 > ref.jsonl
	mlw-join --key id --labels lab.jsonl pred.jsonl > log.jsonl 2>/dev/null
}

@test "mlw-psi: 4 shards run in parallel, merged, equal the single pass" {
	shards mlw-psi --ref ref.jsonl --fields $FIELDS
	[ "$(wc -l < merged.out)" -eq 72 ]
}

@test "mlw-psi: merging a saved profile's states with --detail, shards in any order" {
	mlw-psi --ref ref.jsonl --fields $FIELDS --save-ref prof.jsonl
	shards mlw-psi --ref prof.jsonl --fields $FIELDS --detail
	mlw-psi --ref prof.jsonl --fields $FIELDS --detail --merge state.xad state.xab state.xac state.xaa > any.out
	cmp single.out any.out
}

@test "mlw-metrics binary (--auc-bins, --by): shards merge byte for byte" {
	shards mlw-metrics --task binary --label label --score score --auc-bins 100 --by features.country
	grep -q '"log_loss":' merged.out
}

@test "mlw-metrics multiclass: shards merge byte for byte" {
	shards mlw-metrics --task multiclass --label features.country --pred features.device --by features.premium
}

@test "mlw-metrics regression: exact sums merge byte for byte" {
	shards mlw-metrics --task regression --label features.age --pred features.tenure --by features.device
}

@test "a state of another reference is rejected and nothing is written" {
	gen -n 5000 --reference --seed 8 > ref2.jsonl
	mlw-window --time ts --size 1h log.jsonl | mlw-psi --ref ref2.jsonl --fields score --emit-state > other.state
	run --separate-stderr mlw-psi --ref ref.jsonl --fields score --merge other.state
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	[[ "${stderr_lines[0]}" == "mlw-psi: other.state:1: state made with another reference or other options (hash \""*'", this run'"'"'s is "'*'")' ]]
	[ "${stderr_lines[-1]}" = "mlw-psi: 13 state records rejected: the merged results would not be exact; nothing written" ]
}

@test "metrics states made with other options are refused" {
	mlw-window --time ts --size 1h log.jsonl | mlw-metrics --task binary --label label --pred prediction --emit-state > a.state
	run --separate-stderr mlw-metrics --task binary --label label --pred prediction --by features.country --merge a.state
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	[ "${stderr_lines[-1]}" = "mlw-metrics: 13 state records rejected: the merged results would not be exact; nothing written" ]
}

@test "a truncated state file: a cut line is rejected, a missing line is found by the trailer" {
	mlw-window --time ts --size 1h log.jsonl | mlw-psi --ref ref.jsonl --fields score --emit-state > s.state
	head -c 300 s.state > cut.state
	run --separate-stderr mlw-psi --ref ref.jsonl --fields score --merge cut.state
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	[[ "${stderr_lines[0]}" == "mlw-psi: cut.state:2: "* ]]
	head -n 5 s.state > short.state
	tail -n 1 s.state >> short.state
	run --separate-stderr mlw-psi --ref ref.jsonl --fields score --merge short.state
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-psi: read 5 state records but the state_end records announce 12: a state file is truncated or missing; nothing written" ]
	head -n 12 s.state > notrailer.state
	run --separate-stderr mlw-psi --ref ref.jsonl --fields score --merge notrailer.state
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-psi: no state_end record: the states are truncated or not from mlw-psi --emit-state; nothing written" ]
}

@test "a state of another program, or a data record, is rejected with file:line" {
	mlw-window --time ts --size 1h log.jsonl | mlw-metrics --task binary --label label --pred prediction --emit-state > m.state
	run --separate-stderr mlw-psi --ref ref.jsonl --fields score --merge m.state
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = 'mlw-psi: m.state:1: a state of "mlw-metrics", not of mlw-psi' ]
	run --separate-stderr mlw-psi --ref ref.jsonl --fields score --merge log.jsonl
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = 'mlw-psi: log.jsonl:1: not a state record (written by mlw-psi --emit-state)' ]
}

@test "--emit-state with --score needs --auc-bins; --emit-state and --merge exclude each other" {
	run --separate-stderr mlw-metrics --task binary --label label --score score --emit-state log.jsonl
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mlw-metrics: --emit-state with --score needs --auc-bins: the exact ROC and PR AUC need every score and cannot be merged" ]
	run --separate-stderr mlw-psi --ref ref.jsonl --emit-state --merge
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mlw-psi: --emit-state and --merge exclude each other" ]
}

@test "the state records of mlw-psi: bin counts, missing, then the trailer" {
	# counts per bin: tests/data/witness-psi.py's bincounts of cur_x and
	# cur_c (whose proportions tests/mlw-psi.bats pins)
	run --separate-stderr mlw-psi --ref "$DATA/ref.jsonl" --fields f.x,f.c --emit-state "$DATA/cur.jsonl"
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = '{"mlw":"state","program":"mlw-psi","version":1,"hash":"fe9cea2c3e5d1671","feature":"f.x","counts":[0,0,0,0,0,2,1,2,3,4],"missing":0}
{"mlw":"state","program":"mlw-psi","version":1,"hash":"fe9cea2c3e5d1671","feature":"f.c","counts":[2,2,5,3],"missing":0}
{"mlw":"state_end","program":"mlw-psi","version":1,"hash":"fe9cea2c3e5d1671","states":2,"rejected":0}' ]
	printf '%s\n' "$output" > s.state
	run --separate-stderr mlw-psi --ref "$DATA/ref.jsonl" --fields f.x,f.c --merge s.state
	[ "$output" = '{"feature":"f.x","psi":4.08249867239132,"n":12,"missing":0,"ref_n":20}
{"feature":"f.c","psi":2.5588314042566833,"n":12,"missing":0,"ref_n":20}' ]
}

@test "a regression state merged alone gives the single pass (scikit-learn witness values)" {
	mlw-metrics --task regression --label label --pred pred --emit-state "$DATA/metrics-reg.jsonl" > r.state
	run --separate-stderr mlw-metrics --task regression --label label --pred pred --merge r.state
	[ "$status" -eq 0 ]
	[ "$output" = "$(mlw-metrics --task regression --label label --pred pred "$DATA/metrics-reg.jsonl")" ]
}
