#!/usr/bin/env bats
# mlw-estimate: CBPE. The fixtures tests/data/est-*.jsonl and the numbers in
# tests/data/est-expect.tsv were written by tests/data/witness-estimate.py
# (NumPy 1.24 and scikit-learn 1.2: IsotonicRegression, the expected
# counts, NannyML's estimate_roc_auc, the analytic and chunk sampling
# errors, the thresholds; run by hand, never by the tests).
# tests/by-witness.awk checks that every witness number is in the output,
# for its window, segment and metric, to a relative 1e-12.

load helpers

witness() {
	awk -v prog="$1" -v field=metric -f "$ROOT/tests/by-witness.awk" \
	    "$DATA/est-expect.tsv" out.jsonl
}

setup_file() {
	mlw-window --time ts --size 1h "$BATS_TEST_DIRNAME/data/est-cur.jsonl" \
	    > "$BATS_FILE_TMPDIR/w.jsonl"
	mlw-window --time ts --size 1h "$BATS_TEST_DIRNAME/data/est-mc-cur.jsonl" \
	    > "$BATS_FILE_TMPDIR/wm.jsonl"
}

BIN_FIT="--ref $BATS_TEST_DIRNAME/data/est-ref.jsonl --score score --label label"

@test "binary, calibrated: every estimate, band, threshold and realized value equals numpy and sklearn" {
	mlw-estimate $BIN_FIT --calibrate always "$BATS_FILE_TMPDIR/w.jsonl" > out.jsonl
	[ "$(wc -l < out.jsonl)" -eq 33 ]
	run witness bin-always
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	grep -q '"metric":"roc_auc".*"calibrated":true' out.jsonl
}

@test "binary, the scores as they are: equals the witness" {
	mlw-estimate $BIN_FIT --calibrate never "$BATS_FILE_TMPDIR/w.jsonl" > out.jsonl
	run witness bin-never
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	! grep -q '"calibrated":true' out.jsonl
}

@test "the witness check fails on a number off in the 11th digit" {
	mlw-estimate $BIN_FIT --calibrate never "$BATS_FILE_TMPDIR/w.jsonl" > good.jsonl
	sed -E '6s/("estimate":0\.[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9])/\19/' good.jsonl > out.jsonl
	! cmp -s good.jsonl out.jsonl
	run witness bin-never
	[ "$status" -eq 1 ]
	[[ "$output" == *"bin-never: estimate "* ]]
}

@test "--by: one estimator, each model's windows on their own, as the witness groups them" {
	mlw-estimate $BIN_FIT --calibrate always --by model "$BATS_FILE_TMPDIR/w.jsonl" > out.jsonl
	[ "$(wc -l < out.jsonl)" -eq 66 ]
	run witness bin-by
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	grep -q '"segment":"model=a","model":"a","metric":"accuracy"' out.jsonl
}

@test "breast_cancer (scikit-learn's data, a logistic regression's scores): equals the witness" {
	mlw-estimate --ref "$DATA/est-bc-ref.jsonl" --score score --label label \
	    --calibrate always "$DATA/est-bc-cur.jsonl" > out.jsonl
	[ "$(wc -l < out.jsonl)" -eq 11 ]
	run witness bc
	[ "$status" -eq 0 ] || { echo "$output"; false; }
}

@test "multiclass: per-class calibration, macro and weighted means, equal the witness" {
	mlw-estimate --ref "$DATA/est-mc-ref.jsonl" --scores cat=s_cat,dog=s_dog,fox=s_fox \
	    --pred pred --label label --calibrate always "$BATS_FILE_TMPDIR/wm.jsonl" > out.jsonl
	[ "$(wc -l < out.jsonl)" -eq 30 ]
	run witness mc
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	grep -q '"metric":"weighted_f1".*"calibrated":\[true,true,true\]' out.jsonl
}

@test "--calibrate auto: calibrates miscalibrated scores, leaves calibrated ones" {
	mlw-estimate $BIN_FIT "$BATS_FILE_TMPDIR/w.jsonl" > a.jsonl
	mlw-estimate $BIN_FIT --calibrate always "$BATS_FILE_TMPDIR/w.jsonl" | cmp - a.jsonl
	# mlw-gen's scores are calibrated (the label follows the score): on
	# this reference the held-out calibration error is lower without
	gen --reference -n 20000 --seed 7 > ref.jsonl
	gen -n 2000 --seed 4 | mlw-estimate --ref ref.jsonl --score score --label label > b.jsonl
	[ "$(grep -c '"calibrated":false' b.jsonl)" -eq 11 ]
}

