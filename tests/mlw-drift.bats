#!/usr/bin/env bats
# mlw-drift: the drift battery per window and field, the dataset verdict,
# method choice, thresholds and bad input.
# Expected statistics and p-values come from tests/data/witness-drift.py
# (Evidently's formulas with SciPy 1.10.1 / NumPy 1.24.2, run by hand; its
# output is tests/data/drift-witness.jsonl) on the fixtures made by
# tests/data/make-drift-fixtures.sh: windows of 300, 300 drifted, 1, 2
# records, the reference itself, and one with a new category and missing
# ages. tests/close.awk compares to a relative 1e-9 (statistics) and 1e-6
# (p-values).

load helpers

NUM=features.age,features.income,features.tenure,score
CAT=features.country,features.device,features.premium

# witness METHOD FIELDS: mlw-drift's field records agree with the witness
witness() {
	grep "\"method\": \"$1\"" "$DATA/drift-witness.jsonl" > want.jsonl
	[ -s want.jsonl ]
	mlw-drift --ref "$DATA/drift-ref.jsonl" --method "$1" --fields "$2" \
	    "$DATA/drift-cur.jsonl" 2>stderr.txt | grep '"feature"' > got.jsonl
	awk -v stat_tol=1e-9 -v p_tol=1e-6 -f "$ROOT/tests/close.awk" \
	    want.jsonl got.jsonl
}

@test "ks equals scipy.stats.ks_2samp (ties, n = 1 and 2, identical samples)" {
	witness ks "$NUM"
}

@test "wasserstein equals scipy's distance over the reference's std" {
	witness wasserstein "$NUM"
}

@test "energy equals scipy.stats.energy_distance" {
	witness energy "$NUM"
}

@test "mannwhitney equals scipy.stats.mannwhitneyu(alternative='less')" {
	witness mannwhitney "$NUM"
}

@test "ttest equals scipy.stats.ttest_ind" {
	witness ttest "$NUM"
}

@test "anderson equals scipy.stats.anderson_ksamp with its p-value caps" {
	witness anderson "$NUM"
}

@test "cramer_von_mises equals scipy.stats.cramervonmises_2samp; null below 2 values" {
	witness cramer_von_mises "$NUM"
	grep -q '"window_start":"2026-11-01T02:00:00Z".*"statistic":null' got.jsonl
}

@test "psi, kl and jensenshannon equal Evidently's binning and formulas" {
	for m in psi kl jensenshannon; do
		witness $m "$NUM,$CAT,label"
	done
}

@test "hellinger equals Evidently's (density histograms, Bhattacharyya)" {
	witness hellinger "$NUM,$CAT,label"
}

@test "tvd and chisquare equal the witness; a new category is drift" {
	witness tvd "features.tenure,label,$CAT"
	witness chisquare "features.tenure,label,$CAT"
	# the 05:00 window has country ZZ, which the reference never had
	grep -q '"window_start":"2026-11-01T05:00:00Z".*"feature":"features.country","method":"chisquare","statistic":null,"p_value":0,"threshold":0.05,"drift":true' got.jsonl
}

@test "z and fisher_exact equal the witness; more than 2 values is null" {
	witness z "label,features.premium,features.country"
	witness fisher_exact "label,features.premium,features.country"
	grep -q '"feature":"features.country","method":"fisher_exact","statistic":null' got.jsonl
	grep -q 'fisher_exact: needs at most 2 distinct values; statistic is null' stderr.txt
}

@test "one window's records: fields, then the dataset verdict" {
	grep '"window_start":"2026-11-01T00:' "$DATA/drift-cur.jsonl" > w0.jsonl
	run --separate-stderr mlw-drift --ref "$DATA/drift-ref.jsonl" --fields features.age,features.country,features.premium --method-for features.age=psi --method-for features.country=jensenshannon w0.jsonl
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "${#lines[@]}" -eq 4 ]
	[ "${lines[0]}" = '{"window_start":"2026-11-01T00:00:00Z","window_end":"2026-11-01T01:00:00Z","feature":"features.age","method":"psi","statistic":0.015182951378933105,"p_value":null,"threshold":0.1,"drift":false,"n":300,"missing":0,"ref_n":400}' ]
	[[ "${lines[1]}" == *'"feature":"features.country","method":"jensenshannon","statistic":0.0'*',"p_value":null,"threshold":0.1,"drift":false,"n":300,"missing":0,"ref_n":400}' ]]
	[[ "${lines[2]}" == *'"feature":"features.premium","method":"z",'*'"threshold":0.05,"drift":false,"n":300,"missing":0,"ref_n":400}' ]]
	[ "${lines[3]}" = '{"window_start":"2026-11-01T00:00:00Z","window_end":"2026-11-01T01:00:00Z","drifted":0,"features":3,"share":0,"dataset_drift":false}' ]
}

@test "--method auto picks as Evidently: small reference" {
	grep '"window_start":"2026-11-01T00:' "$DATA/drift-cur.jsonl" > w0.jsonl
	run --separate-stderr sh -c "mlw-drift --ref '$DATA/drift-ref.jsonl' --fields features.age,features.premium,features.country,label w0.jsonl | grep -o '\"method\":\"[a-z_]*\"' | tr '\n' ' '"
	[ "$output" = '"method":"ks" "method":"z" "method":"chisquare" "method":"z" ' ]
}

@test "--method auto picks as Evidently: reference above 1000 values" {
	gen --reference -n 1200 > big.jsonl
	grep '"window_start":"2026-11-01T00:' "$DATA/drift-cur.jsonl" > w0.jsonl
	run --separate-stderr sh -c "mlw-drift --ref big.jsonl --fields features.age,features.premium,features.country,label w0.jsonl | grep -o '\"method\":\"[a-z_]*\"' | tr '\n' ' '"
	[ "$output" = '"method":"wasserstein" "method":"jensenshannon" "method":"jensenshannon" "method":"jensenshannon" ' ]
}

@test "mlw-window | mlw-drift flags the drifted features after the change, none before" {
	gen --reference -n 5000 > ref.jsonl
	gen -n 14400 --interval 1s --drift-at 7200 > log.jsonl
	mlw-window --time ts --size 1h log.jsonl | mlw-drift --ref ref.jsonl > out.jsonl
	# before the change (00:00, 01:00): nothing drifts
	run sh -c "grep -E 'T0[01]:00:00Z\",\"window_end.*\"drift\":true' out.jsonl"
	[ "$output" = "" ]
	run sh -c "grep -c '\"dataset_drift\":false' out.jsonl"
	[ "$output" = 2 ]
	# after it: the features the generator moves, not premium or label
	for w in 02 03; do
		run sh -c "grep 'T$w:00:00Z\",\"window_end.*\"drift\":true' out.jsonl | grep -o '\"feature\":\"[a-z.]*\"' | tr '\n' ' '"
		[ "$output" = '"feature":"features.age" "feature":"features.tenure" "feature":"features.country" "feature":"features.device" "feature":"score" ' ]
	done
	run sh -c "grep -c '\"dataset_drift\":true' out.jsonl"
	[ "$output" = 2 ]
}

