#!/usr/bin/env bats
# mlw-profile: per-window field profiles, reference checks, saved profiles,
# sketches beyond the exact sizes, bad input.
# The fixtures tests/data/profile-{cur,ref}.jsonl and the expected records
# tests/data/profile-expect-{batch,windows,ref}.jsonl were written by
# tests/data/witness-profile.py (NumPy 1.24: np.mean, np.std(ddof=1),
# np.quantile 'linear', min, max; collections.Counter for top values), run
# by hand with /usr/bin/python3; the tests compare with its output and never
# run it.

load helpers

# member NAME of the first record of $output (numbers, null, true/false)
member() {
	printf '%s\n' "$output" | head -n 1 | sed -n "s/.*\"$1\":\([^,}]*\).*/\1/p"
}

@test "batch profile of every field equals the NumPy witness" {
	run --separate-stderr mlw-profile "$DATA/profile-cur.jsonl"
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = "$(cat "$DATA/profile-expect-batch.jsonl")" ]
}

@test "mlw-window | mlw-profile: one record per window and field, as the witness" {
	run --separate-stderr sh -c "mlw-window --time ts --size 1h '$DATA/profile-cur.jsonl' | mlw-profile --fields x,c"
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = "$(cat "$DATA/profile-expect-windows.jsonl")" ]
}

@test "--ref records: missing_share_ref, type_mismatch, out_of_range, new_categories as the witness" {
	run --separate-stderr mlw-profile --ref "$DATA/profile-ref.jsonl" "$DATA/profile-cur.jsonl"
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = "$(cat "$DATA/profile-expect-ref.jsonl")" ]
}

@test "--save writes a profile that gives the same --ref results" {
	run --separate-stderr mlw-profile --save ref.prof "$DATA/profile-ref.jsonl"
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$(head -n 1 ref.prof)" = '{"mlw":"psi_profile","version":1,"records":30,"profile_version":1,"fields_without_values":[]}' ]
	run --separate-stderr mlw-profile --ref ref.prof "$DATA/profile-cur.jsonl"
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$DATA/profile-expect-ref.jsonl")" ]
}

@test "mlw-psi accepts a saved profile and gives what it gives with the records" {
	mlw-profile --save ref.prof "$DATA/profile-ref.jsonl" >/dev/null
	run --separate-stderr mlw-psi --ref ref.prof "$DATA/profile-cur.jsonl"
	[ "$status" -eq 1 ]
	a=$output
	b=$stderr
	run --separate-stderr mlw-psi --ref "$DATA/profile-ref.jsonl" "$DATA/profile-cur.jsonl"
	[ "$status" -eq 1 ]
	[ "$output" = "$a" ]
	[ "$stderr" = "$b" ]
	[ "${lines[0]}" = '{"feature":"x","psi":0.5541546248668873,"n":31,"missing":8,"ref_n":25}' ]
}

@test "a field without values is saved in the header and still checked" {
	printf '%s\n' '{"a":1,"z":null}' '{"a":2}' > r.jsonl
	printf '%s\n' '{"a":3,"z":"q"}' > c.jsonl
	mlw-profile --save r.prof r.jsonl >/dev/null
	run --separate-stderr mlw-profile --ref r.prof --fields z --quantiles 0.5 c.jsonl
	[ "$status" -eq 0 ]
	[ "$output" = '{"feature":"z","count":1,"missing":0,"missing_share":0,"n_number":0,"n_string":1,"n_bool":0,"n_object":0,"n_array":0,"min":null,"max":null,"mean":null,"std":null,"zeros":null,"p50":null,"quantiles_exact":true,"quantile_rank_error":null,"distinct":1,"distinct_exact":true,"top":[{"value":"q","count":1}],"top_exact":true,"missing_share_ref":1,"type_mismatch":1,"out_of_range":0,"out_of_range_share":0,"new_categories":1,"new_categories_share":1,"new_category_values":[{"value":"q","count":1}]}' ]
	# said, since such a field is most often a misspelled name (an audit
	# of --fields agee passed silently, a bug)
	[ "$stderr" = "mlw-profile: r.prof: field z has no values in the reference" ]
	run --separate-stderr mlw-profile --ref r.jsonl --fields a,zz c.jsonl
	[ "$status" -eq 0 ]
	[ "$stderr" = "mlw-profile: r.jsonl: field zz has no values in the reference" ]
}

@test "--top and --quantiles: names, order of ties (booleans, then bytes)" {
	printf '%s\n' '{"v":"b"}' '{"v":"a"}' '{"v":true}' '{"v":false}' '{"v":"b"}' '{"v":"true"}' '{"v":1}' '{"v":3}' > in.jsonl
	run --separate-stderr mlw-profile --top 3 --quantiles 0.5,0.999,0 in.jsonl
	[ "$status" -eq 0 ]
	# np.quantile([1, 3], [0.5, 0.999, 0]) = 2, 2.998, 1
	[ "$output" = '{"feature":"v","count":8,"missing":0,"missing_share":0,"n_number":2,"n_string":4,"n_bool":2,"n_object":0,"n_array":0,"min":1,"max":3,"mean":2,"std":1.4142135623730951,"zeros":0,"p50":2,"p99_9":2.998,"p00":1,"quantiles_exact":true,"quantile_rank_error":0,"distinct":7,"distinct_exact":true,"top":[{"value":"b","count":2},{"value":false,"count":1},{"value":true,"count":1}],"top_exact":true}' ]
}

