#!/usr/bin/env bats
# mlw-bias: fairness per window and group. The values for
# tests/data/bias-3g.jsonl and bias-nopos.jsonl were computed by
# tests/data/witness-bias.py (run by hand: scikit-learn 1.2.1 from Debian's
# python3-sklearn for the per-group rates, Fairlearn's formulas written out
# by hand since fairlearn is not packaged) and are pinned here.

load helpers

@test "batch: per-group rates and disparities equal the witness" {
	run --separate-stderr mlw-bias --group f.g --label y --pred p "$DATA/bias-3g.jsonl"
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = '{"group":"f.g","value":"A","n":8,"selection_rate":0.75,"tpr":0.8,"fpr":0.6666666666666666,"precision":0.6666666666666666,"accuracy":0.625}
{"group":"f.g","value":"B","n":6,"selection_rate":0.3333333333333333,"tpr":0.3333333333333333,"fpr":0.3333333333333333,"precision":0.5,"accuracy":0.5}
{"group":"f.g","value":"C","n":4,"selection_rate":0.5,"tpr":0.5,"fpr":0.5,"precision":0.5,"accuracy":0.5}
{"group":"f.g","reference":"A","groups":3,"demographic_parity_difference":0.4166666666666667,"demographic_parity_ratio":0.4444444444444444,"disparate_impact":0.4444444444444444,"disparate_impact_flag":true,"equal_opportunity_difference":0.46666666666666673,"equalized_odds_difference":0.46666666666666673,"pairwise":[{"value":"B","selection_rate_difference":-0.4166666666666667,"disparate_impact":0.4444444444444444,"tpr_difference":-0.46666666666666673,"fpr_difference":-0.3333333333333333},{"value":"C","selection_rate_difference":-0.25,"disparate_impact":0.6666666666666666,"tpr_difference":-0.30000000000000004,"fpr_difference":-0.16666666666666663}]}' ]
}

@test "--reference-group C: pairwise values against C equal the witness" {
	run --separate-stderr mlw-bias --group f.g --label y --pred p --reference-group C "$DATA/bias-3g.jsonl"
	[ "$status" -eq 0 ]
	[ "${lines[3]}" = '{"group":"f.g","reference":"C","groups":3,"demographic_parity_difference":0.4166666666666667,"demographic_parity_ratio":0.4444444444444444,"disparate_impact":0.6666666666666666,"disparate_impact_flag":true,"equal_opportunity_difference":0.46666666666666673,"equalized_odds_difference":0.46666666666666673,"pairwise":[{"value":"A","selection_rate_difference":0.25,"disparate_impact":1.5,"tpr_difference":0.30000000000000004,"fpr_difference":0.16666666666666663},{"value":"B","selection_rate_difference":-0.16666666666666669,"disparate_impact":0.6666666666666666,"tpr_difference":-0.16666666666666669,"fpr_difference":-0.16666666666666669}]}' ]
}

@test "--score with --threshold equals the witness; the default 0.5 equals --pred but for the tie" {
	# tests/data/witness-bias.py "bias-3g --score s --threshold 0.7"
	run --separate-stderr mlw-bias --group f.g --label y --score s --threshold 0.7 "$DATA/bias-3g.jsonl"
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = '{"group":"f.g","value":"B","n":6,"selection_rate":0.16666666666666666,"tpr":0.3333333333333333,"fpr":0,"precision":1,"accuracy":0.6666666666666666}' ]
	[ "${lines[3]}" = '{"group":"f.g","reference":"A","groups":3,"demographic_parity_difference":0.20833333333333334,"demographic_parity_ratio":0.4444444444444444,"disparate_impact":0.4444444444444444,"disparate_impact_flag":true,"equal_opportunity_difference":0.26666666666666666,"equalized_odds_difference":0.26666666666666666,"pairwise":[{"value":"B","selection_rate_difference":-0.20833333333333334,"disparate_impact":0.4444444444444444,"tpr_difference":-0.26666666666666666,"fpr_difference":0},{"value":"C","selection_rate_difference":-0.125,"disparate_impact":0.6666666666666666,"tpr_difference":-0.09999999999999998,"fpr_difference":0}]}' ]
	# the fixture's p column was made with s >= 0.5; record 13 has s 0.5,
	# which predict() makes negative: with that p set to 0, --pred and
	# --score agree
	sed 's/"id":13,"f":{"g":"A"},"y":0,"p":1/"id":13,"f":{"g":"A"},"y":0,"p":0/' "$DATA/bias-3g.jsonl" > tie.jsonl
	mlw-bias --group f.g --label y --pred p tie.jsonl > pred.out
	mlw-bias --group f.g --label y --score s "$DATA/bias-3g.jsonl" > score.out
	cmp pred.out score.out
	# witness "bias-3g --score s"
	[ "$(sed -n 4p score.out)" = '{"group":"f.g","reference":"A","groups":3,"demographic_parity_difference":0.2916666666666667,"demographic_parity_ratio":0.5333333333333333,"disparate_impact":0.5333333333333333,"disparate_impact_flag":true,"equal_opportunity_difference":0.46666666666666673,"equalized_odds_difference":0.46666666666666673,"pairwise":[{"value":"B","selection_rate_difference":-0.2916666666666667,"disparate_impact":0.5333333333333333,"tpr_difference":-0.46666666666666673,"fpr_difference":0},{"value":"C","selection_rate_difference":-0.125,"disparate_impact":0.8,"tpr_difference":-0.30000000000000004,"fpr_difference":0.16666666666666669}]}' ]
}