@test "a field with no values in a window is null with a message; the others go on" {
	printf '%s\n' '{"x":1,"c":"a"}' '{"x":2,"c":"b"}' '{"x":3,"c":"a"}' > ref.jsonl
	printf '%s\n' '{"x":null,"c":"a"}' '{"c":"b"}' > cur.jsonl
	# NumPy: r, c = [2, 1], [1, 1]; 0.5 * np.sum(np.abs(r/r.sum() - c/c.sum()))
	# = 0.16666666666666666 (tvd of c)
	run --separate-stderr mlw-drift --ref ref.jsonl --method-for x=psi --method-for c=tvd cur.jsonl
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = '{"feature":"x","method":"psi","statistic":null,"p_value":null,"threshold":0.1,"drift":null,"n":0,"missing":2,"ref_n":3}' ]
	[ "${lines[1]}" = '{"feature":"c","method":"tvd","statistic":0.16666666666666666,"p_value":null,"threshold":0.1,"drift":true,"n":2,"missing":0,"ref_n":3}' ]
	[ "${lines[2]}" = '{"drifted":1,"features":1,"share":1,"dataset_drift":true}' ]
	[ "$stderr" = "mlw-drift: batch: x: psi: no values; statistic is null" ]
}

@test "--threshold and --drift-share move the verdicts" {
	printf '%s\n' '{"x":1,"c":"a"}' '{"x":2,"c":"b"}' '{"x":3,"c":"a"}' > ref.jsonl
	printf '%s\n' '{"x":1,"c":"a"}' '{"x":3,"c":"b"}' > cur.jsonl
	# NumPy, as above: x over the values 1, 2, 3: r = [1, 1, 1], c = [1, 0, 1]
	# gives 0.33333333333333337; c: r = [2, 1], c = [1, 1] gives
	# 0.16666666666666666
	run --separate-stderr mlw-drift --ref ref.jsonl --method tvd --threshold 0.2 cur.jsonl
	[ "${lines[0]}" = '{"feature":"x","method":"tvd","statistic":0.33333333333333337,"p_value":null,"threshold":0.2,"drift":true,"n":2,"missing":0,"ref_n":3}' ]
	[ "${lines[1]}" = '{"feature":"c","method":"tvd","statistic":0.16666666666666666,"p_value":null,"threshold":0.2,"drift":false,"n":2,"missing":0,"ref_n":3}' ]
	[ "${lines[2]}" = '{"drifted":1,"features":2,"share":0.5,"dataset_drift":true}' ]
	run --separate-stderr mlw-drift --ref ref.jsonl --method tvd --threshold 0.2 --drift-share 0.6 cur.jsonl
	[ "${lines[2]}" = '{"drifted":1,"features":2,"share":0.5,"dataset_drift":false}' ]
}

@test "--js-base 2 divides the divergence by ln 2: at most 1" {
	printf '%s\n' '{"c":"a"}' '{"c":"a"}' > ref.jsonl
	printf '%s\n' '{"c":"b"}' > cur.jsonl
	# disjoint samples: sqrt((ln 2 + ln 2) / 2) = math.sqrt(math.log(2)) =
	# 0.8325546111576977 in Python; in base 2, exactly 1
	run --separate-stderr mlw-drift --ref ref.jsonl --method jensenshannon cur.jsonl
	[[ "${lines[0]}" == *'"statistic":0.8325546111576977,'* ]]
	run --separate-stderr mlw-drift --ref ref.jsonl --method jensenshannon --js-base 2 cur.jsonl
	[[ "${lines[0]}" == *'"statistic":1,'* ]]
}

@test "--auto-threshold: mean + 3 sd of the reference's chunks (NannyML)" {
	# witness: tests/data/witness-drift.py auto (the same chunks in NumPy)
	gen --reference -n 2000 --seed 5 > ref.jsonl
	gen -n 200 --seed 6 > cur.jsonl
	run --separate-stderr mlw-drift --ref ref.jsonl --fields features.age,features.country --method psi --auto-threshold cur.jsonl
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *'"feature":"features.age","method":"psi","statistic":'*',"threshold":0.12237341989575035,'* ]]
	[[ "${lines[1]}" == *'"feature":"features.country","method":"psi","statistic":'*',"threshold":0.049964519621580855,'* ]]
}

@test "--auto-threshold falls back to the default when the reference is too short" {
	run --separate-stderr mlw-drift --ref "$DATA/drift-ref.jsonl" --fields features.age --method psi --auto-threshold "$DATA/drift-cur.jsonl"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *'"threshold":0.1,'* ]]
	[[ "$stderr" == *"mlw-drift: window \"2026-11-01T00:00:00Z\": features.age: the reference has fewer than 2 chunks of 300 values; default threshold used"* ]]
}

@test "--binning quantile: counts only; saved mlw-psi and mlw-profile profiles give the same" {
	mlw-psi --ref "$DATA/drift-ref.jsonl" --fields features.age,features.country --save-ref prof.jsonl
	mlw-drift --ref "$DATA/drift-ref.jsonl" --fields features.age,features.country --binning quantile "$DATA/drift-cur.jsonl" > a.jsonl
	mlw-drift --ref prof.jsonl --binning quantile "$DATA/drift-cur.jsonl" > b.jsonl
	cmp a.jsonl b.jsonl
	[ "$(grep -c '"method":"psi"' a.jsonl)" -eq 12 ]
	# and so does a profile saved by mlw-profile
	mlw-profile --fields features.age,features.country --save mp.prof "$DATA/drift-ref.jsonl" > /dev/null
	mlw-drift --ref mp.prof --binning quantile "$DATA/drift-cur.jsonl" > c.jsonl
	cmp a.jsonl c.jsonl
	run --separate-stderr mlw-drift --ref prof.jsonl "$DATA/drift-cur.jsonl"
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-drift: prof.jsonl is a saved profile: it has bins, not values; use --binning quantile with psi, kl or jensenshannon" ]
	run --separate-stderr mlw-drift --ref "$DATA/drift-ref.jsonl" --binning quantile --method ks "$DATA/drift-cur.jsonl"
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-drift: features.age: --binning quantile works with psi, kl and jensenshannon only, not ks" ]
	# p-values and distances are never negative: such a threshold made
	# every window drift (a bug)
	run --separate-stderr mlw-drift --ref "$DATA/drift-ref.jsonl" --threshold -1 "$DATA/drift-cur.jsonl"
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-drift: --threshold: expected a number from 0, found '-1'" ]
}

