#!/usr/bin/env bats
# mlw-metrics: quality per window and segment. Fixture values come from
# scikit-learn 1.2 via tests/data/witness-metrics.py (run by hand).

load helpers

@test "binary with scores equals scikit-learn on the fixture (ties included)" {
	run --separate-stderr mlw-metrics --task binary --label label --score score "$DATA/metrics-bin.jsonl"
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = '{"segment":"all","task":"binary","n":12,"unlabeled":0,"positives":6,"tp":3,"fp":2,"tn":4,"fn":3,"accuracy":0.5833333333333334,"precision":0.6,"recall":0.5,"f1":0.5454545454545454,"fpr":0.3333333333333333,"specificity":0.6666666666666666,"balanced_accuracy":0.5833333333333333,"mcc":0.1690308509457033,"roc_auc":0.625,"pr_auc":0.6739417989417991,"log_loss":0.7803585891227689,"brier":0.25958333333333333}' ]
}

@test "multiclass and regression equal scikit-learn on the fixtures" {
	run --separate-stderr mlw-metrics --task multiclass --label label --pred pred "$DATA/metrics-mc.jsonl"
	[ "$output" = '{"segment":"all","task":"multiclass","n":10,"unlabeled":0,"accuracy":0.6,"precision_macro":0.5888888888888889,"recall_macro":0.5888888888888889,"f1_macro":0.5888888888888889,"precision_micro":0.6,"recall_micro":0.6,"f1_micro":0.6,"precision_weighted":0.6,"recall_weighted":0.6,"f1_weighted":0.6,"labels":["bird","cat","dog"],"confusion_matrix":[[1,1,0],[1,3,1],[0,1,2]]}' ]
	run --separate-stderr mlw-metrics --task regression --label label --pred pred "$DATA/metrics-reg.jsonl"
	[ "$output" = '{"segment":"all","task":"regression","n":6,"unlabeled":0,"mae":0.4000000000000001,"mse":0.26666666666666666,"rmse":0.5163977794943222,"mape":75059993789508.5,"r2":0.9587717414644621,"mean_error":0.13333333333333328,"max_error":1}' ]
}

@test "a window with one class has a null AUC; zero denominators are null" {
	printf '%s\n' '{"label":1,"score":0.9}' '{"label":1,"score":0.2}' > in.jsonl
	run --separate-stderr mlw-metrics --task binary --label label --score score in.jsonl
	[ "$status" -eq 0 ]
	[[ "$output" == *'"fpr":null,"specificity":null,"balanced_accuracy":0.5,"mcc":null,"roc_auc":null,"pr_auc":1,'* ]]
}

@test "perfect and worst classifiers" {
	printf '%s\n' '{"y":1,"p":1}' '{"y":0,"p":0}' '{"y":1,"p":1}' > perfect.jsonl
	run --separate-stderr mlw-metrics --task binary --label y --pred p perfect.jsonl
	[[ "$output" == *'"accuracy":1,"precision":1,"recall":1,"f1":1,"fpr":0,"specificity":1,"balanced_accuracy":1,"mcc":1}' ]]
	printf '%s\n' '{"y":1,"p":0}' '{"y":0,"p":1}' > worst.jsonl
	run --separate-stderr mlw-metrics --task binary --label y --pred p worst.jsonl
	[[ "$output" == *'"accuracy":0,"precision":0,"recall":0,"f1":0,"fpr":1,"specificity":0,"balanced_accuracy":0,"mcc":-1}' ]]
}

@test "windows, segments and unlabeled records" {
	printf '%s\n' '{"i":0,"g":"a","y":1,"p":1}' '{"i":1,"g":"b","y":0,"p":1}' '{"i":2,"g":"a"}' \
	    '{"i":3,"g":"b","y":1,"p":1}' > in.jsonl
	run --separate-stderr sh -c 'mlw-window --count 2 in.jsonl | mlw-metrics --task binary --label y --pred p --by g'
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 5 ]
	[[ "${lines[0]}" == '{"window_start":0,"window_end":2,"segment":"all","task":"binary","n":2,"unlabeled":0,'* ]]
	[[ "${lines[1]}" == '{"window_start":0,"window_end":2,"segment":"g=a","task":"binary","n":1,"positives":1,'* ]]
	[[ "${lines[3]}" == '{"window_start":2,"window_end":4,"segment":"all","task":"binary","n":1,"unlabeled":1,'* ]]
}

