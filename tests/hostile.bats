#!/usr/bin/env bats
# Hostile input: every program rejects or survives it, says so, and never
# crashes, hangs or loses a record silently.

load helpers

@test "a 100 MB single line is rejected and kept whole by --rejects, in bounded memory" {
	{ echo '{"t":1}'; printf '{"t":2,"s":"'; head -c 100000000 /dev/zero | tr '\0' a; echo '"}'; echo '{"t":3}'; } > big.jsonl
	run --separate-stderr mlw-window --time t --size 1h --rejects rej.jsonl big.jsonl
	[ "$status" -eq 1 ]
	[ "$stderr" = "mlw-window: big.jsonl:2: line longer than 1048576 bytes (100000014 bytes), skipped
mlw-window: 1 record rejected" ]
	[ "$(grep -c '"t":' <<<"$output")" -eq 2 ]
	[ "$(wc -c < rej.jsonl)" -eq 100000015 ]
}

@test "100,000 nested arrays are refused at depth 256, without recursion" {
	{ head -c 100000 /dev/zero | tr '\0' '['; head -c 100000 /dev/zero | tr '\0' ']'; echo; } > deep.jsonl
	for p in "mlw-window --count 1" "mlw-psi --ref $DATA/ref.jsonl" "mlw-report" \
	    "mlw-alert --name a --when x>1" "mlw-metrics --task regression --label y --pred p" \
	    "mlw-drift --ref $DATA/drift-ref.jsonl --method psi" "mlw-profile" \
	    "mlw-detect --field x --method adwin" "mlw-csv --to-csv" "mlw-agg --agg count" \
	    "mlw-estimate --ref $DATA/est-ref.jsonl --score score --label label" \
	    "mlw-mvdrift --ref $DATA/est-ref.jsonl --fields score,label" \
	    "mlw-check --tests $DATA/check-simple.tests"; do
		run --separate-stderr $p deep.jsonl
		[ "$status" -eq 1 ]
		[[ "$stderr" == *"deep.jsonl:1: invalid JSON at column 257: nesting deeper than 256 levels"* ]]
	done
}

@test "NUL bytes, invalid and overlong UTF-8 are rejected with the byte named" {
	printf '{"t":1,"s":"a\0b"}\n{"t":1,"s":"\xc0\xaf"}\n{"t":1,"s":"\xed\xa0\x80"}\n{"t":1,"s":"\xf4\x90\x80\x80"}\n' > bad.jsonl
	run --separate-stderr mlw-window --time t --size 1h bad.jsonl
	[ "$status" -eq 1 ]
	[ "$stderr" = "mlw-window: bad.jsonl:1: invalid JSON at column 14: control character in string (must be escaped), found byte 0x00
mlw-window: bad.jsonl:2: invalid JSON at column 13: invalid UTF-8 in string, found byte 0xC0
mlw-window: bad.jsonl:3: invalid JSON at column 13: invalid UTF-8 in string, found byte 0xED
mlw-window: bad.jsonl:4: invalid JSON at column 13: invalid UTF-8 in string, found byte 0xF4
mlw-window: 4 records rejected" ]
}

@test "lone surrogates in \\u escapes are accepted and read as U+FFFD" {
	printf '%s\n' '{"c":"\ud800"}' '{"c":"ok"}' > ref.jsonl
	printf '%s\n' '{"c":"\udfff"}' > cur.jsonl
	run --separate-stderr mlw-psi --ref ref.jsonl --detail cur.jsonl
	[ "$status" -eq 0 ]
	[[ "$output" == *"\"categories\":[\"$(printf '\xef\xbf\xbd')\",\"ok\"],\"ref\":[0.5,0.5,0],\"cur\":[1,0,0]"* ]]
}

@test "extreme numbers: 1e400 and 400 digits are out of range; -0 and 1E-400 are zero" {
	printf '{"x":%s}\n' 0 1 2 3 > ref.jsonl
	digits=$(head -c 400 /dev/zero | tr '\0' 9)
	printf '{"x":%s}\n' 1e400 "$digits" -0 1E-400 > cur.jsonl
	run --separate-stderr mlw-psi --ref ref.jsonl --detail cur.jsonl
	[ "$status" -eq 1 ]
	[ "$stderr" = "mlw-psi: cur.jsonl:1: x: number out of range
mlw-psi: cur.jsonl:2: x: number out of range
mlw-psi: 2 records rejected" ]
	[[ "$output" == *'"n":2,'*'"cur":[1,0,0,0,0,0,0,0,0,0]'* ]]
	printf '{"t":1793491200,"v":%s}\n' 1e400 > w.jsonl
	run --separate-stderr mlw-window --time t --size 1h w.jsonl
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == '{"t":1793491200,"v":1e400,'* ]]
}

@test "duplicate keys: the last one wins, for every program" {
	printf '%s\n' '{"t":1,"t":7200}' > in.jsonl
	run --separate-stderr mlw-window --time t --size 1h in.jsonl
	[[ "${lines[0]}" == *'"window_start":"1970-01-01T02:00:00Z"'* ]]
	printf '%s\n' '{"psi":0.1,"psi":0.9}' > a.jsonl
	run --separate-stderr mlw-alert --now 2026-11-01T00:00:00Z --name d --when 'psi > 0.5' a.jsonl
	[[ "$output" == *'"value":0.9,'* ]]
}

@test "10 million distinct categories: a clear error at the cap, not an OOM" {
	run --separate-stderr sh -c 'awk "BEGIN { for (i = 0; i < 10000000; i++) printf \"{\\\"c\\\":\\\"v%d\\\"}\\n\", i }" |
	    mlw-psi --ref /dev/stdin --fields c'
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-psi: c: more than 10000 distinct categories in the reference" ]
	awk 'BEGIN { for (i = 0; i < 20000; i++) printf "{\"c\":\"v%d\",\"x\":%d}\n", i, i }' > ref.jsonl
	run --separate-stderr sh -c 'echo "{\"x\":5}" | mlw-psi --ref ref.jsonl'
	[ "$status" -eq 0 ]
	[ "$stderr" = "mlw-psi: c: more than 10000 distinct categories in the reference; field left out (name fields with --fields)" ]
	[[ "$output" == '{"feature":"x",'* ]]
}

@test "empty input, a missing final newline and a directory, for every program" {
	: > empty.jsonl
	for p in "mlw-window --count 1" "mlw-psi --ref $DATA/ref.jsonl" "mlw-report --format prom" \
	    "mlw-alert --name a --when x>1" "mlw-metrics --task regression --label y --pred p" \
	    "mlw-drift --ref $DATA/drift-ref.jsonl" "mlw-profile" "mlw-detect --field x --method adwin" \
	    "mlw-csv" "mlw-csv --to-csv" "mlw-agg --agg count" \
	    "mlw-estimate --ref $DATA/est-ref.jsonl --score score --label label" \
	    "mlw-mvdrift --ref $DATA/est-ref.jsonl --fields score,label" \
	    "mlw-check --tests $DATA/check-simple.tests --empty warn"; do
		run --separate-stderr $p empty.jsonl
		[ "$status" -eq 0 ]
		[ "$stderr" = "" ]
		run --separate-stderr $p "$T"
		[ "$status" -eq 2 ]
		[[ "$stderr" == *"$T: Is a directory"* ]]
	done
	printf '{"y":1,"p":2}' > nonl.jsonl
	run --separate-stderr mlw-metrics --task regression --label y --pred p nonl.jsonl
	[[ "$output" == *'"n":1,'* ]]
}

# The output of the pipeline CMD to a full disk: exit 2 with the error; to
# a pipe closed early: a quiet exit 0.
full_and_closed() {
	run --separate-stderr sh -c "$1 > /dev/full"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"write error: No space left on device" ]]
	run --separate-stderr sh -c "$1 2>/dev/null | head -c 10"
	[ "$status" -eq 0 ]
}