@test "mlw-window --count 6 | mlw-bias: each window equals the witness, nulls reported once" {
	run --separate-stderr sh -c "mlw-window --count 6 '$DATA/bias-3g.jsonl' | mlw-bias --group f.g --label y --pred p"
	[ "$status" -eq 0 ]
	[ "$output" = '{"window_start":0,"window_end":6,"group":"f.g","value":"A","n":3,"selection_rate":1,"tpr":1,"fpr":1,"precision":0.6666666666666666,"accuracy":0.6666666666666666}
{"window_start":0,"window_end":6,"group":"f.g","value":"B","n":2,"selection_rate":0.5,"tpr":0,"fpr":1,"precision":0,"accuracy":0}
{"window_start":0,"window_end":6,"group":"f.g","value":"C","n":1,"selection_rate":0,"tpr":0,"fpr":null,"precision":null,"accuracy":0}
{"window_start":0,"window_end":6,"group":"f.g","reference":"A","groups":3,"demographic_parity_difference":1,"demographic_parity_ratio":0,"disparate_impact":0,"disparate_impact_flag":true,"equal_opportunity_difference":1,"equalized_odds_difference":null,"pairwise":[{"value":"B","selection_rate_difference":-0.5,"disparate_impact":0.5,"tpr_difference":-1,"fpr_difference":0},{"value":"C","selection_rate_difference":-1,"disparate_impact":0,"tpr_difference":-1,"fpr_difference":null}]}
{"window_start":6,"window_end":12,"group":"f.g","value":"A","n":3,"selection_rate":0.6666666666666666,"tpr":1,"fpr":0,"precision":1,"accuracy":1}
{"window_start":6,"window_end":12,"group":"f.g","value":"C","n":1,"selection_rate":1,"tpr":null,"fpr":1,"precision":0,"accuracy":0}
{"window_start":6,"window_end":12,"group":"f.g","value":"B","n":2,"selection_rate":0,"tpr":0,"fpr":0,"precision":null,"accuracy":0.5}
{"window_start":6,"window_end":12,"group":"f.g","reference":"A","groups":3,"demographic_parity_difference":1,"demographic_parity_ratio":0,"disparate_impact":0,"disparate_impact_flag":true,"equal_opportunity_difference":null,"equalized_odds_difference":null,"pairwise":[{"value":"C","selection_rate_difference":0.33333333333333337,"disparate_impact":1.5,"tpr_difference":null,"fpr_difference":1},{"value":"B","selection_rate_difference":-0.6666666666666666,"disparate_impact":0,"tpr_difference":-1,"fpr_difference":0}]}
{"window_start":12,"window_end":18,"group":"f.g","value":"C","n":2,"selection_rate":0.5,"tpr":1,"fpr":0,"precision":1,"accuracy":1}
{"window_start":12,"window_end":18,"group":"f.g","value":"A","n":2,"selection_rate":0.5,"tpr":0,"fpr":1,"precision":0,"accuracy":0}
{"window_start":12,"window_end":18,"group":"f.g","value":"B","n":2,"selection_rate":0.5,"tpr":1,"fpr":0,"precision":1,"accuracy":1}
{"window_start":12,"window_end":18,"group":"f.g","reference":"C","groups":3,"demographic_parity_difference":0,"demographic_parity_ratio":1,"disparate_impact":1,"disparate_impact_flag":false,"equal_opportunity_difference":1,"equalized_odds_difference":1,"pairwise":[{"value":"A","selection_rate_difference":0,"disparate_impact":1,"tpr_difference":-1,"fpr_difference":1},{"value":"B","selection_rate_difference":0,"disparate_impact":1,"tpr_difference":0,"fpr_difference":0}]}' ]
	[ "$stderr" = 'mlw-bias: window 0: group C has no negative labels; its fpr is null, and so are the equalized_odds_difference and its fpr_difference
mlw-bias: window 0: group C has no positive predictions; its precision is null
mlw-bias: window 6: group C has no positive labels; its tpr is null, and so are the equal_opportunity_difference, the equalized_odds_difference and its tpr_difference' ]
}

@test "a group without positive labels: its tpr and the tpr disparities are null" {
	run --separate-stderr mlw-bias --group f.g --label y --pred p "$DATA/bias-nopos.jsonl"
	[ "$status" -eq 0 ]
	[ "${lines[2]}" = '{"group":"f.g","value":"C","n":3,"selection_rate":0.3333333333333333,"tpr":null,"fpr":0.3333333333333333,"precision":0,"accuracy":0.6666666666666666}' ]
	[ "${lines[3]}" = '{"group":"f.g","reference":"A","groups":3,"demographic_parity_difference":0.3333333333333333,"demographic_parity_ratio":0.5,"disparate_impact":0.5,"disparate_impact_flag":true,"equal_opportunity_difference":null,"equalized_odds_difference":null,"pairwise":[{"value":"B","selection_rate_difference":0,"disparate_impact":1,"tpr_difference":-0.5,"fpr_difference":1},{"value":"C","selection_rate_difference":-0.3333333333333333,"disparate_impact":0.5,"tpr_difference":null,"fpr_difference":0.3333333333333333}]}' ]
	[ "$stderr" = 'mlw-bias: batch: group C has no positive labels; its tpr is null, and so are the equal_opportunity_difference, the equalized_odds_difference and its tpr_difference' ]
}

@test "a perfect classifier: every tpr and fpr difference is 0" {
	printf '%s\n' '{"g":"a","y":1,"p":1}' '{"g":"b","y":0,"p":0}' '{"g":"a","y":0,"p":0}' \
	    '{"g":"b","y":1,"p":1}' '{"g":"a","y":1,"p":1}' > in.jsonl
	run --separate-stderr mlw-bias --group g --label y --pred p in.jsonl
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "${lines[2]}" = '{"group":"g","reference":"a","groups":2,"demographic_parity_difference":0.16666666666666663,"demographic_parity_ratio":0.75,"disparate_impact":0.75,"disparate_impact_flag":true,"equal_opportunity_difference":0,"equalized_odds_difference":0,"pairwise":[{"value":"b","selection_rate_difference":-0.16666666666666663,"disparate_impact":0.75,"tpr_difference":0,"fpr_difference":0}]}' ]
}

@test "one group only: differences 0, disparate impact null and not flagged" {
	printf '%s\n' '{"g":"a","y":1,"p":1}' '{"g":"a","y":0,"p":0}' > in.jsonl
	run --separate-stderr mlw-bias --group g --label y --pred p in.jsonl
	[ "$status" -eq 0 ]
	[ "$output" = '{"group":"g","value":"a","n":2,"selection_rate":0.5,"tpr":1,"fpr":0,"precision":1,"accuracy":1}
{"group":"g","reference":"a","groups":1,"demographic_parity_difference":0,"demographic_parity_ratio":1,"disparate_impact":null,"disparate_impact_flag":false,"equal_opportunity_difference":0,"equalized_odds_difference":0,"pairwise":[]}' ]
	[ "$stderr" = "mlw-bias: batch: only one group, a; disparate_impact is null" ]
}

@test "generated data where group B is selected far less often is flagged" {
	# 1000 records, groups A and B alternate; A is predicted positive half
	# the time (selection rate 0.5), B one time in ten (0.1): DPD 0.4,
	# disparate impact 0.1 / 0.5 = 0.2 < 0.8.
	awk 'BEGIN { for (i = 0; i < 1000; i++) {
		g = i % 2 ? "B" : "A"; j = int(i / 2)
		p = g == "A" ? j % 2 == 0 : j % 10 == 0
		printf "{\"id\":%d,\"who\":{\"group\":\"%s\"},\"label\":%d,\"pred\":%d}\n", i, g, j % 3 == 0, p
	} }' > gen.jsonl
	run --separate-stderr mlw-bias --group who.group --label label --pred pred gen.jsonl
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[0]}" == '{"group":"who.group","value":"A","n":500,"selection_rate":0.5,'* ]]
	[[ "${lines[1]}" == '{"group":"who.group","value":"B","n":500,"selection_rate":0.1,'* ]]
	[[ "${lines[2]}" == '{"group":"who.group","reference":"A","groups":2,"demographic_parity_difference":0.4,"demographic_parity_ratio":0.2,"disparate_impact":0.2,"disparate_impact_flag":true,'* ]]
	# treated alike, nothing is flagged
	awk '{ sub(/"pred":[01]/, "\"pred\":" (NR % 4 < 2)); print }' gen.jsonl > fair.jsonl
	run --separate-stderr mlw-bias --group who.group --label label --pred pred fair.jsonl
	[[ "${lines[2]}" == *'"demographic_parity_difference":0,"demographic_parity_ratio":1,"disparate_impact":1,"disparate_impact_flag":false,'* ]]
}