@test "hostile: one field with every JSON type, and a field always missing" {
	printf '%s\n' '{"f":1,"g":null}' '{"f":"1"}' '{"f":true,"g":null}' '{"f":{"a":1}}' '{"f":[1]}' '{"f":null}' > in.jsonl
	run --separate-stderr mlw-profile --fields f,g --quantiles 0.5 --top 1 in.jsonl
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = '{"feature":"f","count":6,"missing":1,"missing_share":0.16666666666666666,"n_number":1,"n_string":1,"n_bool":1,"n_object":1,"n_array":1,"min":1,"max":1,"mean":1,"std":null,"zeros":0,"p50":1,"quantiles_exact":true,"quantile_rank_error":0,"distinct":3,"distinct_exact":true,"top":[{"value":true,"count":1}],"top_exact":true}' ]
	[ "${lines[1]}" = '{"feature":"g","count":6,"missing":6,"missing_share":1,"n_number":0,"n_string":0,"n_bool":0,"n_object":0,"n_array":0,"min":null,"max":null,"mean":null,"std":null,"zeros":null,"p50":null,"quantiles_exact":true,"quantile_rank_error":null,"distinct":null,"distinct_exact":true,"top":[],"top_exact":true}' ]
}

@test "hostile: 10 million distinct strings in bounded memory; HLL within 3 standard errors" {
	gen10m='BEGIN { for (i = 0; i < 10000000; i++) printf "{\"s\":\"v%d\"}\n", i }'
	if [ -x /usr/bin/time ]; then
		run --separate-stderr sh -c "awk '$gen10m' | /usr/bin/time -f 'rss %M' mlw-profile --fields s --top 2 --quantiles 0.5"
		rss=${stderr##*rss }
		echo "# rss $rss kB" >&3
		# about 11 MB; AddressSanitizer's shadow and quarantine add
		# a fixed few hundred MB
		limit=150000
		grep -q AddressSanitizer "$(command -v mlw-profile)" && limit=1000000
		[ "$rss" -lt "$limit" ]
	else
		run --separate-stderr sh -c "awk '$gen10m' | mlw-profile --fields s --top 2 --quantiles 0.5"
	fi
	[ "$status" -eq 0 ]
	[ "$(member distinct_exact)" = false ]
	[ "$(member top_exact)" = false ]
	d=$(member distinct)
	# 3 standard errors: 3 * 1.04 / sqrt(16384) = 2.4375%
	[ "$d" -ge 9756250 ] && [ "$d" -le 10243750 ]
	# SpaceSaving: a held count over-estimates by at most n/1000 = 10000
	c=$(printf '%s\n' "$output" | sed -n 's/.*"top":\[{"value":"[^"]*","count":\([0-9]*\)}.*/\1/p')
	[ "$c" -ge 1 ] && [ "$c" -le 10001 ]
}

@test "beyond 100,000 numbers: KLL quantiles within the rank error they report" {
	# a permutation of 0 .. 299999, so the rank of a value is the value
	awk 'BEGIN { for (i = 0; i < 300000; i++) printf "{\"x\":%d}\n", (i * 7919) % 300000 }' > big.jsonl
	run --separate-stderr mlw-profile --quantiles 0.05,0.5,0.99 big.jsonl
	[ "$status" -eq 0 ]
	[ "$(member quantiles_exact)" = false ]
	[ "$(member min)" = 0 ] && [ "$(member max)" = 299999 ]
	# the mean and std of 0 .. n-1: (n-1)/2 and sqrt(n (n+1) / 12)
	[ "$(member mean)" = 149999.5 ]
	awk -v s="$(member std)" 'BEGIN { n = 300000; w = sqrt(n * (n + 1) / 12);
	    d = (s - w) / w; if (d < 0) d = -d; exit !(d < 1e-12) }'
	e=$(member quantile_rank_error)
	for q in 05:0.05 50:0.5 99:0.99; do
		v=$(member "p${q%%:*}")
		awk -v v="$v" -v q="${q#*:}" -v e="$e" 'BEGIN {
		    d = v / 300000 - q; if (d < 0) d = -d;
		    exit !(e > 0 && e < 0.015 && d <= e) }'
	done
}

@test "bad records are rejected with file and line; numbers out of range too" {
	printf '%s\n' '{"a":1}' 'nope' '{"a":1e999}' '{"a":2}' > in.jsonl
	run --separate-stderr mlw-profile --quantiles 0.5 --fields a in.jsonl
	[ "$status" -eq 1 ]
	[ "$stderr" = "mlw-profile: in.jsonl:2: invalid JSON at column 1: expected a value, found 'n'
mlw-profile: in.jsonl:3: a: number out of range
mlw-profile: 2 records rejected" ] || { echo "$stderr"; false; }
	[ "$(member count)" = 2 ]
	[ "$(member mean)" = 1.5 ]
}

@test "bad options and references exit 2" {
	run --separate-stderr mlw-profile --top 101 /dev/null
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-profile: --top: expected a whole number from 0 to 100, found '101'" ]
	run --separate-stderr mlw-profile --quantiles 0.5,2 /dev/null
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-profile: --quantiles: expected numbers from 0 to 1, found '2'" ]
	run --separate-stderr mlw-profile --quantiles 0.5,0.50 /dev/null
	[ "$status" -eq 2 ]
	run --separate-stderr mlw-profile --ref nosuch.jsonl /dev/null
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-profile: nosuch.jsonl: No such file or directory" ]
	printf '%s\n' '{"mlw":"psi_profile","version":1,"records":3}' > p.prof
	run --separate-stderr mlw-profile --ref p.prof /dev/null
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-profile: p.prof:1: invalid profile: expected profile_version 1 (a profile saved by mlw-profile --save)" ]
}

@test "--help and --version" {
	run mlw-profile --help
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "usage: mlw-profile [--ref PROFILE_OR_REF] [--fields PATHS] [--top K]" ]
	run mlw-profile --version
	[ "$status" -eq 0 ]
	[ "$output" = "mlw-profile 0.1.0" ]
}