@test "a numeric method for a categorical field is a usage error naming both" {
	run --separate-stderr mlw-drift --ref "$DATA/drift-ref.jsonl" --method ks "$DATA/drift-cur.jsonl"
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-drift: features.country is categorical, and ks needs numbers (choose another method with --method-for features.country=NAME)" ]
	run --separate-stderr mlw-drift --ref "$DATA/drift-ref.jsonl" --method-for nope=ks "$DATA/drift-cur.jsonl"
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-drift: --method-for: nope is not a field of the reference" ]
	run --separate-stderr mlw-drift --ref "$DATA/drift-ref.jsonl" --method nope "$DATA/drift-cur.jsonl"
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "" ]
	[[ "$stderr" == "mlw-drift: --method: unknown method 'nope' (see mlw-drift(1))"* ]]
}

@test "Evidently's method names are accepted" {
	printf '%s\n' '{"x":1}' '{"x":2}' '{"x":3}' > ref.jsonl
	for m in kl_div TVD ed mannw t_test; do
		run --separate-stderr mlw-drift --ref ref.jsonl --method $m ref.jsonl
		[ "$status" -eq 0 ]
	done
}

@test "a value of the wrong type rejects the record with file and line" {
	printf '%s\n' '{"x":1,"c":"a"}' '{"x":2,"c":"b"}' > ref.jsonl
	printf '%s\n' '{"x":1,"c":"a"}' '{"x":"two","c":"b"}' '{"x":3,"c":{}}' > cur.jsonl
	# tvd of x over 1, 2: r = [1, 1], c = [1, 0]: 0.5 in NumPy, as by hand
	run --separate-stderr mlw-drift --ref ref.jsonl --method tvd --rejects rej.jsonl cur.jsonl
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = '{"feature":"x","method":"tvd","statistic":0.5,"p_value":null,"threshold":0.1,"drift":true,"n":1,"missing":0,"ref_n":2}' ]
	[ "$stderr" = "mlw-drift: cur.jsonl:2: x: expected a number, found a string
mlw-drift: cur.jsonl:3: c: expected a category (string or boolean), found an object
mlw-drift: 2 records rejected" ]
	[ "$(cat rej.jsonl)" = '{"x":"two","c":"b"}
{"x":3,"c":{}}' ]
}

@test "more than 100000 categories: the record is rejected, not an OOM" {
	printf '%s\n' '{"c":"a"}' > ref.jsonl
	awk 'BEGIN { for (i = 0; i < 100001; i++) printf "{\"c\":\"v%d\"}\n", i }' > cur.jsonl
	run --separate-stderr mlw-drift --ref ref.jsonl --method tvd cur.jsonl
	[ "$status" -eq 1 ]
	# NumPy: r = [1] + [0]*99999, c = [0] + [1]*99999,
	# 0.5 * np.sum(np.abs(r/r.sum() - c/c.sum())) = 1.0000000000000002
	[[ "$stderr" == "mlw-drift: cur.jsonl:100000: c: more than 100000 distinct categories"* ]]
	[ "${lines[0]}" = '{"feature":"c","method":"tvd","statistic":1.0000000000000002,"p_value":null,"threshold":0.1,"drift":true,"n":99999,"missing":0,"ref_n":1}' ]
}

@test "each window is reported when its close record arrives" {
	mkfifo in.fifo
	gen --reference -n 50 > ref.jsonl
	( gen -n 20 --interval 1m | mlw-window --time ts --size 10m; sleep 30 ) > in.fifo &
	writer=$!
	# the writer holds the FIFO open for 30 s: what mlw-drift wrote within
	# 5 s was written before its input ended
	timeout 5 mlw-drift --ref ref.jsonl --fields features.age --method psi < in.fifo > out.txt || true
	kill $writer 2>/dev/null || true
	[ "$(grep -c '"feature":"features.age"' out.txt)" -eq 2 ]
	grep -q '"dataset_drift"' out.txt
}

@test "empty input: no output; a directory as input is an error" {
	printf '%s\n' '{"x":1}' > ref.jsonl
	run --separate-stderr mlw-drift --ref ref.jsonl /dev/null
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	run --separate-stderr mlw-drift --ref ref.jsonl "$T"
	[ "$status" -eq 2 ]
}

@test "--emit-state on 4 shards, --merge: byte for byte the single pass" {
	gen --reference -n 3000 > ref.jsonl
	gen -n 40000 --interval 1s --drift-at 20000 > log.jsonl
	split -n l/4 log.jsonl shard.
	opts="--ref ref.jsonl --binning quantile --fields features.age,features.country,score --method-for score=jensenshannon"
	for f in shard.a?; do
		mlw-window --time ts --size 1h $f | mlw-drift $opts --emit-state > $f.state
	done
	mlw-drift $opts --merge shard.a?.state > merged.jsonl
	mlw-window --time ts --size 1h log.jsonl | mlw-drift $opts > single.jsonl
	cmp merged.jsonl single.jsonl
	[ "$(grep -c dataset_drift single.jsonl)" -eq 12 ]
	# a state of another reference, and a missing shard, are refused
	gen --reference -n 100 > other.jsonl
	run --separate-stderr mlw-drift --ref other.jsonl --binning quantile --fields features.age,features.country,score --merge shard.a?.state
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	head -n 3 shard.ab.state > cut.state
	run --separate-stderr mlw-drift $opts --merge shard.aa.state cut.state
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	run --separate-stderr mlw-drift --ref ref.jsonl --emit-state log.jsonl
	[ "$status" -eq 2 ]
	[[ "$stderr" == "mlw-drift: --emit-state and --merge need --binning quantile (the Sturges bins depend on every value of a window)"* ]]
}

@test "regression: values spanning more than the largest number are a null statistic, not 'out of memory'" {
	# numpy fails on these (the Sturges bin count is NaN); mlw-drift cast
	# the NaN to size_t and asked for 2^63 edges
	printf '{"x":-1e308}\n{"x":1e308}\n{"x":3}\n' > r.jsonl
	printf '{"x":1}\n{"x":2}\n' > c.jsonl
	run --separate-stderr mlw-drift --ref r.jsonl --method hellinger c.jsonl
	[ "$status" -eq 0 ]
	[ "$stderr" = "mlw-drift: batch: x: hellinger: the values span more than the largest number, so they cannot be binned; statistic is null" ]
	[ "${lines[0]}" = '{"feature":"x","method":"hellinger","statistic":null,"p_value":null,"threshold":0.1,"drift":null,"n":2,"missing":0,"ref_n":3}' ]
	# the tests that do not bin still run
	run --separate-stderr mlw-drift --ref r.jsonl --method ks c.jsonl
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[[ "${lines[0]}" == *'"statistic":0.6666666666666666,"p_value":0.6,'* ]]
}

@test "a test whose statistic is infinite decides by its finite p-value (Evidently, SciPy)" {
	# scipy.stats.fisher_exact([[0,6],[6,0]]) = (0.0 or inf, 0.0021645021645021645)
	# and Evidently's fisher_exact_stattest returns p < 0.1: drift;
	# scipy.stats.ttest_ind([1]*6, [2]*6) = (-inf, 0.0), Evidently p < 0.05
	for i in 1 2 3 4 5 6; do echo '{"c":"a","x":1}'; done > ref.jsonl
	for i in 1 2 3 4 5 6; do echo '{"c":"b","x":2}'; done > cur.jsonl
	run --separate-stderr mlw-drift --ref ref.jsonl --fields c --method fisher_exact cur.jsonl
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = '{"feature":"c","method":"fisher_exact","statistic":null,"p_value":0.0021645021645021645,"threshold":0.1,"drift":true,"n":6,"missing":0,"ref_n":6}' ]
	[ "${lines[1]}" = '{"drifted":1,"features":1,"share":1,"dataset_drift":true}' ]
	[ "$stderr" = "mlw-drift: batch: c: fisher_exact: the odds ratio is infinite: a category is absent from one side; statistic is null" ]
	# a vs a: scipy gives (nan, 1.0), Evidently no drift
	run --separate-stderr mlw-drift --ref ref.jsonl --fields c --method fisher_exact ref.jsonl
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = '{"feature":"c","method":"fisher_exact","statistic":null,"p_value":1,"threshold":0.1,"drift":false,"n":6,"missing":0,"ref_n":6}' ]
	[ "${lines[1]}" = '{"drifted":0,"features":1,"share":0,"dataset_drift":false}' ]
	run --separate-stderr mlw-drift --ref ref.jsonl --fields x --method ttest cur.jsonl
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = '{"feature":"x","method":"ttest","statistic":null,"p_value":0,"threshold":0.05,"drift":true,"n":6,"missing":0,"ref_n":6}' ]
	[ "${lines[1]}" = '{"drifted":1,"features":1,"share":1,"dataset_drift":true}' ]
	[ "$stderr" = "mlw-drift: batch: x: ttest: t is infinite: both samples are constant and differ; statistic is null" ]
	# and under --auto-threshold the p-value still decides
	run --separate-stderr mlw-drift --ref ref.jsonl --fields x --method ttest --auto-threshold cur.jsonl
	[ "${lines[0]}" = '{"feature":"x","method":"ttest","statistic":null,"p_value":0,"threshold":0.05,"drift":true,"n":6,"missing":0,"ref_n":6}' ]
}