@test "bad labels are rejected; --positive names the positive class" {
	printf '%s\n' '{"y":"yes","p":"yes"}' '{"y":"no","p":"yes"}' > in.jsonl
	run --separate-stderr mlw-metrics --task binary --label y --pred p in.jsonl
	[ "$status" -eq 1 ]
	[ "${stderr%%$'\n'*}" = 'mlw-metrics: in.jsonl:1: y: expected 0/1 or true/false (or name the positive class with --positive), found "yes"' ]
	# the prediction's value is named too, and the score's (as the man page says)
	printf '%s\n' '{"y":1,"p":2,"s":"x"}' > in2.jsonl
	run --separate-stderr mlw-metrics --task binary --label y --pred p in2.jsonl
	[ "$stderr" = 'mlw-metrics: in2.jsonl:1: p: expected 0/1 or true/false (or name the positive class with --positive), found 2
mlw-metrics: 1 record rejected' ]
	run --separate-stderr mlw-metrics --task binary --label y --score s in2.jsonl
	[ "$stderr" = 'mlw-metrics: in2.jsonl:1: s: expected a probability from 0 to 1, found "x"
mlw-metrics: 1 record rejected' ]
	run --separate-stderr mlw-metrics --task binary --label y --pred p --positive yes in.jsonl
	[ "$status" -eq 0 ]
	[[ "$output" == *'"tp":1,"fp":1,"tn":0,"fn":0,'* ]]
	run --separate-stderr mlw-metrics --task regression --label y --pred p in.jsonl
	[ "$status" -eq 1 ]
	run --separate-stderr mlw-metrics --task binary --label y
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-metrics: --pred or --score is required" ]
}

@test "the generated log: quality drops after the drift" {
	gen -n 7200 --interval 1s --drift-at 3600 > log.jsonl
	mlw-window --time ts --size 1h log.jsonl | mlw-metrics --task binary --label label --score score > out.jsonl
	[ "$(wc -l < out.jsonl)" -eq 2 ]
	a1=$(sed -n 1p out.jsonl | grep -o '"roc_auc":[0-9.]*' | cut -d: -f2)
	a2=$(sed -n 2p out.jsonl | grep -o '"roc_auc":[0-9.]*' | cut -d: -f2)
	awk -v a="$a1" -v b="$a2" 'BEGIN { exit !(a > 0.7 && b < 0.55) }'
	mlw-window --time ts --size 1h log.jsonl | mlw-metrics --task binary --label label --score score --auc-bins 1000 > binned.jsonl
	b1=$(sed -n 1p binned.jsonl | grep -o '"roc_auc":[0-9.]*' | cut -d: -f2)
	awk -v a="$a1" -v b="$b1" 'BEGIN { d = a - b; exit !(d < 0.001 && d > -0.001) }'
}

# Regressions found in review; each pins one fixed bug.

@test "regression: --auc-bins keeps decimal scores on a bin edge in their bin" {
	printf '%s\n' '{"y":1,"s":0.29}' '{"y":0,"s":0.28}' > in.jsonl
	run --separate-stderr mlw-metrics --task binary --label y --score s --auc-bins 100 in.jsonl
	[[ "$output" == *'"roc_auc":1,'* ]]
}

@test "regression: --positive compares numbers by value; scores outside [0,1] are refused" {
	printf '%s\n' '{"y":1,"p":1.0}' '{"y":2,"p":1}' > in.jsonl
	run --separate-stderr mlw-metrics --task binary --label y --pred p --positive 1.0 in.jsonl
	[[ "$output" == *'"tp":1,"fp":1,"tn":0,"fn":0,'* ]]
	printf '%s\n' '{"y":1,"s":1.5}' > s.jsonl
	run --separate-stderr mlw-metrics --task binary --label y --score s s.jsonl
	[ "$status" -eq 1 ]
	[ "${stderr%%$'\n'*}" = "mlw-metrics: s.jsonl:1: s: expected a probability from 0 to 1, found 1.5" ]
	# a misspelled --label or --positive is said (both gave null or
	# plausible metrics silently)
	run --separate-stderr mlw-metrics --task binary --label lable --score s s.jsonl
	[ "$status" -eq 0 ]
	[ "$stderr" = "mlw-metrics: no record has the label lable (1 unlabeled)" ]
	printf '%s\n' '{"y":"churn","s":0.9}' '{"y":"stay","s":0.2}' > c.jsonl
	run --separate-stderr mlw-metrics --task binary --label y --score s --positive chrun c.jsonl
	[ "$status" -eq 0 ]
	[ "$stderr" = "mlw-metrics: --positive chrun: no label is this class" ]
	run --separate-stderr mlw-metrics --task binary --label y --score s --positive churn c.jsonl
	[ "$stderr" = "" ]
	run --separate-stderr mlw-metrics --task binary --label y --score s --positive churn --by modle c.jsonl
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == '{"segment":"modle=",'* ]]
	[ "$stderr" = "mlw-metrics: --by modle: no labelled record has this field" ]
	# a space after a comma in a list is not part of the next name (a bug:
	# --by "y, s" made the segment " s" from a field no record has)
	run --separate-stderr mlw-metrics --task binary --label y --score s --positive churn --by "y, s" c.jsonl
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == '{"segment":"y=churn,s=0.9",'* ]]
	# and so is a threshold outside [0,1], which predicted one class
	# whatever the score (a bug)
	run --separate-stderr mlw-metrics --task binary --label y --score s --threshold 2 s.jsonl
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-metrics: --threshold: expected a number from 0 to 1, found '2'" ]
}

