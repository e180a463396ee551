#!/usr/bin/env bats
# mlw-psi: PSI per window and field; reference profiles; bad input.
# The PSI values of tests/data/{ref,cur}.jsonl were computed by NumPy 1.24.2
# with tests/data/witness-psi.py (run by hand; its output is pinned here).

load helpers

@test "batch PSI equals the NumPy witness (quantile bins, categories)" {
	run --separate-stderr mlw-psi --ref "$DATA/ref.jsonl" "$DATA/cur.jsonl"
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = '{"feature":"f.x","psi":4.08249867239132,"n":12,"missing":0,"ref_n":20}
{"feature":"f.c","psi":2.5588314042566833,"n":12,"missing":0,"ref_n":20}' ]
}

@test "mlw-window | mlw-psi: one line per window and field, equal to the witness" {
	run --separate-stderr sh -c "mlw-window --time ts --size 1h '$DATA/cur.jsonl' | mlw-psi --ref '$DATA/ref.jsonl'"
	[ "$status" -eq 0 ]
	[ "$output" = '{"window_start":"2026-11-01T00:00:00Z","window_end":"2026-11-01T01:00:00Z","feature":"f.x","psi":4.8445819920063204,"n":6,"missing":0,"ref_n":20}
{"window_start":"2026-11-01T00:00:00Z","window_end":"2026-11-01T01:00:00Z","feature":"f.c","psi":1.449747448874855,"n":6,"missing":0,"ref_n":20}
{"window_start":"2026-11-01T01:00:00Z","window_end":"2026-11-01T02:00:00Z","feature":"f.x","psi":5.283048008650943,"n":6,"missing":0,"ref_n":20}
{"window_start":"2026-11-01T01:00:00Z","window_end":"2026-11-01T02:00:00Z","feature":"f.c","psi":7.314101839565867,"n":6,"missing":0,"ref_n":20}' ]
}

@test "--binning uniform --bins 4 equals the witness" {
	run --separate-stderr mlw-psi --ref "$DATA/ref.jsonl" --fields f.x --bins 4 --binning uniform "$DATA/cur.jsonl"
	[ "$status" -eq 0 ]
	[ "$output" = '{"feature":"f.x","psi":2.3364189889294718,"n":12,"missing":0,"ref_n":20}' ]
}

@test "--detail adds edges or categories and both proportion vectors" {
	run --separate-stderr mlw-psi --ref "$DATA/ref.jsonl" --detail "$DATA/cur.jsonl"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = '{"feature":"f.x","psi":4.08249867239132,"n":12,"missing":0,"ref_n":20,"edges":[1.7400000000000002,2.72,3.2399999999999998,4.32,4.85,5.5,6.249999999999999,7.38,8.830000000000002],"ref":[0.1,0.1,0.1,0.1,0.1,0.05,0.15,0.1,0.1,0.1],"cur":[0,0,0,0,0,0.16666666666666666,0.08333333333333333,0.16666666666666666,0.25,0.3333333333333333]}' ]
	[ "${lines[1]}" = '{"feature":"f.c","psi":2.5588314042566833,"n":12,"missing":0,"ref_n":20,"categories":["a","b","c"],"ref":[0.5,0.3,0.2,0],"cur":[0.16666666666666666,0.16666666666666666,0.4166666666666667,0.25]}' ]
}