@test "a full disk and a closed pipe, for every program" {
	gen -n 3000 --interval 10s > log.jsonl
	for p in "mlw-window --time ts --size 1m" "mlw-psi --ref $DATA/ref.jsonl --fields f.x" \
	    "mlw-alert --pass --name a --when score>0.5" "mlw-metrics --task binary --label label --score score" \
	    "mlw-report --value score" "mlw-drift --ref $DATA/drift-ref.jsonl --fields score" \
	    "mlw-profile --fields score" "mlw-detect --all --field score --method adwin" \
	    "mlw-agg --by model --agg 'count; sum score; quantile score 0.5'" \
	    "mlw-estimate --ref $DATA/est-ref.jsonl --score score --label label --by model" \
	    "mlw-mvdrift --ref $DATA/est-ref.jsonl --fields score,label --by model --ref-fallback all" \
	    "mlw-check --tests $DATA/check-simple.tests --format table"; do
		full_and_closed "mlw-window --time ts --size 1m log.jsonl | $p"
	done
	# the programs that do not read windows (a bug: mlw-track passed its
	# input on to a full disk and exited 0)
	sed -n '1,500p' log.jsonl > labels.jsonl
	mlw-csv --to-csv log.jsonl > log.csv
	for i in $(seq 1 3000); do echo "{\"loss\":$i}"; done > metrics.txt
	mlw-track --store s.jsonl < metrics.txt > /dev/null
	mlw-track --store s.jsonl < metrics.txt > /dev/null
	for p in "mlw-join --key id --labels labels.jsonl log.jsonl" \
	    "mlw-bias --group features.country --label label --pred prediction log.jsonl" \
	    "mlw-csv --to-csv log.jsonl" "mlw-csv log.csv" "mlw-runs --store s.jsonl" \
	    "mlw-runs --store s.jsonl --format table" "mlw-track --store t.jsonl" \
	    "mlw-track --store u.jsonl -- cat metrics.txt"; do
		full_and_closed "$p < metrics.txt"
	done
	# the filter-mode runs were recorded all the same, every line logged
	run mlw-runs --store t.jsonl --where 'metrics.loss = 3000'
	[ "${#lines[@]}" -eq 2 ]
}