@test "--auto-threshold: drift only strictly above the threshold, as NannyML alerts (value > upper_threshold)" {
	# a constant field: every reference chunk scores 0, so the threshold
	# is 0, and an unchanged window (statistic 0) is not drift
	for i in $(seq 100); do echo '{"k":5}'; done > ref.jsonl
	for i in $(seq 10); do echo '{"k":5}'; done > cur.jsonl
	run --separate-stderr mlw-drift --ref ref.jsonl --fields k --method psi --auto-threshold cur.jsonl
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = '{"feature":"k","method":"psi","statistic":0,"p_value":null,"threshold":0,"drift":false,"n":10,"missing":0,"ref_n":100}' ]
	[ "${lines[1]}" = '{"drifted":0,"features":1,"share":0,"dataset_drift":false}' ]
}

@test "a --fields field the reference never has is fatal, as EXIT STATUS says; the TVD note says how Evidently seeds" {
	run --separate-stderr mlw-drift --ref "$DATA/drift-ref.jsonl" --fields features.nope "$DATA/drift-cur.jsonl"
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-drift: $DATA/drift-ref.jsonl: field features.nope has no values in the reference" ]
	command -v groff >/dev/null || skip "groff is not installed"
	page=$(groff -mandoc -Tascii -P-cbou "$ROOT/man/mlw-drift.1" 2>/dev/null | tr -s ' \n' '  ')
	[[ "$page" == *"EXIT STATUS"*"has no values for a field named by --fields"* ]]
	# evidently/.../stattests/utils.py permutation_test: np.random.seed(0)
	[[ "$page" == *"np.random.seed(0)"*"reproducible"* ]]
}

# --by: 3 models in one stream, one reference per model (mlw-gen --models)
by_data() {
	gen -n 3000 --models 3 --drift-at 1500 > cur.jsonl
	gen -n 3000 --models 3 --reference --seed 7 > ref.jsonl
	mlw-window --time ts --size 10m cur.jsonl > w.jsonl
}

# by_split OUT ARGS...: each model's records of OUT (the --by run) equal
# mlw-drift ARGS over that model's windows against that model's reference
by_split() {
	local out=$1 m
	shift
	for m in m1 m2 m3; do
		grep -F "\"model\":\"$m\"," ref.jsonl > ref.$m
		grep -F "\"model\":\"$m\"," w.jsonl |
		    mlw-drift --ref ref.$m "$@" > want.$m
		grep -F "\"segment\":\"model=$m\",\"model\":\"$m\"," "$out" |
		    sed "s/\"segment\":\"model=$m\",\"model\":\"$m\",//" > got.$m
		[ -s want.$m ]
		cmp want.$m got.$m
	done
	[ "$(wc -l < "$out")" -eq "$(cat want.m1 want.m2 want.m3 | wc -l)" ]
}

@test "--by model: each segment's field and dataset records equal mlw-drift over that model's records and reference alone" {
	by_data
	f=features.age,features.income,features.country,score
	mlw-drift --ref ref.jsonl --by model --fields $f w.jsonl > by.jsonl
	by_split by.jsonl --fields $f
	# a window reports its segments in the order it saw them, each with
	# its fields and then its verdict
	head -n 1 by.jsonl | grep -F '"segment":"model=m1","model":"m1","feature":"features.age","method":"ks"'
	sed -n 5p by.jsonl | grep -F '"segment":"model=m1","model":"m1","drifted":'
	sed -n 6p by.jsonl | grep -F '"segment":"model=m2"'
	# the drift begins at record 1500 (window 3): every model sees it
	[ "$(grep -c '"dataset_drift":true' by.jsonl)" -ge 3 ]
}