@test "-0 and 0 give the same min, max and quantiles in either order (so that shards merge)" {
	printf '{"x":0}\n{"x":-0}\n{"x":1}\n' > a.jsonl
	printf '{"x":-0}\n{"x":0}\n{"x":1}\n' > b.jsonl
	run --separate-stderr mlw-profile --fields x --quantiles 0,0.5 --top 0 a.jsonl
	[ "$status" -eq 0 ]
	# mean 1/3, std sqrt(1/3): python3 -c "import numpy as np; x = np.array([0, -0.0, 1]); print(repr(x.mean()), repr(x.std(ddof=1)))"
	[ "$output" = '{"feature":"x","count":3,"missing":0,"missing_share":0,"n_number":3,"n_string":0,"n_bool":0,"n_object":0,"n_array":0,"min":-0,"max":1,"mean":0.3333333333333333,"std":0.5773502691896258,"zeros":2,"p00":0,"p50":0,"quantiles_exact":true,"quantile_rank_error":0,"distinct":2,"distinct_exact":true,"top":[],"top_exact":true}' ]
	[ "$output" = "$(mlw-profile --fields x --quantiles 0,0.5 --top 0 b.jsonl)" ]
}

@test "distinct counts numbers too, as pandas' nunique: exact up to the cap, HyperLogLog beyond, merged exactly" {
	# pandas.Series([1, 1.0, -0.0, 0, "1", 2], dtype=object).nunique() = 4
	# (it reported null for numbers)
	printf '%s\n' '{"x":1}' '{"x":1.0}' '{"x":-0}' '{"x":0}' '{"x":"1"}' '{"x":2}' > in.jsonl
	run --separate-stderr mlw-profile in.jsonl
	[[ "$output" == *'"distinct":4,"distinct_exact":true,'* ]]
	# 150000 distinct numbers, 300000 values: past the 100000 kept exactly
	awk 'BEGIN { for (i = 0; i < 300000; i++) printf "{\"x\":%d}\n", i % 150000 }' > big.jsonl
	run --separate-stderr mlw-profile --fields x big.jsonl
	[ "$status" -eq 0 ]
	d=$(echo "$output" | sed 's/.*"distinct":\([0-9]*\),"distinct_exact":false.*/\1/')
	# HyperLogLog with 2^14 registers: standard error 1.04/128 = 0.8%
	[ "$d" -gt $((150000 * 976 / 1000)) ] && [ "$d" -lt $((150000 * 1024 / 1000)) ]
	# two shards merge to the single pass, exact and sketched alike
	head -n 1000 big.jsonl > s.jsonl
	mlw-profile --fields x s.jsonl > one.jsonl
	head -n 400 s.jsonl | mlw-profile --fields x --emit-state > p1
	tail -n +401 s.jsonl | mlw-profile --fields x --emit-state > p2
	mlw-profile --fields x --merge p1 p2 | cmp - one.jsonl
	[[ "$(cat one.jsonl)" == *'"distinct":1000,"distinct_exact":true,'* ]]
	head -n 200000 big.jsonl | mlw-profile --fields x --emit-state > q1
	tail -n +200001 big.jsonl | mlw-profile --fields x --emit-state > q2
	run --separate-stderr mlw-profile --fields x --merge q1 q2
	[[ "$output" == *"\"distinct\":$d,\"distinct_exact\":false,"* ]]
}

# --by: 3 models in one stream, one reference per model (mlw-gen --models)
by_data() {
	gen -n 3000 --models 3 --drift-at 1500 > cur.jsonl
	gen -n 3000 --models 3 --reference --seed 7 > ref.jsonl
	mlw-window --time ts --size 10m cur.jsonl > w.jsonl
}

# by_split OUT REF ARGS...: each model's records of OUT (the --by run)
# equal mlw-profile ARGS over that model's windows alone (against that
# model's part of REF when REF is not -), its "model" field left out (with
# --by it names the segment and is not profiled)
by_split() {
	local out=$1 ref=$2 m
	shift 2
	for m in m1 m2 m3; do
		if [ "$ref" != - ]; then
			grep -F "\"model\":\"$m\"," "$ref" > ref.$m
			set -- "$@" --ref ref.$m
		fi
		grep -F "\"model\":\"$m\"," w.jsonl | mlw-profile "$@" |
		    grep -v '"feature":"model"' > want.$m
		[ "$ref" = - ] || set -- "${@:1:$(($# - 2))}"
		grep -F "\"segment\":\"model=$m\",\"model\":\"$m\"," "$out" |
		    sed "s/\"segment\":\"model=$m\",\"model\":\"$m\",//" > got.$m
		[ -s want.$m ]
		cmp want.$m got.$m
	done
	[ "$(wc -l < "$out")" -eq "$(cat want.m1 want.m2 want.m3 | wc -l)" ]
}