@test "a rules file that changes between runs; a corrupt state file is a clear error" {
	printf '{"window_start":"2026-11-01T00:00:00Z","window_end":"2026-11-01T01:00:00Z","feature":"a","psi":0.3}\n' > in.jsonl
	printf 'rule old\n  when psi > 0.2\n  by feature\n' > r1
	printf 'rule new\n  when psi > 0.2\n  by feature\n' > r2
	mlw-alert --state st.jsonl --rules r1 in.jsonl > /dev/null
	run --separate-stderr mlw-alert --state st.jsonl --rules r2 in.jsonl
	[ "$status" -eq 0 ]
	[ "$stderr" = "mlw-alert: st.jsonl:2: state of a rule that is no longer defined, dropped" ]
	[ "${#lines[@]}" -eq 1 ]
	head -c 30 st.jsonl > torn.jsonl
	run --separate-stderr mlw-alert --state torn.jsonl --rules r2 in.jsonl
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-alert: torn.jsonl:1: invalid state file: not a JSON object (remove it to start afresh)" ]
	[ "$(wc -c < torn.jsonl)" -eq 30 ]
}

@test "regression (fuzz): a member with an empty name is a series, not undefined behaviour" {
	# found by the mlw-report fuzz target: an empty value name went to
	# mlw_buf_add and mlw_strmap_add as (NULL, 0), which UBSan rejects;
	# scripts/fuzz/corpus/mlw-report/crash-empty-member-name*
	printf '{"":1}\n' > in.jsonl
	run --separate-stderr mlw-report in.jsonl
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = "$(printf '\n\nwindow     \nall      1 ')" ]
}

@test "regression: a NUL byte in a state or rules file is an error, not a silent reset" {
	printf '{"window_start":"2026-11-01T00:00:00Z","window_end":"2026-11-01T01:00:00Z","feature":"a","psi":0.3}\n' > in.jsonl
	printf 'rule r\n  when psi > 0.2\n' > rules
	mlw-alert --state st.jsonl --rules rules in.jsonl > /dev/null
	{ printf '\0'; cat st.jsonl; } > nul.jsonl
	run --separate-stderr mlw-alert --state nul.jsonl --rules rules in.jsonl
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"nul.jsonl:1: invalid state file: contains a NUL byte"* ]]
	printf 'rule r\n\0  when psi > 0.2\n' > nulrules
	run --separate-stderr mlw-alert --rules nulrules in.jsonl
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-alert: nulrules: contains a NUL byte" ]
}