@test "--save and --model: the saved estimator gives the same output, byte for byte" {
	mlw-estimate $BIN_FIT --by model "$BATS_FILE_TMPDIR/w.jsonl" > a.jsonl
	mlw-estimate $BIN_FIT --save est.model
	[ -s est.model ]
	mlw-estimate --model est.model --by model "$BATS_FILE_TMPDIR/w.jsonl" | cmp - a.jsonl
	mlw-estimate --ref "$DATA/est-mc-ref.jsonl" --scores cat=s_cat,dog=s_dog,fox=s_fox \
	    --pred pred --label label "$BATS_FILE_TMPDIR/wm.jsonl" > m.jsonl
	mlw-estimate --ref "$DATA/est-mc-ref.jsonl" --scores cat=s_cat,dog=s_dog,fox=s_fox \
	    --pred pred --label label --save mc.model
	mlw-estimate --model mc.model "$BATS_FILE_TMPDIR/wm.jsonl" | cmp - m.jsonl
}

@test "--model: a damaged or foreign file is refused, naming the file and line" {
	mlw-estimate $BIN_FIT --save est.model
	sed '3s/"se_a":[^,]*/"se_a":"x"/' est.model > bad.model
	! cmp -s bad.model est.model
	run --separate-stderr mlw-estimate --model bad.model /dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == "mlw-estimate: bad.model:3: "* ]]
	# a number changed that still parses: the end line's hash sees it
	sed '3s/"se_a":0\./"se_a":1./' est.model > changed.model
	! cmp -s changed.model est.model
	run --separate-stderr mlw-estimate --model changed.model /dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == "mlw-estimate: changed.model:14: the estimator's hash does not match its lines"* ]]
	head -n 3 est.model > cut.model
	run --separate-stderr mlw-estimate --model cut.model /dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == "mlw-estimate: cut.model: "* ]]
	echo '{"a":1}' > foreign.model
	run --separate-stderr mlw-estimate --model foreign.model /dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == "mlw-estimate: foreign.model:1: "* ]]
	run --separate-stderr mlw-estimate --model est.model --score x /dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--model: the paths and the fit come from the estimator"* ]]
}

@test "--emit-state / --merge: four shards are byte for byte the single pass, with and without --by" {
	mlw-estimate $BIN_FIT --by model "$BATS_FILE_TMPDIR/w.jsonl" > single.jsonl
	mlw-estimate $BIN_FIT "$BATS_FILE_TMPDIR/w.jsonl" > single1.jsonl
	split -n l/4 "$DATA/est-cur.jsonl" part.
	for p in part.a?; do
		mlw-window --time ts --size 1h "$p" > "$p.w"
		mlw-estimate $BIN_FIT --by model --emit-state "$p.w" > "$p.st"
		mlw-estimate $BIN_FIT --emit-state "$p.w" > "$p.st1"
	done
	mlw-estimate $BIN_FIT --by model --merge part.a?.st | cmp - single.jsonl
	mlw-estimate $BIN_FIT --merge part.ad.st1 part.ab.st1 part.aa.st1 part.ac.st1 | cmp - single1.jsonl
	# multiclass
	mlw-estimate --ref "$DATA/est-mc-ref.jsonl" --scores cat=s_cat,dog=s_dog,fox=s_fox \
	    --pred pred --label label --save mc.model
	mlw-estimate --model mc.model "$BATS_FILE_TMPDIR/wm.jsonl" > m.jsonl
	split -n l/3 "$BATS_FILE_TMPDIR/wm.jsonl" mpart.
	for p in mpart.a?; do mlw-estimate --model mc.model --emit-state "$p" > "$p.st"; done
	mlw-estimate --model mc.model --merge mpart.a?.st | cmp - m.jsonl
}

@test "--merge: states of another estimator or cut shards are refused with nothing written" {
	mlw-estimate $BIN_FIT --emit-state "$BATS_FILE_TMPDIR/w.jsonl" > a.st
	run --separate-stderr mlw-estimate $BIN_FIT --calibrate never --merge a.st
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	[[ "$stderr" == *"state made with another reference or other options"* ]]
	# states of a run with --by, into one without
	mlw-estimate $BIN_FIT --by model --emit-state "$BATS_FILE_TMPDIR/w.jsonl" > by.st
	run --separate-stderr mlw-estimate $BIN_FIT --merge by.st
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	head -n 2 a.st > cut.st
	run --separate-stderr mlw-estimate $BIN_FIT --merge cut.st
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
}

