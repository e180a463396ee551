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

@test "mlw-agg (--by, exact sums, quantiles, distinct, rates, ratios): shards merge byte for byte" {
	printf '%s\n' 'count; sum features.income; mean features.age; std features.age' \
	    'quantile score 0.9; distinct features.device; rate label == 1' \
	    'ratio label prediction; min score; max score' > agg.spec
	shards mlw-agg --by features.country --spec agg.spec
	grep -q '"agg":"quantile".*"exact":true' merged.out
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

# ---- mlw-profile ----
PFIELDS=features.age,features.income,features.tenure,features.country,features.device,features.premium,score,label,id

@test "mlw-profile: 4 shards run in parallel, merged, equal the single pass" {
	shards mlw-profile --fields $PFIELDS
	[ "$(wc -l < merged.out)" -eq 108 ]
	# id has 3600 distinct strings a window: the exact tables merge too
	grep -q '"feature":"id","count":3600,.*"distinct":3600,"distinct_exact":true' merged.out
}

@test "mlw-profile --ref: the reference checks merge, shards in any order" {
	shards mlw-profile --ref ref.jsonl --fields $PFIELDS --top 3
	grep -q '"new_categories":3600,' merged.out
	mlw-profile --ref ref.jsonl --fields $PFIELDS --top 3 --merge state.xac state.xad state.xaa state.xab > any.out
	cmp single.out any.out
	# --top and --quantiles act on the output only: the merge may change them
	mlw-profile --ref ref.jsonl --fields $PFIELDS --top 1 --quantiles 0.5 --merge state.x?? > top1.out
	mlw-window --time ts --size 1h log.jsonl | mlw-profile --ref ref.jsonl --fields $PFIELDS --top 1 --quantiles 0.5 > top1.single
	cmp top1.single top1.out
}

@test "mlw-profile: a saved profile as the reference; the batch (no windows)" {
	mlw-profile --save prof.jsonl ref.jsonl > /dev/null
	rm -f x?? b.*
	split -n l/4 log.jsonl x
	for x in x??; do mlw-profile --ref prof.jsonl --fields $PFIELDS --emit-state $x > b.$x; done
	mlw-profile --ref prof.jsonl --fields $PFIELDS --merge b.x?? > merged.out
	mlw-profile --ref prof.jsonl --fields $PFIELDS log.jsonl > single.out
	cmp single.out merged.out
	[ "$(wc -l < merged.out)" -eq 9 ]
}

@test "mlw-profile: 100,000 values, the exact limit, in long states continued over several lines" {
	# 25000 numbers and distinct strings of 19 characters a shard: more
	# than the 512 KiB a state line holds before it is continued
	awk 'BEGIN { srand(5); for (i = 0; i < 100000; i++) printf "{\"u\":%.17g,\"w\":\"%d:%.17g\"}\n", rand(), i, rand() }' > u.jsonl
	rm -f x?? u.x??
	split -n l/4 u.jsonl x
	for x in x??; do mlw-profile --fields u,w --emit-state $x > u.$x; done
	[ "$(grep -c "\"feature\":\"w\"" u.xaa)" -ge 2 ]
	mlw-profile --fields u,w --merge u.x?? > merged.out
	mlw-profile --fields u,w u.jsonl > single.out
	cmp single.out merged.out
	grep -q '"quantiles_exact":true' merged.out
	grep -q '"distinct":100000,"distinct_exact":true' merged.out
}

@test "mlw-profile: beyond the exact sizes, merged sketches stay within their bounds" {
	# 480000 records in 4 shards of 120000: x has more than 100000
	# numbers in each shard (KLL there), s more than 100000 distinct
	# strings (HyperLogLog and SpaceSaving there)
	# y (in 4 records of 5) has fewer than 100000 numbers in each shard,
	# more in all: the merge itself moves them to a sketch
	awk 'BEGIN { srand(3); for (i = 0; i < 480000; i++) printf "{\"x\":%.6f,\"s\":\"v%d\"%s}\n", rand() * rand() * 1000 - 100, int(rand() ^ 3 * 1000000), i % 5 ? ",\"y\":" i % 1000 : "" }' > big.jsonl
	rm -f x?? big.x??
	split -n l/4 big.jsonl x
	for x in x??; do mlw-profile --fields x,s,y --emit-state $x > big.$x; done
	mlw-profile --fields x,s,y --merge big.x?? > merged.out
	mlw-profile --fields x,s,y big.jsonl > single.out
	# exact sums, extremes, counts and HyperLogLog registers merge exactly:
	# everything but the quantiles, their error and the top counts is the
	# single pass's, byte for byte
	strip() { sed -e 's/"p[0-9_]*":[^,]*,//g' -e 's/"quantile_rank_error":[^,]*,//' -e 's/"top":\[[^]]*\]//' "$1"; }
	[ "$(strip single.out)" = "$(strip merged.out)" ]
	grep -q '"quantiles_exact":false' merged.out
	grep -q '"distinct_exact":false,"top":\[{' merged.out
	# each merged quantile's true rank is within quantile_rank_error * n of
	# q n (the KLL bound, at 99% each)
	x=$(grep '"feature":"x"' merged.out)
	eps=$(printf '%s\n' "$x" | sed 's/.*"quantile_rank_error":\([^,]*\),.*/\1/')
	for q in 01:0.01 05:0.05 25:0.25 50:0.5 75:0.75 95:0.95 99:0.99; do
		v=$(printf '%s\n' "$x" | sed "s/.*\"p${q%%:*}\":\([^,]*\),.*/\1/")
		awk -v v="$v" -v q="${q#*:}" -v eps="$eps" -F'[:,]' '
			{ x = $2 + 0; lo += x < v + 0; hi += x <= v + 0; n++ }
			END { if (!(lo - eps * n <= q * n && q * n <= hi + eps * n)) {
				printf "p%s=%s: rank %d..%d, want %g +- %g\n", q, v, lo, hi, q * n, eps * n; exit 1 } }' big.jsonl
	done
	# each merged top count is within 2 N / 1000 of the true count
	# (N = 480000 strings: 960)
	grep '"feature":"s"' merged.out | grep -o '{"value":"[^"]*","count":[0-9]*}' |
	    sed 's/{"value":"\(.*\)","count":\(.*\)}/\1 \2/' > top.txt
	[ "$(wc -l < top.txt)" -eq 5 ]
	sed 's/.*"s":"\([^"]*\)".*/\1/' big.jsonl | sort | uniq -c > true.txt
	awk 'NR == FNR { t[$2] = $1; next } { d = $2 - t[$1]; if (d < 0) d = -d; if (d > 960) { print $1, $2, t[$1]; bad = 1 } } END { exit bad }' true.txt top.txt
}

@test "mlw-profile --merge: a state of another program, or of another reference, is rejected" {
	mlw-window --time ts --size 1h log.jsonl | mlw-psi --ref ref.jsonl --fields score --emit-state > p.state
	run --separate-stderr mlw-profile --fields score --merge p.state
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	[ "${stderr_lines[0]}" = 'mlw-profile: p.state:1: a state of "mlw-psi", not of mlw-profile' ]
	[ "${stderr_lines[-1]}" = "mlw-profile: 13 state records rejected: the merged results would not be exact; nothing written" ]
	gen -n 5000 --reference --seed 8 > ref2.jsonl
	mlw-window --time ts --size 1h log.jsonl | mlw-profile --ref ref2.jsonl --fields score --emit-state > r2.state
	run --separate-stderr mlw-profile --ref ref.jsonl --fields score --merge r2.state
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	[[ "${stderr_lines[0]}" == "mlw-profile: r2.state:1: state made with another reference or other options (hash \""*'", this run'"'"'s is "'*'")' ]]
	# without --ref, or with other --fields, the hash differs too
	run --separate-stderr mlw-profile --fields score --merge r2.state
	[ "$status" -eq 2 ]
	run --separate-stderr mlw-profile --ref ref2.jsonl --fields score,label --merge r2.state
	[ "$status" -eq 2 ]
}

@test "mlw-profile --merge: a truncated state file is refused" {
	mlw-window --time ts --size 1h log.jsonl | mlw-profile --fields score,id --emit-state > s.state
	head -c 3000 s.state > cut.state
	run --separate-stderr mlw-profile --fields score,id --merge cut.state
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	[[ "${stderr_lines[0]}" == "mlw-profile: cut.state:1: "* ]]
	head -n 5 s.state > short.state
	tail -n 1 s.state >> short.state
	run --separate-stderr mlw-profile --fields score,id --merge short.state
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-profile: read 5 state records but the state_end records announce 24: a state file is truncated or missing; nothing written" ]
	head -n 24 s.state > notrailer.state
	run --separate-stderr mlw-profile --fields score,id --merge notrailer.state
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-profile: no state_end record: the states are truncated or not from mlw-profile --emit-state; nothing written" ]
}

@test "mlw-profile: --emit-state and --merge need --fields, exclude each other and --save" {
	run --separate-stderr mlw-profile --emit-state log.jsonl
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mlw-profile: --emit-state needs --fields: without it the fields and their order depend on where each first appears in the whole input, which no shard knows" ]
	run --separate-stderr mlw-profile --fields score --emit-state --merge
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mlw-profile: --emit-state and --merge exclude each other" ]
	run --separate-stderr mlw-profile --fields score --emit-state --save p.prof log.jsonl
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mlw-profile: --save profiles one batch; it cannot be split into states (--emit-state, --merge)" ]
}

@test "mlw-profile: the state records, merged alone, give the single pass (NumPy witness values)" {
	mlw-profile --fields x,c --emit-state "$DATA/profile-cur.jsonl" > one.state
	run --separate-stderr mlw-profile --fields x,c --merge one.state
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = "$(mlw-profile --fields x,c "$DATA/profile-cur.jsonl")" ]
}

