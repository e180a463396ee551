#!/usr/bin/env bats
# mlw-agg. The fixtures tests/data/agg-log.jsonl and agg-ref.jsonl and the
# expected records tests/data/agg-expect*.jsonl were written by
# tests/data/witness-agg.py: a pandas 1.5 groupby over window and model,
# math.fsum for sums and means, numpy.quantile, nunique, pandas std (ddof
# 1), and NannyML's StandardDeviationThreshold (np.mean, np.std of the
# chunks' values, +- 3 sd) for the bounds. Every number but std is pinned
# bit for bit; std to a relative 1e-12 (pandas sums in floating point, mlw
# exactly).

load helpers

SPEC='count; sum revenue; mean revenue; min revenue; max revenue; std basket; quantile basket 0.5; quantile score 0.9; distinct country; rate converted == true; ratio revenue orders'

# same_but_std GOT WANT: the lines equal, but std's value within 1e-12
same_but_std() {
	[ "$(grep -v '"agg":"std"' "$1")" = "$(grep -v '"agg":"std"' "$2")" ] || return 1
	paste -d '\n' <(grep '"agg":"std"' "$1") <(grep '"agg":"std"' "$2") |
	    awk '{ v = $0; sub(/.*"value":/, "", v); sub(/,.*/, "", v)
	        k = $0; sub(/"value":[^,]*/, "", k)
	        if (NR % 2) { g = v; gk = k; next }
	        d = (g - v) / v; if (d < 0) d = -d
	        if (k != gk || d > 1e-12) { print "far: " gk " " g " " v; bad = 1 } }
	        END { exit bad + (NR == 0) }'
}

@test "every aggregate per window and model equals pandas, math.fsum and numpy.quantile" {
	mlw-window --time ts --size 1h "$DATA/agg-log.jsonl" |
	    mlw-agg --by model --agg "$SPEC" > got.jsonl
	[ "$(wc -l < got.jsonl)" -eq 66 ]
	same_but_std got.jsonl "$DATA/agg-expect.jsonl"
	# 1e300 + 1e-300 - 1e300 is 1e-300 exactly, with the other revenues
	grep -q '"segment":"model=m1".*"agg":"min","field":"revenue","value":-1e+300' got.jsonl
}

@test "the check fails on a std off by 1e-11 and on another number off by one ulp" {
	sed 's/"value":7.149248518967912,/"value":7.1492485189,/' \
	    "$DATA/agg-expect.jsonl" > far.jsonl
	run same_but_std "$DATA/agg-expect.jsonl" far.jsonl
	[ "$status" -ne 0 ]
	sed '2s/"value":1066.8,/"value":1066.8000000000002,/' "$DATA/agg-expect.jsonl" > ulp.jsonl
	! cmp -s ulp.jsonl "$DATA/agg-expect.jsonl"
	run same_but_std "$DATA/agg-expect.jsonl" ulp.jsonl
	[ "$status" -ne 0 ]
}

@test "--where counts only the matching records, and the aggregates come in the order given" {
	mlw-window --time ts --size 1h "$DATA/agg-log.jsonl" |
	    mlw-agg --by model --where 'score > 0.5' --agg 'count' --agg 'mean basket' > got.jsonl
	[ "$(cat got.jsonl)" = "$(cat "$DATA/agg-expect-where.jsonl")" ]
}

@test "--ref --chunk: each model's bounds are NannyML's from its own reference chunks" {
	run --separate-stderr mlw-agg --by model --agg 'mean basket; rate converted == true' \
	    --ref "$DATA/agg-ref.jsonl" --chunk 50 "$DATA/agg-log.jsonl"
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$DATA/agg-expect-ref.jsonl")" ]
}

@test "--sigma: NannyML's own example, chunk values 0 .. 9" {
	# nannyml.thresholds.StandardDeviationThreshold's docstrings: 3 sd
	# give (-4.116843969807043, 13.116843969807043); 2 sd below give
	# -1.2445626465380286
	seq 0 9 | sed 's/.*/{"x":&}/' > ref.jsonl
	run mlw-agg --agg 'sum x' --ref ref.jsonl --chunk 1 <<<'{"x":13.2}'
	[ "$output" = '{"agg":"sum","field":"x","value":13.2,"n":1,"lower":-4.116843969807043,"upper":13.116843969807043,"alert":true}' ]
	run mlw-agg --agg 'sum x' --ref ref.jsonl --chunk 1 --sigma 2 <<<'{"x":10}'
	[ "$output" = '{"agg":"sum","field":"x","value":10,"n":1,"lower":-1.2445626465380286,"upper":10.244562646538029,"alert":false}' ]
	# a value on the bound is inside: strictly outside alerts
	run mlw-agg --agg 'sum x' --ref ref.jsonl --chunk 1 <<<'{"x":13.116843969807043}'
	[[ "$output" == *'"alert":false}' ]]
}

