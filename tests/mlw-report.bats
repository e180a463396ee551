#!/usr/bin/env bats
# mlw-report: golden outputs for each format, HTML well-formedness and
# self-containment, Prometheus syntax (promtool), a real browser rendering.

load helpers

IN=$BATS_TEST_DIRNAME/data/report-in.jsonl
opts=(--threshold 0.25 --title "Drift of the churn model")

# fits CHROME WIDTH FILE: FILE (a report with measure-width.js) has no
# element wider than a WIDTH px viewport in headless Chromium
fits() {
	timeout 120 "$1" --headless --no-sandbox --disable-gpu \
	    --disable-background-networking --disable-component-update \
	    --disable-sync --no-first-run --user-data-dir="$T/chrome" \
	    --window-size=$2,3000 --virtual-time-budget=3000 \
	    --dump-dom "file://$T/$3" > dom.html 2> chrome.log ||
	    { cat chrome.log; false; }
	m=$(grep -o 'viewport=[0-9]* widest=[0-9]*' dom.html)
	vw=${m#viewport=}; vw=${vw%% *}; wd=${m##*widest=}
	[ -n "$vw" ] && [ "$wd" -le "$vw" ] || { echo "$2 px: $m"; false; }
}

# check_html FILE: every tag closed in order, no external reference
check_html() {
	grep -o '<[^>]*>' "$1" | awk '
	/^<!/ { next }
	/\/>$/ { next }
	/^<\// {
		t = $0; sub(/^<\//, "", t); sub(/[ >].*/, "", t)
		if (n == 0 || st[n] != t) { print "mismatch: </" t "> closes <" st[n] ">"; bad = 1 } else n--
		next
	}
	{
		t = $0; sub(/^</, "", t); sub(/[ >].*/, "", t)
		if (t == "meta" || t == "br" || t == "img" || t == "link" || t == "hr" || t == "input") next
		st[++n] = t
	}
	END { if (n) { print "unclosed: <" st[n] ">"; bad = 1 }; exit bad }'
	! grep -Eiq '(src|href)=|url\(|https?:|<script|@import' "$1"
}

@test "table: aligned, marked, with the alerts (golden)" {
	run --separate-stderr mlw-report "${opts[@]}" "$IN"
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = "$(cat "$DATA/report.table")" ]
}

@test "markdown: a GitHub table and the alerts (golden)" {
	run --separate-stderr mlw-report --format markdown "${opts[@]}" "$IN"
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$DATA/report.markdown")" ]
}

@test "html: golden, well-formed, self-contained" {
	run --separate-stderr mlw-report --format html "${opts[@]}" -o report.html "$IN"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	cmp report.html "$DATA/report.html"
	check_html report.html
	grep -q '<polyline class="line"' report.html
	grep -q '<rect class="firing"' report.html
	grep -q '<line class="threshold"' report.html
	grep -q '<rect class="cur"' report.html
}

@test "prom: exposition format (golden), valid for promtool" {
	run --separate-stderr mlw-report --format prom "${opts[@]}" "$IN"
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$DATA/report.prom")" ]
	command -v promtool >/dev/null || skip "promtool is not installed (apt-get install prometheus)"
	run promtool check metrics < "$DATA/report.prom"
	[ "$status" -eq 0 ]
}

@test "prom: label values are escaped; -o replaces the file atomically" {
	printf '%s\n' '{"feature":"a\"b\\c\nd","psi":0.5}' > in.jsonl
	echo old > m.prom
	run --separate-stderr mlw-report --format prom -o m.prom in.jsonl
	[ "$status" -eq 0 ]
	[ "$(sed -n 3p m.prom)" = 'mlw_psi{feature="a\"b\\c\nd"} 0.5' ]
	[ -z "$(ls m.prom.tmp.* 2>/dev/null)" ]
}