@test "--by: --method-for, --threshold and --auto-threshold apply to every segment's reference" {
	by_data
	f=features.age,features.country,score
	mlw-drift --ref ref.jsonl --by model --fields $f --method-for score=wasserstein \
	    --auto-threshold w.jsonl > by.jsonl
	by_split by.jsonl --fields $f --method-for score=wasserstein --auto-threshold
	grep -q '"feature":"score","method":"wasserstein"' by.jsonl
	mlw-drift --ref ref.jsonl --by model --fields $f --method psi --binning quantile \
	    --threshold 0.3 w.jsonl > q.jsonl
	by_split q.jsonl --fields $f --method psi --binning quantile --threshold 0.3
}

@test "--by: a segment the reference lacks is rejected once said, or compared with the whole reference with --ref-fallback all" {
	by_data
	grep -v -F '"model":"m3",' ref.jsonl > ref2.jsonl
	run --separate-stderr mlw-drift --ref ref2.jsonl --by model --fields score --rejects rej.jsonl cur.jsonl
	[ "$status" -eq 1 ]
	[ "$(grep -c 'has no part in the reference' <<< "$stderr")" -eq 1 ]
	[[ "$stderr" == *"cur.jsonl:3: segment model=m3 has no part in the reference; its records are rejected (see --ref-fallback)"* ]]
	[ "$(wc -l < rej.jsonl)" -eq 1000 ]
	[ "${#lines[@]}" -eq 4 ]
	run --separate-stderr mlw-drift --ref ref2.jsonl --by model --fields score --ref-fallback all cur.jsonl
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 6 ]
	# against the whole reference (2000 values), auto picks wasserstein
	[[ "${lines[4]}" == '{"segment":"model=m3","model":"m3","feature":"score","method":"wasserstein",'*'"n":1000,"missing":0,"ref_n":2000}' ]]
	grep -F '"model":"m3",' cur.jsonl | mlw-drift --ref ref2.jsonl --fields score > want.jsonl
	[ "$(sed 's/"segment":"model=m3","model":"m3",//' <<< "${lines[4]}")" = "$(head -n 1 want.jsonl)" ]
}

@test "--by: a reference with no --by values serves every segment" {
	gen -n 900 --models 3 > cur.jsonl
	gen -n 500 --reference > ref.jsonl
	mlw-drift --ref ref.jsonl --by model --fields score cur.jsonl > by.jsonl
	[ "$(grep -c '"ref_n":500}' by.jsonl)" -eq 3 ]
	grep -F '"model":"m2",' cur.jsonl | mlw-drift --ref ref.jsonl --fields score > want.jsonl
	grep -F '"model":"m2",' by.jsonl | sed 's/"segment":"model=m2","model":"m2",//' > got.jsonl
	cmp want.jsonl got.jsonl
}

@test "--by: a saved profile with segments (mlw-psi --save-ref --by) gives what the reference records give" {
	by_data
	mlw-drift --ref ref.jsonl --by model --binning quantile w.jsonl > direct.jsonl
	mlw-psi --ref ref.jsonl --by model --save-ref prof.jsonl
	mlw-drift --ref prof.jsonl --by model --binning quantile w.jsonl > saved.jsonl
	cmp direct.jsonl saved.jsonl
	run mlw-drift --ref prof.jsonl --by features.country --binning quantile w.jsonl
	[ "$status" -eq 2 ]
	[[ "$output" == *"the profile's segments are not those of this --by"* ]]
}

@test "--by: a 4-shard --emit-state/--merge is byte for byte the single pass, with segments" {
	by_data
	mlw-drift --ref ref.jsonl --by model --binning quantile w.jsonl > one.jsonl
	split -n l/4 w.jsonl part.
	for p in part.*; do
		mlw-drift --ref ref.jsonl --by model --binning quantile --emit-state "$p" > "$p.st"
	done
	grep -q '"segment":"model=m2","values":\["m2"\]' part.aa.st
	cat part.*.st | mlw-drift --ref ref.jsonl --by model --binning quantile --merge > merged.jsonl
	cmp one.jsonl merged.jsonl
	# states of another --by are refused, not merged
	mlw-drift --ref ref.jsonl --binning quantile --emit-state w.jsonl > plain.st
	run --separate-stderr mlw-drift --ref ref.jsonl --by model --binning quantile --merge plain.st
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"plain.st:1: state made with another reference or other options"* ]]
	[ "${#lines[@]}" -eq 0 ]
}

@test "--by: segments whose values hold commas, equals signs, quotes, non-ASCII, numbers or nothing stay apart" {
	printf '%s\n' '{"m":"a,b=c","x":1}' '{"m":"a","b":"c","x":2}' \
	    '{"m":"q\"","x":3}' '{"m":"é","x":4}' '{"x":5}' '{"m":null,"x":6}' \
	    '{"m":7,"x":7}' '{"m":"7","x":8}' > d.jsonl
	run --separate-stderr mlw-drift --ref d.jsonl --by m --fields x --method wasserstein d.jsonl
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 14 ]
	[ "${lines[0]}" = '{"segment":"m=\"a,b=c\"","m":"a,b=c","feature":"x","method":"wasserstein","statistic":0,"p_value":null,"threshold":0.1,"drift":false,"n":1,"missing":0,"ref_n":1}' ]
	[ "${lines[1]}" = '{"segment":"m=\"a,b=c\"","m":"a,b=c","drifted":0,"features":1,"share":0,"dataset_drift":false}' ]
	[ "${lines[6]}" = '{"segment":"m=é","m":"é","feature":"x","method":"wasserstein","statistic":0,"p_value":null,"threshold":0.1,"drift":false,"n":1,"missing":0,"ref_n":1}' ]
	[ "${lines[8]}" = '{"segment":"m=","m":null,"feature":"x","method":"wasserstein","statistic":0,"p_value":null,"threshold":0.1,"drift":false,"n":2,"missing":0,"ref_n":2}' ]
	[ "${lines[12]}" = '{"segment":"m=7","m":"7","feature":"x","method":"wasserstein","statistic":0,"p_value":null,"threshold":0.1,"drift":false,"n":1,"missing":0,"ref_n":1}' ]
}