@test "--by model: each segment's records equal mlw-profile over that model's records alone, without and with its reference" {
	by_data
	mlw-profile --by model w.jsonl > by.jsonl
	by_split by.jsonl -
	! grep -q '"feature":"model"' by.jsonl
	head -n 1 by.jsonl | grep -F '"window_end":"2026-11-01T00:10:00Z","segment":"model=m1","model":"m1","feature":"ts"'
	mlw-profile --by model --ref ref.jsonl w.jsonl > byref.jsonl
	by_split byref.jsonl ref.jsonl
	mlw-profile --by model --ref ref.jsonl --fields features.age,features.country --top 2 w.jsonl > f.jsonl
	by_split f.jsonl ref.jsonl --fields features.age,features.country --top 2
}

@test "--by: --save keeps every segment's part; mlw-profile, mlw-psi and mlw-drift read it as the records" {
	by_data
	mlw-profile --by model --save prof.jsonl ref.jsonl > saved-out.jsonl
	head -n 1 prof.jsonl | grep -F '"records":3000,"profile_version":1,"by":["model"],"fields_without_values":[]}'
	[ "$(grep -c '^{"mlw":"psi_segment","segment":"model=m[123]","values":\["m[123]"\],"records":1000,' prof.jsonl)" -eq 3 ]
	# what --save prints: each segment's batch
	[ "$(grep -c '"segment":"model=m2"' saved-out.jsonl)" -eq "$(grep -c '"segment":"model=m1"' saved-out.jsonl)" ]
	mlw-profile --by model --ref ref.jsonl w.jsonl > direct.jsonl
	mlw-profile --by model --ref prof.jsonl w.jsonl > saved.jsonl
	cmp direct.jsonl saved.jsonl
	mlw-psi --by model --ref ref.jsonl w.jsonl > a.jsonl
	mlw-psi --by model --ref prof.jsonl w.jsonl > b.jsonl
	cmp a.jsonl b.jsonl
	mlw-drift --by model --binning quantile --ref prof.jsonl w.jsonl > /dev/null
	# without --by, the saved profile is the whole reference
	mlw-profile --ref ref.jsonl --fields score w.jsonl > c.jsonl
	mlw-profile --ref prof.jsonl --fields score w.jsonl > d.jsonl
	cmp c.jsonl d.jsonl
	run mlw-profile --by features.country --ref prof.jsonl w.jsonl
	[ "$status" -eq 2 ]
	[[ "$output" == *"the profile's segments are not those of this --by"* ]]
	# no record holds a --by value: a profile without segments
	gen -n 50 --reference > plain.jsonl
	mlw-profile --by model --save plain.prof plain.jsonl > /dev/null
	! grep -q psi_segment plain.prof
	! head -n 1 plain.prof | grep -q '"by"'
}

@test "--by: a segment the reference lacks is rejected once said, or checked against the whole reference with --ref-fallback all" {
	by_data
	grep -v -F '"model":"m3",' ref.jsonl > ref2.jsonl
	run --separate-stderr mlw-profile --ref ref2.jsonl --by model --fields score --rejects rej.jsonl cur.jsonl
	[ "$status" -eq 1 ]
	[ "$(grep -c 'has no part in the reference' <<< "$stderr")" -eq 1 ]
	[[ "$stderr" == *"cur.jsonl:3: segment model=m3 has no part in the reference; its records are rejected (see --ref-fallback)"* ]]
	[ "$(wc -l < rej.jsonl)" -eq 1000 ]
	[ "${#lines[@]}" -eq 2 ]
	run --separate-stderr mlw-profile --ref ref2.jsonl --by model --fields score --ref-fallback all cur.jsonl
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	grep -F '"model":"m3",' cur.jsonl | mlw-profile --ref ref2.jsonl --fields score > want.jsonl
	[ "$(sed 's/"segment":"model=m3","model":"m3",//' <<< "${lines[2]}")" = "$(cat want.jsonl)" ]
}

@test "--by: a 4-shard --emit-state/--merge is byte for byte the single pass, with segments and references" {
	by_data
	f=features.age,features.country,score
	mlw-profile --by model --ref ref.jsonl --fields $f w.jsonl > one.jsonl
	split -n l/4 w.jsonl part.
	for p in part.*; do
		mlw-profile --by model --ref ref.jsonl --fields $f --emit-state "$p" > "$p.st"
	done
	# the state's own "values" are its kept numbers: the segment's are
	# "segment_values"
	head -n 1 part.aa.st | grep -F '"segment":"model=m1","segment_values":["m1"],"feature":"features.age"'
	cat part.*.st | mlw-profile --by model --ref ref.jsonl --fields $f --merge > merged.jsonl
	cmp one.jsonl merged.jsonl
	mlw-profile --ref ref.jsonl --fields $f --emit-state w.jsonl > plain.st
	run --separate-stderr mlw-profile --by model --ref ref.jsonl --fields $f --merge plain.st
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"plain.st:1: state made with another reference or other options"* ]]
	[ "${#lines[@]}" -eq 0 ]
}