@test "--chunk DUR: chunks of time; the last, short chunk kept; out of order is an error" {
	# three hours of 10, 20 and 30 records: numpy.mean 20, numpy.std
	# 8.16496580927726, so 20 -+ 3 sd
	awk 'BEGIN { for (h = 0; h < 3; h++) for (i = 0; i < 10 * (h + 1); i++)
	    printf "{\"ts\":\"2026-11-01T%02d:%02d:00Z\"}\n", h, i }' > ref.jsonl
	run mlw-agg --agg count --ref ref.jsonl --chunk 1h --time ts <<<'{}'
	[ "$output" = '{"agg":"count","field":null,"value":1,"n":1,"lower":-4.494897427831781,"upper":44.49489742783178,"alert":false}' ]
	# --chunk 25 records: 25, 25 and the last 10 (numpy: 20 -+ 3 sqrt(50))
	run mlw-agg --agg count --ref ref.jsonl --chunk 25 <<<'{}'
	[[ "$output" == *'"lower":-1.2132034355964265,"upper":41.21320343559643,"alert":false}' ]]
	tac ref.jsonl > back.jsonl
	run --separate-stderr mlw-agg --agg count --ref back.jsonl --chunk 1h --time ts <<<'{}'
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-agg: back.jsonl:31: the reference is not in time order (a chunk of --chunk starts before the last)" ]
}

@test "--by: a segment the reference lacks has null bounds, said once; a reference without --by values serves all" {
	grep '"m1"' "$DATA/agg-ref.jsonl" > m1.jsonl
	run --separate-stderr mlw-agg --by model --agg count --ref m1.jsonl --chunk 50 "$DATA/agg-log.jsonl"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = '{"segment":"model=m2","model":"m2","agg":"count","field":null,"value":144,"n":144,"lower":null,"upper":null,"alert":false}' ]
	# m1's 200 reference records: four chunks of 50
	[[ "${lines[1]}" == *'"value":219,"n":219,"lower":50,"upper":50,"alert":true}' ]]
	[ "$stderr" = "mlw-agg: segment model=m2 has no part in the reference; its lower and upper are null" ]
	sed 's/"model":"m[12]",//' "$DATA/agg-ref.jsonl" > nomodel.jsonl
	run mlw-agg --by model --agg count --ref nomodel.jsonl --chunk 100 "$DATA/agg-log.jsonl"
	# four chunks of 100 records: the bounds are 100 +- 0 for both
	[[ "${lines[0]}" == *'"lower":100,"upper":100,"alert":true}' ]]
	[[ "${lines[1]}" == *'"lower":100,"upper":100,"alert":true}' ]]
}