@test "regression: string classes sort by bytes; numeric ones by value; --by objects are refused" {
	printf '%s\n' '{"y":"10","p":"9"}' '{"y":"9","p":"9"}' > s.jsonl
	run --separate-stderr mlw-metrics --task multiclass --label y --pred p s.jsonl
	[[ "$output" == *'"labels":["10","9"]'* ]]
	printf '%s\n' '{"y":10,"p":9}' '{"y":9,"p":9}' > n.jsonl
	run --separate-stderr mlw-metrics --task multiclass --label y --pred p n.jsonl
	[[ "$output" == *'"labels":["9","10"]'* ]]
	printf '%s\n' '{"y":1,"p":1,"g":{"a":1}}' > o.jsonl
	run --separate-stderr mlw-metrics --task binary --label y --pred p --by g o.jsonl
	[ "$status" -eq 1 ]
	[ "$stderr" = "mlw-metrics: o.jsonl:1: g: expected a string, number or boolean as a segment value, found {\"a\":1}
mlw-metrics: --by g: every value of this field was rejected (1 record): a segment value is a string, number or boolean
mlw-metrics: 1 record rejected" ]
}

@test "delayed labels: mlw-join | mlw-window | mlw-metrics on generated data" {
	gen -n 7200 --interval 1s --drift-at 3600 --labels labels.jsonl > preds.jsonl
	# the labels arrive in another order, and 5% never arrive
	sort -t'"' -k4,4r labels.jsonl > late.jsonl
	run --separate-stderr sh -c 'mlw-join --key id --labels late.jsonl preds.jsonl |
	    mlw-window --time ts --size 1h |
	    mlw-metrics --task binary --label label --score score'
	[ "$status" -eq 0 ]
	[ "$stderr" = "mlw-join: 360 of 7200 predictions had no label" ]
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" == *'"segment":"all","task":"binary","n":3420,"unlabeled":180,'* ]]
	# the same numbers as with the labels inline, less the unlabeled
	gen -n 7200 --interval 1s --drift-at 3600 |
	    awk 'NR % 20 != 0' | mlw-window --time ts --size 1h |
	    mlw-metrics --task binary --label label --score score > inline.jsonl
	[ "$(sed -n 1p inline.jsonl | sed 's/"unlabeled":0,//')" = "$(sed 's/"unlabeled":180,//' <<<"${lines[0]}")" ]
}

@test "regression: log loss clips scores at the machine epsilon, as scikit-learn 1.2 does" {
	# expected values: sklearn 1.2.1 metrics.log_loss([1,0],[0.0,0.0]),
	# log_loss([1,0,1],[0.0,1.0,0.3]) and log_loss([1,0],[1e-17,0.5])
	# (eps='auto', the machine epsilon); mlw clipped at 1e-15 before
	printf '%s\n' '{"y":1,"s":0}' '{"y":0,"s":0}' > a.jsonl
	printf '%s\n' '{"y":1,"s":0}' '{"y":0,"s":1}' '{"y":1,"s":0.3}' > b.jsonl
	printf '%s\n' '{"y":1,"s":1e-17}' '{"y":0,"s":0.5}' > c.jsonl
	for f in a:18.021826694558577 b:24.430426527520083 c:18.36840028483855; do
		run --separate-stderr mlw-metrics --task binary --label y --score s "${f%%:*}.jsonl"
		[[ "$output" == *"\"log_loss\":${f#*:},"* ]]
	done
}

@test "regression: -0 is the class 0, in labels, predictions and segments" {
	# sklearn accuracy_score([-0.0, 0, 1], [0, -0.0, 1]) is 1.0
	printf '%s\n' '{"y":-0,"p":0,"g":-0}' '{"y":0,"p":-0.0,"g":0}' '{"y":1,"p":1,"g":0}' > in.jsonl
	run --separate-stderr mlw-metrics --task multiclass --label y --pred p in.jsonl
	[ "$status" -eq 0 ]
	[[ "$output" == *'"accuracy":1,'* ]]
	run --separate-stderr mlw-metrics --task binary --label y --pred p --by g in.jsonl
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[1]}" == *'"segment":"g=0","task":"binary","n":3,'* ]]
}