@test "--by: a null statistic names its segment; usage errors and --max-keys" {
	printf '%s\n' '{"m":"a","x":1}' '{"m":"a","x":2}' '{"m":"b","x":3}' '{"m":"b","x":3}' > r.jsonl
	printf '%s\n' '{"m":"a","x":1}' '{"m":"b"}' > c.jsonl
	run --separate-stderr mlw-drift --ref r.jsonl --by m --fields x c.jsonl
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"batch (segment m=b): x: z: no values; statistic is null"* ]]
	[ "${lines[3]}" = '{"segment":"m=b","m":"b","drifted":0,"features":0,"share":null,"dataset_drift":null}' ]
	run mlw-drift --ref r.jsonl --by m --max-keys 1 c.jsonl
	[ "$status" -eq 2 ]
	[[ "$output" == *"more than 1 segments (the limit of --max-keys): m=b did not fit"* ]]
	run mlw-drift --ref r.jsonl --by feature c.jsonl
	[ "$status" -eq 2 ]
	[[ "$output" == *"--by: feature is the name of a member of the output"* ]]
	run mlw-drift --ref r.jsonl --fields x --method-for y=ks --by m c.jsonl
	[ "$status" -eq 2 ]
	[[ "$output" == *"--method-for: y is not a field of the reference"* ]]
}

# corr_data: a reference of 10 records with x1..x5 = 1..10, and currents
# c1..c4 whose x_i are 1..10 plus a shift ("-": missing), so that ttest
# p-values land where the corrections disagree. The p-values in the
# comments are scipy.stats.ttest_ind (SciPy 1.10.1) on the same JSON
# values, run by hand; mlw-drift prints them to 1e-15. With alpha 0.05:
# c1: 0.01502 0.01897 0.9015 0.9015 0.9015 (m 5)
# c2: 0.01987 0.03001 0.03487 0.9015, x5 missing (m 4)
# c3: 0.01987 0.03001 0.03985 0.9015, x5 missing (m 4)
# c4: 0.004985 0.9015 0.9015 0.9015 0.9015 (m 5)
corr_data() {
	mk() {
		awk -v d="$*" 'BEGIN { n = split(d, dd, " ")
			for (j = 1; j <= 10; j++) {
				s = "{"
				for (i = 1; i <= n; i++)
					s = s (i > 1 ? "," : "") "\"x" i "\":" \
					    (dd[i] == "-" ? "null" : sprintf("%.2f", j + dd[i]))
				print s "}"
			} }'
	}
	mk 0 0 0 0 0 > ref.jsonl
	mk 3.64 3.49 0.17 0.17 0.17 > c1.jsonl
	mk 3.46 3.19 3.09 0.17 - > c2.jsonl
	mk 3.46 3.19 3.0 0.17 - > c3.jsonl
	mk 4.33 0.17 0.17 0.17 0.17 > c4.jsonl
}

# verdicts FILE: the dataset records of the three rules, one a line
verdicts() {
	for c in none bonferroni fdr; do
		mlw-drift --ref ref.jsonl --method ttest --correction $c "$@" 2>/dev/null | tail -n 1
	done
}

@test "--correction: Alibi Detect's bonferroni and fdr disagree with each other and with --drift-share" {
	corr_data
	# c1: share 2/5 < 0.5; bonferroni 0.01502 >= 0.05/5 = 0.01;
	# fdr: p_(2) 0.01897 < 0.05*2/5 = 0.02
	run verdicts c1.jsonl
	[ "${lines[0]}" = '{"drifted":2,"features":5,"share":0.4,"dataset_drift":false}' ]
	[ "${lines[1]}" = '{"drifted":2,"features":5,"share":0.4,"correction":"bonferroni","alpha":0.05,"tests":5,"dataset_drift":false}' ]
	[ "${lines[2]}" = '{"drifted":2,"features":5,"share":0.4,"correction":"fdr","alpha":0.05,"tests":5,"dataset_drift":true}' ]
	# c4: one field drifts, share 1/5; bonferroni 0.004985 < 0.01, and so
	# fdr (its k = 1 is bonferroni's test)
	run verdicts c4.jsonl
	[ "${lines[0]}" = '{"drifted":1,"features":5,"share":0.2,"dataset_drift":false}' ]
	[ "${lines[1]}" = '{"drifted":1,"features":5,"share":0.2,"correction":"bonferroni","alpha":0.05,"tests":5,"dataset_drift":true}' ]
	[ "${lines[2]}" = '{"drifted":1,"features":5,"share":0.2,"correction":"fdr","alpha":0.05,"tests":5,"dataset_drift":true}' ]
	# the option's default is none: today's record, byte for byte
	[ "$(mlw-drift --ref ref.jsonl --method ttest c1.jsonl)" = "$(mlw-drift --ref ref.jsonl --method ttest --correction none c1.jsonl)" ]
}

@test "--correction fdr is Benjamini-Hochberg's step-up: a larger k rescues the smaller; m counts the p-values" {
	corr_data
	# c2, m = 4 (x5 has no values: no p-value, left out of m and of
	# features): thresholds 0.0125 0.025 0.0375 0.05; p_(1) 0.01987 and
	# p_(2) 0.03001 fail theirs, p_(3) 0.03487 < 0.0375 passes: drift.
	# bonferroni: 0.01987 >= 0.0125. share 3/4.
	run verdicts c2.jsonl
	[ "${lines[0]}" = '{"drifted":3,"features":4,"share":0.75,"dataset_drift":true}' ]
	[ "${lines[1]}" = '{"drifted":3,"features":4,"share":0.75,"correction":"bonferroni","alpha":0.05,"tests":4,"dataset_drift":false}' ]
	[ "${lines[2]}" = '{"drifted":3,"features":4,"share":0.75,"correction":"fdr","alpha":0.05,"tests":4,"dataset_drift":true}' ]
	# c3: p_(3) 0.03985 >= 0.0375 and p_(4) 0.9015 >= 0.05: no k passes,
	# though 3 of 4 fields drift by themselves
	run verdicts c3.jsonl
	[ "${lines[0]}" = '{"drifted":3,"features":4,"share":0.75,"dataset_drift":true}' ]
	[ "${lines[1]}" = '{"drifted":3,"features":4,"share":0.75,"correction":"bonferroni","alpha":0.05,"tests":4,"dataset_drift":false}' ]
	[ "${lines[2]}" = '{"drifted":3,"features":4,"share":0.75,"correction":"fdr","alpha":0.05,"tests":4,"dataset_drift":false}' ]
	# a distance has no p-value: x4 by wasserstein leaves m = 3 (x1..x3),
	# thresholds 0.01667 0.03333 0.05: fdr passes at k = 2 (0.03001),
	# bonferroni fails (0.01987 >= 0.01667); x4 still counts in features
	run verdicts --method-for x4=wasserstein c2.jsonl
	[ "${lines[1]}" = '{"drifted":3,"features":4,"share":0.75,"correction":"bonferroni","alpha":0.05,"tests":3,"dataset_drift":false}' ]
	[ "${lines[2]}" = '{"drifted":3,"features":4,"share":0.75,"correction":"fdr","alpha":0.05,"tests":3,"dataset_drift":true}' ]
	# only distances: no test, no verdict, and a warning
	run --separate-stderr mlw-drift --ref ref.jsonl --method wasserstein --correction fdr c1.jsonl
	[ "$status" -eq 0 ]
	[ "${lines[5]}" = '{"drifted":2,"features":5,"share":0.4,"correction":"fdr","alpha":0.05,"tests":0,"dataset_drift":null}' ]
	[ "$stderr" = "mlw-drift: --correction fdr: every field is compared by a distance, which has no p-value: tests will be 0 and dataset_drift null" ]
}