@test "a saved profile gives the same results; --bins with it is an error" {
	run --separate-stderr mlw-psi --ref "$DATA/ref.jsonl" --save-ref prof.jsonl
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$(head -1 prof.jsonl)" = '{"mlw":"psi_profile","version":1,"records":20}' ]
	[ "$(sed -n 3p prof.jsonl)" = '{"feature":"f.c","type":"categorical","n":20,"missing":0,"categories":["a","b","c"],"counts":[10,6,4,0],"proportions":[0.5,0.3,0.2,0]}' ]
	mlw-psi --ref "$DATA/ref.jsonl" "$DATA/cur.jsonl" > direct.jsonl
	mlw-psi --ref prof.jsonl "$DATA/cur.jsonl" > saved.jsonl
	cmp direct.jsonl saved.jsonl
	run --separate-stderr mlw-psi --ref prof.jsonl --fields f.c "$DATA/cur.jsonl"
	[ "$output" = '{"feature":"f.c","psi":2.5588314042566833,"n":12,"missing":0,"ref_n":20}' ]
	run --separate-stderr mlw-psi --ref prof.jsonl --bins 5 "$DATA/cur.jsonl"
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-psi: --bins and --binning do not apply to a saved profile (prof.jsonl)" ]
	run --separate-stderr mlw-psi --ref prof.jsonl --fields f.zzz "$DATA/cur.jsonl"
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-psi: prof.jsonl: field f.zzz is not in the profile" ]
}

@test "a damaged profile is fatal and names the line" {
	printf '%s\n' '{"mlw":"psi_profile","version":1,"records":3}' \
	    '{"feature":"x","type":"numeric","n":3,"missing":0,"edges":[2,1],"counts":[1,1,1]}' > bad.jsonl
	run --separate-stderr mlw-psi --ref bad.jsonl "$DATA/cur.jsonl"
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-psi: bad.jsonl:2: invalid profile: edges not increasing" ]
}

@test "missing values are counted and left out; no values gives null and a reason" {
	printf '%s\n' '{"x":1,"c":"a"}' '{"x":2,"c":"b"}' '{"x":3}' > ref.jsonl
	printf '%s\n' '{"x":null,"c":"a"}' '{"c":"zz"}' > cur.jsonl
	run --separate-stderr mlw-psi --ref ref.jsonl cur.jsonl
	[ "$status" -eq 0 ]
	[ "$stderr" = "mlw-psi: batch: x has no values; psi is null" ]
	[ "${lines[0]}" = '{"feature":"x","psi":null,"n":0,"missing":2,"ref_n":3}' ]
	# c: reference a,b = .5,.5, unseen 0 -> eps; current a .5, unseen .5:
	# the witness loop of witness-psi.py gives 8.515489752777954
	[ "${lines[1]}" = '{"feature":"c","psi":8.515489752777954,"n":2,"missing":0,"ref_n":2}' ]
}

