#!/usr/bin/env bats
# mlw-join: delayed labels attached to predictions by key.

load helpers

@test "labels are appended at the end; the record is kept byte for byte" {
	printf '%s\n' '{"id":"a","label":1}' '{"id":"b","label":{"y":[1, 2]}}' > labels.jsonl
	printf '%s\n' '{ "id" : "a" , "s":"\u00e9", "x" : 1.50 }' '{"id":"b"}' > pred.jsonl
	run --separate-stderr mlw-join --key id --labels labels.jsonl pred.jsonl
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = '{ "id" : "a" , "s":"\u00e9", "x" : 1.50,"label":1}
{"id":"b","label":{"y":[1, 2]}}' ]
}

@test "an existing member of the name is replaced, at the end" {
	printf '%s\n' '{"id":"a","label":1}' > labels.jsonl
	printf '%s\n' '{"label":0,"id":"a","v":2}' '{}' > pred.jsonl
	run --separate-stderr mlw-join --key id --labels labels.jsonl pred.jsonl
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = '{"id":"a","v":2,"label":1}' ]
	[ "${lines[1]}" = '{}' ]
	[ "$stderr" = "mlw-join: 1 of 2 predictions had no label
mlw-join: 1 prediction had no key id" ]
}

@test "numeric keys match by value: 7, 7.0, 70e-1; strings are not numbers" {
	printf '%s\n' '{"k":{"id":7},"label":"seven"}' '{"k":{"id":"7"},"label":"string"}' \
	    '{"k":{"id":-0},"label":"zero"}' '{"k":{"id":9007199254740993},"label":"big"}' > labels.jsonl
	printf '%s\n' '{"k":{"id":7.0}}' '{"k":{"id":70e-1}}' '{"k":{"id":"7"}}' \
	    '{"k":{"id":"7.0"}}' '{"k":{"id":0.0e5}}' '{"k":{"id":9007199254740992}}' \
	    '{"k":{"id":9007199254740993}}' > pred.jsonl
	run --separate-stderr mlw-join --key k.id --labels labels.jsonl pred.jsonl
	[ "$status" -eq 0 ]
	[ "$output" = '{"k":{"id":7.0},"label":"seven"}
{"k":{"id":70e-1},"label":"seven"}
{"k":{"id":"7"},"label":"string"}
{"k":{"id":"7.0"}}
{"k":{"id":0.0e5},"label":"zero"}
{"k":{"id":9007199254740992}}
{"k":{"id":9007199254740993},"label":"big"}' ]
	[ "$stderr" = "mlw-join: 2 of 7 predictions had no label" ]
	# when nothing matches because the types differ, that is said (a
	# user saw only "1 of 1 predictions had no label")
	printf '{"id":"1","label":1}\n' > sl.jsonl
	run --separate-stderr mlw-join --key id --labels sl.jsonl <<<'{"id":1}'
	[ "$output" = '{"id":1}' ]
	[ "$stderr" = 'mlw-join: 1 of 1 predictions had no label (their keys are numbers, the labels'"'"' strings: the string "1" never matches the number 1)' ]
}

@test "string keys match by decoded content" {
	printf '%s\n' '{"id":"\u00e9t\u00e9","label":1}' > labels.jsonl
	printf '%s\n' '{"id":"été"}' > pred.jsonl
	run --separate-stderr mlw-join --key id --labels labels.jsonl pred.jsonl
	[ "$status" -eq 0 ]
	[ "$output" = '{"id":"été","label":1}' ]
}

@test "duplicate label keys: the last wins, and they are counted" {
	printf '%s\n' '{"id":"a","label":1}' '{"id":"b","label":1}' '{"id":"a","label":0}' \
	    '{"id":"a","label":"a much longer label"}' '{"id":"b","label":2}' > labels.jsonl
	printf '%s\n' '{"id":"a"}' '{"id":"b"}' > pred.jsonl
	run --separate-stderr mlw-join --key id --labels labels.jsonl pred.jsonl
	[ "$status" -eq 0 ]
	[ "$output" = '{"id":"a","label":"a much longer label"}
{"id":"b","label":2}' ]
	[ "$stderr" = "mlw-join: 3 duplicate label keys; the last of each was used" ]
}

@test "unmatched predictions pass through, are counted and go to --unmatched" {
	printf '%s\n' '{"id":"a","label":1}' > labels.jsonl
	printf '{"id":"a"}\n{"id":"b","x":[1, 2]}\r\n{"x":1}\n{"id":null}\n' > pred.jsonl
	echo '{"old":true}' > un.jsonl
	run --separate-stderr mlw-join --key id --labels labels.jsonl --unmatched un.jsonl pred.jsonl
	[ "$status" -eq 0 ]
	[ "$output" = '{"id":"a","label":1}
{"id":"b","x":[1, 2]}
{"x":1}
{"id":null}' ]
	[ "$stderr" = "mlw-join: 3 of 4 predictions had no label
mlw-join: 2 predictions had no key id" ]
	[ "$(od -An -c un.jsonl | tr -s ' ')" = "$(printf '{"old":true}\n{"id":"b","x":[1, 2]}\r\n{"x":1}\n{"id":null}\n' | od -An -c | tr -s ' ')" ]
}

@test "--as names the member; --label-field picks the label" {
	printf '%s\n' '{"pid":"a","truth":{"y":1},"label":"not this"}' > labels.jsonl
	printf '%s\n' '{"pid":"a","y_true":0,"label":3}' > pred.jsonl
	run --separate-stderr mlw-join --key=pid --labels labels.jsonl --label-field truth.y --as y_true pred.jsonl
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = '{"pid":"a","label":3,"y_true":1}' ]
	run --separate-stderr mlw-join --key pid --labels labels.jsonl --as 'a"b' pred.jsonl
	[ "$output" = '{"pid":"a","y_true":0,"label":3,"a\"b":"not this"}' ]
}

@test "control records pass through untouched" {
	printf '%s\n' '{"id":"a","label":1}' > labels.jsonl
	printf '%s\n' '{"mlw":"window_close", "id":"a","n":1}' '{"id":"a"}' > pred.jsonl
	run --separate-stderr mlw-join --key id --labels labels.jsonl pred.jsonl
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = '{"mlw":"window_close", "id":"a","n":1}
{"id":"a","label":1}' ]
}

@test "bad label records are rejected with file and line, kept by --rejects" {
	printf '%s\n' '{"id":"a","label":1}' '{"label":1}' '{"id":"b"}' '{"id":"c","label":null}' \
	    '{"id":true,"label":1}' '{"id":1e1000000000000000,"label":1}' 'nope' '{"id":"d","label":0}' > labels.jsonl
	printf '%s\n' '{"id":"a"}' '{"id":{"x":1}}' '{"id":"d"}' > pred.jsonl
	run --separate-stderr mlw-join --key id --labels labels.jsonl --rejects rej.jsonl pred.jsonl
	[ "$status" -eq 1 ]
	[ "$stderr" = 'mlw-join: labels.jsonl:2: id: missing key field
mlw-join: labels.jsonl:3: label: missing label field
mlw-join: labels.jsonl:4: label: missing label field
mlw-join: labels.jsonl:5: id: expected a string or a number as key, found true
mlw-join: labels.jsonl:6: id: expected a number with an exponent below 1e15 as key, found 1e1000000000000000
mlw-join: labels.jsonl:7: invalid JSON at column 1: expected a value, found '"'n'"'
mlw-join: pred.jsonl:2: id: expected a string or a number as key, found {"x":1}
mlw-join: 7 records rejected' ]
	[ "$output" = '{"id":"a","label":1}
{"id":"d","label":0}' ]
	[ "$(cat rej.jsonl)" = '{"label":1}
{"id":"b"}
{"id":"c","label":null}
{"id":true,"label":1}
{"id":1e1000000000000000,"label":1}
nope
{"id":{"x":1}}' ]
}

@test "--strict makes the first rejected label fatal" {
	printf '%s\n' '{"id":"a","label":1}' '{"label":1}' > labels.jsonl
	echo '{"id":"a"}' > pred.jsonl
	run --separate-stderr mlw-join --strict --key id --labels labels.jsonl pred.jsonl
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-join: labels.jsonl:2: id: missing key field" ]
	[ "$output" = "" ]
}

@test "a missing or unreadable labels file is fatal before any prediction" {
	echo '{"id":"a"}' > pred.jsonl
	run --separate-stderr mlw-join --key id --labels nosuch.jsonl pred.jsonl
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-join: nosuch.jsonl: No such file or directory" ]
	[ "$output" = "" ]
	run --separate-stderr mlw-join --key id --labels "$T" pred.jsonl
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-join: $T: Is a directory" ]
	[ "$output" = "" ]
}

@test "labels from a FIFO or standard input; predictions from files and stdin" {
	printf '%s\n' '{"id":1,"label":1}' '{"id":2,"label":0}' > labels.jsonl
	printf '%s\n' '{"id":2}' > a.jsonl
	mkfifo fifo
	cat labels.jsonl > fifo &
	run --separate-stderr sh -c 'echo "{\"id\":1.0}" | timeout 10 mlw-join --key id --labels fifo a.jsonl -'
	wait
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = '{"id":2,"label":0}
{"id":1.0,"label":1}' ]
	run --separate-stderr sh -c 'mlw-join --key id --labels - a.jsonl < labels.jsonl'
	[ "$status" -eq 0 ]
	[ "$output" = '{"id":2,"label":0}' ]
	run --separate-stderr sh -c 'mlw-join --key id --labels - < labels.jsonl'
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-join: --labels -: standard input cannot hold both the labels and the predictions" ]
}

@test "delayed labels: 900 of 1000, shuffled, then windows per hour" {
	gen -n 1000 --interval 10s > all.jsonl
	sed 's/,"label":[01]}$/}/' all.jsonl > pred.jsonl
	[ "$(grep -c '"label"' pred.jsonl)" -eq 0 ]
	# every 10th prediction never gets its label; the rest arrive shuffled
	awk -F'"' 'NR % 10 != 0 { split($0, a, "\"label\":"); print (NR * 7919) % 1000, "{\"id\":\"" $8 "\",\"label\":" a[2] }' all.jsonl |
	    sort -n | cut -d' ' -f2- > labels.jsonl
	[ "$(wc -l < labels.jsonl)" -eq 900 ]
	[ "$(sort labels.jsonl)" != "$(cat labels.jsonl)" ]
	run --separate-stderr mlw-join --key id --labels labels.jsonl --unmatched un.jsonl pred.jsonl
	[ "$status" -eq 0 ]
	[ "$stderr" = "mlw-join: 100 of 1000 predictions had no label" ]
	[ "${#lines[@]}" -eq 1000 ]
	# joined records equal the generator's originals, byte for byte
	[ "$(printf '%s\n' "$output" | grep '"label"')" = "$(awk 'NR % 10 != 0' all.jsonl)" ]
	[ "$(cat un.jsonl)" = "$(awk 'NR % 10 == 0' pred.jsonl)" ]
	mlw-join --key id --labels labels.jsonl pred.jsonl 2>/dev/null |
	    mlw-window --time ts --size 1h > win.jsonl
	[ "$(grep '"window_close"' win.jsonl)" = '{"mlw":"window_close","window_start":"2026-11-01T00:00:00Z","window_end":"2026-11-01T01:00:00Z","n":360}
{"mlw":"window_close","window_start":"2026-11-01T01:00:00Z","window_end":"2026-11-01T02:00:00Z","n":360}
{"mlw":"window_close","window_start":"2026-11-01T02:00:00Z","window_end":"2026-11-01T03:00:00Z","n":280}' ]
	[ "$(grep -c '"label":[01],"window_start":"2026-11-01T00' win.jsonl)" -eq 324 ]
	[ "$(grep -c '"label":[01],"window_start":"2026-11-01T01' win.jsonl)" -eq 324 ]
	[ "$(grep -c '"label":[01],"window_start":"2026-11-01T02' win.jsonl)" -eq 252 ]
}

@test "the generator's own label file: 5% never arrive" {
	gen -n 1000 --labels labels.jsonl > pred.jsonl
	run --separate-stderr mlw-join --key id --labels labels.jsonl pred.jsonl
	[ "$status" -eq 0 ]
	[ "$stderr" = "mlw-join: 50 of 1000 predictions had no label" ]
	[ "$(printf '%s\n' "$output" | grep -c '"label":[01]}$')" -eq 950 ]
}

@test "writing to a full disk is an error; a closed pipe is quiet" {
	gen -n 1000 --labels labels.jsonl > pred.jsonl
	run --separate-stderr sh -c 'mlw-join --key id --labels labels.jsonl pred.jsonl > /dev/full'
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-join: write error: No space left on device" ]
	run --separate-stderr sh -c 'mlw-join --key id --labels labels.jsonl pred.jsonl | head -1'
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "${#lines[@]}" -eq 1 ]
	run --separate-stderr sh -c 'mlw-join --key id --labels labels.jsonl --unmatched /dev/full pred.jsonl > /dev/null'
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-join: /dev/full: write error: No space left on device" ]
}

@test "usage errors exit 2 with one usage message; --help and --version exit 0" {
	run --separate-stderr mlw-join --labels l.jsonl
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-join: --key and --labels are required
usage: mlw-join --key PATH --labels FILE [--label-field PATH] [--as NAME] ... (see mlw-join --help)" ]
	run --separate-stderr mlw-join --bogus
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-join: unrecognized option '--bogus'
usage: mlw-join --key PATH --labels FILE [--label-field PATH] [--as NAME] ... (see mlw-join --help)" ]
	run --separate-stderr mlw-join --key 'a..b' --labels l.jsonl
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-join: --key: expected a field path (member names joined by dots, none empty), found 'a..b'" ]
	run --separate-stderr mlw-join --key id --labels l.jsonl --as ''
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-join: --as: expected a member name in UTF-8, found ''" ]
	run --separate-stderr mlw-join --key id --labels l.jsonl --as $'\xff'
	[ "$status" -eq 2 ]
	run --separate-stderr mlw-join --help
	[ "$status" -eq 0 ]
	[[ "$output" == "usage: mlw-join --key PATH --labels FILE"* ]]
	run --separate-stderr mlw-join -h
	[ "$status" -eq 0 ]
	[[ "$output" == "usage: mlw-join --key PATH --labels FILE"* ]]
	run --separate-stderr mlw-join --version
	[ "$status" -eq 0 ]
	[ "$output" = "mlw-join 0.1.0" ]
}

@test "the manual page lints clean" {
	command -v groff >/dev/null || skip "groff is not installed"
	run groff -mandoc -ww -z "$ROOT/man/mlw-join.1"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	if command -v mandoc >/dev/null; then
		run mandoc -Tlint -W warning "$ROOT/man/mlw-join.1"
		[ "$output" = "" ]
	fi
}

@test "keys through lib/key: a key longer than 65536 bytes is a rejected record, never truncated" {
	long=$(head -c 70000 /dev/zero | tr '\0' x)
	printf '{"id":"%s","label":1}\n{"id":"a","label":0}\n' "$long" > labels.jsonl
	printf '{"id":"a"}\n' > preds.jsonl
	run --separate-stderr mlw-join --key id --labels labels.jsonl preds.jsonl
	[ "$status" -eq 1 ]
	[ "$output" = '{"id":"a","label":0}' ]
	[[ "$stderr" == "mlw-join: labels.jsonl:1: id: expected a value of at most 65536 bytes as key, found \"xxxxxxxxx"* ]]
}