@test "the HTML report renders in headless Chromium" {
	chrome=$(command -v chromium || command -v chromium-browser || true)
	[ -n "$chrome" ] || skip "chromium is not installed (apt-get install chromium)"
	mlw-report --format html "${opts[@]}" -o report.html "$IN"
	timeout 120 "$chrome" --headless --no-sandbox --disable-gpu \
	    --disable-background-networking --disable-component-update \
	    --disable-sync --no-first-run --user-data-dir="$T/chrome" \
	    --window-size=1000,1800 --screenshot="$T/shot.png" \
	    "file://$T/report.html" > chrome.log 2>&1 || { cat chrome.log; false; }
	[ -s shot.png ]
	[ "$(head -c 4 shot.png | od -An -c | tr -d ' ')" = '211PNG' ]
}

@test "unknown shapes are reported once and skipped; series and value can be named" {
	printf '%s\n' '{"a":"x"}' '{"b":"y"}' '{"seg":"eu","acc":0.9}' '{"seg":"us","acc":0.8}' > in.jsonl
	run --separate-stderr mlw-report --format prom in.jsonl
	[ "$status" -eq 0 ]
	[ "$stderr" = "mlw-report: in.jsonl:1: no value to report (name one with --value); records like this are skipped
mlw-report: 2 records of unknown shape skipped" ]
	run --separate-stderr mlw-report --format prom --value acc --series seg in.jsonl
	[ "$output" = '# HELP mlw_acc Latest acc per series, from mlw.
# TYPE mlw_acc gauge
mlw_acc{seg="eu"} 0.9
mlw_acc{seg="us"} 0.8' ]
}

@test "a wide table is split into column groups that fit 80 columns" {
	for f in alpha_feature beta_feature gamma_feature delta_feature epsilon_feature zeta_feature; do
		printf '{"window_start":"2026-11-01T00:00:00Z","window_end":"2026-11-01T01:00:00Z","feature":"%s","psi":0.1}\n' "$f"
	done > in.jsonl
	run --separate-stderr env COLUMNS=80 mlw-report in.jsonl
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | awk '{ if (length > m) m = length } END { print m }')" -le 80 ]
	[ "$(grep -c '^window' <<<"$output")" -eq 2 ]
}

@test "the demo pipeline ends in a report" {
	gen --reference --seed 7 -n 3000 > ref.jsonl
	gen -n 4320 --interval 20s --drift-at 2160 > log.jsonl
	mlw-window --time ts --size 3h log.jsonl |
	    mlw-psi --ref ref.jsonl --fields features.age,score --detail |
	    mlw-alert --pass --name drift --when 'psi > 0.25' --by feature --for 2 |
	    mlw-report --format html --threshold 0.25 -o report.html
	check_html report.html
	# psi records are charted in Data drift, their bins in Distributions
	grep -q '<section class="kind" id="drift">' report.html
	[ "$(grep -c '<section class="panel">' report.html)" -eq 0 ]
	[ "$(grep -c '<figure class="linechart">' report.html)" -eq 2 ]
	[ "$(grep -c '<figure>' report.html)" -eq 2 ]
}

@test "bad options: format and threshold" {
	run --separate-stderr mlw-report --format pdf
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-report: --format: expected table, markdown, html or prom, found 'pdf'" ]
	run --separate-stderr mlw-report --threshold high
	[ "$status" -eq 2 ]
	run --separate-stderr sh -c 'echo "{\"psi\":1}" | mlw-report > /dev/full'
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-report: write error: No space left on device" ]
}

@test "regression: a batch (no windows) renders without hanging" {
	run --separate-stderr timeout 10 mlw-report <<<'{"psi":1}'
	[ "$status" -eq 0 ]
	[ "$output" = 'psi

window  psi 
all       1 ' ]
}

# Regressions found in review; each pins one fixed bug.

@test "regression: two alerts starting together keep their own periods" {
	printf '%s\n' \
	    '{"window_start":"2026-11-01T00:00:00Z","window_end":"2026-11-01T01:00:00Z","feature":"a","psi":0.3}' \
	    '{"alert":"x","status":"firing","labels":{"feature":"a"},"starts_at":"2026-11-01T01:00:00Z"}' \
	    '{"alert":"y","status":"firing","labels":{"feature":"a"},"starts_at":"2026-11-01T01:00:00Z"}' \
	    '{"window_start":"2026-11-01T01:00:00Z","window_end":"2026-11-01T02:00:00Z","feature":"a","psi":0.3}' \
	    '{"alert":"y","status":"resolved","labels":{"feature":"a"},"starts_at":"2026-11-01T01:00:00Z","ends_at":"2026-11-01T02:00:00Z"}' > in.jsonl
	run --separate-stderr mlw-report in.jsonl
	[ "${lines[3]}" = "2026-11-01 01:00   0.3000!" ]
}

@test "regression: different series fields with the same value stay apart" {
	printf '%s\n' '{"feature":"eu","psi":0.1}' '{"segment":"eu","psi":0.2}' > in.jsonl
	run --separate-stderr mlw-report --format prom in.jsonl
	[ "$output" = '# HELP mlw_psi Latest psi per series, from mlw.
# TYPE mlw_psi gauge
mlw_psi{feature="eu"} 0.1
mlw_psi{segment="eu"} 0.2' ]
}

@test "regression: prom output stays valid: HELP escaped, label names once, no stale values" {
	printf '%s\n' \
	    '{"window_start":"2026-11-01T00:00:00Z","window_end":"2026-11-01T01:00:00Z","a":{"b":"p"},"a_b":"q","m":{"a.b":0.5}}' \
	    '{"window_start":"2026-11-01T00:00:00Z","window_end":"2026-11-01T01:00:00Z","feature":"f","psi":0.5}' \
	    '{"window_start":"2026-11-01T01:00:00Z","window_end":"2026-11-01T02:00:00Z","feature":"f","psi":null}' \
	    '{"alert":"d","status":"firing","labels":{"alertname":"z","feature":"f"},"starts_at":"2026-11-01T01:00:00Z"}' > in.jsonl
	run --separate-stderr mlw-report --format prom --value 'm.a\.b' --series 'a.b,a_b' in.jsonl
	[[ "$output" == '# HELP mlw_m_a__b Latest m.a\\.b per series, from mlw.'* ]]
	[[ "$output" == *'mlw_m_a__b{a_b="p"} 0.5'* ]]
	run --separate-stderr mlw-report --format prom in.jsonl
	[[ "$output" != *'mlw_psi{feature="f"}'* ]]
	[[ "$output" == *'mlw_alert_firing{alertname="d",feature="f"} 1'* ]]
	command -v promtool >/dev/null || skip "promtool is not installed"
	mlw-report --format prom in.jsonl | promtool check metrics
}

@test "regression: a series without series fields is not under a feature's alert" {
	printf '%s\n' \
	    '{"window_start":"2026-11-01T00:00:00Z","window_end":"2026-11-01T01:00:00Z","accuracy":0.9}' \
	    '{"alert":"drift","status":"firing","labels":{"feature":"age"},"starts_at":"2026-11-01T00:00:00Z"}' > in.jsonl
	run --separate-stderr mlw-report in.jsonl
	[ "${lines[2]}" = "2026-11-01 00:00    0.9000 " ]
}

@test "regression: rounding for reading does not spill into a wider form" {
	printf '%s\n' '{"feature":"a","psi":99.99999}' '{"feature":"b","psi":999999.99}' > in.jsonl
	run --separate-stderr mlw-report --format markdown in.jsonl
	[ "${lines[3]}" = "| all | 100.0 | 1.000e+06 |" ]
}

@test "regression: a series name with an escape is written whole, and escaped for each format" {
	# the name '<b>"x";' (escaped in JSON as \") lost its last bytes
	printf '%s\n' '{"window_start":"2026-11-01T00:00:00Z","window_end":"2026-11-01T01:00:00Z","feature":"<b>\"x\";","psi":0.3}' > in.jsonl
	run --separate-stderr mlw-report --format prom in.jsonl
	[ "$status" -eq 0 ]
	[ "${lines[2]}" = 'mlw_psi{feature="<b>\"x\";"} 0.3' ]
	run --separate-stderr mlw-report --format markdown in.jsonl
	[ "${lines[1]}" = '| window | \<b\>"x"; |' ]
	run --separate-stderr mlw-report --format html in.jsonl
	[[ "$output" == *'<th>&lt;b&gt;&quot;x&quot;;</th>'* ]]
	[[ "$output" != *'<b>"x"'* ]]
}

@test "a --series field that no record has is reported, not silently merged into one series" {
	printf '%s\n' '{"window_start":"2026-11-01T00:00:00Z","window_end":"2026-11-01T01:00:00Z","feature":"a","psi":0.3}' \
	    '{"window_start":"2026-11-01T00:00:00Z","window_end":"2026-11-01T01:00:00Z","feature":"b","psi":0.1}' > in.jsonl
	run --separate-stderr mlw-report --format prom --series featur in.jsonl
	[ "$status" -eq 0 ]
	[ "$stderr" = "mlw-report: --series: no record has the field 'featur'" ]
	[ "${lines[2]}" = "mlw_psi 0.1" ]
	run --separate-stderr mlw-report --format prom --series feature in.jsonl
	[ "$stderr" = "" ]
	[ "${#lines[@]}" -eq 4 ]
}

@test "regression: control characters and NUL in a series name stay inside the table cell" {
	# a line feed broke the table's header across lines, and \u0000 cut
	# the name (a C string) short in every format
	printf '%s\n' '{"window_start":"2026-11-01T00:00:00Z","window_end":"2026-11-01T01:00:00Z","feature":"a\nb\u0000c","psi":0.3}' > in.jsonl
	run --separate-stderr mlw-report in.jsonl
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "window$(printf '%13s' '')a\\nb"$'\xef\xbf\xbd'"c " ]
	[ "${lines[2]}" = "2026-11-01 00:00   0.3000 " ]
	run --separate-stderr mlw-report --format prom in.jsonl
	[ "${lines[2]}" = 'mlw_psi{feature="a\nb'$'\xef\xbf\xbd''c"} 0.3' ]
}

@test "regression: series whose values hold the key separator are distinct series" {
	printf '%s\n' '{"window_start":"2026-11-01T00:00:00Z","window_end":"2026-11-01T01:00:00Z","feature":"a\u001fb","segment":"c","psi":0.1}' \
	    '{"window_start":"2026-11-01T00:00:00Z","window_end":"2026-11-01T01:00:00Z","feature":"a","segment":"b\u001fc","psi":0.2}' > in.jsonl
	run --separate-stderr mlw-report --format prom in.jsonl
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 4 ]
}

@test "prom: each --by path a label of its own, the method a label, several values, a verdict as 0/1" {
	gen --reference --models 3 -n 6000 --seed 7 > ref.jsonl
	gen --models 3 -n 6000 --drift-at 3000 |
	    mlw-window --time ts --size 6h |
	    mlw-drift --ref ref.jsonl --by model,features.device --ref-fallback all \
	        --fields features.age,features.country > drift.jsonl 2> /dev/null
	run --separate-stderr mlw-report --format prom --value statistic,p_value,drift drift.jsonl
	[ "$status" -eq 0 ]
	# PromQL can sum by (model): no label packs the segment any more
	[[ "$output" != *'segment='* ]]
	[[ "$output" == *'# TYPE mlw_statistic gauge'* ]]
	[[ "$output" == *'# TYPE mlw_drift gauge'* ]]
	grep -qE '^mlw_statistic\{feature="features.age",method="(ks|wasserstein)",model="m1",features_device="tablet"\} [0-9.e-]+$' <<< "$output"
	grep -qE '^mlw_p_value\{feature="features.age",method="ks",model="m[123]",features_device="[a-z]+"\} [0-9.e-]+$' <<< "$output"
	grep -qE '^mlw_drift\{feature="features.country",method="[a-z]+",model="m3",features_device="mobile"\} [01]$' <<< "$output"
	# one sample per series and value: 3 models x 3 devices x 2 fields
	[ "$(grep -c '^mlw_statistic{' <<< "$output")" -eq 18 ]
	[ "$(grep -c '^mlw_drift{' <<< "$output")" -eq 18 ]
	command -v promtool >/dev/null || skip "promtool is not installed (apt-get install prometheus)"
	mlw-report --format prom --value statistic,p_value,drift drift.jsonl 2> /dev/null |
	    promtool check metrics
}

@test "prom: --all-values exports every numeric member; a share is a _ratio; quoted segment values" {
	printf '%s\n' \
	    '{"segment":"region=\"eu,west\",model=m1","region":"eu,west","model":"m1","feature":"age","count":10,"missing_share":0.25,"mean":3.5,"ok":true}' > in.jsonl
	run --separate-stderr mlw-report --format prom --all-values in.jsonl
	[ "$status" -eq 0 ]
	[[ "$output" == *'mlw_count_value{feature="age",region="eu,west",model="m1"} 10'* ]]
	[[ "$output" == *'# TYPE mlw_missing_ratio gauge'* ]]
	[[ "$output" == *'mlw_missing_ratio{feature="age",region="eu,west",model="m1"} 0.25'* ]]
	[[ "$output" == *'mlw_ok{feature="age",region="eu,west",model="m1"} 1'* ]]
	[[ "$output" != *'mlw_region'* ]]
	[[ "$output" != *'mlw_model'* ]]
	# the other formats keep the segment as the series' name
	run --separate-stderr mlw-report --value mean in.jsonl
	[[ "$output" == *'age region="eu,west",model=m1'* ]]
	run mlw-report --value mean --all-values in.jsonl
	[ "$status" -eq 2 ]
	[[ "$output" == *"--value and --all-values exclude each other"* ]]
	command -v promtool >/dev/null || skip "promtool is not installed"
	mlw-report --format prom --all-values in.jsonl | promtool check metrics
}

@test "table: --value a,b is one series per value" {
	printf '%s\n' \
	    '{"window_start":"2026-11-01T00:00:00Z","window_end":"2026-11-01T01:00:00Z","feature":"f","statistic":0.5,"p_value":0.01}' \
	    '{"window_start":"2026-11-01T01:00:00Z","window_end":"2026-11-01T02:00:00Z","feature":"f","statistic":0.1,"p_value":0.6}' > in.jsonl
	run --separate-stderr mlw-report --value statistic,p_value in.jsonl
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == *"statistic f"*"p_value f"* ]]
	[[ "${lines[2]}" == "2026-11-01 00:00"*"0.5000"*"0.0100"* ]]
}

