#!/usr/bin/env bats
# mlw-detect: online change detection, River's detectors, on streams with
# known change points. Expected records come from
# tests/data/witness-detect.py (River's update rules re-written in Python,
# scipy for KSWIN's test): `/usr/bin/python3 tests/data/witness-detect.py
# streams` prints every pinned line below.

load helpers

# numstream SEED N1 N2 SHIFT: N1 values u, then N2 values u + SHIFT, u from
# the Park-Miller generator s = 16807 s mod (2^31 - 1), u = s / (2^31 - 1),
# as {"i":I,"x":U} with %.6f (witness-detect.py num_stream).
numstream() {
	awk -v seed="$1" -v n1="$2" -v n2="$3" -v shift="$4" 'BEGIN {
		s = seed; m = 2147483647
		for (i = 0; i < n1 + n2; i++) {
			s = (16807 * s) % m
			printf "{\"i\":%d,\"x\":%.6f}\n", i, s / m + (i >= n1 ? shift : 0)
		}
	}'
}

# bitstream SEED N1 P1 N2 P2: errors (1) with probability P1 for N1
# records, then P2 for N2 records, as {"i":I,"err":0|1} (bin_stream).
bitstream() {
	awk -v seed="$1" -v n1="$2" -v p1="$3" -v n2="$4" -v p2="$5" 'BEGIN {
		s = seed; m = 2147483647
		for (i = 0; i < n1 + n2; i++) {
			s = (16807 * s) % m
			printf "{\"i\":%d,\"err\":%d}\n", i, (s / m < (i < n1 ? p1 : p2))
		}
	}'
}

# constant N FIELD VALUE
constant() {
	awk -v n="$1" -v f="$2" -v v="$3" 'BEGIN {
		for (i = 0; i < n; i++) printf "{\"i\":%d,\"%s\":%s}\n", i, f, v
	}'
}

# record FILE INDEX MEMBERS: the input record at 0-based INDEX with MEMBERS
# appended, as mlw-detect writes it.
record() {
	r=$(sed -n "$(($2 + 1))p" "$1")
	printf '%s,%s}' "${r%\}}" "$3"
}

# first_drift: the index of the first drift record on standard input
first_drift() {
	grep '"change":"drift"' | head -n 1 | sed 's/.*"index":\([0-9]*\).*/\1/'
}

@test "--help, --version, and a usage error exit as mlw(7) says" {
	run mlw-detect --help
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "usage: mlw-detect --field PATH --method METHOD"* ]]
	run mlw-detect --version
	[ "$status" -eq 0 ]
	[[ "$output" == "mlw-detect "* ]]
	run --separate-stderr mlw-detect --field x --method foo
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mlw-detect: --method: expected page-hinkley, cusum, adwin, ddm, eddm, hddm-a, hddm-w or kswin, found 'foo'" ]
	run --separate-stderr mlw-detect --method adwin
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mlw-detect: --field is required" ]
}

@test "an option of another method, a bad value, a bad combination: exit 2" {
	run --separate-stderr mlw-detect --field x --method ddm --clock 3
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mlw-detect: --clock does not apply to --method ddm" ]
	run --separate-stderr mlw-detect --field x --method kswin --window-size 5x
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mlw-detect: --window-size: expected a whole number from 2 to 1000000, found '5x'" ]
	run --separate-stderr mlw-detect --field x --method kswin --window-size 50
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mlw-detect: --window-size: must be at least twice --stat-size (the sample is drawn from the older part of the window)" ]
	run --separate-stderr mlw-detect --field x --method eddm --alpha 0.8
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mlw-detect: --alpha: eddm's warning level must not be less than --beta" ]
	run --separate-stderr mlw-detect --field x --method page-hinkley --mode sideways
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mlw-detect: --mode: expected up, down or both, found 'sideways'" ]
}

# The numeric stream: 1000 values uniform on [0, 1), then 1000 on [1, 2).
# Documented delays (man page): within 100 values of the change.

@test "page-hinkley: one drift, 46 values after the change" {
	numstream 12345 1000 1000 1 > num.jsonl
	run --separate-stderr mlw-detect --field x --method page-hinkley num.jsonl
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	# witness: page-hinkley
	[ "$output" = "$(record num.jsonl 1046 '"change":"drift","method":"page-hinkley","index":1046,"statistic":50.06614847799241')" ]
	run mlw-detect --field x --method page-hinkley --mode up num.jsonl
	[ "$(first_drift <<<"$output")" -eq 1046 ]
	run mlw-detect --field x --method page-hinkley --mode down num.jsonl
	[ "$output" = "" ]
}