@test "more distinct scores than the exact tables hold: still merges byte for byte, AUC within 1e-3" {
	# 30000 distinct calibrated scores, then shards
	awk 'BEGIN { for (i = 0; i < 30000; i++) { s = ((i * 7919) % 30000 + 0.5) / 30000;
	    printf "{\"score\":%.8f,\"label\":%d}\n", s, (i * 31 % 97) / 97 < s } }' > big.jsonl
	mlw-estimate --ref big.jsonl --score score --label label --calibrate never big.jsonl > single.jsonl
	split -n l/3 big.jsonl part.
	for p in part.a?; do
		mlw-estimate --ref big.jsonl --score score --label label --calibrate never --emit-state "$p" > "$p.st"
	done
	mlw-estimate --ref big.jsonl --score score --label label --calibrate never --merge part.a?.st |
	    cmp - single.jsonl
	# p uniform on (0, 1), labels with probability p: the positives' scores
	# have density 2p, the negatives' 2(1 - p), so the AUC is
	# 4 (integral of x (x - x^2 / 2) dx) = 5/6
	grep '"metric":"roc_auc"' single.jsonl |
	    awk '{ match($0, /"estimate":[^,]*/); v = substr($0, RSTART + 11, RLENGTH - 11);
	        d = v - 5 / 6; if (d < 0) d = -d; exit !(d < 1e-3) }'
}

@test "covariate shift: the estimate falls with the realized metric, which lies inside the band in >= 95% of windows" {
	# mlw-gen --shift covariate: the inputs crowd towards the decision
	# boundary while the label still follows the score. With seed 4, 84
	# windows of 1200 records; a band of 3 sampling errors should miss
	# about 0.3%; the test allows 5% (4 windows) per metric.
	gen --reference -n 10000 --seed 3 > ref.jsonl
	gen -n 100000 --drift-at 30000 --drift 2 --shift covariate --labels lab.jsonl --seed 4 > cur.jsonl
	mlw-join --key id --labels lab.jsonl cur.jsonl 2>/dev/null |
	    mlw-window --time ts --size 20m |
	    mlw-estimate --ref ref.jsonl --score score --label label > out.jsonl
	for m in accuracy roc_auc; do
		grep "\"metric\":\"$m\"" out.jsonl > m.jsonl
		[ "$(wc -l < m.jsonl)" -eq 84 ]
		# inside: lower <= realized <= upper
		out=$(awk '{ match($0, /"lower":[^,]*/); lo = substr($0, RSTART + 8, RLENGTH - 8) + 0
		    match($0, /"upper":[^,]*/); hi = substr($0, RSTART + 8, RLENGTH - 8) + 0
		    match($0, /"realized":[^,]*/); r = substr($0, RSTART + 11, RLENGTH - 11) + 0
		    if (r < lo || r > hi) miss++ } END { print miss + 0 }' m.jsonl)
		echo "$m: $out windows outside"
		[ "$out" -le 4 ]
		# before the drift no alert; after it every window alerts
		[ "$(head -n 24 m.jsonl | grep -c '"alert":true')" -eq 0 ]
		[ "$(tail -n 50 m.jsonl | grep -c '"alert":true')" -eq 50 ]
	done
}

@test "concept shift: the estimate cannot see it (the CAVEATS), the realized metric can" {
	gen --reference -n 10000 --seed 3 > ref.jsonl
	gen -n 40000 --drift-at 20000 --labels lab.jsonl --seed 4 > cur.jsonl
	mlw-join --key id --labels lab.jsonl cur.jsonl 2>/dev/null |
	    mlw-window --time ts --size 2h |
	    mlw-estimate --ref ref.jsonl --score score --label label |
	    grep '"metric":"accuracy"' > acc.jsonl
	# after the drift: the estimate inside its thresholds, the realized
	# accuracy far below the estimate
	tail -n 2 acc.jsonl | grep -c '"alert":false' | grep -qx 2
	tail -n 2 acc.jsonl | awk '{ match($0, /"difference":[^,]*/);
	    d = substr($0, RSTART + 13, RLENGTH - 13) + 0; if (d > -0.1) exit 1 }'
}