@test "regression: a saved profile that repeats a feature is refused" {
	printf '%s\n' '{"mlw":"psi_profile","version":1,"records":2}' \
	    '{"feature":"x","type":"numeric","n":2,"missing":0,"edges":[1],"counts":[1,1]}' \
	    '{"feature":"x","type":"categorical","n":2,"missing":0,"categories":["a"],"counts":[2,0]}' > rep.jsonl
	run --separate-stderr mlw-psi --ref rep.jsonl /dev/null
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-psi: rep.jsonl:3: invalid profile: repeated feature" ]
}

@test "an unreadable file among readable ones: named, exit 2, and every other record still counted" {
	gen -n 300 --interval 10s > a.jsonl
	gen -n 300 --interval 10s --start 2026-11-01T01:00:00Z > b.jsonl
	for p in "mlw-window --time ts --size 1m" "mlw-psi --ref $DATA/ref.jsonl --fields f.x" \
	    "mlw-report --value score" "mlw-alert --pass --time ts --name a --when score>0.5" \
	    "mlw-metrics --task binary --label label --score score" \
	    "mlw-drift --ref $DATA/drift-ref.jsonl --fields score" "mlw-profile --fields score" \
	    "mlw-detect --all --field score --method adwin" "mlw-csv --to-csv" \
	    "mlw-bias --group features.country --label label --pred prediction" \
	    "mlw-join --key id --labels a.jsonl" "mlw-agg --agg count" \
	    "mlw-estimate --ref $DATA/est-ref.jsonl --score score --label label" \
	    "mlw-mvdrift --ref $DATA/est-ref.jsonl --fields score,label" \
	    "mlw-check --tests $DATA/check-simple.tests --empty warn"; do
		$p a.jsonl b.jsonl > all.out
		run --separate-stderr $p a.jsonl nosuch.jsonl b.jsonl
		[ "$status" -eq 2 ]
		[ "${stderr%%$'\n'*}" = "${p%% *}: nosuch.jsonl: No such file or directory" ]
		[ "$output" = "$(cat all.out)" ]
	done
	# but a report of part of the input never replaces a whole one (a bug:
	# mlw-report -o wrote it, wiping a cron job's last good metrics)
	mlw-report --format prom -o m.prom a.jsonl
	cp m.prom m.old
	run --separate-stderr mlw-report --format prom -o m.prom b.jsonl nosuch.jsonl
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-report: nosuch.jsonl: No such file or directory
mlw-report: m.prom: left as it was: an input could not be read" ]
	cmp m.prom m.old
	mlw-profile --fields score --save p.jsonl a.jsonl > /dev/null
	cp p.jsonl p.old
	run --separate-stderr mlw-profile --fields score --save p.jsonl b.jsonl nosuch.jsonl
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-profile: nosuch.jsonl: No such file or directory
mlw-profile: p.jsonl: left as it was: an input could not be read" ]
	cmp p.jsonl p.old
}

@test "profiles, states and reports are replaced whole: a kill or a full disk leaves the old file" {
	# Each is written to a new file and renamed over the old one, so a
	# hard link to the old file keeps the old bytes (a rewrite in place
	# would change them, and a kill in the middle would tear them).
	gen -n 200 --interval 1m > log.jsonl
	mlw-psi --ref log.jsonl --fields score --save-ref prof.jsonl
	cp prof.jsonl prof.old && ln prof.jsonl prof.link
	mlw-psi --ref "$DATA/ref.jsonl" --fields f.x --save-ref prof.jsonl
	cmp prof.link prof.old
	! cmp -s prof.jsonl prof.old
	mlw-profile --fields score --save dprof.jsonl log.jsonl > /dev/null
	cp dprof.jsonl dprof.old && ln dprof.jsonl dprof.link
	mlw-profile --fields features.age --save dprof.jsonl log.jsonl > /dev/null
	cmp dprof.link dprof.old
	! cmp -s dprof.jsonl dprof.old
	mlw-window --time ts --size 1h log.jsonl | mlw-psi --ref log.jsonl --fields score > psi.jsonl
	mlw-alert --state st.jsonl --name d --when 'psi >= 0' --by feature psi.jsonl > /dev/null
	cp st.jsonl st.old && ln st.jsonl st.link
	mlw-alert --state st.jsonl --name d --when 'psi >= 0' --by feature psi.jsonl > /dev/null
	cmp st.link st.old
	mlw-report -o r.html --format html psi.jsonl
	cp r.html r.old && ln r.html r.link
	mlw-report -o r.html --format markdown psi.jsonl
	cmp r.link r.old
	! cmp -s r.html r.old
}