@test "--correction: alpha is the tests' one p-value threshold; different ones are a usage error" {
	corr_data
	# --threshold 0.02 for all: bonferroni on c1 0.01502 < 0.02/5? no;
	# fdr: k = 2: 0.01897 < 0.02*2/5 = 0.008? no; k = 5: 0.9015 no
	run --separate-stderr mlw-drift --ref ref.jsonl --method ttest --threshold 0.02 --correction fdr c1.jsonl
	[ "${lines[5]}" = '{"drifted":2,"features":5,"share":0.4,"correction":"fdr","alpha":0.02,"tests":5,"dataset_drift":false}' ]
	# --threshold 0.1: bonferroni 0.01502 < 0.1/5 = 0.02
	run --separate-stderr mlw-drift --ref ref.jsonl --method ttest --threshold 0.1 --correction bonferroni c1.jsonl
	[ "${lines[5]}" = '{"drifted":2,"features":5,"share":0.4,"correction":"bonferroni","alpha":0.1,"tests":5,"dataset_drift":true}' ]
	# cramer_von_mises's default is 0.1, ttest's 0.05: which alpha?
	run --separate-stderr mlw-drift --ref ref.jsonl --method ttest --method-for x3=cramer_von_mises --correction fdr c1.jsonl
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	[ "$stderr" = "mlw-drift: --correction: the tests have different p-value thresholds (x1: ttest 0.05, x3: cramer_von_mises 0.1); give one with --threshold" ]
	run --separate-stderr mlw-drift --ref ref.jsonl --method ttest --method-for x3=cramer_von_mises --threshold 0.05 --correction fdr c1.jsonl
	[ "$status" -eq 0 ]
	[[ "${lines[5]}" == *'"alpha":0.05,"tests":5,'* ]]
	# --method auto picks ks (p <= 0.05) here; a distance among tests
	# of 0.05 is no conflict
	run --separate-stderr mlw-drift --ref ref.jsonl --method-for x5=psi --correction bonferroni c1.jsonl
	[ "$status" -eq 0 ]
	[[ "${lines[5]}" == *'"correction":"bonferroni","alpha":0.05,"tests":4,'* ]]
}

@test "--correction: bad values are usage errors; none adds no member" {
	corr_data
	for v in bogus BONFERRONI ''; do
		run --separate-stderr mlw-drift --ref ref.jsonl --correction "$v" c1.jsonl
		[ "$status" -eq 2 ]
		[ "$output" = "" ]
		[ "${stderr%%$'\n'*}" = "mlw-drift: --correction: expected none, bonferroni or fdr, found '$v'" ]
	done
	run --separate-stderr mlw-drift --ref ref.jsonl --correction
	[ "$status" -eq 2 ]
	run --separate-stderr mlw-drift --ref ref.jsonl --method ttest --correction none c1.jsonl
	[ "${lines[5]}" = '{"drifted":2,"features":5,"share":0.4,"dataset_drift":false}' ]
}

@test "--correction with --auto-threshold: the fields' verdicts move, the corrected verdict comes from the p-values" {
	corr_data
	cat ref.jsonl ref.jsonl ref.jsonl > ref3.jsonl
	# against 30 reference values (scipy.stats.ttest_ind, as above): x1
	# 0.001675, x2 0.002464, x3..x5 0.8753; bonferroni 0.001675 < 0.01.
	# The 3 chunks of 10 equal the reference: the threshold is 0 and the
	# t statistics are negative, so no field drifts by it.
	run --separate-stderr mlw-drift --ref ref3.jsonl --method ttest --correction bonferroni c1.jsonl
	[ "${lines[5]}" = '{"drifted":2,"features":5,"share":0.4,"correction":"bonferroni","alpha":0.05,"tests":5,"dataset_drift":true}' ]
	run --separate-stderr mlw-drift --ref ref3.jsonl --method ttest --correction bonferroni --auto-threshold c1.jsonl
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *'"p_value":0.00167546538735667'*',"threshold":0,"drift":false,'* ]]
	[ "${lines[5]}" = '{"drifted":0,"features":5,"share":0,"correction":"bonferroni","alpha":0.05,"tests":5,"dataset_drift":true}' ]
}

@test "--correction with --by: each segment's verdict is that of its records alone; the new members are taken" {
	corr_data
	sed 's/^{/{"m":"a",/' ref.jsonl > rb.jsonl
	sed 's/^{/{"m":"b",/' ref.jsonl >> rb.jsonl
	sed 's/^{/{"m":"a",/' c1.jsonl > cb.jsonl
	sed 's/^{/{"m":"b",/' c3.jsonl >> cb.jsonl
	run --separate-stderr mlw-drift --ref rb.jsonl --by m --method ttest --correction fdr cb.jsonl
	[ "$status" -eq 0 ]
	[ "${lines[5]}" = '{"segment":"m=a","m":"a","drifted":2,"features":5,"share":0.4,"correction":"fdr","alpha":0.05,"tests":5,"dataset_drift":true}' ]
	[ "${lines[11]}" = '{"segment":"m=b","m":"b","drifted":3,"features":4,"share":0.75,"correction":"fdr","alpha":0.05,"tests":4,"dataset_drift":false}' ]
	for s in a b; do
		grep -F "\"m\":\"$s\"," cb.jsonl > seg.jsonl
		grep -F "\"m\":\"$s\"," rb.jsonl > segref.jsonl
		mlw-drift --ref segref.jsonl --fields x1,x2,x3,x4,x5 --method ttest --correction fdr seg.jsonl 2>/dev/null > want.jsonl
		mlw-drift --ref rb.jsonl --by m --method ttest --correction fdr cb.jsonl 2>/dev/null |
		    grep -F "\"m\":\"$s\"," | sed "s/\"segment\":\"m=$s\",\"m\":\"$s\",//" > got.jsonl
		cmp want.jsonl got.jsonl
	done
	# "tests", "alpha", "correction" are members only with the option
	run --separate-stderr mlw-drift --ref rb.jsonl --by tests --correction fdr cb.jsonl
	[ "$status" -eq 2 ]
	[[ "$stderr" == "mlw-drift: --by: tests is the name of a member of the output"* ]]
	run --separate-stderr mlw-drift --ref rb.jsonl --by m,alpha --method ttest cb.jsonl
	[ "$status" -eq 0 ]
}