@test "regression: a perfect fit has r2 1 even when the labels' spread overflows a double" {
	# sklearn 1.2.1 r2_score([1e300, -1e300, 1], [1e300, -1e300, 1]) is 1.0
	printf '%s\n' '{"y":1e300,"p":1e300}' '{"y":-1e300,"p":-1e300}' '{"y":1,"p":1}' > in.jsonl
	run --separate-stderr mlw-metrics --task regression --label y --pred p in.jsonl
	[ "$status" -eq 0 ]
	[[ "$output" == *'"mse":0,'* ]]
	[[ "$output" == *'"r2":1,'* ]]
}

@test "--positive 1.0 matches the numbers 1 and 1.0 and the string \"1.0\"; hexadecimal is not a number" {
	printf '%s\n' '{"y":1,"p":1}' '{"y":"1.0","p":0}' '{"y":1.0,"p":1}' '{"y":0,"p":0}' '{"y":"1","p":0}' > in.jsonl
	run --separate-stderr mlw-metrics --task binary --label y --pred p --positive 1.0 in.jsonl
	[[ "$output" == *'"positives":3,'* ]]
	run --separate-stderr mlw-metrics --task binary --label y --pred p --positive 0x1 in.jsonl
	[[ "$output" == *'"positives":0,'* ]]
}

@test "--score: a score equal to the threshold predicts the negative class, as scikit-learn's predict" {
	# tests/data/witness-knn.py: KNeighborsClassifier(n_neighbors=4) on
	# sklearn's breast_cancer, train_test_split(test_size=0.5,
	# random_state=0); 9 scores are exactly 0.5. sklearn 1.2.1:
	# accuracy_score(y, predict(X)) = 0.9298245614035088, f1_score =
	# 0.945054945054945 (with score >= 0.5 the accuracy would be 0.9333...)
	run --separate-stderr mlw-metrics --task binary --label label --score score "$DATA/knn4-breast-cancer.jsonl"
	[ "$status" -eq 0 ]
	[[ "$output" == *'"tp":172,"fp":8,"tn":93,"fn":12,"accuracy":0.9298245614035088,'*'"f1":0.945054945054945,'* ]]
	# and a tie at any threshold
	printf '{"y":1,"s":0.7}\n{"y":0,"s":0.7}\n' > t.jsonl
	run --separate-stderr mlw-metrics --task binary --label y --score s --threshold 0.7 t.jsonl
	[[ "$output" == *'"tp":0,"fp":0,"tn":1,"fn":1,'* ]]
}