# Run a command as on a full disk: files may not grow beyond $1 KiB (and
# SIGXFSZ is ignored, so a write past that fails with EFBIG, as a write to
# a full disk fails with ENOSPC). Its standard error is our output; its
# standard output is discarded.
fullfs() {
	local k=$1
	shift
	( trap '' XFSZ; ulimit -f "$k"; exec "$@" 2>&1 >/dev/null )
}

@test "a full disk while a profile, state, report, store or temporary file is written: exit 2, named, the old file whole" {
	gen -n 3000 --interval 1m > log.jsonl
	# mlw-psi --save-ref and mlw-profile --save
	mlw-psi --ref log.jsonl --fields score --save-ref prof.jsonl
	cp prof.jsonl prof.old
	run fullfs 1 mlw-psi --ref log.jsonl --bins 50 --save-ref prof.jsonl \
	    --fields score,features.age,features.income,features.country
	[ "$status" -eq 2 ]
	[ "$output" = "mlw-psi: prof.jsonl: write error: File too large" ]
	cmp prof.jsonl prof.old
	mlw-profile --fields score --save dprof.jsonl log.jsonl > /dev/null
	cp dprof.jsonl dprof.old
	run fullfs 1 mlw-profile --save dprof.jsonl log.jsonl
	[ "$status" -eq 2 ]
	[ "$output" = "mlw-profile: dprof.jsonl: File too large" ]
	cmp dprof.jsonl dprof.old
	# mlw-report -o
	mlw-window --time ts --size 1h log.jsonl | mlw-psi --ref prof.jsonl > psi.jsonl
	mlw-report -o r.html --format markdown psi.jsonl
	cp r.html r.old
	run fullfs 2 mlw-report -o r.html --format html psi.jsonl
	[ "$status" -eq 2 ]
	[ "$output" = "mlw-report: r.html: write error: File too large" ]
	cmp r.html r.old
	# mlw-alert --state, saved after each record that alerted: the first
	# 10 failures are shown, then counted (a bug printed all 47)
	run fullfs 1 mlw-alert --state st.jsonl --name d --when 'psi >= 0' \
	    --by window_start psi.jsonl
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 11 ]
	[ "${lines[0]}" = "mlw-alert: st.jsonl: cannot write state: File too large" ]
	[ "${lines[9]}" = "${lines[0]}" ]
	[[ "${lines[10]}" =~ ^mlw-alert:\ [0-9]+\ more\ failed\ state\ writes\ not\ shown$ ]]
	# what was saved is a whole state, which the next run reads
	run --separate-stderr mlw-alert --state st.jsonl --name d --when 'psi >= 0' \
	    --by window_start psi.jsonl
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	# no temporary file is left behind
	[ "$(ls | grep -c '\.tmp\.')" -eq 0 ]
	# mlw-track: the records that did not fit are said to be lost, and the
	# store stays readable
	for i in $(seq 1 300); do echo "{\"loss\":$i}"; done > metrics.txt
	run fullfs 2 mlw-track --store s.jsonl --run-name full < metrics.txt
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "mlw-track: s.jsonl: write error: File too large; records lost" ]
	[[ "${lines[10]}" =~ ^mlw-track:\ [0-9]+\ more\ store\ write\ errors\ not\ shown$ ]]
	run --separate-stderr mlw-runs --store s.jsonl --format table
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	# mlw-csv's temporary file, in $TMPDIR
	mkdir tmp
	TMPDIR=$PWD/tmp run fullfs 8 mlw-csv --to-csv log.jsonl
	[ "$status" -eq 2 ]
	[ "$output" = "mlw-csv: temporary file: write error: File too large" ]
	[ "$(ls tmp)" = "" ]
}