@test "bad records: named by file, line and field, rejected and counted; missing scores counted" {
	printf '%s\n' '{"score":0.3,"label":1}' '{"label":1}' '{"score":"x"}' '{"score":1.5}' \
	    '{"score":null}' '{"score":0.7,"label":"yes"}' 'not json' '{"score":0.2,"label":0}' > bad.jsonl
	run --separate-stderr mlw-estimate $BIN_FIT --calibrate never --rejects rej.jsonl bad.jsonl
	[ "$status" -eq 1 ]
	[ "${stderr_lines[0]}" = 'mlw-estimate: bad.jsonl:3: score: expected a finite number, found "x"' ]
	[ "${stderr_lines[1]}" = 'mlw-estimate: bad.jsonl:4: score: expected a probability from 0 to 1 (the scores are used uncalibrated), found 1.5' ]
	[ "${stderr_lines[2]}" = 'mlw-estimate: bad.jsonl:6: label: expected 0/1 or true/false (or name the positive class with --positive), found "yes"' ]
	[[ "$stderr" == *"2 records without a score or prediction skipped"* ]]
	[[ "$stderr" == *"4 records rejected"* ]]
	[ "$(wc -l < rej.jsonl)" -eq 4 ]
	[[ "$output" == *'"n":2,'* ]]
	# calibrated, 1.5 is a score like another
	run --separate-stderr mlw-estimate $BIN_FIT --calibrate always bad.jsonl
	[[ "$output" == *'"n":3,'* ]]
	# --strict: the first bad record stops the run
	run --separate-stderr mlw-estimate $BIN_FIT --strict bad.jsonl
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
}

@test "the reference: unreadable, without labels, or with a bad record is a fatal error" {
	run --separate-stderr mlw-estimate --ref nope.jsonl --score score --label label /dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == "mlw-estimate: nope.jsonl: "* ]]
	echo '{"score":0.5}' > nolab.jsonl
	run --separate-stderr mlw-estimate --ref nolab.jsonl --score score --label label /dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"nolab.jsonl: fewer than 2 labelled records to fit on"* ]]
	printf '{"score":0.5,"label":1}\n{"score":"a","label":0}\n' > badref.jsonl
	run --separate-stderr mlw-estimate --ref badref.jsonl --score score --label label /dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == *'badref.jsonl:2: score: expected a finite number, found "a"'* ]]
}

@test "options: conflicts and bad values are usage errors (exit 2)" {
	for c in "--score s --label l|give one of --ref" \
	    "--ref r --label l|give one of --score (binary) and --scores (multiclass)" \
	    "--ref r --score s|--label is required with --ref" \
	    "--ref r --scores a=x,b=y --label l|--scores needs --pred" \
	    "--ref r --score s --pred p --threshold 0.3 --label l|--threshold applies to --score without --pred" \
	    "--ref r --scores a=x --pred p --label l|--scores: expected 2 to 64 classes" \
	    "--ref r --scores a=x,=y --pred p --label l|--scores: expected CLASS=PATH, found '=y'" \
	    "--ref r --scores a=x,a=y --pred p --label l|--scores: class a is given twice" \
	    "--ref r --score s --label l --calibrate maybe|--calibrate" \
	    "--ref r --score s --label l --chunk 1|--chunk" \
	    "--ref r --score s --label l --emit-state --merge|--emit-state and --merge exclude each other" \
	    "--model m --save x|--save applies to --ref"; do
		run --separate-stderr sh -c "mlw-estimate ${c%%|*} </dev/null"
		[ "$status" -eq 2 ] || { echo "$c: $status"; false; }
		[[ "$stderr" == *"${c#*|}"* ]] || { echo "$c: $stderr"; false; }
	done
}

@test "a window's records are written when it closes, not at the end of the input (tail -f)" {
	mkfifo in.fifo
	{ head -n 800 "$DATA/est-cur.jsonl"; sleep 30; } > in.fifo &
	feeder=$!
	mlw-window --time ts --size 1h in.fifo |
	    mlw-estimate $BIN_FIT > out.jsonl &
	pid=$!
	for i in $(seq 100); do
		[ -s out.jsonl ] && break
		sleep 0.1
	done
	n=$(wc -l < out.jsonl)
	kill $feeder $pid 2>/dev/null || true
	[ "$n" -eq 11 ]
}

@test "empty input: no records and exit 0; --help names every option" {
	run mlw-estimate $BIN_FIT /dev/null
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	run mlw-estimate --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"--calibrate auto|always|never"* ]]
}