@test "--by: one key per segment: values holding , = or quotes, the empty string and a missing value stay apart, in one pass and merged" {
	# the bug: the display text was the key, so the first two records made
	# one segment "a=1,b=2,b=3" with n=2
	cat > seg.jsonl <<'E'
{"y":1,"p":1,"a":"1,b=2","b":"3"}
{"y":0,"p":1,"a":"1","b":"2,b=3"}
{"y":1,"p":1,"a":"","b":"x"}
{"y":1,"p":0,"b":"x"}
{"y":1,"p":1,"a":"caf\u00e9","b":"x"}
{"y":0,"p":0,"a":"caf\u00e9","b":"x"}
E
	run --separate-stderr mlw-metrics --task binary --label y --pred p --by a,b seg.jsonl
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 6 ]
	[[ "${lines[1]}" == '{"segment":"a=\"1,b=2\",b=3","task":"binary","n":1,"positives":1,"tp":1,'* ]]
	[[ "${lines[2]}" == '{"segment":"a=1,b=\"2,b=3\"","task":"binary","n":1,"positives":0,"tp":0,"fp":1,'* ]]
	[[ "${lines[3]}" == '{"segment":"a=\"\",b=x","task":"binary","n":1,'* ]]
	[[ "${lines[4]}" == '{"segment":"a=,b=x","task":"binary","n":1,"positives":1,"tp":0,"fp":0,"tn":0,"fn":1,'* ]]
	[[ "${lines[5]}" == '{"segment":"a=café,b=x","task":"binary","n":2,'* ]]
	mlw-metrics --task binary --label y --pred p --by a,b seg.jsonl > one.jsonl
	# two shards; the states carry each segment's values, not its text
	head -3 seg.jsonl | mlw-metrics --task binary --label y --pred p --by a,b --emit-state > s1
	tail -n +4 seg.jsonl | mlw-metrics --task binary --label y --pred p --by a,b --emit-state > s2
	grep -q '"segment":"a=\\"1,b=2\\",b=3","values":\["1,b=2","3"\]' s1
	mlw-metrics --task binary --label y --pred p --by a,b --merge s1 s2 > merged.jsonl
	cmp one.jsonl merged.jsonl
}

@test "--max-keys: a segment past the limit is an error that names it; \"all\" does not count" {
	printf '%s\n' '{"y":1,"p":1,"m":"a"}' '{"y":1,"p":1,"m":"b"}' '{"y":1,"p":1,"m":"c"}' > m.jsonl
	run --separate-stderr mlw-metrics --task binary --label y --pred p --by m --max-keys 3 m.jsonl
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 4 ]
	run --separate-stderr mlw-metrics --task binary --label y --pred p --by m --max-keys 2 m.jsonl
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-metrics: m.jsonl:3: more than 2 segments in a window (the limit of --max-keys): m=c did not fit" ]
	run --separate-stderr mlw-metrics --task binary --label y --pred p --by m --max-keys 0 m.jsonl
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-metrics: --max-keys: expected a whole number from 1 to 1000000000, found '0'" ]
}

# --calibration-bins: sklearn.calibration.calibration_curve's bins. The
# fixtures tests/data/calib-in.jsonl and calib-expect.jsonl were written by
# tests/data/witness-calib.py (sklearn 1.2.1, NumPy 1.24; see its header).

# The calibration members of mlw-metrics' output, in the fixture's form.
calib_lines() {
	sed 's/^.*"segment":\("[^"]*"\).*\("calibration_error".*\)$/{"strategy":"'"$1"'","bins":'"$2"',"segment":\1,\2/'
}