@test "thresholds know their direction, and a record's own verdict marks it without --threshold" {
	# a bug: a good ROC AUC above --threshold was painted red
	printf '%s\n' \
	    '{"window_start":"2026-11-01T00:00:00Z","window_end":"2026-11-01T01:00:00Z","roc_auc":0.9}' \
	    '{"window_start":"2026-11-01T01:00:00Z","window_end":"2026-11-01T02:00:00Z","roc_auc":0.6}' > auc.jsonl
	run --separate-stderr mlw-report --threshold 0.7 auc.jsonl
	[ "${lines[2]}" = "2026-11-01 00:00   0.9000 " ]
	[ "${lines[3]}" = "2026-11-01 01:00   0.6000*" ]
	[ "${lines[4]}" = "* under the threshold 0.7 (lower is worse)" ]
	mlw-report --threshold 0.7 --format html auc.jsonl > auc.html
	[ "$(grep -c 'class="point over"' auc.html)" -eq 1 ]
	# mlw-drift's records carry their verdict: the method's own threshold
	printf '%s\n' \
	    '{"window_start":"2026-11-01T00:00:00Z","window_end":"2026-11-01T01:00:00Z","feature":"a","method":"ks","statistic":0.3,"p_value":0.01,"threshold":0.05,"drift":true}' \
	    '{"window_start":"2026-11-01T00:00:00Z","window_end":"2026-11-01T01:00:00Z","feature":"b","method":"psi","statistic":0.05,"p_value":null,"threshold":0.1,"drift":false}' > d.jsonl
	run --separate-stderr mlw-report d.jsonl
	[[ "${lines[1]}" == *"a ks"*"b psi"* ]]
	[ "${lines[2]}" = "2026-11-01 00:00   0.3000*   0.0500 " ]
	[ "${lines[3]}" = "* drift or alert by the record's own threshold" ]
	run --separate-stderr mlw-report --format markdown d.jsonl
	[[ "$output" == *"| **0.3000** | 0.0500 |"* ]]
}