@test "SIGKILL during mlw-track's store writes: the store stays readable, nothing written before is lost" {
	mlw-track --store s.jsonl --run-name first -- "$DATA/track-train.sh" > /dev/null 2>&1
	for i in $(seq 1 20000); do echo "{\"loss\":$i,\"acc\":0.5}"; done > metrics.txt
	for k in 1 2 3 4 5 6; do
		cp s.jsonl before.jsonl
		mlw-track --store s.jsonl --run-name "killed$k" < metrics.txt > /dev/null &
		pid=$!
		sleep "0.0${k}5"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" || true
		# append-only: what was there before is there still, byte for byte
		cmp -n "$(wc -c < before.jsonl)" before.jsonl s.jsonl
		run --separate-stderr mlw-runs --store s.jsonl --where "run_name = 'first'"
		[ "$status" -eq 0 ]
		[[ "$output" == *'"status":"FINISHED"'* ]]
		# every run that started is listed (a header, then a row each)
		run --separate-stderr mlw-runs --store s.jsonl --format table
		[ "$status" -eq 0 ]
		[ "${#lines[@]}" -eq "$(($(grep -c '"mlw":"run_start"' s.jsonl) + 1))" ]
	done
}

@test "states and profiles from a newer format are a clear error, never read as something else" {
	mlw-psi --ref "$DATA/ref.jsonl" --emit-state "$DATA/ref.jsonl" | sed 's/"version":1/"version":2/' > v2.state
	run --separate-stderr mlw-psi --ref "$DATA/ref.jsonl" --merge v2.state
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	[ "${stderr_lines[0]}" = "mlw-psi: v2.state:1: state version 2; this mlw-psi reads version 1" ]
	[ "${stderr_lines[3]}" = "mlw-psi: 3 state records rejected: the merged results would not be exact; nothing written" ]
	mlw-psi --ref "$DATA/ref.jsonl" --save-ref prof.jsonl
	sed '1s/"version":1/"version":2/' prof.jsonl > v2.prof
	for p in "mlw-psi --ref v2.prof" "mlw-drift --binning quantile --ref v2.prof"; do
		run --separate-stderr $p "$DATA/ref.jsonl"
		[ "$status" -eq 2 ]
		[ "$output" = "" ]
		[ "$stderr" = "${p%% *}: v2.prof:1: invalid profile: expected version 1" ]
	done
}