@test "--calibration-bins equals sklearn's calibration_curve on the fixture: ties, edges, both strategies, --by" {
	: > got.jsonl
	for c in uniform:10 uniform:5 uniform:7 quantile:4 quantile:10; do
		run --separate-stderr mlw-metrics --task binary --label label --score score --by g \
		    --calibration-bins "${c#*:}" --calibration-strategy "${c%:*}" "$DATA/calib-in.jsonl"
		[ "$status" -eq 0 ]
		[ "$stderr" = "" ]
		[ "${#lines[@]}" -eq 3 ]
		printf '%s\n' "$output" | calib_lines "${c%:*}" "${c#*:}" >> got.jsonl
	done
	cmp got.jsonl "$DATA/calib-expect.jsonl"
	# uniform is the default
	mlw-metrics --task binary --label label --score score --by g --calibration-bins 10 "$DATA/calib-in.jsonl" |
	    calib_lines uniform 10 > default.jsonl
	[ "$(cat default.jsonl)" = "$(head -3 "$DATA/calib-expect.jsonl")" ]
	# and without --calibration-bins the records are as they were
	run --separate-stderr mlw-metrics --task binary --label label --score score "$DATA/calib-in.jsonl"
	[[ "$output" != *calibration* ]]
	[[ "$output" == *',"brier":'*[0-9]'}' ]]
}

@test "--calibration-bins on sklearn's own example: a whole record; a probability on an edge is in the bin below" {
	# calibration_curve's docstring: y_true [0,0,0,0,1,1,1,1,1], y_prob
	# [0.1,0.2,0.3,0.4,0.65,0.7,0.8,0.9,1.], n_bins=3 give prob_true
	# [0, 0.5, 1] and prob_pred [0.2, 0.525, 0.85], bin counts [3, 2, 4].
	# sklearn 1.2.1 prints prob_pred[0] as 0.20000000000000004 (it sums
	# 0.1 + 0.2 + 0.3 in input order, 0.6000000000000001); mlw's exact sum
	# is 0.6, so 0.19999999999999998, and the errors follow from it:
	# 3/9*0.19999999999999998 + 2/9*0.025 + 4/9*0.15 in bin order
	# (sklearn's means give 0.13888888888888892 and 0.20000000000000004).
	# The other metrics: sklearn 1.2.1's log_loss 0.256885173519998,
	# brier_score_loss 0.0625, accuracy, roc_auc and the rest 1.
	printf '{"y":%s,"p":%s}\n' 0 0.1 0 0.2 0 0.3 0 0.4 1 0.65 1 0.7 1 0.8 1 0.9 1 1 > doc.jsonl
	run --separate-stderr mlw-metrics --task binary --label y --score p --calibration-bins 3 doc.jsonl
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = '{"segment":"all","task":"binary","n":9,"unlabeled":0,"positives":5,"tp":5,"fp":0,"tn":4,"fn":0,"accuracy":1,"precision":1,"recall":1,"f1":1,"fpr":0,"specificity":1,"balanced_accuracy":1,"mcc":1,"roc_auc":1,"pr_auc":1,"log_loss":0.256885173519998,"brier":0.0625,"calibration_error":0.1388888888888889,"max_calibration_error":0.19999999999999998,"calibration_bins":[{"lower":0,"upper":0.3333333333333333,"n":3,"positives":0,"mean_predicted":0.19999999999999998,"fraction_positive":0},{"lower":0.3333333333333333,"upper":0.6666666666666666,"n":2,"positives":1,"mean_predicted":0.525,"fraction_positive":0.5},{"lower":0.6666666666666666,"upper":1,"n":4,"positives":4,"mean_predicted":0.85,"fraction_positive":1}]}' ]
	# quantile: np.percentile gives the edges [0.1, 0.36666666666666664,
	# 0.7333333333333332, 1.0], three records each
	run --separate-stderr mlw-metrics --task binary --label y --score p --calibration-bins 3 --calibration-strategy quantile doc.jsonl
	[[ "$output" == *'"calibration_bins":[{"lower":0.1,"upper":0.36666666666666664,"n":3,'*'{"lower":0.36666666666666664,"upper":0.7333333333333332,"n":3,"positives":2,"mean_predicted":0.5833333333333334,"fraction_positive":0.6666666666666666},{"lower":0.7333333333333332,"upper":1,"n":3,"positives":3,"mean_predicted":0.9,"fraction_positive":1}]}' ]]
	# 0.1 and 0.5 are edges of 10 bins: side="left" puts each in the bin
	# below it (np.searchsorted([0.1, ..., 0.9], [0.1, 0.5]) is [0, 4])
	printf '{"y":%s,"p":%s}\n' 1 0.1 0 0.5 1 0 0 1 > e.jsonl
	run --separate-stderr mlw-metrics --task binary --label y --score p --calibration-bins 10 e.jsonl
	[[ "$output" == *'"calibration_bins":[{"lower":0,"upper":0.1,"n":2,"positives":2,"mean_predicted":0.05,"fraction_positive":1},{"lower":0.4,"upper":0.5,"n":1,"positives":0,"mean_predicted":0.5,"fraction_positive":0},{"lower":0.9,"upper":1,"n":1,"positives":0,"mean_predicted":1,"fraction_positive":0}]}' ]]
}