@test "--by: segments whose values hold commas, equals signs, quotes, non-ASCII, numbers or nothing stay apart" {
	printf '%s\n' '{"m":"a,b=c","x":1}' '{"m":"a","b":"c","x":2}' \
	    '{"m":"q\"","x":3}' '{"m":"é","x":4}' '{"x":5}' '{"m":null,"x":6}' \
	    '{"m":7,"x":7}' '{"m":"7","x":8}' > d.jsonl
	run --separate-stderr mlw-profile --by m --fields x --quantiles 0.5 --top 0 d.jsonl
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 7 ]
	[[ "${lines[0]}" == '{"segment":"m=\"a,b=c\"","m":"a,b=c","feature":"x","count":1,'*'"mean":1,'* ]]
	[[ "${lines[3]}" == '{"segment":"m=é","m":"é","feature":"x","count":1,'*'"mean":4,'* ]]
	[[ "${lines[4]}" == '{"segment":"m=","m":null,"feature":"x","count":2,'*'"mean":5.5,'* ]]
	[[ "${lines[5]}" == '{"segment":"m=7","m":7,"feature":"x",'*'"mean":7,'* ]]
	[[ "${lines[6]}" == '{"segment":"m=7","m":"7","feature":"x",'*'"mean":8,'* ]]
	# without --fields, the --by path is not a field
	run --separate-stderr mlw-profile --by m d.jsonl
	[ "$status" -eq 0 ]
	[ "$(grep -c '"feature":"m"' <<< "$output")" -eq 0 ]
	[[ "${lines[1]}" == '{"segment":"m=a","m":"a","feature":"b",'* ]]
}

@test "--by: usage errors and --max-keys" {
	printf '%s\n' '{"m":"a","x":1}' '{"m":"b","x":2}' > d.jsonl
	run mlw-profile --by p50 d.jsonl
	[ "$status" -eq 2 ]
	[[ "$output" == *"--by: p50 is the name of a member of the output"* ]]
	run mlw-profile --by p30 --quantiles 0.3 d.jsonl
	[ "$status" -eq 2 ]
	[[ "$output" == *"--by: p30 is the name of a member of the output"* ]]
	run mlw-profile --by top d.jsonl
	[ "$status" -eq 2 ]
	run mlw-profile --ref d.jsonl --ref-fallback all d.jsonl
	[ "$status" -eq 2 ]
	[[ "$output" == *"--ref-fallback applies to --by only"* ]]
	run mlw-profile --by m --ref-fallback all d.jsonl
	[ "$status" -eq 2 ]
	[[ "$output" == *"--ref-fallback needs --ref"* ]]
	run mlw-profile --by m --max-keys 1 d.jsonl
	[ "$status" -eq 2 ]
	[[ "$output" == *"d.jsonl:2: more than 1 segments (the limit of --max-keys): m=b did not fit"* ]]
}

# ---------------- data tests: --match, --allowed, --unique ----------------

# tests_data: strings made of pieces (dots, digits, capitals, spaces,
# UTF-8, no quote or backslash, so sed below extracts them exactly), and
# among them numbers, booleans, nulls and absent values; g in a, b, c
tests_data() {
	awk 'BEGIN {
		n = split("ab,AB,x.y,12,\303\251,-,_, ,zz9", p, ",")
		for (i = 0; i < 3000; i++) {
			g = substr("abc", i % 3 + 1, 1)
			if (i % 29 == 0) { printf "{\"g\":\"%s\"}\n", g; continue }
			if (i % 23 == 0) v = "null"
			else if (i % 19 == 0) v = "true"
			else if (i % 17 == 0) v = i % 5
			else v = "\"" p[i % n + 1] p[int(i / 7) % n + 1] \
			    (i % 4 ? p[int(i / 13) % n + 1] : "") "\""
			printf "{\"g\":\"%s\",\"s\":%s,\"id\":\"k%d\"}\n", g, v,
			    int(i * i / 3) % 1700
		}
	}' > d.jsonl
}

# strs FILE: the string values of s in FILE, one a line
strs() {
	sed -n 's/.*"s":"\([^"]*\)".*/\1/p' "$1"
}

# got FILE MEMBER: MEMBER of the record of feature s in FILE
got() {
	grep -F '"feature":"s"' "$1" | sed -n "s/.*\"$2\":\([^,}]*\).*/\1/p"
}