@test "cusum: the first drift one value after the change, none before" {
	numstream 12345 1000 1000 1 > num.jsonl
	run --separate-stderr mlw-detect --field x --method cusum num.jsonl
	[ "$status" -eq 0 ]
	# witness: cusum (after each reset the next 30 values are a new
	# warm-up; CUSUM at h = 5 has false alarms every few hundred values)
	[ "$output" = "$(record num.jsonl 1001 '"change":"drift","method":"cusum","index":1001,"statistic":2.19706600394194')
$(record num.jsonl 1105 '"change":"drift","method":"cusum","index":1105,"statistic":1.6347238722911779')
$(record num.jsonl 1990 '"change":"drift","method":"cusum","index":1990,"statistic":1.5285939383289253')" ]
}

@test "adwin: one drift at the first clock tick after the change" {
	numstream 12345 1000 1000 1 > num.jsonl
	run --separate-stderr mlw-detect --field x --method adwin num.jsonl
	[ "$status" -eq 0 ]
	# witness: adwin (1023 + 1 = 1024 is a multiple of the clock, 32)
	[ "$output" = "$(record num.jsonl 1023 '"change":"drift","method":"adwin","index":1023,"statistic":0.1889796551339269')" ]
}

@test "kswin: seeded sampling; one drift 16 values after the change" {
	numstream 12345 1000 1000 1 > num.jsonl
	# River's own example uses alpha 0.0001: at the default 0.005 KSWIN
	# tests every value and raises false alarms (pinned below)
	run --separate-stderr mlw-detect --field x --method kswin --alpha 0.0001 num.jsonl
	[ "$status" -eq 0 ]
	# witness: kswin --alpha 0.0001
	[ "$output" = "$(record num.jsonl 1016 '"change":"drift","method":"kswin","index":1016,"statistic":0.5666666666666667,"p_value":8.737803591291227e-05')" ]
	run mlw-detect --field x --method kswin --alpha 0.0001 --seed 7 num.jsonl
	[ "$(first_drift <<<"$output")" -eq 1016 ]
	# witness: kswin (default alpha)
	run mlw-detect --field x --method kswin num.jsonl
	[ "$(grep -o '"index":[0-9]*' <<<"$output" | tr '\n' ' ')" = '"index":439 "index":558 "index":663 "index":1013 "index":1255 "index":1838 ' ]
	# the same seed gives the same output, run after run
	run mlw-detect --field x --method kswin num.jsonl
	[ "$(grep -c . <<<"$output")" -eq 6 ]
}

# The error stream: errors with probability 0.05 for 1000 records, then 0.5.

@test "ddm: warnings before the change, the drift 24 values after it" {
	bitstream 4242 1000 0.05 1000 0.5 > bits.jsonl
	run --separate-stderr mlw-detect --field err --method ddm bits.jsonl
	[ "$status" -eq 0 ]
	# witness: ddm
	[ "$(grep -o '"change":"[a-z]*","method":"ddm","index":[0-9]*' <<<"$output" | sed 's/"method":"ddm",//' | tr '\n' ' ')" = '"change":"warning","index":96 "change":"warning","index":129 "change":"warning","index":161 "change":"warning","index":172 "change":"warning","index":244 "change":"warning","index":281 "change":"warning","index":1011 "change":"drift","index":1024 ' ]
	[ "${lines[7]}" = "$(record bits.jsonl 1024 '"change":"drift","method":"ddm","index":1024,"statistic":0.0638021121122466')" ]
}

@test "eddm: the drift 27 values after the change" {
	bitstream 4242 1000 0.05 1000 0.5 > bits.jsonl
	run --separate-stderr mlw-detect --field err --method eddm bits.jsonl
	[ "$status" -eq 0 ]
	# witness: eddm
	[ "$(first_drift <<<"$output")" -eq 1027 ]
	[ "${lines[2]}" = "$(record bits.jsonl 1027 '"change":"drift","method":"eddm","index":1027,"statistic":0.8958091720348402')" ]
	[ "${lines[0]}" = "$(record bits.jsonl 657 '"change":"warning","method":"eddm","index":657,"statistic":0.9307276821412886')" ]
}

@test "hddm-a and hddm-w: a warning, then the drift, right after the change" {
	bitstream 4242 1000 0.05 1000 0.5 > bits.jsonl
	run --separate-stderr mlw-detect --field err --method hddm-a bits.jsonl
	[ "$status" -eq 0 ]
	# witness: hddm-a
	[ "$output" = "$(record bits.jsonl 1007 '"change":"warning","method":"hddm-a","index":1007,"statistic":0.004655067155067152')
$(record bits.jsonl 1008 '"change":"drift","method":"hddm-a","index":1008,"statistic":0.0055979699190799245')" ]
	run --separate-stderr mlw-detect --field err --method hddm-w bits.jsonl
	[ "$status" -eq 0 ]
	# witness: hddm-w
	[ "$output" = "$(record bits.jsonl 1019 '"change":"warning","method":"hddm-w","index":1019,"statistic":0.37153901455593397')
$(record bits.jsonl 1023 '"change":"warning","method":"hddm-w","index":1023,"statistic":0.3952323906270665')
$(record bits.jsonl 1024 '"change":"drift","method":"hddm-w","index":1024,"statistic":0.4254014402294218')" ]
}

@test "no method ever fires on a constant stream of 5000 values" {
	constant 5000 x 0.5 > c.jsonl
	constant 5000 err 0 > z.jsonl
	constant 5000 err 1 > o.jsonl
	for m in page-hinkley cusum adwin kswin; do
		run --separate-stderr mlw-detect --field x --method "$m" c.jsonl
		[ "$status" -eq 0 ] && [ "$output" = "" ] && [ "$stderr" = "" ] ||
		    { echo "$m"; false; }
	done
	for m in ddm eddm hddm-a hddm-w adwin; do
		for f in z.jsonl o.jsonl; do
			run --separate-stderr mlw-detect --field err --method "$m" "$f"
			[ "$status" -eq 0 ] && [ "$output" = "" ] ||
			    { echo "$m $f"; false; }
		done
	done
}

@test "nothing within the grace period, however large the change" {
	# 0, 0, 0, then 100s: detectors wait for their minimum of values
	awk 'BEGIN { for (i = 0; i < 63; i++) printf "{\"x\":%d}\n", i < 3 ? 0 : 100 }' > step.jsonl
	# witness: ADWIN(clock=1, min_window_length=1, grace_period=40):
	# the first check is at width 41 (index 40); the first cut holds at 51
	run mlw-detect --field x --method adwin --clock 1 --min-window-length 1 --grace-period 40 step.jsonl
	[ "$output" = '{"x":100,"change":"drift","method":"adwin","index":51,"statistic":37.5}' ]
	# page-hinkley tests from its min_instances-th value (index 9 here)
	run mlw-detect --field x --method page-hinkley --threshold 5 --min-instances 10 step.jsonl
	[ "$(first_drift <<<"$output")" -eq 9 ]
	# cusum: the warm-up is the grace period
	run mlw-detect --field x --method cusum --warmup 40 step.jsonl
	[ "$output" = "" ]
	# ddm decides only once n > warm_start (30)
	awk 'BEGIN { for (i = 0; i < 80; i++) printf "{\"e\":%d}\n", (i >= 20) }' > bstep.jsonl
	run mlw-detect --field e --method ddm bstep.jsonl
	[ "$output" = '{"e":1,"change":"warning","method":"ddm","index":35,"statistic":0.5272617769444367}
{"e":1,"change":"drift","method":"ddm","index":43,"statistic":0.620520256713161}' ]
	# kswin tests only a full window
	run mlw-detect --field x --method kswin --window-size 80 step.jsonl
	[ "$output" = "" ]
}

@test "--all passes every record through, change members added when set" {
	numstream 12345 1000 1000 1 > num.jsonl
	run --separate-stderr mlw-detect --field x --method adwin --all num.jsonl
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2000 ]
	[ "${lines[1023]}" = "$(record num.jsonl 1023 '"change":"drift","method":"adwin","index":1023,"statistic":0.1889796551339269')" ]
	[ "$(sed 1024d num.jsonl)" = "$(printf '%s\n' "${lines[@]}" | sed 1024d)" ]
}

@test "--by runs one detector per key; index counts that key's values" {
	numstream 12345 1000 1000 1 |
	    awk '{ sub(/^\{/, "{\"model\":\"a\","); print; print "{\"model\":\"b\",\"x\":0.5}" }' > by.jsonl
	run --separate-stderr mlw-detect --field x --method page-hinkley --by model by.jsonl
	[ "$status" -eq 0 ]
	[ "$output" = "$(sed -n 2093p by.jsonl | sed 's/}$//'),\"change\":\"drift\",\"method\":\"page-hinkley\",\"index\":1046,\"statistic\":50.06614847799241}" ]
	# without --by, the two streams mix into one and the change is another
	run mlw-detect --field x --method page-hinkley by.jsonl
	[[ "$output" != *'"index":1046,'* ]]
	# two fields make the key: 1 and "1" differ, a missing value is a
	# key of its own (null is missing too); each key's second value jumps
	# from 0 to 10: U - minU = 5 > 1 at that key's index 1
	printf '%s\n' '{"m":"a","v":1,"x":0}' '{"m":"a","x":0}' '{"m":"a","v":"1","x":0}' \
	    '{"m":"a","v":1,"x":10}' '{"m":"a","x":10}' '{"m":"a","v":"1","x":10}' \
	    '{"m":"a","v":null,"x":10}' > k.jsonl
	run mlw-detect --field x --method page-hinkley --by m,v --min-instances 1 --threshold 1 --delta 0 --alpha 1 k.jsonl
	[ "$output" = '{"m":"a","v":1,"x":10,"change":"drift","method":"page-hinkley","index":1,"statistic":5}
{"m":"a","x":10,"change":"drift","method":"page-hinkley","index":1,"statistic":5}
{"m":"a","v":"1","x":10,"change":"drift","method":"page-hinkley","index":1,"statistic":5}' ]
}

@test "missing and non-numbers are counted and skipped, bad records rejected" {
	printf '%s\n' '{"x":1}' '{"x":null}' '{"y":2}' '{"x":"3"}' 'not json' '{"x":true}' '{"x":2}' > m.jsonl
	run --separate-stderr mlw-detect --field x --method adwin --all m.jsonl
	[ "$status" -eq 1 ]
	[ "$output" = '{"x":1}
{"x":null}
{"y":2}
{"x":"3"}
{"x":true}
{"x":2}' ]
	# the first skipped is said at once (a misspelled --field was silent
	# until the end of input, which tail -f never reaches)
	[ "${stderr_lines[0]}" = "mlw-detect: m.jsonl:2: x missing; skipped, as records like this will be (and counted)" ]
	[ "${stderr_lines[1]}" = "mlw-detect: m.jsonl:5: invalid JSON at column 1: expected a value, found 'n'" ]
	[ "${stderr_lines[2]}" = "mlw-detect: 4 records skipped: x missing or not a number" ]
	[ "${stderr_lines[3]}" = "mlw-detect: 1 record rejected" ]
	# skipped records take no index: the drift below is the 2nd value fed
	printf '%s\n' '{"x":0}' '{"x":"a"}' '{"x":10}' > s.jsonl
	run --separate-stderr mlw-detect --field x --method cusum --warmup 1 --h 1 s.jsonl
	[ "$status" -eq 0 ]
	[ "$output" = '{"x":10,"change":"drift","method":"cusum","index":1,"statistic":10}' ]
	[ "$stderr" = "mlw-detect: s.jsonl:2: x not a number; skipped, as records like this will be (and counted)
mlw-detect: 1 record skipped: x missing or not a number" ]
}

@test "error methods take 0, 1, true and false; other numbers are rejected" {
	printf '%s\n' '{"e":1}' '{"e":2}' '{"e":true}' '{"e":false}' '{"e":0.5}' > e.jsonl
	run --separate-stderr mlw-detect --field e --method ddm --rejects rej.jsonl e.jsonl
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "${stderr_lines[0]}" = "mlw-detect: e.jsonl:2: e: expected 0 or 1 (an error indicator) for --method ddm, found 2" ]
	[ "${stderr_lines[1]}" = "mlw-detect: e.jsonl:5: e: expected 0 or 1 (an error indicator) for --method ddm, found 0.5" ]
	[ "$(cat rej.jsonl)" = '{"e":2}
{"e":0.5}' ]
	run --separate-stderr mlw-detect --field e --method ddm --strict e.jsonl
	[ "$status" -eq 2 ]
}

@test "members of the same names are replaced, the rest kept byte for byte" {
	printf '%s\n' '{"index":"old", "x" : 0 ,"z":[1, 2]}' '{"change":1,"x":10,"p_value":3}' > r.jsonl
	run mlw-detect --field x --method cusum --warmup 1 --h 1 r.jsonl
	[ "$output" = '{"x":10,"p_value":3,"change":"drift","method":"cusum","index":1,"statistic":10}' ]
	printf '%s\n' '{"mlw":"window_close"}' '{"x":0}' > c.jsonl
	run --separate-stderr mlw-detect --field x --method adwin --all c.jsonl
	# control records pass, and are neither data nor skipped
	[ "$output" = '{"mlw":"window_close"}
{"x":0}' ]
	[ "$stderr" = "" ]
}

@test "a change record comes out while the writer still holds the FIFO open" {
	numstream 12345 1000 1000 1 | head -n 1100 > part.jsonl
	mkfifo in.fifo
	mlw-detect --field x --method adwin in.fifo > out.jsonl &
	det=$!
	exec 7> in.fifo
	cat part.jsonl >&7
	for i in $(seq 100); do
		grep -q '"change"' out.jsonl && break
		sleep 0.1
	done
	# the writer has not closed: mlw-detect is still reading
	kill -0 "$det"
	run cat out.jsonl
	exec 7>&-
	wait "$det"
	[ "$output" = "$(record part.jsonl 1023 '"change":"drift","method":"adwin","index":1023,"statistic":0.1889796551339269')" ]
}

@test "regression: values beyond 1e100 are rejected, so that they cannot leave a detector dead" {
	# 1e308 then -1e308 made Page-Hinkley's and CUSUM's mean NaN (and
	# ADWIN's variance infinite) for good: the step after went unseen
	{ printf '{"x":1e308}\n{"x":-1e308}\n'; for i in $(seq 1 200); do echo '{"x":0}'; done
	  for i in $(seq 1 200); do echo '{"x":100}'; done; } > in.jsonl
	for m in page-hinkley cusum adwin; do
		run --separate-stderr mlw-detect --field x --method $m in.jsonl
		[ "$status" -eq 1 ]
		[ "${stderr_lines[0]}" = "mlw-detect: in.jsonl:1: x: 1e308 is beyond the detectors' range (at most 1e100 in magnitude)" ]
		[ "${stderr_lines[2]}" = "mlw-detect: 2 records rejected" ]
		[ "${#lines[@]}" -ge 1 ]
		[[ "${lines[0]}" == *'"change":"drift"'* ]]
	done
}

@test "regression: --by keys that differ only around a NUL byte are different keys" {
	# the key parts were joined with NUL, so ("x\0y", "z") and ("x", "y\0z")
	# shared one detector
	printf '{"a":"x\\u0000sy","b":"z","v":1}\n{"a":"x","b":"y\\u0000sz","v":5}\n' > in.jsonl
	run --separate-stderr mlw-detect --field v --method cusum --warmup 1 --by a,b in.jsonl
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
}

@test "--by: keys by exact value (lib/key): two identifiers that are one double stay apart; objects are refused" {
	# 2^53 and 2^53 + 1 are one double: keyed as doubles (a bug) the two
	# streams were one, and the change was found at index 210 of both
	for i in $(seq 0 199); do
		if [ "$i" -lt 100 ]; then v=0; else v=10; fi
		echo "{\"k\":9007199254740992,\"x\":$v}"
		echo "{\"k\":9007199254740993,\"x\":0}"
	done > d.jsonl
	run --separate-stderr mlw-detect --field x --method page-hinkley --by k d.jsonl
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = '{"k":9007199254740992,"x":10,"change":"drift","method":"page-hinkley","index":105,"statistic":57.94245370197015}' ]
	printf '%s\n' '{"k":{"a":1},"x":1}' '{"k":"a","x":1}' '{"k":"b","x":1}' > o.jsonl
	run --separate-stderr mlw-detect --field x --method page-hinkley --by k o.jsonl
	[ "$status" -eq 1 ]
	[ "${stderr%%$'\n'*}" = 'mlw-detect: o.jsonl:1: k: expected a string, number or boolean as a key, found {"a":1}' ]
	run --separate-stderr mlw-detect --field x --method page-hinkley --by k --max-keys 1 o.jsonl
	[ "$status" -eq 2 ]
	[ "${stderr##*$'\n'}" = 'mlw-detect: o.jsonl:3: more than 1 keys (the limit of --max-keys): k=b did not fit' ]
}
