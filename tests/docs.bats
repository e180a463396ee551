#!/usr/bin/env bats
# Manual pages, install, demo and README: what a newcomer touches first.

load helpers

@test "every program has a man page that lints clean" {
	command -v groff >/dev/null || skip "groff is not installed"
	for p in "$ROOT"/cmd/*.c; do
		name=$(basename "$p" .c)
		[ -f "$ROOT/man/$name.1" ]
	done
	for m in "$ROOT"/man/*.[17]; do
		run groff -mandoc -ww -z "$m"
		[ "$status" -eq 0 ]
		[ "$output" = "" ]
		if command -v mandoc >/dev/null; then
			run mandoc -Tlint -W warning "$m"
			[ "$output" = "" ]
		fi
	done
}

@test "--help matches the man page synopsis option for option" {
	for p in "$ROOT"/cmd/*.c; do
		name=$(basename "$p" .c)
		run "$name" --help
		[ "$status" -eq 0 ]
		for opt in $(grep -o -- '--[a-z-]*' <<<"$output" | sort -u); do
			grep -q -- "Fl -${opt#--}" "$ROOT/man/$name.1" ||
			    { echo "$name: $opt not in man/$name.1"; false; }
		done
	done
}

@test "make install puts programs and pages under DESTDIR" {
	run make -C "$ROOT" -s install DESTDIR="$T/root" PREFIX=/usr BIN="${MLW_BIN:-$ROOT/bin}"
	[ "$status" -eq 0 ]
	for p in "$ROOT"/cmd/*.c; do
		name=$(basename "$p" .c)
		[ -x "$T/root/usr/bin/$name" ]
		[ -f "$T/root/usr/share/man/man1/$name.1" ]
	done
	[ -f "$T/root/usr/share/man/man7/mlw.7" ]
}

@test "make demo prints PSI per window and feature, then the drift alerts" {
	run env MLW_BIN="${MLW_BIN:-$ROOT/bin}" sh "$ROOT/scripts/demo"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^{"window_start".*"feature":' <<<"$output")" -eq 24 ]
	[ "$(grep -c '"status":"firing"' <<<"$output")" -eq 3 ]
}

@test "the README opens with make demo and make test" {
	run sed -n '4,5p' "$ROOT/README.md"
	[[ "${lines[0]}" == "make demo"* ]]
	[[ "${lines[1]}" == "make test"* ]]
}

@test "the README's drift example prints the lines the README shows" {
	gen --reference -n 5000 > train.jsonl
	gen -n 14400 --drift-at 7200 > predictions.jsonl
	mlw-window --time ts --size 1h predictions.jsonl |
	    mlw-drift --ref train.jsonl --fields features.age,features.country,score |
	    grep '"window_start":"2026-11-01T03:00:00Z"' > got.jsonl
	sed -n '/^## Which drift test/,/^## Profile/p' "$ROOT/README.md" |
	    grep '^{"window_start":"2026-11-01T03:00:00Z"' > want.jsonl
	[ -s want.jsonl ]
	diff want.jsonl got.jsonl
}

@test "the README's multivariate example prints the table the README shows" {
	gen --reference --shift correlation -n 5000 --seed 7 > train.jsonl
	gen --shift correlation -n 4000 --drift-at 2000 --seed 3 > today.jsonl
	mlw-window --count 1000 today.jsonl > windows.jsonl
	f=features.age,features.tenure,features.income,features.country
	{ mlw-drift --ref train.jsonl --fields $f windows.jsonl | grep -c '"drift":true' || true
	  for m in pca mmd classifier; do
		mlw-mvdrift --ref train.jsonl --fields $f --method $m windows.jsonl
	  done | mlw-report --value statistic --series method; } > got.txt
	sed -n '/^## When every feature looks fine/,/^## Many models/p' "$ROOT/README.md" |
	    sed -n '/^0$/,/^```$/p' | sed '$d' > want.txt
	[ "$(wc -l < want.txt)" -eq 23 ]
	diff want.txt got.txt
}

@test "the README's many-models example prints the line the README shows" {
	gen -n 100000 --models 100 --drift-at 50000 > log.jsonl
	gen -n 200000 --models 100 --reference --seed 7 > ref.jsonl
	mlw-psi --ref ref.jsonl --by model --save-ref ref.profile
	mlw-window --time ts --size 6h log.jsonl |
	    mlw-psi --ref ref.profile --by model --fields features.age,score |
	    head -n 1 > got.jsonl
	sed -n '/^## Many models in one stream/,/^## Business numbers/p' "$ROOT/README.md" |
	    grep '^{"window_start"' > want.jsonl
	[ -s want.jsonl ]
	diff want.jsonl got.jsonl
}

@test "the README's business-numbers example prints the line the README shows" {
	gen -n 100000 --models 100 --drift-at 50000 > log.jsonl
	gen -n 200000 --models 100 --reference --seed 7 > ref.jsonl
	mlw-window --time ts --size 1d log.jsonl |
	    mlw-agg --by model --agg 'rate score > 0.5; mean score' \
	        --ref ref.jsonl --chunk 500 |
	    head -n 1 > got.jsonl
	sed -n '/^## Business numbers/,/^## Profile/p' "$ROOT/README.md" |
	    grep '^{"window_start"' > want.jsonl
	[ -s want.jsonl ]
	diff want.jsonl got.jsonl
}

@test "the README's calibration example prints the lines the README shows" {
	gen -n 7200 --interval 1s --drift-at 3600 > log.jsonl
	mlw-window --time ts --size 1h log.jsonl |
	    mlw-metrics --task binary --label label --score score --calibration-bins 10 > out.jsonl
	# jq -c '{window_start, calibration_error, max_calibration_error}', by sed
	sed 's/^{\("window_start":"[^"]*"\).*\("calibration_error":[^,]*,"max_calibration_error":[^,]*\),.*$/{\1,\2}/' out.jsonl > got.jsonl
	sed -n '/^## Quality once the labels arrive/,/^## Before the labels/p' "$ROOT/README.md" |
	    grep '^{"window_start"' > want.jsonl
	[ "$(wc -l < want.jsonl)" -eq 2 ]
	diff want.jsonl got.jsonl
	bin=$(sed -n '/^## Quality once the labels arrive/,/^## Before the labels/p' "$ROOT/README.md" |
	    grep -o '^Each bin is `{[^`]*}' | cut -d'`' -f2)
	[ -n "$bin" ]
	head -1 out.jsonl | grep -qF "\"calibration_bins\":[$bin,"
}

@test "the README's estimate example prints the lines the README shows" {
	gen --reference -n 20000 --seed 7 > train.jsonl
	gen -n 86400 --interval 2s --drift-at 43200 --drift 2 \
	    --shift covariate --labels labels.jsonl > predictions.jsonl
	mlw-estimate --ref train.jsonl --score score --label label --save churn.est
	mlw-join --key id --labels labels.jsonl predictions.jsonl 2>/dev/null |
	    mlw-window --time ts --size 6h |
	    mlw-estimate --model churn.est |
	    grep '"metric":"roc_auc"' | sed -n '1p;5p' > got.jsonl
	sed -n '/^## Before the labels arrive/,/^## Alerts/p' "$ROOT/README.md" |
	    grep '^{"window_start"' > want.jsonl
	[ "$(wc -l < want.jsonl)" -eq 2 ]
	diff want.jsonl got.jsonl
}

@test "the README's CI gate passes a good batch and fails a shifted one with the lines it shows" {
	gen --reference -n 5000 --seed 7 > train.jsonl
	gen -n 2000 --seed 2 > good.jsonl
	gen -n 2000 --seed 2 --drift-at 1000 > shifted.jsonl
	sed -n '/^## A gate for CI/,/^## Alerts/p' "$ROOT/README.md" |
	    sed -n '/^# ci-gate BATCH/,/^```$/p' | sed '$d' |
	    sed "s|bin/mlw-|${MLW_BIN:-$ROOT/bin}/mlw-|" > ci-gate
	run sh ci-gate good.jsonl
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	grep -q '<testsuites name="mlw-check" tests="36" failures="0"' mlw-check.xml
	run sh ci-gate shifted.jsonl
	[ "$status" -eq 1 ]
	grep -q 'failures="3"' mlw-check.xml
	mlw-check --tests data.tests --tests model.tests --format table results.jsonl |
	    grep -v '^passed\|^status' > got.txt || true
	sed -n '/^## A gate for CI/,/^## Alerts/p' "$ROOT/README.md" |
	    grep '^FAILED\|successful)$' > want.txt
	[ "$(wc -l < want.txt)" -eq 4 ]
	diff want.txt got.txt
}

@test "the README's result line is one that make demo prints" {
	# a bug: the README showed it under 1h pipelines, unlike its 3h window
	run env MLW_BIN="${MLW_BIN:-$ROOT/bin}" sh "$ROOT/scripts/demo"
	[ "$status" -eq 0 ]
	want=$(sed -n '/^A result line/,/^```$/p' "$ROOT/README.md" | grep '^{"window_start"')
	[ -n "$want" ]
	grep -qxF "$want" <<<"$output"
}

@test "man page examples print what the pages show" {
	# mlw-metrics(1): exact sums give log_loss ...624; the page showed the
	# naive sum's ...626 (a bug)
	run --separate-stderr sh -c "printf '%s\n' '{\"label\":1,\"score\":0.9}' '{\"label\":0,\"score\":0.8}' \
	    '{\"label\":1,\"score\":0.6}' '{\"label\":0,\"score\":0.3}' '{\"label\":null,\"score\":0.7}' |
	    mlw-metrics --task binary --label label --score score"
	[ "$status" -eq 0 ]
	[ "$output" = "$(grep '^{"segment":"all","task":"binary","n":4,"unlabeled":1,' "$ROOT/man/mlw-metrics.1")" ]
	# and its calibration example, on sklearn's calibration_curve example
	run --separate-stderr sh -c "printf '{\"y\":%s,\"p\":%s}\n' 0 0.1 0 0.2 0 0.3 0 0.4 1 0.65 1 0.7 1 0.8 1 0.9 1 1 |
	    mlw-metrics --task binary --label y --score p --calibration-bins 3"
	[ "$status" -eq 0 ]
	[ "$output" = "$(grep '^{"segment":"all","task":"binary","n":9,' "$ROOT/man/mlw-metrics.1")" ]
	# mlw-drift(1): the alert example ran mlw-alert with an option it has
	# not (a bug); now it alerts on the dataset verdicts, quietly
	gen --reference -n 2000 > train.jsonl
	gen -n 4000 --interval 10s --drift-at 1800 > log.jsonl
	cmd=$(sed -n '/^Alert when a window drifts/,/^\.Ed/p' "$ROOT/man/mlw-drift.1" |
	    sed -n '/^mlw-window/,/^\.Ed/p' | grep -v '^\.Ed' | sed 's/\\e$/\\/')
	[[ "$cmd" == *"mlw-alert --name dataset-drift"* ]]
	run --separate-stderr sh -c "$cmd"
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[[ "${lines[0]}" == '{"alert":"dataset-drift","status":"firing",'* ]]
}

@test "the README's cron recipes fail loudly, post each alert, and feed the report its bar charts" {
	# the recipe, with its paths moved here and a curl that records its
	# calls and fails when told to (the real Alertmanager is in
	# mlw-alert.bats)
	sed -n '/^# \/usr\/local\/bin\/model-drift-hourly/,/^```$/p' "$ROOT/README.md" | sed '$d' |
	    sed "s|/srv/model/train.profile|$T/train.profile|; s|/var/lib/mlw|$T/lib|g; s|/etc/mlw/drift.rules|$T/drift.rules|" > drift.sh
	sed -n '/^# \/usr\/local\/bin\/model-report/,/^```$/p' "$ROOT/README.md" | sed '$d' |
	    sed "s|/var/lib/mlw|$T/lib|g; s|/etc/mlw/drift.rules|$T/drift.rules|; s|/srv/www/model|$T|; s|/var/lib/node_exporter/textfile|$T|" > report.sh
	sed -n '/^rule drift$/,/^```$/p' "$ROOT/README.md" | sed '$d' > drift.rules
	grep -q pipefail drift.sh
	mkdir lib fake
	printf '#!/bin/sh\necho "$*" >> %s/curl.log\n[ -z "$CURL_FAIL" ] || { echo "curl: (22) The requested URL returned error: 400" >&2; exit 22; }\n' "$T" > fake/curl
	chmod +x fake/curl
	gen --reference -n 5000 > train.jsonl
	mlw-psi --ref train.jsonl --fields features.age,features.country --save-ref train.profile
	gen -n 14400 --drift-at 3600 --drift 2 > hour.jsonl
	# a missing log: the job fails, and says which file (without pipefail
	# it exited 0)
	run --separate-stderr env PATH="$T/fake:$PATH" bash drift.sh "$T/nope.jsonl"
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"nope.jsonl: No such file or directory"* ]]
	# two runs: the second hour fires (for 2), one post per alert
	run --separate-stderr env PATH="$T/fake:$PATH" bash drift.sh hour.jsonl
	[ "$status" -eq 0 ]
	[ "$(grep -c 'api/v2/alerts' curl.log)" -ge 1 ]
	[[ "$(head -1 curl.log)" == "-fsS -H Content-Type: application/json --data [{\"labels\":{\"alertname\":\"drift\",\"severity\":\"warning\",\"feature\":\"features.age\"}"* ]]
	# an alert Alertmanager refuses makes the job fail (curl -s exited 0)
	: > curl.log
	rm -f lib/drift.state
	run --separate-stderr env PATH="$T/fake:$PATH" CURL_FAIL=1 bash drift.sh hour.jsonl
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"curl: (22)"* ]]
	# the report: PSI records with bins, so the HTML has its bar charts
	run --separate-stderr bash report.sh
	[ "$status" -eq 0 ]
	grep -q '<rect class="ref"' report.html
	grep -q '^mlw_' mlw.prom
}

@test "every program is registered where lib/README.md says, and a missing registration is caught" {
	run sh "$ROOT/scripts/check-registration"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	# a program that is registered nowhere: each place is named
	mkdir -p r/cmd r/man r/tests r/scripts/fuzz
	cp "$ROOT/README.md" r/
	cp "$ROOT/man/mlw.7" r/man/
	cp "$ROOT/tests/hostile.bats" r/tests/
	cp "$ROOT/scripts/fuzz/progargs.h" r/scripts/fuzz/
	cp "$ROOT/scripts/valgrind-check" r/scripts/
	: > r/cmd/mlw-new.c
	run sh "$ROOT/scripts/check-registration" r
	[ "$status" -eq 1 ]
	[ "$output" = "mlw-new: no man page man/mlw-new.1
mlw-new: not in the list of programs of man/mlw.7 (.It Xr mlw-new 1)
mlw-new: not in SEE ALSO of man/mlw.7
mlw-new: not in the README's table of programs
mlw-new: no test suite tests/mlw-new.bats
mlw-new: no case in tests/hostile.bats
mlw-new: no fuzz command line in scripts/fuzz/progargs.h
mlw-new: no fuzz seeds in scripts/fuzz/corpus/mlw-new (scripts/fuzz/make-seeds)
mlw-new: no run in scripts/valgrind-check" ]
	# registered in all but one place: that one is named
	touch r/man/mlw-new.1 r/tests/mlw-new.bats
	printf '.It Xr mlw-new 1\n' >> r/man/mlw.7
	sed -i 's/^\.Xr jq 1 ,$/.Xr jq 1 ,\n.Xr mlw-new 1 ,/' r/man/mlw.7
	printf '| `mlw-new` | new |\n' >> r/README.md
	printf 'run mlw-new --x\n' >> r/tests/hostile.bats
	printf '{ "mlw-new", "@IN" },\n' >> r/scripts/fuzz/progargs.h
	mkdir -p r/scripts/fuzz/corpus/mlw-new
	touch r/scripts/fuzz/corpus/mlw-new/seed-a-0
	run sh "$ROOT/scripts/check-registration" r
	[ "$status" -eq 1 ]
	[ "$output" = "mlw-new: no run in scripts/valgrind-check" ]
}