@test "NaN, Infinity and -Infinity, as Python's json.dumps writes them, are missing values, said once with the count" {
	# python3 -c 'import json; print(json.dumps({"x": float("nan")}))'
	# prints {"x": NaN}: one NaN feature used to reject the whole line
	printf '%s\n' '{"x":1,"c":"a"}' '{"x":NaN,"c":"a"}' '{"x":2,"c":"b"}' '{"x": Infinity,"c":"b"}' '{"x":-Infinity,"c":"a"}' > nan.jsonl
	for p in "mlw-profile" "mlw-csv --to-csv" "mlw-window --count 5" \
	    "mlw-metrics --task regression --label x --pred x"; do
		run --separate-stderr $p nan.jsonl
		[ "$status" -eq 0 ]
		[ "$stderr" = "${p%% *}: nan.jsonl:2: NaN or Infinity (not JSON) read as a missing value; any more are counted
${p%% *}: 3 values NaN or Infinity read as missing" ]
	done
	# the reference too (6: there and in the input)
	for p in "mlw-psi --ref nan.jsonl --fields x" "mlw-drift --ref nan.jsonl --fields x --method psi" \
	    "mlw-detect --field x --method adwin --all" "mlw-alert --name a --when x>1 --now 2026-11-01T00:00:00Z"; do
		run --separate-stderr $p nan.jsonl
		[ "$status" -eq 0 ]
		[[ "$stderr" == "${p%% *}: nan.jsonl:2: NaN or Infinity (not JSON) read as a missing value; any more are counted"* ]]
		[[ "$stderr" == *"${p%% *}: "[36]" values NaN or Infinity read as missing" ]]
	done
	run --separate-stderr mlw-profile --fields x nan.jsonl
	[[ "$output" == '{"feature":"x","count":5,"missing":3,"missing_share":0.6,"n_number":2,'* ]]
	# passed through as written: a member mlw-window does not own
	run --separate-stderr mlw-window --count 5 nan.jsonl
	[ "${lines[3]}" = '{"x": Infinity,"c":"b","window_start":0,"window_end":5}' ]
	# CSV: an empty cell, as for null
	run --separate-stderr mlw-csv --to-csv nan.jsonl
	[ "${lines[2]}" = ',a' ]
	# --strict still rejects: it is not JSON
	run --separate-stderr mlw-profile --strict nan.jsonl
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-profile: nan.jsonl:2: NaN or Infinity is not JSON (without --strict, read as a missing value)" ]
	# inside a string, or glued to other text, it is what it was
	printf '%s\n' '{"x":"NaN"}' '{"x":NaNx}' '{"x":1NaN}' > odd.jsonl
	run --separate-stderr mlw-profile odd.jsonl
	[ "$status" -eq 1 ]
	[[ "$stderr" == "mlw-profile: odd.jsonl:2: invalid JSON at column 6: expected a value, found 'N'"* ]]
}

@test "one message for a bad path, naming the option and the value, in every program" {
	# it was "invalid value", "invalid path", "invalid field path" or none
	for c in "mlw-window --time a..b --size 1h" "mlw-alert --name a --when x>1 --time a..b" \
	    "mlw-metrics --task binary --label a..b --pred p" "mlw-metrics --task binary --label y --pred p --by a..b" \
	    "mlw-bias --group a..b --label y --pred p" "mlw-join --key a..b --labels /dev/null" \
	    "mlw-detect --field a..b --method adwin" "mlw-detect --field x --method adwin --by a..b"; do
		run --separate-stderr $c /dev/null
		[ "$status" -eq 2 ]
		opt=$(echo "$c" | sed 's/.*\(--[a-z]*\) a\.\.b.*/\1/')
		[ "${stderr%%$'\n'*}" = "${c%% *}: $opt: expected a field path (member names joined by dots, none empty), found 'a..b'" ]
	done
	for c in "mlw-profile --fields x,a..b" "mlw-psi --ref $DATA/ref.jsonl --fields a..b" "mlw-report --value a..b"; do
		run --separate-stderr $c /dev/null
		[ "$status" -eq 2 ]
		opt=$(echo "$c" | sed 's/.*\(--[a-z]*\) [a-z,]*a\.\.b.*/\1/')
		[ "${stderr%%$'\n'*}" = "${c%% *}: $opt: expected a field path (member names joined by dots, none empty), found 'a..b'" ]
	done
	printf 'rule r\n    when x > 1\n    by a..b\n' > r.rules
	run --separate-stderr mlw-alert --rules r.rules /dev/null
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-alert: r.rules:3: by: expected a field path (member names joined by dots, none empty), found 'a..b'" ]
	run --separate-stderr mlw-csv --to-csv --header a..b /dev/null
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-csv: --header: expected a field path (member names joined by dots, none empty), found 'a..b'" ]
}

@test "mlw-alert --test: an empty, a directory, a NUL byte and a 100,000-level nesting test file are refused, never a crash" {
	: > empty.test
	run --separate-stderr mlw-alert --test empty.test
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"empty.test"* ]]
	run --separate-stderr mlw-alert --test "$T"
	[ "$status" -eq 2 ]
	printf 'rule a\n    when x > 1\ncase c\n    input {"x":"\0"}\n' > nul.test
	run --separate-stderr mlw-alert --test nul.test
	[ "$status" -eq 2 ]
	{ printf 'rule a\n    when x > 1\ncase c\n    input '; head -c 100000 /dev/zero | tr '\0' '['; echo; } > deep.test
	run --separate-stderr mlw-alert --test deep.test
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"deep.test:4: "* ]]
}