@test "a report of six segments fits 1280 and 390 px: wide tables scroll in their box (Chromium)" {
	chrome=$(command -v chromium || command -v chromium-browser || true)
	[ -n "$chrome" ] || skip "chromium is not installed (apt-get install chromium)"
	# a bug: the Values table of six segments was 2495 px wide
	gen --reference --models 6 -n 12000 --seed 7 > ref.jsonl
	gen --models 6 -n 12000 --drift-at 6000 | mlw-window --time ts --size 1h |
	    mlw-psi --ref ref.jsonl --by model --fields features.age,features.income,score \
	    > psi.jsonl 2> /dev/null
	mlw-report --format html -o report.html psi.jsonl
	grep -q '<div class="scroll"><table>' report.html
	# the page with a measuring script (the report itself has none)
	awk -v js="$DATA/measure-width.js" '$0 == "</body>" { while ((getline l < js) > 0) print l } 1' \
	    report.html > measured.html
	for w in 1280 390; do
		fits "$chrome" $w measured.html
	done
}

@test "regressions from review: name clashes, odd --by paths, alerts without a method, marks on counts and nulls" {
	# two fields cleaning up to one metric name: the later gets _2
	printf '%s\n' '{"feature":"age","missing_share":0.25,"missing_ratio":0.5}' > c.jsonl
	run --separate-stderr mlw-report --format prom --all-values c.jsonl
	[[ "$output" == *'mlw_missing_ratio{feature="age"} 0.25'* ]]
	[[ "$output" == *'mlw_missing_ratio_2{feature="age"} 0.5'* ]]
	[[ "$stderr" == *"missing_ratio: its metric name is taken; written as mlw_missing_ratio_2"* ]]
	# a --by path holding '=', and "" against null: one sample each
	printf '%s\n' '{"segment":"k=v=z,model=m1","k=v":"z","model":"m1","feature":"x","psi":1}' \
	    '{"segment":"k=v=z,model=m2","k=v":"z","model":"m2","feature":"x","psi":2}' \
	    '{"segment":"g=\"\"","g":"","feature":"x","psi":3}' '{"segment":"g=null","g":null,"feature":"x","psi":4}' > s.jsonl
	run --separate-stderr mlw-report --format prom --all-values s.jsonl
	[ "$(grep -c '^mlw_' <<< "$output")" -eq 4 ]
	[[ "$output" == *'mlw_psi{feature="x",k_v="z",model="m2"} 2'* ]]
	[[ "$output" == *'mlw_psi{feature="x",g="null"} 4'* ]]
	# --series without segment: no segment's labels on a series of several
	run --separate-stderr mlw-report --format prom --series feature s.jsonl
	[ "$output" = '# HELP mlw_psi Latest psi per series, from mlw.
# TYPE mlw_psi gauge
mlw_psi{feature="x"} 4' ]
	# an alert by feature is about every method's series of it
	printf '%s\n' \
	    '{"window_start":"2026-11-01T00:00:00Z","window_end":"2026-11-01T01:00:00Z","feature":"a","method":"ks","statistic":0.3,"p_value":null,"n":5,"drift":true}' \
	    '{"alert":"drift","status":"firing","labels":{"feature":"a"},"starts_at":"2026-11-01T00:00:00Z","window_start":"2026-11-01T00:00:00Z"}' > a.jsonl
	run --separate-stderr mlw-report --value statistic a.jsonl
	[[ "$output" == *"0.3000!"* ]]
	# the verdict marks the statistic, not the counts nor a null
	head -n 1 a.jsonl > a1.jsonl
	run --separate-stderr mlw-report --all-values a1.jsonl
	[[ "${lines[2]}" == *"0.3000*"*"-  "*" 5 "*" 1*" ]]
	# macro and weighted quality measures: lower is worse
	printf '%s\n' '{"window_start":"2026-11-01T00:00:00Z","window_end":"2026-11-01T01:00:00Z","precision_macro":0.83,"weighted_f1":0.78}' > q.jsonl
	run --separate-stderr mlw-report --value precision_macro,weighted_f1 --threshold 0.8 q.jsonl
	[[ "${lines[2]}" == *"0.8300 "*"0.7800*" ]]
	mlw-report --format html --threshold 0.8 --value precision_macro,weighted_f1 q.jsonl > q.html
	grep -q '<td>1 of 1</td>' q.html
}

@test "one number format per column: whole numbers, decimals by the column's largest, an exponent for a wide range" {
	printf '%s\n' \
	    '{"window_start":"2026-11-01T00:00:00Z","window_end":"2026-11-01T01:00:00Z","n":1200,"p_value":0.5,"psi":0.05,"rows":150.25}' \
	    '{"window_start":"2026-11-01T01:00:00Z","window_end":"2026-11-01T02:00:00Z","n":980,"p_value":0.00001,"psi":0.3,"rows":2.5}' > f.jsonl
	run --separate-stderr mlw-report --value n,p_value,psi,rows f.jsonl
	[ "${lines[2]}" = "2026-11-01 00:00   1200    5.000e-01    0.0500    150.2 " ]
	[ "${lines[3]}" = "2026-11-01 01:00    980    1.000e-05    0.3000      2.5 " ]
}

# tests/data/health-in.jsonl holds one or two records of each kind, their
# numbers chosen by hand; the sections repeat them (the latest window per
# key, drifting and failed first), so each expected line is checkable by eye
@test "model health: the terminal table and Markdown have a section per kind (golden)" {
	run --separate-stderr mlw-report --title Health "$DATA/health-in.jsonl"
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = "$(cat "$DATA/health.table")" ]
	# the sections, in order
	[ "$(grep -E '^(Headline|Data drift|Quality|Estimated performance|Data summary|Business aggregates|Checks)$' <<<"$output" | tr '\n' ,)" = "Headline,Data drift,Quality,Estimated performance,Data summary,Business aggregates,Checks," ]
	[[ "$output" == *'  age     numerical   ks          0.2100*  0.0010  p ≤ 0.05 yes*'* ]]
	[[ "$output" == *'  auc         failed* error             0 0 of 1 records passed'* ]]
	run --separate-stderr mlw-report --format markdown --title Health "$DATA/health-in.jsonl"
	[ "$output" = "$(cat "$DATA/health.markdown")" ]
	[[ "$output" == *'| age | numerical | ks | **0.2100** | 0.0010 | p ≤ 0.05 | **yes** |'* ]]
	[[ "$output" == *'| roc\_auc | **0.7000** | 0.6400 | 0.7600 | 0.8000 | 0.9000 | 0.6500 | **yes** |'* ]]
	# a check is in Checks only, not a series of its own
	[[ "$output" != *"pass\_share"* ]]
}