@test "--calibration-bins: rejected and unlabelled records are not counted; a window without scores has null errors and no bins" {
	printf '%s\n' '{"y":1,"p":0.9}' '{"y":0,"p":1.5}' '{"y":0}' '{"p":0.2}' '{"y":0,"p":-0}' > r.jsonl
	run --separate-stderr mlw-metrics --task binary --label y --score p --calibration-bins 2 r.jsonl
	[ "$status" -eq 1 ]
	[ "$stderr" = 'mlw-metrics: r.jsonl:2: p: expected a probability from 0 to 1, found 1.5
mlw-metrics: r.jsonl:3: p: missing
mlw-metrics: 2 records rejected' ]
	[[ "$output" == *'"n":2,"unlabeled":1,'*'"calibration_error":0.04999999999999999,"max_calibration_error":0.09999999999999998,"calibration_bins":[{"lower":0,"upper":0.5,"n":1,"positives":0,"mean_predicted":0,"fraction_positive":0},{"lower":0.5,"upper":1,"n":1,"positives":1,"mean_predicted":0.9,"fraction_positive":1}]}' ]]
	printf '%s\n' '{"i":0,"p":0.2}' '{"i":1,"y":1,"p":0.7}' > w.jsonl
	for s in uniform quantile; do
		run --separate-stderr sh -c "mlw-window --count 1 w.jsonl | mlw-metrics --task binary --label y --score p --calibration-bins 4 --calibration-strategy $s"
		[ "$status" -eq 0 ]
		[[ "${lines[0]}" == '{"window_start":0,"window_end":1,"segment":"all","task":"binary","n":0,"unlabeled":1,'*',"roc_auc":null,"pr_auc":null,"log_loss":null,"brier":null,"calibration_error":null,"max_calibration_error":null,"calibration_bins":[]}' ]]
		[[ "${lines[1]}" == *'"calibration_error":0.30000000000000004,"max_calibration_error":0.30000000000000004,"calibration_bins":[{"lower":'*',"n":1,"positives":1,"mean_predicted":0.7,"fraction_positive":1}]}' ]]
	done
}

@test "--calibration-bins: four shards' states merge to the single pass, byte for byte" {
	gen -n 6000 --interval 1s --drift-at 3000 > log.jsonl
	mlw-window --time ts --size 30m log.jsonl > win.jsonl
	opts="--task binary --label label --score score --auc-bins 100 --calibration-bins 10 --by features.device"
	mlw-metrics $opts win.jsonl > one.jsonl
	[ "$(wc -l < one.jsonl)" -eq 16 ]
	grep -q '"calibration_bins":\[{"lower":' one.jsonl
	# four shards of 1501 lines (6000 records and mlw-window's 4 window
	# ends): the 30-minute windows span shards
	[ "$(wc -l < win.jsonl)" -eq 6004 ]
	split -l 1501 win.jsonl shard.
	for f in shard.a?; do mlw-metrics $opts --emit-state "$f" > "$f.state"; done
	[ "$(ls shard.a?.state | wc -l)" -eq 4 ]
	grep -q '"calibration_n":\[' shard.aa.state
	mlw-metrics $opts --merge shard.a?.state > merged.jsonl
	cmp one.jsonl merged.jsonl
	# the states of other bins are refused: the options' hash differs
	run --separate-stderr mlw-metrics --task binary --label label --score score --auc-bins 100 --calibration-bins 5 --by features.device --merge shard.aa.state
	[ "$status" -eq 2 ]
	# a damaged state is rejected, and nothing inexact is written
	sed '1s/"calibration_n":\[[0-9]*,/"calibration_n":["x",/' shard.aa.state > bad.state
	run --separate-stderr mlw-metrics $opts --merge bad.state
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	[ "$stderr" = 'mlw-metrics: bad.state:1: expected calibration_n and calibration_positives, arrays of --calibration-bins counts, and calibration_sums, an array of as many exact sums
mlw-metrics: 1 state record rejected: the merged results would not be exact; nothing written' ]
}

@test "--calibration-bins: option errors" {
	run --separate-stderr mlw-metrics --task binary --label y --score p --calibration-bins 1
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-metrics: --calibration-bins: expected a whole number from 2 to 1000, found '1'" ]
	run --separate-stderr mlw-metrics --task binary --label y --score p --calibration-bins 10 --calibration-strategy median
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-metrics: --calibration-strategy: expected uniform or quantile, found 'median'" ]
	run --separate-stderr mlw-metrics --task binary --label y --pred p --calibration-bins 10
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-metrics: --calibration-bins needs --score" ]
	run --separate-stderr mlw-metrics --task binary --label y --score p --calibration-strategy quantile
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-metrics: --calibration-strategy needs --calibration-bins" ]
	run --separate-stderr mlw-metrics --task regression --label y --pred p --calibration-bins 10
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-metrics: --score, --auc-bins and --calibration-bins are for --task binary" ]
	for m in --emit-state --merge; do
		run --separate-stderr mlw-metrics --task binary --label y --score p --auc-bins 10 --calibration-bins 10 --calibration-strategy quantile $m
		[ "$status" -eq 2 ]
		[ "${stderr%%$'\n'*}" = "mlw-metrics: $m with --calibration-strategy quantile: the quantile bin edges need every score and cannot be merged (uniform bins can)" ]
	done
}

# expected: scikit-learn 1.2 on metrics-bin.jsonl, roc_curve(y, s) without
# its first point (0, 0, inf) and precision_recall_curve(y, s) reversed
# without its last point (1, 0): tests/data/witness-metrics.py
@test "--detail writes the ROC and PR curves as scikit-learn's roc_curve and precision_recall_curve" {
	run --separate-stderr mlw-metrics --task binary --label label --score score --detail "$DATA/metrics-bin.jsonl"
	[ "$status" -eq 0 ]
	[ "${output#*\"brier\":0.25958333333333333,}" = '"roc_curve":{"threshold":[0.9,0.8,0.7,0.55,0.3,0.1,0.05],"fpr":[0,0.16666666666666666,0.16666666666666666,0.3333333333333333,0.6666666666666666,1,1],"tpr":[0.16666666666666666,0.3333333333333333,0.5,0.5,0.8333333333333334,0.8333333333333334,1]},"pr_curve":{"threshold":[0.9,0.8,0.7,0.55,0.5,0.3,0.2,0.1,0.05],"precision":[1,0.6666666666666666,0.75,0.6,0.5714285714285714,0.5555555555555556,0.5,0.45454545454545453,0.5],"recall":[0.16666666666666666,0.3333333333333333,0.5,0.5,0.6666666666666666,0.8333333333333334,0.8333333333333334,0.8333333333333334,1]}}' ]
	# with --auc-bins the points are the nonempty bins, thresholds their lower
	# edges (0.2 on the line from 0.3 to 0.1 is dropped)
	run --separate-stderr mlw-metrics --task binary --label label --score score --detail --auc-bins 10 "$DATA/metrics-bin.jsonl"
	[[ "$output" == *'"roc_curve":{"threshold":[0.9,0.8,0.7,0.5,0.3,0.1,0],"fpr":[0,0.16666666666666666,0.16666666666666666,0.5,'* ]]
	run --separate-stderr mlw-metrics --task binary --label label --pred pred --detail "$DATA/metrics-bin.jsonl"
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-metrics: --detail needs --score (and --task binary)" ]
}