@test "--match: match_count is grep -E -c over the same string values, whole and per segment; the rest is mismatch_count" {
	tests_data
	# values that are not missing: what grep counts lines of, plus the
	# numbers and booleans (never a match)
	v=$(grep -c -E '"s":[^n]' d.jsonl)
	[ "$(strs d.jsonl | wc -l)" -lt "$v" ]
	for re in '^ab' '[0-9]+$' 'x\.y' '^(AB|zz9)' $'\303\251' '^.{0,3}$' \
	    '[[:upper:]]' 'a|b' '^ ' '(ab){2}' '^[^a-z]*$' '-_'; do
		want=$(strs d.jsonl | grep -E -c -- "$re") || true
		run --separate-stderr mlw-profile --fields s --quantiles 0.5 --top 0 --match "s=$re" d.jsonl
		[ "$status" -eq 0 ]
		[ "$stderr" = "" ]
		printf '%s\n' "$output" > out.jsonl
		[ "$(got out.jsonl match_count)" = "$want" ] || { echo "$re: $want, got $output"; false; }
		[ "$(got out.jsonl mismatch_count)" = $((v - want)) ]
		mlw-profile --by g --fields s --quantiles 0.5 --top 0 --match "s=$re" d.jsonl > by.jsonl
		for g in a b c; do
			grep -F "\"g\":\"$g\"" d.jsonl > d.$g
			want=$(strs d.$g | grep -E -c -- "$re") || true
			grep -F "\"segment\":\"g=$g\"" by.jsonl > by.$g
			[ "$(got by.$g match_count)" = "$want" ]
		done
	done
	# the expression as given, and the share
	run mlw-profile --fields s --match 's=x\.y$' d.jsonl
	[[ "$output" == *'"match":"x\\.y$","match_count":'* ]]
	run mlw-profile --fields s --match 's=^ab' d.jsonl
	want=$(strs d.jsonl | grep -E -c '^ab')
	[ "$(member match_share)" = "$(awk -v a="$want" -v b="$v" 'BEGIN { printf "%.17g", a / b }' | sed 's/0*$//')" ] ||
	    [ "$(member match_share)" = "$(awk -v a="$want" -v b="$v" 'BEGIN { printf "%.16g", a / b }')" ]
}

@test "--match, --allowed, --unique on the man page's record: strings only match, numbers compare by value, objects are not keys" {
	printf '%s\n' '{"id":"a1"}' '{"id":"a2"}' '{"id":"a1"}' '{"id":7}' '{"id":null}' > m.jsonl
	run --separate-stderr mlw-profile --fields id --quantiles 0.5 --match 'id=^a[0-9]$' --allowed id=a1,a2 --unique id m.jsonl
	[ "$status" -eq 0 ]
	[ "$output" = '{"feature":"id","count":5,"missing":1,"missing_share":0.2,"n_number":1,"n_string":3,"n_bool":0,"n_object":0,"n_array":0,"min":7,"max":7,"mean":7,"std":null,"zeros":0,"p50":7,"quantiles_exact":true,"quantile_rank_error":0,"distinct":3,"distinct_exact":true,"top":[{"value":"a1","count":2},{"value":"a2","count":1}],"top_exact":true,"match":"^a[0-9]$","match_count":3,"match_share":0.75,"mismatch_count":1,"not_allowed":1,"not_allowed_share":0.25,"not_allowed_values":[{"value":7,"count":1}],"duplicates":1,"duplicates_exact":true,"duplicates_error":0,"unique_share":0.75}' ]
	printf '%s\n' '{"v":1}' '{"v":1.0}' '{"v":"1"}' '{"v":-0}' '{"v":0}' '{"v":true}' \
	    '{"v":false}' '{"v":"a,b"}' '{"v":"a"}' '{"v":{"x":1}}' '{"v":[1]}' '{"v":""}' '{"v":2}' '{"v":2}' > a.jsonl
	run --separate-stderr mlw-profile --fields v --quantiles 0.5 --top 10 --allowed 'v=1,0,true,a\,b' --unique v a.jsonl
	[ "$status" -eq 0 ]
	[[ "$output" == *'"not_allowed":7,"not_allowed_share":0.5,"not_allowed_values":[{"value":2,"count":2},{"value":false,"count":1},{"value":"","count":1},{"value":"a","count":1}],"duplicates":3,"duplicates_exact":true,"duplicates_error":0,"unique_share":0.75}' ]] || { echo "$output"; false; }
	# an empty entry is the empty string
	run mlw-profile --fields v --allowed 'v=1,0,true,a\,b,,2,a,false' a.jsonl
	[[ "$output" == *'"not_allowed":2,"not_allowed_share":0.14285714285714285,"not_allowed_values":[]}' ]]
	# no values: the shares of success are null, that of failures 0
	run mlw-profile --fields w --match 'w=x' --allowed w=x --unique w a.jsonl
	[[ "$output" == *'"match_count":0,"match_share":null,"mismatch_count":0,"not_allowed":0,"not_allowed_share":0,"not_allowed_values":[],"duplicates":0,"duplicates_exact":true,"duplicates_error":0,"unique_share":null}' ]]
	# without --fields a tested field is reported even when no record has it
	run mlw-profile --unique nosuch a.jsonl
	[ "${#lines[@]}" -eq 3 ]                # nosuch, v and v.x
	# (first, as a reference's fields are: it is known before any record)
	[[ "${lines[0]}" == '{"feature":"nosuch","count":14,"missing":14,'*'"duplicates":0,'* ]]
}