@test "wrong types are rejected, missing values skipped and counted" {
	printf '%s\n' '{"g":{},"y":1,"p":1}' '{"g":"a","y":1}' '{"y":1,"p":0}' '{"g":"a","p":0}' \
	    '{"g":"a","y":"yes","p":0}' '{"g":true,"y":1,"p":[1]}' '{"g":1.0,"y":true,"p":"1"}' \
	    '{"g":"1","y":false,"p":0}' > in.jsonl
	run --separate-stderr mlw-bias --group g --label y --pred p --rejects rej.jsonl in.jsonl
	[ "$status" -eq 1 ]
	[ "$output" = '{"group":"g","value":"1","n":2,"selection_rate":0.5,"tpr":1,"fpr":0,"precision":1,"accuracy":1}
{"group":"g","reference":"1","groups":1,"demographic_parity_difference":0,"demographic_parity_ratio":1,"disparate_impact":null,"disparate_impact_flag":false,"equal_opportunity_difference":0,"equalized_odds_difference":0,"pairwise":[]}' ]
	[ "$stderr" = 'mlw-bias: in.jsonl:1: g: expected a string, number or boolean, found an object
mlw-bias: in.jsonl:5: y: expected 0/1 or true/false (or name the positive class with --positive), found "yes"
mlw-bias: in.jsonl:6: p: expected a string, number or boolean, found an array
mlw-bias: batch: only one group, 1; disparate_impact is null
mlw-bias: 1 record without group g skipped
mlw-bias: 1 record without label y skipped
mlw-bias: 1 record without prediction p skipped
mlw-bias: 3 records rejected' ]
	[ "$(cat rej.jsonl)" = '{"g":{},"y":1,"p":1}
{"g":"a","y":"yes","p":0}
{"g":true,"y":1,"p":[1]}' ]
	run --separate-stderr mlw-bias --group g --label y --pred p --strict in.jsonl
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
}

@test "--positive names the positive class of labels and predictions" {
	printf '%s\n' '{"g":"x","y":"yes","p":"yes"}' '{"g":"x","y":"no","p":"yes"}' \
	    '{"g":"z","y":"no","p":"no"}' > in.jsonl
	run --separate-stderr mlw-bias --group g --label y --pred p --positive yes in.jsonl
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = '{"group":"g","value":"x","n":2,"selection_rate":1,"tpr":1,"fpr":1,"precision":0.5,"accuracy":0.5}' ]
	[ "${lines[1]}" = '{"group":"g","value":"z","n":1,"selection_rate":0,"tpr":null,"fpr":0,"precision":null,"accuracy":1}' ]
	[[ "${lines[2]}" == *'"demographic_parity_difference":1,"demographic_parity_ratio":0,"disparate_impact":0,"disparate_impact_flag":true,'* ]]
}

@test "a reference group absent from the window gives null pairwise values" {
	printf '%s\n' '{"g":"a","y":1,"p":1}' '{"g":"b","y":0,"p":1}' > in.jsonl
	run --separate-stderr mlw-bias --group g --label y --pred p --reference-group zz in.jsonl
	[ "$status" -eq 0 ]
	[ "${lines[2]}" = '{"group":"g","reference":"zz","groups":2,"demographic_parity_difference":0,"demographic_parity_ratio":1,"disparate_impact":null,"disparate_impact_flag":false,"equal_opportunity_difference":null,"equalized_odds_difference":null,"pairwise":[{"value":"a","selection_rate_difference":null,"disparate_impact":null,"tpr_difference":null,"fpr_difference":null},{"value":"b","selection_rate_difference":null,"disparate_impact":null,"tpr_difference":null,"fpr_difference":null}]}' ]
	[[ "$stderr" == *'mlw-bias: batch: reference group zz is not in the window; disparate_impact and the pairwise values are null'* ]]
}

@test "more than 1000 groups in a window is a fatal error" {
	awk 'BEGIN { for (i = 0; i <= 1000; i++) printf "{\"g\":%d,\"y\":1,\"p\":1}\n", i }' > in.jsonl
	run --separate-stderr mlw-bias --group g --label y --pred p in.jsonl
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-bias: in.jsonl:1001: g: more than 1000 groups in one window" ]
}

@test "usage errors exit 2 with one line" {
	run --separate-stderr mlw-bias --group g --label y
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-bias: give one of --pred and --score" ]
	run --separate-stderr mlw-bias --group g --label y --pred p --score s
	[ "$status" -eq 2 ]
	run --separate-stderr mlw-bias --group g --label y --pred p --threshold 0.3
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-bias: --threshold needs --score" ]
	run --separate-stderr mlw-bias --group g --label y --score s --threshold x
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-bias: --threshold: expected a number, found 'x'" ]
	run --separate-stderr mlw-bias --label y --pred p
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-bias: --group and --label are required" ]
	run --separate-stderr mlw-bias --bogus
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-bias: unrecognized option '--bogus'" ]
	run mlw-bias --help
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "usage: mlw-bias --group PATH --label PATH (--pred PATH | --score PATH" ]
}

@test "--score: a score equal to the threshold predicts the negative class, as scikit-learn's predict" {
	# scikit-learn's predict() for predict_proba [0.5, 0.5] gives classes_[0]
	printf '{"g":"a","label":1,"score":0.5}\n{"g":"a","label":0,"score":0.75}\n{"g":"b","label":1,"score":0.5}\n{"g":"b","label":1,"score":0.25}\n' > t.jsonl
	run --separate-stderr mlw-bias --group g --label label --score score t.jsonl
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = '{"group":"g","value":"a","n":2,"selection_rate":0.5,"tpr":0,"fpr":1,"precision":0,"accuracy":0}' ]
	[ "${lines[1]}" = '{"group":"g","value":"b","n":2,"selection_rate":0,"tpr":0,"fpr":null,"precision":null,"accuracy":0}' ]
}