@test "model health page: every section in order, one SVG per figure, the confusion matrix and curves" {
	mlw-report --format html --title Health -o h.html "$DATA/health-in.jsonl"
	check_html h.html
	[ "$(grep -o '<h2>[^<]*</h2>' h.html | tr '\n' ,)" = "<h2>Headline</h2>,<h2>Data drift</h2>,<h2>Quality</h2>,<h2>Estimated performance</h2>,<h2>Data summary</h2>,<h2>Business aggregates</h2>,<h2>Checks</h2>,<h2>All series</h2>,<h2>Values</h2>,<h2>Alerts</h2>," ]
	! grep -qi '<script' h.html
	! grep -Eq '(src|href)="[a-z]+:' h.html
	[ "$(grep -c '<svg' h.html)" -eq "$(grep -c '<figure' h.html)" ]
	[ "$(grep -c '<svg' h.html)" -eq 14 ]
	# every SVG has a title, every table a header row
	[ "$(grep -c '<svg' h.html)" -eq "$(grep -c '<svg[^>]*>$' h.html)" ]
	[ "$(grep -c '<svg' h.html)" -le "$(grep -c '<title>' h.html)" ]
	[ "$(grep -c '<table>' h.html)" -eq "$(grep -c '<thead><tr>' h.html)" ]
	# headline cards, red and green with words (colour is never the only signal)
	grep -q '<div class="card bad"><dt>dataset drift</dt><dd>yes: 1 of 2 fields (share 0.5000)</dd></div>' h.html
	grep -q '<th class="text">field</th><th class="text">type</th><th class="text">method</th><th>statistic</th><th>p-value</th><th>threshold</th><th class="text">drift</th>' h.html
	# the confusion matrix [[tn, fp], [fn, tp]] with its counts written in
	grep -q '<title>true 0, predicted 1: 20</title>' h.html
	grep -q '<title>true 1, predicted 1: 30</title>' h.html
	grep -q '<figcaption>ROC curve</figcaption>' h.html
	grep -q '<figcaption>Precision-recall curve</figcaption>' h.html
	# the ROC curve from (0, 0) through its points (fpr 0.1, tpr 0.3 ...)
	grep -q '<polyline class="curve" points="44.0,256.0 68.4,182.8 141.6,109.6 288.0,12.0"/>' h.html
	# the estimate with its band, thresholds and the realized line
	grep -q '<polygon class="band"' h.html
	grep -q 'upper threshold 0.9</text>' h.html
	grep -q '<polyline class="line second"' h.html
	# histogram and top values
	grep -q '<figcaption>age: share of the numbers per bin</figcaption>' h.html
	grep -q '<title>DE: 0.5000</title>' h.html
	# the checks, failed first
	[ "$(grep -o '<td class="text">[a-z-]*</td><td class="text [a-z]*">[a-z]*</td>' h.html | head -1)" = '<td class="text">auc</td><td class="text over">failed</td>' ]
}