@test "--allowed and --unique: not_allowed, the top offending values and duplicates equal awk and sort | uniq" {
	tests_data
	al='ab12,AB-,x.y ,3,true'
	run --separate-stderr mlw-profile --fields s,id --quantiles 0.5 --top 4 --allowed "s=$al" --unique s --unique id d.jsonl
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" > out.jsonl
	# the values, numbers and booleans as their text (none quoted)
	sed -n 's/.*"s":"\{0,1\}\([^",}]*\)"\{0,1\}[,}].*/\1/p' d.jsonl | grep -vx null > vals
	bad=$(awk -v al="$al" 'BEGIN { n = split(al, a, ","); for (i = 1; i <= n; i++) ok[a[i]] = 1 } !($0 in ok)' vals | wc -l)
	[ "$(got out.jsonl not_allowed)" = "$bad" ]
	top=$(awk -v al="$al" 'BEGIN { n = split(al, a, ","); for (i = 1; i <= n; i++) ok[a[i]] = 1 } !($0 in ok)' vals |
	    sort | uniq -c | sort -k1,1nr -s | head -n 4 |
	    awk '{ c = $1; sub(/^ *[0-9]+ /, ""); q = ($0 ~ /^[0-9]+$/ || $0 == "true") ? $0 : "\"" $0 "\""; printf "%s{\"value\":%s,\"count\":%d}", (NR > 1 ? "," : ""), q, c }')
	grep -F "\"not_allowed_values\":[$top]" out.jsonl
	# duplicates: the values less the distinct ones
	n=$(wc -l < vals)
	u=$(sort -u vals | wc -l)
	[ "$(got out.jsonl duplicates)" = $((n - u)) ]
	n=$(grep -c '"id"' d.jsonl)
	u=$(sed -n 's/.*"id":"\([^"]*\)".*/\1/p' d.jsonl | sort -u | wc -l)
	[ "$(grep -F '"feature":"id"' out.jsonl | sed -n 's/.*"duplicates":\([0-9]*\),"duplicates_exact":true,.*/\1/p')" = $((n - u)) ]
}

@test "--unique beyond 100000 distinct keys: HyperLogLog within 3 of its standard errors, exact up to the cap, and merged byte for byte" {
	awk 'BEGIN { for (i = 0; i < 200000; i++) printf "{\"k\":\"u%d\"}\n", i % 150000 }' > big.jsonl
	run --separate-stderr mlw-profile --fields k --quantiles 0.5 --top 0 --unique k big.jsonl
	[ "$status" -eq 0 ]
	[[ "$output" == *'"duplicates_exact":false,'* ]]
	d=$(member duplicates)
	e=$(member duplicates_error)
	awk -v d="$d" -v e="$e" 'BEGIN { exit !(e > 0 && (d - 50000) ^ 2 <= 9 * e * e) }'
	# its standard error is 1.04 / sqrt(16384) of the distinct estimate
	awk -v d="$d" -v e="$e" 'BEGIN { x = e / (1.04 / 128 * (200000 - d)); exit !(x > 0.999999 && x < 1.000001) }'
	printf '%s\n' "$output" > one.jsonl
	head -n 60000 big.jsonl | mlw-profile --fields k --quantiles 0.5 --top 0 --unique k --emit-state > s1
	tail -n +60001 big.jsonl | mlw-profile --fields k --quantiles 0.5 --top 0 --unique k --emit-state > s2
	grep -q '"ukeys":\["u0"' s1
	grep -q '"uhll":"' s2
	mlw-profile --fields k --quantiles 0.5 --top 0 --unique k --merge s1 s2 | cmp - one.jsonl
	# exactly 100000 distinct keys are still exact, in one pass and merged
	awk 'BEGIN { for (i = 0; i < 130000; i++) printf "{\"k\":\"u%d\"}\n", i % 100000 }' > cap.jsonl
	run mlw-profile --fields k --quantiles 0.5 --top 0 --unique k cap.jsonl
	[[ "$output" == *'"duplicates":30000,"duplicates_exact":true,"duplicates_error":0,"unique_share":0.7692307692307693}' ]]
	printf '%s\n' "$output" > cap1.jsonl
	head -n 60000 cap.jsonl | mlw-profile --fields k --quantiles 0.5 --top 0 --unique k --emit-state > c1
	tail -n +60001 cap.jsonl | mlw-profile --fields k --quantiles 0.5 --top 0 --unique k --emit-state > c2
	mlw-profile --fields k --quantiles 0.5 --top 0 --unique k --merge c2 c1 | cmp - cap1.jsonl
}

@test "data tests: a 4-shard --emit-state/--merge is byte for byte the single pass, with windows, --by, a reference, and more offending values than are kept" {
	by_data
	f=id,features.country,features.tenure,score
	o=(--match 'features.country=^(US|DE)$' --match 'id=7$' --allowed features.country=US,DE,FR
	    --allowed 'features.tenure=1,2,3,55' --allowed id=p0000001 --unique id --unique features.tenure)
	mlw-profile --by model --ref ref.jsonl --fields $f "${o[@]}" w.jsonl > one.jsonl
	grep -q '"match_count":' one.jsonl
	split -n l/4 w.jsonl part.
	for p in part.*; do
		mlw-profile --by model --ref ref.jsonl --fields $f "${o[@]}" --emit-state "$p" > "$p.st"
	done
	cat part.*.st | mlw-profile --by model --ref ref.jsonl --fields $f "${o[@]}" --merge > merged.jsonl
	cmp one.jsonl merged.jsonl
	# a batch of 12000 offending ids, more than the 1000 kept
	gen -n 12000 --models 3 > batch.jsonl
	mlw-profile --fields $f "${o[@]}" batch.jsonl > one.jsonl
	rm part.*
	split -n l/4 batch.jsonl part.
	for p in part.*; do
		mlw-profile --fields $f "${o[@]}" --emit-state "$p" > "$p.st"
	done
	grep -q '"navcut":' part.aa.st
	cat part.*.st | mlw-profile --fields $f "${o[@]}" --merge > merged.jsonl
	cmp one.jsonl merged.jsonl
	# the states of other tests, or of none, are refused
	run --separate-stderr mlw-profile --fields $f --merge part.aa.st
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"part.aa.st:1: state made with another reference or other options"* ]]
}