@test "groups are category texts (lib/key): identifiers beyond 2^53 keep all their digits and stay apart" {
	# as doubles, 9007199254740993 was the group 9007199254740992
	printf '%s\n' '{"g":9007199254740992,"y":1,"p":1}' '{"g":9007199254740993,"y":1,"p":0}' > in.jsonl
	run --separate-stderr mlw-bias --group g --label y --pred p in.jsonl
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == '{"group":"g","value":"9007199254740992","n":1,'* ]]
	[[ "${lines[1]}" == '{"group":"g","value":"9007199254740993","n":1,'* ]]
}

@test "--by model: fairness within each model, equal to mlw-bias over that model's records alone" {
	gen -n 3000 --models 3 --drift-at 1500 > cur.jsonl
	mlw-window --time ts --size 20m cur.jsonl |
	    mlw-bias --group features.country --label label --score score --by model > by.jsonl
	for m in m1 m2 m3; do
		grep -F "\"model\":\"$m\"," cur.jsonl | mlw-window --time ts --size 20m |
		    mlw-bias --group features.country --label label --score score > want.$m
		grep -F "\"segment\":\"model=$m\",\"model\":\"$m\"," by.jsonl |
		    sed "s/\"segment\":\"model=$m\",\"model\":\"$m\",//" > got.$m
		[ -s want.$m ]
		cmp want.$m got.$m
	done
	[ "$(wc -l < by.jsonl)" -eq "$(cat want.m1 want.m2 want.m3 | wc -l)" ]
	head -n 1 by.jsonl | grep -F '{"window_start":"2026-11-01T00:00:00Z","window_end":"2026-11-01T00:20:00Z","segment":"model=m1","model":"m1","group":"features.country",'
}

@test "--by: a bad segment value is rejected, a member name of the output is refused, --max-keys caps segments" {
	printf '%s\n' '{"m":{"x":1},"g":"a","y":1,"p":1}' '{"m":"k","g":"a","y":1,"p":1}' > d.jsonl
	run --separate-stderr mlw-bias --group g --label y --pred p --by m d.jsonl
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"d.jsonl:1: m: "*"as a segment value"* ]]
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" == '{"segment":"m=k","m":"k","group":"g","value":"a","n":1,'* ]]
	run mlw-bias --group g --label y --pred p --by tpr d.jsonl
	[ "$status" -eq 2 ]
	[[ "$output" == *"--by: tpr is the name of a member of the output"* ]]
	printf '%s\n' '{"m":"k","g":"a","y":1,"p":1}' '{"m":"j","g":"a","y":1,"p":1}' > e.jsonl
	run mlw-bias --group g --label y --pred p --by m --max-keys 1 e.jsonl
	[ "$status" -eq 2 ]
	[[ "$output" == *"e.jsonl:2: more than 1 segments (the limit of --max-keys): m=j did not fit"* ]]
}