@test "--correction with --emit-state/--merge: the merge is the single pass; the option is in the state hash only when given" {
	gen --reference -n 3000 > ref.jsonl
	gen -n 20000 --interval 1s --drift-at 10000 > log.jsonl
	split -n l/4 log.jsonl shard.
	opts="--ref ref.jsonl --binning quantile --by model --fields features.age,features.country"
	for f in shard.a?; do
		mlw-window --time ts --size 1h $f | mlw-drift $opts --correction bonferroni --emit-state > $f.cst
		mlw-window --time ts --size 1h $f | mlw-drift $opts --emit-state > $f.st
	done
	# the counts are the same; only the hash differs
	[ "$(sed 's/"hash":"[0-9a-f]*"//' shard.aa.cst)" = "$(sed 's/"hash":"[0-9a-f]*"//' shard.aa.st)" ]
	! cmp -s shard.aa.cst shard.aa.st
	run --separate-stderr mlw-drift $opts --correction bonferroni --merge shard.a?.cst
	[ "$status" -eq 0 ]
	printf '%s\n' "${lines[@]}" > merged.jsonl
	mlw-window --time ts --size 1h log.jsonl | mlw-drift $opts --correction bonferroni > single.jsonl 2>/dev/null
	cmp merged.jsonl single.jsonl
	# quantile bins take only distances: no p-values, no verdict, said once
	[ "$(grep -c '"correction":"bonferroni","alpha":0.05,"tests":0,"dataset_drift":null}' single.jsonl)" -eq 6 ]
	[ "$stderr" = "mlw-drift: --correction bonferroni: every field is compared by a distance, which has no p-value: tests will be 0 and dataset_drift null" ]
	# states of the other kind are refused either way
	run --separate-stderr mlw-drift $opts --merge shard.a?.cst
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	run --separate-stderr mlw-drift $opts --correction fdr --merge shard.a?.cst
	[ "$status" -eq 2 ]
	run --separate-stderr mlw-drift $opts --correction bonferroni --merge shard.a?.st
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"state made with another reference or other options"* ]]
	mlw-drift $opts --merge shard.a?.st > plain.jsonl
	mlw-window --time ts --size 1h log.jsonl | mlw-drift $opts > plain1.jsonl
	cmp plain.jsonl plain1.jsonl
}

@test "mlw-gen --shift correlation: the univariate tests stay quiet while age and tenure go from +0.6 to -0.6 correlated" {
	gen --reference --shift correlation -n 5000 --seed 7 > ref.jsonl
	gen --shift correlation -n 4000 --drift-at 2000 --seed 3 > cur.jsonl
	mlw-window --count 1000 cur.jsonl |
	    mlw-drift --ref ref.jsonl --fields features.age,features.tenure,features.income,features.country > out.jsonl
	[ "$(grep -c '"dataset_drift":false' out.jsonl)" -eq 4 ]
	! grep -q '"drift":true' out.jsonl
	# Pearson's r of age and tenure per half (awk, the textbook sums)
	r=$(sed 's/.*"age":\([^,]*\),.*"tenure":\([^,]*\),.*/\1 \2/' cur.jsonl | awk '
	    { h = NR <= 2000; n[h]++; x[h] += $1; y[h] += $2; xx[h] += $1 * $1; yy[h] += $2 * $2; xy[h] += $1 * $2 }
	    END { for (h = 1; h >= 0; h--) {
	        d = sqrt((n[h] * xx[h] - x[h] ^ 2) * (n[h] * yy[h] - y[h] ^ 2))
	        printf "%.1f ", (n[h] * xy[h] - x[h] * y[h]) / d } }')
	[ "$r" = "0.6 -0.6 " ]
}

@test "--detail: each field's bins with the reference's and the window's shares, as mlw-psi --detail writes them, for mlw-report's bars" {
	gen --reference --models 3 -n 6000 --seed 7 > ref.jsonl
	gen --models 3 -n 6000 --drift-at 3000 | mlw-window --time ts --size 6h > w.jsonl
	# the same bins and shares as mlw-psi, which counts them on its own path
	for p in "mlw-psi --ref ref.jsonl" "mlw-drift --ref ref.jsonl" "mlw-drift --ref ref.jsonl --binning quantile"; do
		$p --fields features.age,features.country --detail w.jsonl |
		    grep '"feature"' |
		    grep -o '"\(edges\|categories\)":[^]]*\]\|"ref":[^]]*\]\|"cur":[^]]*\]' > "$(echo $p | tr -c 'a-z\n' _).bins"
	done
	[ "$(wc -l < mlw_psi___ref_ref_jsonl.bins)" -eq 6 ]
	cmp mlw_psi___ref_ref_jsonl.bins mlw_drift___ref_ref_jsonl.bins
	cmp mlw_psi___ref_ref_jsonl.bins mlw_drift___ref_ref_jsonl___binning_quantile.bins
	# a category the reference never had: its own bar, the reference's share 0
	printf '%s\n' '{"c":"a"}' '{"c":"a"}' '{"c":"b"}' '{"c":"b"}' > r.jsonl
	printf '%s\n' '{"c":"a"}' '{"c":"z"}' > c.jsonl
	run --separate-stderr mlw-drift --ref r.jsonl --fields c --detail c.jsonl
	[[ "$output" == *'"categories":["a","b","z"],"ref":[0.5,0.5,0,0],"cur":[0.5,0,0.5,0]}'* ]]
	# mlw-report draws the worst window's bars from them
	mlw-drift --ref ref.jsonl --fields features.age --detail w.jsonl |
	    mlw-report --format html --value statistic > r.html
	grep -q '<rect class="cur"' r.html
	grep -q '<rect class="ref"' r.html
}