@test "bad values: a non-number under sum is rejected and kept, never a zero; NaN is missing" {
	printf '%s\n' '{"x":1}' '{"x":"7"}' '{"x":null}' '{"x":NaN}' '{"x":1e999}' \
	    '{"x":[1]}' '{"x":2.5}' '{"c":{"a":1}}' > in.jsonl
	run --separate-stderr mlw-agg --agg 'count; sum x; distinct c' --rejects rej.jsonl in.jsonl
	[ "$status" -eq 1 ]
	[ "$output" = '{"agg":"count","field":null,"value":4,"n":4}
{"agg":"sum","field":"x","value":3.5,"n":2}
{"agg":"distinct","field":"c","value":0,"n":0,"exact":true}' ]
	[ "${stderr_lines[0]}" = "mlw-agg: in.jsonl:2: x: expected a number, found a string" ]
	[[ "$stderr" == *"in.jsonl:5: x: a number beyond the range of a double"* ]]
	[[ "$stderr" == *"in.jsonl:8: c: expected a string, number or boolean, found an object"* ]]
	[ "$(cat rej.jsonl)" = "$(sed -n '2p;5p;6p;8p' in.jsonl)" ]
	run mlw-agg --strict --agg 'sum x' in.jsonl
	[ "$status" -eq 2 ]
}

@test "distinct: types apart, numbers by value; rate undefined is false; ratio of sums" {
	printf '%s\n' '{"v":"1","a":2,"b":4}' '{"v":1,"a":1}' '{"v":1.0,"b":0}' \
	    '{"v":true,"ok":true}' '{"v":"true","ok":false}' '{}' > in.jsonl
	run mlw-agg --agg 'distinct v; rate ok == true; ratio a b' in.jsonl
	[ "$output" = '{"agg":"distinct","field":"v","value":4,"n":5,"exact":true}
{"agg":"rate","field":"ok == true","value":0.16666666666666666,"n":6}
{"agg":"ratio","field":"a/b","value":0.75,"n":2}' ]
}

@test "empty input reports an empty batch; a window without matching records reports zeros" {
	run mlw-agg --agg 'count; sum x; mean x' /dev/null
	[ "$output" = '{"agg":"count","field":null,"value":0,"n":0}
{"agg":"sum","field":"x","value":0,"n":0}
{"agg":"mean","field":"x","value":null,"n":0}' ]
	printf '%s\n' '{"ts":"2026-11-01T00:10:00Z","x":1}' '{"ts":"2026-11-01T01:10:00Z","x":-1}' |
	    mlw-window --time ts --size 1h | mlw-agg --where 'x > 0' --agg count > got.jsonl
	[ "$(sed -n 2p got.jsonl)" = '{"window_start":"2026-11-01T01:00:00Z","window_end":"2026-11-01T02:00:00Z","agg":"count","field":null,"value":0,"n":0}' ]
}

@test "--emit-state / --merge: four shards in any order are byte for byte the single pass" {
	mlw-window --time ts --size 1h "$DATA/agg-log.jsonl" > w.jsonl
	mlw-agg --by model --agg "$SPEC" w.jsonl > single.jsonl
	split -n l/4 "$DATA/agg-log.jsonl" part.
	for p in part.a?; do
		mlw-window --time ts --size 1h "$p" | mlw-agg --by model --agg "$SPEC" --emit-state > "$p.st"
	done
	mlw-agg --by model --agg "$SPEC" --merge part.a?.st > merged.jsonl
	cmp single.jsonl merged.jsonl
	mlw-agg --by model --agg "$SPEC" --merge part.ad.st part.ab.st part.aa.st part.ac.st | sort > any.jsonl
	sort single.jsonl | cmp - any.jsonl
	# with a reference too
	mlw-agg --by model --agg 'mean basket' --ref "$DATA/agg-ref.jsonl" --chunk 50 w.jsonl > s2.jsonl
	for p in part.a?; do
		mlw-window --time ts --size 1h "$p" | mlw-agg --by model --agg 'mean basket' \
		    --ref "$DATA/agg-ref.jsonl" --chunk 50 --emit-state > "$p.st2"
	done
	mlw-agg --by model --agg 'mean basket' --ref "$DATA/agg-ref.jsonl" --chunk 50 \
	    --merge part.a?.st2 | cmp - s2.jsonl
}

@test "beyond the exact sizes: std and distinct still merge byte for byte, a quantile within its error" {
	# a permutation of 0.5 .. 29999.5: std sqrt(n (n + 1) / 12)
	awk 'BEGIN { for (i = 0; i < 30000; i++)
	    printf "{\"x\":%d.5,\"s\":\"k%d\"}\n", (i * 7919) % 30000, i % 20000 }' > big.jsonl
	mlw-agg --agg 'std x; quantile x 0.5; distinct s' big.jsonl > single.jsonl
	split -n l/3 big.jsonl part.
	for p in part.a?; do mlw-agg --agg 'std x; quantile x 0.5; distinct s' --emit-state "$p" > "$p.st"; done
	mlw-agg --agg 'std x; quantile x 0.5; distinct s' --merge part.a?.st > merged.jsonl
	[ "$(sed -n 1p single.jsonl)" = "$(sed -n 1p merged.jsonl)" ]
	[ "$(sed -n 3p single.jsonl)" = "$(sed -n 3p merged.jsonl)" ]
	awk -v s="$(sed -n 1p single.jsonl | sed 's/.*"value":\([^,]*\),.*/\1/')" 'BEGIN {
	    n = 30000; w = sqrt(n * (n + 1) / 12); d = (s - w) / w; if (d < 0) d = -d; exit !(d < 1e-12) }'
	for f in single.jsonl merged.jsonl; do
		grep -q '"agg":"quantile".*"n":30000,"exact":false' "$f"
		v=$(sed -n 2p "$f" | sed 's/.*"value":\([^,]*\),.*/\1/')
		# KLL's rank error: within 2% of the 30000 ranks of the median
		awk -v v="$v" 'BEGIN { d = v / 30000 - 0.5; if (d < 0) d = -d; exit !(d < 0.02) }'
		# HyperLogLog: 20000 within 3 standard errors (2.4%)
		d=$(sed -n 3p "$f" | sed 's/.*"value":\([^,]*\),.*/\1/')
		[ "$d" -ge 19512 ] && [ "$d" -le 20488 ]
		grep -q '"agg":"distinct".*"exact":false' "$f"
	done
}

@test "states of other aggregates, and cut shards, are refused with nothing written" {
	mlw-agg --agg 'count; sum revenue' --emit-state "$DATA/agg-log.jsonl" > a.st
	run --separate-stderr mlw-agg --agg 'count; mean revenue' --merge a.st
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	head -n 1 a.st > cut.st
	run --separate-stderr mlw-agg --agg 'count; sum revenue' --merge cut.st
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
}

@test "--spec FILE: aggregates one or more per line, comments, errors named by file and line" {
	printf '%s\n' '# business' 'count' 'rate converted == true; sum revenue  # not a comment here?' > bad.agg
	run --separate-stderr mlw-agg --spec bad.agg /dev/null
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mlw-agg: bad.agg:3: 'sum revenue  # not a comment here?': unexpected '# not a comment here?'" ]
	printf '%s\n' '# business' 'count' '' 'rate converted == true; sum revenue' '  # the end' > b.agg
	mlw-agg --spec b.agg "$DATA/agg-log.jsonl" > got.jsonl
	mlw-agg --agg 'count; rate converted == true; sum revenue' "$DATA/agg-log.jsonl" > want.jsonl
	cmp got.jsonl want.jsonl
	# a ';' inside a quoted string is part of the condition
	printf '%s\n' '{"c":"a;b"}' '{"c":"a"}' | mlw-agg --agg "rate c == 'a;b'" > q.jsonl
	[ "$(cat q.jsonl)" = '{"agg":"rate","field":"c == '"'a;b'"'","value":0.5,"n":2}' ]
}

@test "usage errors name the option and the aggregate" {
	for c in "--agg 'median x'|mlw-agg: --agg: 'median x': expected count, sum, mean, min, max, std, quantile, distinct, rate or ratio, found 'median'" \
	    "--agg 'quantile x'|mlw-agg: --agg: 'quantile x': quantile takes a path and a number from 0 to 1" \
	    "--agg 'quantile x 2'|mlw-agg: --agg: 'quantile x 2': expected a number from 0 to 1, found '2'" \
	    "--agg 'ratio a'|mlw-agg: --agg: 'ratio a': ratio takes two paths, the numerator's and the denominator's" \
	    "--agg 'sum a..b'|mlw-agg: --agg: 'sum a..b': expected a field path (member names joined by dots, none empty), found 'a..b'" \
	    "--agg 'rate'|mlw-agg: --agg: 'rate': rate takes a condition, such as rate converted == true" \
	    "--agg 'rate x >'|mlw-agg: --agg: 'rate x >': column 4: expected a number, string, field or '(', found end of expression" \
	    "--agg 'count; count'|mlw-agg: --agg: 'count' is given twice" \
	    "--agg 'sum x y'|mlw-agg: --agg: 'sum x y': unexpected 'y'" \
	    "--agg count --ref r.jsonl|mlw-agg: --ref needs --chunk N (records) or --chunk DUR" \
	    "--agg count --chunk 5|mlw-agg: --chunk, --time and --sigma need --ref" \
	    "--agg count --ref r.jsonl --chunk 1h|mlw-agg: --chunk 1h needs --time PATH, the reference's time" \
	    "--agg count --ref r.jsonl --chunk 0|mlw-agg: --chunk: expected a whole number of records or a duration, found '0'" \
	    "--agg count --by value|mlw-agg: --by: value is the name of a member of the output, where each segment value is written" \
	    "--where 'x >' --agg count|mlw-agg: --where: column 4: expected a number, string, field or '(', found end of expression" \
	    "|mlw-agg: give the aggregates with --agg or --spec"; do
		eval "run --separate-stderr mlw-agg ${c%%|*} /dev/null"
		[ "$status" -eq 2 ]
		[ "${stderr_lines[0]}" = "${c#*|}" ] || { echo "got: ${stderr_lines[0]}"; false; }
	done
}

@test "--by: records with a bad segment value are rejected; --max-keys names the key that did not fit" {
	printf '%s\n' '{"m":"a"}' '{"m":{"x":1}}' '{"m":"b"}' '{"m":"c"}' > in.jsonl
	run --separate-stderr mlw-agg --by m --agg count --max-keys 2 in.jsonl
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"in.jsonl:4: more than 2 segments (the limit of --max-keys): m=c did not fit"* ]]
	run --separate-stderr mlw-agg --by m --agg count in.jsonl
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 3 ]
}