@test "data tests: records without the options are unchanged; --save keeps the members and the profile still loads" {
	tests_data
	mlw-profile --fields s,id d.jsonl > plain.jsonl
	mlw-profile --fields s,id --match 's=^a' --allowed s=ab --unique id d.jsonl > tested.jsonl
	# the members come last, on the tested fields only
	sed 's/,"match":.*}$/}/; s/,"not_allowed":.*}$/}/; s/,"duplicates":.*}$/}/' tested.jsonl | cmp - plain.jsonl
	run --separate-stderr mlw-profile --fields s,id --match 's=^a' --unique id --save p.prof d.jsonl
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat tested.jsonl | sed 's/,"not_allowed":[^]]*\]//')" ]
	grep -q '"feature":"s".*"match_count":' p.prof
	printf '%s\n' '{"s":"zz","id":"k1"}' > c.jsonl
	run --separate-stderr mlw-profile --ref p.prof --fields s,id c.jsonl
	[ "$status" -eq 0 ]
	a=$output
	run --separate-stderr mlw-profile --ref d.jsonl --fields s,id c.jsonl
	[ "$output" = "$a" ]
}

@test "data tests: usage errors name the option (a bad ERE with regerror's message, PATH=, an empty set, a path twice or not in --fields)" {
	run --separate-stderr mlw-profile --match 'id=a(' /dev/null
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-profile: --match: id: bad extended regular expression 'a(': Unmatched ( or \\(" ]
	run --separate-stderr mlw-profile --match 'id=[z-a]' /dev/null
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-profile: --match: id: bad extended regular expression '[z-a]': Invalid range end" ]
	run --separate-stderr mlw-profile --match id= /dev/null
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-profile: --match: expected PATH=ERE, found 'id='" ]
	run --separate-stderr mlw-profile --match '=x' /dev/null
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-profile: --match: expected PATH=ERE, found '=x'" ]
	run --separate-stderr mlw-profile --allowed c= /dev/null
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-profile: --allowed: c: the set is empty (expected PATH=VALUE,VALUE...)" ]
	run --separate-stderr mlw-profile --allowed c /dev/null
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-profile: --allowed: expected PATH=VALUE,VALUE..., found 'c'" ]
	run --separate-stderr mlw-profile --allowed 'a..b=x' /dev/null
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-profile: --allowed: expected a field path (member names joined by dots, none empty), found 'a..b'" ]
	run --separate-stderr mlw-profile --unique id --unique id /dev/null
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-profile: --unique: id is given twice" ]
	run --separate-stderr mlw-profile --match id=a --match id=b /dev/null
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-profile: --match: id is given twice" ]
	run --separate-stderr mlw-profile --fields x --unique id /dev/null
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-profile: --unique: id is not one of --fields" ]
	[ "$(printf '%s\n' "$stderr" | sed -n 2p)" = "usage: mlw-profile [--ref PROFILE_OR_REF] [--fields PATHS] [--top K] ... (see mlw-profile --help)" ]
}

# expected: numpy.histogram(x, bins=10) (NumPy 1.24) of [1, 2, 2.5, 10,
# 3.7], of 0.1 * (1..30) with 5 three times, and of [4, 4]
@test "--detail: the histogram of each number field as numpy.histogram(bins=10)" {
	printf '%s\n' '{"x":1}' '{"x":2}' '{"x":2.5}' '{"x":10}' '{"x":"a"}' '{"x":3.7}' > h.jsonl
	run --separate-stderr mlw-profile --detail h.jsonl
	[ "$status" -eq 0 ]
	[ "${output#*\"top_exact\":true,}" = '"histogram":{"edges":[1,1.9,2.8,3.7,4.6,5.5,6.4,7.3,8.2,9.1,10],"counts":[1,2,0,1,0,0,0,0,0,1]},"histogram_exact":true}' ]
	awk 'BEGIN { for (i = 1; i <= 30; i++) printf "{\"x\":%.17g}\n", 0.1 * i; for (i = 0; i < 3; i++) print "{\"x\":5}" }' > h2.jsonl
	run --separate-stderr mlw-profile --detail h2.jsonl
	[[ "$output" == *'"counts":[5,5,5,5,5,5,0,0,0,3]},"histogram_exact":true}' ]]
	printf '{"x":4}\n{"x":4}\n{"x":"s"}\n' > h3.jsonl
	run --separate-stderr mlw-profile --detail h3.jsonl
	[[ "$output" == *'"histogram":{"edges":[3.5,3.6,3.7,3.8,3.9,4,4.1,4.2,4.3,4.4,4.5],"counts":[0,0,0,0,0,2,0,0,0,0]}'* ]]
	# a field with no number has none
	printf '{"x":"a"}\n' | mlw-profile --detail | grep -vq histogram
}