@test "model health page from a whole pipeline renders at 1280 and 390 px with nothing wider than the viewport (Chromium)" {
	chrome=$(command -v chromium || command -v chromium-browser || true)
	[ -n "$chrome" ] || skip "chromium is not installed (apt-get install chromium)"
	gen --reference --seed 7 -n 3000 > ref.jsonl
	gen -n 4320 --interval 20s --drift-at 2160 > log.jsonl
	mlw-window --time ts --size 6h log.jsonl > w.jsonl
	f=features.age,features.income,features.country,score
	{ mlw-drift --ref ref.jsonl --detail --fields $f w.jsonl
	  mlw-mvdrift --ref ref.jsonl --fields $f w.jsonl
	  mlw-metrics --task binary --label label --score score --detail w.jsonl
	  mlw-estimate --ref ref.jsonl --score score --label label w.jsonl
	  mlw-agg --agg 'rate score > 0.5' --ref ref.jsonl --chunk 500 w.jsonl
	  mlw-profile --detail --fields $f w.jsonl
	} > all.jsonl 2> /dev/null
	mlw-report --format html --title "Model health" -o h.html all.jsonl
	check_html h.html
	for id in headline drift distributions quality estimate summary business; do
		grep -q "<section class=\"kind\" id=\"$id\">" h.html || { echo "no $id"; false; }
	done
	awk -v js="$DATA/measure-width.js" '$0 == "</body>" { while ((getline l < js) > 0) print l } 1' \
	    h.html > measured.html
	for w in 1280 390; do
		fits "$chrome" $w measured.html
		timeout 120 "$chrome" --headless --no-sandbox --disable-gpu \
		    --disable-background-networking --disable-component-update \
		    --disable-sync --no-first-run --user-data-dir="$T/chrome" \
		    --hide-scrollbars --window-size=$w,3000 --screenshot="$T/shot$w.png" \
		    "file://$T/h.html" > chrome.log 2>&1 || { cat chrome.log; false; }
		[ "$(head -c 4 shot$w.png | od -An -c | tr -d ' ')" = '211PNG' ]
	done
}