@test "default fields: every scalar leaf in first-seen order, arrays skipped" {
	printf '%s\n' '{"a":1,"n":{"b":"x","c":true},"arr":[1,2],"window_start":"2026-11-01T00:00:00Z","window_end":"2026-11-01T01:00:00Z"}' \
	    '{"d":2.5,"a":2,"n":{"b":"y","c":false},"k.dot":1}' > ref.jsonl
	run --separate-stderr sh -c 'echo "{\"a\":1}" | mlw-psi --ref ref.jsonl'
	[ "$status" -eq 0 ]
	[ "$(grep -o '"feature":"[^"]*"' <<<"$output" | tr '\n' ' ')" = '"feature":"a" "feature":"n.b" "feature":"n.c" "feature":"d" "feature":"k\\.dot" ' ]
}

@test "--categorical treats numbers as categories" {
	printf '{"z":%s}\n' 1 1 2 3 > ref.jsonl
	printf '{"z":%s}\n' 1 2 2 4.0 > cur.jsonl
	run --separate-stderr mlw-psi --ref ref.jsonl --categorical z --detail cur.jsonl
	[ "$status" -eq 0 ]
	[[ "$output" == *'"categories":["1","2","3"],"ref":[0.5,0.25,0.25,0],"cur":[0.25,0.5,0,0.25]}' ]]
}

@test "a value of the wrong type rejects the whole record" {
	printf '%s\n' '{"x":1,"c":"a"}' '{"x":2,"c":"b"}' > ref.jsonl
	printf '%s\n' '{"x":"1","c":"a"}' '{"x":1,"c":7}' '{"x":1,"c":"a"}' '{"x":[1],"c":"a"}' > cur.jsonl
	# x: reference [1,2] puts .5 in the first and last of 10 bins; current
	# [1] puts 1 in the first: the witness loop gives 4.60431846666895
	run --separate-stderr mlw-psi --ref ref.jsonl --rejects rej.jsonl cur.jsonl
	[ "$status" -eq 1 ]
	[ "$stderr" = 'mlw-psi: cur.jsonl:1: x: expected a number, found a string
mlw-psi: cur.jsonl:2: c: expected a category (string or boolean), found a number
mlw-psi: cur.jsonl:4: x: expected a number, found an array
mlw-psi: 3 records rejected' ]
	[ "${lines[0]}" = '{"feature":"x","psi":4.60431846666895,"n":1,"missing":0,"ref_n":2}' ]
	[ "$(wc -l < rej.jsonl)" -eq 3 ]
}

@test "bad reference records are rejected with the reference's name" {
	printf '%s\n' '{"x":1}' '{"x":' '{"x":"s"}' '{"x":2}' > ref.jsonl
	run --separate-stderr mlw-psi --ref ref.jsonl ref.jsonl
	[ "$status" -eq 1 ]
	[[ "$stderr" == "mlw-psi: ref.jsonl:2: invalid JSON at column 6: expected a value, found end of line
mlw-psi: ref.jsonl:3: x: expected a number, found a string"* ]]
}

@test "a missing reference is fatal; --ref is required" {
	run --separate-stderr mlw-psi --ref nosuch.jsonl
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-psi: nosuch.jsonl: No such file or directory" ]
	run --separate-stderr mlw-psi
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-psi: --ref is required" ]
	: > empty.jsonl
	run --separate-stderr mlw-psi --ref empty.jsonl
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-psi: empty.jsonl: reference is empty" ]
	run --separate-stderr mlw-psi --ref "$DATA/ref.jsonl" --fields f.nope
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-psi: $DATA/ref.jsonl: field f.nope has no values in the reference" ]
}

@test "bad option values name the option and the value" {
	run --separate-stderr mlw-psi --ref "$DATA/ref.jsonl" --bins 1
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-psi: --bins: expected a whole number from 2 to 1000, found '1'" ]
	run --separate-stderr mlw-psi --ref "$DATA/ref.jsonl" --eps 0
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-psi: --eps: expected a number between 0 and 1, found '0'" ]
	run --separate-stderr mlw-psi --ref "$DATA/ref.jsonl" --binning tree
	[ "$status" -eq 2 ]
	run --separate-stderr mlw-psi --ref "$DATA/ref.jsonl" --fields 'a,,b'
	[ "$status" -eq 2 ]
	run --separate-stderr mlw-psi --version
	[ "$output" = "mlw-psi 0.1.0" ]
}

@test "live: the first window's PSI appears before the writer closes the FIFO" {
	gen -n 300 --interval 30s --reference > ref.jsonl
	gen -n 300 --interval 30s > log.jsonl
	mkfifo fifo
	( head -130 log.jsonl; sleep 5; tail -n +131 log.jsonl ) > fifo &
	writer=$!
	mlw-window --time ts --size 1h < fifo | mlw-psi --ref ref.jsonl --fields features.age,score > out.jsonl &
	sleep 2.5
	# the writer is still open, yet hour 0 (records 0-119) is reported
	kill -0 "$writer"
	[ "$(wc -l < out.jsonl)" -eq 2 ]
	grep -q '"window_start":"2026-11-01T00:00:00Z".*"feature":"features.age"' out.jsonl
	wait
	[ "$(wc -l < out.jsonl)" -eq 6 ]
}

@test "the drift in a generated log shows up: PSI rises after the shift" {
	gen -n 2000 --seed 3 --reference > ref.jsonl
	gen -n 7200 --interval 1s --drift-at 3600 > log.jsonl
	mlw-window --time ts --size 1h log.jsonl | mlw-psi --ref ref.jsonl --fields features.age > out.jsonl
	[ "$(wc -l < out.jsonl)" -eq 2 ]
	before=$(sed -n 1p out.jsonl | grep -o '"psi":[0-9.e-]*' | cut -d: -f2)
	after=$(sed -n 2p out.jsonl | grep -o '"psi":[0-9.e-]*' | cut -d: -f2)
	awk -v b="$before" -v a="$after" 'BEGIN { exit !(b < 0.1 && a > 0.25) }'
}

@test "a full disk is an error; a closed pipe is quiet" {
	run --separate-stderr sh -c "mlw-psi --ref '$DATA/ref.jsonl' '$DATA/cur.jsonl' > /dev/full"
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-psi: write error: No space left on device" ]
	gen -n 20000 --interval 1s > log.jsonl
	run --separate-stderr sh -c "mlw-window --time ts --size 1m log.jsonl | mlw-psi --ref '$DATA/ref.jsonl' --fields f.x 2>/dev/null | head -1"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
}

@test "--strict stops at the first bad record" {
	printf '%s\n' '{"f":{"x":1,"c":"a"}}' '{"f":{"x":"no","c":"a"}}' > cur.jsonl
	run --separate-stderr mlw-psi --strict --ref "$DATA/ref.jsonl" cur.jsonl
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-psi: cur.jsonl:2: f.x: expected a number, found a string" ]
	[ "$output" = "" ]
}

# Regressions found in review; each pins one fixed bug.

@test "regression: a repeated member name in the reference counts once (last wins)" {
	printf '%s\n' '{"a":1,"a":2}' '{"a":3}' > ref.jsonl
	run --separate-stderr mlw-psi --ref ref.jsonl --save-ref prof.jsonl
	[ "$status" -eq 0 ]
	[[ "$(sed -n 2p prof.jsonl)" == '{"feature":"a","type":"numeric","n":2,"missing":0,'* ]]
}

@test "regression: control records other than window_close are not data" {
	printf '%s\n' '{"mlw":"something","f":{"x":100,"c":"zz"}}' '{"mlw":null,"f":{"x":100,"c":"zz"}}' '{"f":{"x":5,"c":"a"}}' > cur.jsonl
	run --separate-stderr mlw-psi --ref "$DATA/ref.jsonl" cur.jsonl
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *'"n":1,'* ]]
}

@test "regression: --categorical must name a reference field and not go with a profile" {
	run --separate-stderr mlw-psi --ref "$DATA/ref.jsonl" --categorical f.nope /dev/null
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-psi: --categorical: field f.nope is not in the reference $DATA/ref.jsonl" ]
	mlw-psi --ref "$DATA/ref.jsonl" --save-ref prof.jsonl
	run --separate-stderr mlw-psi --ref prof.jsonl --categorical f.x /dev/null
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-psi: --categorical does not apply to a saved profile (prof.jsonl); give it when saving" ]
}

@test "regression: a field given twice in --fields is a usage error" {
	run --separate-stderr mlw-psi --ref "$DATA/ref.jsonl" --fields f.c,f.c /dev/null
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-psi: --fields: f.c is given twice" ]
}

@test "regression: empty member names are left out; commas in names are escaped" {
	printf '%s\n' '{"":1,"n":{"a,b":"x"},"k":2}' > ref.jsonl
	run --separate-stderr sh -c 'echo "{\"k\":2}" | mlw-psi --ref ref.jsonl'
	[ "$status" -eq 0 ]
	[ "$stderr" = 'mlw-psi: reference: a member with an empty name cannot be named by a path; left out
mlw-psi: batch: n.a\,b has no values; psi is null' ]
	[ "$(grep -o '"feature":"[^"]*"' <<<"$output" | tr '\n' ' ')" = '"feature":"n.a\\,b" "feature":"k" ' ]
}

@test "regression: uniform bins over an overflowing range still round-trip" {
	printf '{"x":%s}\n' -1.7e308 1.7e308 0 > ref.jsonl
	run --separate-stderr mlw-psi --ref ref.jsonl --binning uniform --bins 4 --save-ref p.jsonl
	[ "$status" -eq 0 ]
	[[ "$(sed -n 2p p.jsonl)" == *'"edges":[-8.499999999999999e+307,0,8.499999999999999e+307]'* ]]
	run --separate-stderr mlw-psi --ref p.jsonl ref.jsonl
	[ "$status" -eq 0 ]
}

@test "regression: a name with a comma can be named back with \\," {
	printf '%s\n' '{"a,b":"x","k":1}' '{"a,b":"y","k":2}' > ref.jsonl
	run --separate-stderr mlw-psi --ref ref.jsonl --categorical 'a\,b' --fields 'a\,b,k' ref.jsonl
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == '{"feature":"a\\,b","psi":0,'* ]]
	mlw-psi --ref ref.jsonl --save-ref p.jsonl
	run --separate-stderr mlw-psi --ref p.jsonl --fields 'a\,b' ref.jsonl
	[ "$status" -eq 0 ]
}

@test "regression: out-of-range counts in a profile are refused, not cast" {
	printf '%s\n' '{"mlw":"psi_profile","version":1,"records":1e300}' > bad.jsonl
	run --separate-stderr mlw-psi --ref bad.jsonl /dev/null
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-psi: bad.jsonl:1: invalid profile: expected records" ]
}

# --by: 3 models in one stream, one reference per model (mlw-gen --models)
by_data() {
	gen -n 3000 --models 3 --drift-at 1500 > cur.jsonl
	gen -n 3000 --models 3 --reference --seed 7 > ref.jsonl
}

@test "--by model: each segment's records equal mlw-psi over that model's records and reference alone" {
	by_data
	f=features.age,features.income,features.country,score
	mlw-window --time ts --size 10m cur.jsonl |
	    mlw-psi --ref ref.jsonl --by model --fields $f > by.jsonl
	for m in m1 m2 m3; do
		grep -F "\"model\":\"$m\"," ref.jsonl > ref.$m
		grep -F "\"model\":\"$m\"," cur.jsonl |
		    mlw-window --time ts --size 10m |
		    mlw-psi --ref ref.$m --fields $f > want.$m
		grep -F "\"segment\":\"model=$m\",\"model\":\"$m\"," by.jsonl |
		    sed "s/\"segment\":\"model=$m\",\"model\":\"$m\",//" > got.$m
		[ -s want.$m ]
		cmp want.$m got.$m
	done
	# a window reports its segments in the order it saw them
	[ "$(wc -l < by.jsonl)" -eq $(( $(cat want.m1 want.m2 want.m3 | wc -l) )) ]
	head -n 1 by.jsonl | grep -F '"segment":"model=m1","model":"m1","feature":"features.age"'
	sed -n 5p by.jsonl | grep -F '"segment":"model=m2"'
}

@test "--by: a segment the reference lacks is rejected once said, or compared with the whole reference with --ref-fallback all" {
	by_data
	grep -v -F '"model":"m3",' ref.jsonl > ref2.jsonl
	run --separate-stderr mlw-psi --ref ref2.jsonl --by model --fields score --rejects rej.jsonl cur.jsonl
	[ "$status" -eq 1 ]
	[ "$(grep -c 'has no part in the reference' <<< "$stderr")" -eq 1 ]
	[[ "$stderr" == *"cur.jsonl:3: segment model=m3 has no part in the reference"* ]]
	[ "$(wc -l < rej.jsonl)" -eq 1000 ]
	[ "${#lines[@]}" -eq 2 ]
	run --separate-stderr mlw-psi --ref ref2.jsonl --by model --fields score --ref-fallback all cur.jsonl
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[2]}" == '{"segment":"model=m3","model":"m3","feature":"score",'*'"n":1000,"missing":0,"ref_n":2000}' ]]
}

@test "--by: a reference with no --by values serves every segment" {
	gen -n 900 --models 3 > cur.jsonl
	gen -n 500 --reference > ref.jsonl
	mlw-psi --ref ref.jsonl --fields score cur.jsonl > one.jsonl
	mlw-psi --ref ref.jsonl --by model --fields score cur.jsonl > by.jsonl
	[ "$(wc -l < by.jsonl)" -eq 3 ]
	grep -c '"ref_n":500}' by.jsonl | grep -qx 3
}

@test "--by: --save-ref keeps every segment's part, and the saved profile gives the same records" {
	by_data
	mlw-window --time ts --size 10m cur.jsonl > w.jsonl
	mlw-psi --ref ref.jsonl --by model w.jsonl > direct.jsonl
	mlw-psi --ref ref.jsonl --by model --save-ref prof.jsonl
	[ "$(grep -c '"mlw":"psi_segment"' prof.jsonl)" -eq 3 ]
	head -n 1 prof.jsonl | grep -F '"by":["model"]'
	mlw-psi --ref prof.jsonl --by model w.jsonl > saved.jsonl
	cmp direct.jsonl saved.jsonl
	# without --by, the saved profile is the whole reference
	mlw-psi --ref prof.jsonl --fields score w.jsonl > a.jsonl
	mlw-psi --ref ref.jsonl --fields score w.jsonl > b.jsonl
	cmp a.jsonl b.jsonl
	run mlw-psi --ref prof.jsonl --by features.country w.jsonl
	[ "$status" -eq 2 ]
	[[ "$output" == *"the profile's segments are not those of this --by"* ]]
}

@test "--by: a 4-shard --emit-state/--merge is byte for byte the single pass, with segments" {
	by_data
	mlw-window --time ts --size 10m cur.jsonl > w.jsonl
	mlw-psi --ref ref.jsonl --by model --detail w.jsonl > one.jsonl
	split -n l/4 w.jsonl part.
	for p in part.*; do
		mlw-psi --ref ref.jsonl --by model --detail --emit-state "$p" > "$p.st"
	done
	cat part.*.st | mlw-psi --ref ref.jsonl --by model --detail --merge > merged.jsonl
	cmp one.jsonl merged.jsonl
}

@test "--by: segments whose values hold commas, equals signs, quotes, non-ASCII, numbers or nothing stay apart" {
	printf '%s\n' '{"m":"a,b=c","x":1}' '{"m":"a","b":"c","x":2}' \
	    '{"m":"q\"","x":3}' '{"m":"é","x":4}' '{"x":5}' '{"m":null,"x":6}' \
	    '{"m":7,"x":7}' '{"m":"7","x":8}' > d.jsonl
	run --separate-stderr mlw-psi --ref d.jsonl --by m --fields x d.jsonl
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 7 ]
	[ "${lines[0]}" = '{"segment":"m=\"a,b=c\"","m":"a,b=c","feature":"x","psi":0,"n":1,"missing":0,"ref_n":1}' ]
	[ "${lines[1]}" = '{"segment":"m=a","m":"a","feature":"x","psi":0,"n":1,"missing":0,"ref_n":1}' ]
	[ "${lines[3]}" = '{"segment":"m=é","m":"é","feature":"x","psi":0,"n":1,"missing":0,"ref_n":1}' ]
	[ "${lines[4]}" = '{"segment":"m=","m":null,"feature":"x","psi":0,"n":2,"missing":0,"ref_n":2}' ]
	[ "${lines[5]}" = '{"segment":"m=7","m":7,"feature":"x","psi":0,"n":1,"missing":0,"ref_n":1}' ]
	# the display texts of 7 and "7" are alike; the keys and members differ
	[ "${lines[6]}" = '{"segment":"m=7","m":"7","feature":"x","psi":0,"n":1,"missing":0,"ref_n":1}' ]
}

@test "--by: usage errors and --max-keys" {
	by_data
	run mlw-psi --ref ref.jsonl --by feature cur.jsonl
	[ "$status" -eq 2 ]
	[[ "$output" == *"--by: feature is the name of a member of the output"* ]]
	run mlw-psi --ref ref.jsonl --ref-fallback all cur.jsonl
	[ "$status" -eq 2 ]
	[[ "$output" == *"--ref-fallback applies to --by only"* ]]
	run mlw-psi --ref ref.jsonl --by model --max-keys 2 cur.jsonl
	[ "$status" -eq 2 ]
	[[ "$output" == *"more than 2 segments (the limit of --max-keys): model=m3 did not fit"* ]]
}