@test "regression: a count above 2^53 or a self-contradicting profile state is refused, never wrapped" {
	# a count of 2^64-1 was accepted and wrapped around when added
	mlw-psi --ref "$DATA/ref.jsonl" --emit-state "$DATA/ref.jsonl" > a.state
	sed 's/"counts":\[[0-9]*,/"counts":[18446744073709551615,/' a.state > huge.state
	run --separate-stderr mlw-psi --ref "$DATA/ref.jsonl" --merge huge.state a.state
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	[[ "${stderr_lines[0]}" == "mlw-psi: huge.state:1: f.x: expected counts"* ]]
	# mlw-profile: 3 kept values for 2 numbers
	printf '{"x":0}\n{"x":5}\n' > in.jsonl
	mlw-profile --fields x --emit-state in.jsonl > p.state
	sed 's/"values":\[0,5\]/"values":[0,5,1e9]/' p.state > bad.state
	run --separate-stderr mlw-profile --fields x --merge p.state bad.state
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mlw-profile: bad.state:1: x: values: expected as many as types counts numbers" ]
	sed 's/"types":\[2,/"types":[3,/' p.state > bad.state
	run --separate-stderr mlw-profile --fields x --merge p.state bad.state
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mlw-profile: bad.state:1: x: n is more than records, or types do not add up to n" ]
}
