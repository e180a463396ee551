#!/usr/bin/env bats
# mlw-window: event-time and count windows, lateness, idle, bad input.

load helpers

@test "tumbling 1h windows: bounds added at the end, close records" {
	printf '%s\n' '{"ts":"2026-11-01T00:10:00Z","v":1}' \
	    '{"ts":"2026-11-01T00:50:00+00:00","v":2}' \
	    '{"ts":"2026-11-01T01:00:00Z","v":3}' > in.jsonl
	run --separate-stderr mlw-window --time ts --size 1h in.jsonl
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = '{"ts":"2026-11-01T00:10:00Z","v":1,"window_start":"2026-11-01T00:00:00Z","window_end":"2026-11-01T01:00:00Z"}
{"ts":"2026-11-01T00:50:00+00:00","v":2,"window_start":"2026-11-01T00:00:00Z","window_end":"2026-11-01T01:00:00Z"}
{"mlw":"window_close","window_start":"2026-11-01T00:00:00Z","window_end":"2026-11-01T01:00:00Z","n":2}
{"ts":"2026-11-01T01:00:00Z","v":3,"window_start":"2026-11-01T01:00:00Z","window_end":"2026-11-01T02:00:00Z"}
{"mlw":"window_close","window_start":"2026-11-01T01:00:00Z","window_end":"2026-11-01T02:00:00Z","n":1}' ]
}

@test "members are kept byte for byte; old window members are replaced" {
	printf '%s\n' '{ "a" : 1.50 ,"window_start":"x","ts":1793491200,"s":"\u00e9" }' > in.jsonl
	run --separate-stderr mlw-window --time ts --size 1d in.jsonl
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = '{"a" : 1.50,"ts":1793491200,"s":"\u00e9","window_start":"2026-11-01T00:00:00Z","window_end":"2026-11-02T00:00:00Z"}' ]
	printf '%s\n' '{ "a" : 1.50 , "ts":1793491200 }' > in2.jsonl
	run --separate-stderr mlw-window --time ts --size 1d in2.jsonl
	[ "${lines[0]}" = '{ "a" : 1.50 , "ts":1793491200,"window_start":"2026-11-01T00:00:00Z","window_end":"2026-11-02T00:00:00Z"}' ]
}

@test "epoch seconds, milliseconds, offsets and nested time fields" {
	printf '%s\n' '{"m":{"t":1793491200.5}}' > s.jsonl
	run --separate-stderr mlw-window --time m.t --size 15m s.jsonl
	[ "${lines[0]}" = '{"m":{"t":1793491200.5},"window_start":"2026-11-01T00:00:00Z","window_end":"2026-11-01T00:15:00Z"}' ]
	printf '%s\n' '{"t":1793491200500}' > ms.jsonl
	run --separate-stderr mlw-window --time t --time-unit ms --size 250ms ms.jsonl
	[ "${lines[0]}" = '{"t":1793491200500,"window_start":"2026-11-01T00:00:00.5Z","window_end":"2026-11-01T00:00:00.75Z"}' ]
	printf '%s\n' '{"t":"2026-11-01T01:30:00+02:00"}' > off.jsonl
	run --separate-stderr mlw-window --time t --size 1h off.jsonl
	[ "${lines[0]}" = '{"t":"2026-11-01T01:30:00+02:00","window_start":"2026-10-31T23:00:00Z","window_end":"2026-11-01T00:00:00Z"}' ]
}

@test "sliding windows: a record once per window that holds it" {
	printf '%s\n' '{"t":7}' '{"t":12}' > in.jsonl
	run --separate-stderr mlw-window --time t --size 10s --slide 5s in.jsonl
	[ "$status" -eq 0 ]
	[ "$output" = '{"t":7,"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:00:10Z"}
{"t":7,"window_start":"1970-01-01T00:00:05Z","window_end":"1970-01-01T00:00:15Z"}
{"mlw":"window_close","window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:00:10Z","n":1}
{"t":12,"window_start":"1970-01-01T00:00:05Z","window_end":"1970-01-01T00:00:15Z"}
{"t":12,"window_start":"1970-01-01T00:00:10Z","window_end":"1970-01-01T00:00:20Z"}
{"mlw":"window_close","window_start":"1970-01-01T00:00:05Z","window_end":"1970-01-01T00:00:15Z","n":2}
{"mlw":"window_close","window_start":"1970-01-01T00:00:10Z","window_end":"1970-01-01T00:00:20Z","n":1}' ]
}

@test "count windows: tumbling and sliding, integer bounds" {
	printf '{"i":%d}\n' 0 1 2 3 4 > in.jsonl
	run --separate-stderr mlw-window --count 2 in.jsonl
	[ "$status" -eq 0 ]
	[ "$output" = '{"i":0,"window_start":0,"window_end":2}
{"i":1,"window_start":0,"window_end":2}
{"mlw":"window_close","window_start":0,"window_end":2,"n":2}
{"i":2,"window_start":2,"window_end":4}
{"i":3,"window_start":2,"window_end":4}
{"mlw":"window_close","window_start":2,"window_end":4,"n":2}
{"i":4,"window_start":4,"window_end":6}
{"mlw":"window_close","window_start":4,"window_end":6,"n":1}' ]
	run --separate-stderr mlw-window --count 3 --slide 2 in.jsonl
	[ "$(printf '%s\n' "$output" | grep -c window_close)" -eq 3 ]
	[ "${lines[3]}" = '{"i":2,"window_start":2,"window_end":5}' ]
	[ "${lines[4]}" = '{"mlw":"window_close","window_start":0,"window_end":3,"n":3}' ]
}

@test "out of order within --lateness is kept; later records are late" {
	printf '%s\n' '{"t":"2026-11-01T00:59:00Z"}' '{"t":"2026-11-01T01:01:00Z"}' \
	    '{"t":"2026-11-01T00:58:00Z"}' '{"t":"2026-11-01T01:06:00Z"}' \
	    '{"t":"2026-11-01T00:57:00Z","late":true}' > in.jsonl
	run --separate-stderr mlw-window --time t --size 1h --lateness 5m --late late.jsonl in.jsonl
	[ "$status" -eq 0 ]
	[ "$stderr" = "mlw-window: in.jsonl:5: late record at 2026-11-01T00:57:00Z: the watermark is already 2026-11-01T01:01:00Z; written to the --late file
mlw-window: 1 late record (for a window already closed)" ]
	[ "$(grep -c '"window_start":"2026-11-01T00:00:00Z"' <<<"$output")" -eq 3 ]
	[ "${lines[3]}" = '{"mlw":"window_close","window_start":"2026-11-01T00:00:00Z","window_end":"2026-11-01T01:00:00Z","n":2}' ]
	[ "$(cat late.jsonl)" = '{"t":"2026-11-01T00:57:00Z","late":true}' ]
}

@test "late records are reported ten times, then counted" {
	{ echo '{"t":100}'; for i in $(seq 1 12); do echo '{"t":1}'; done; } > in.jsonl
	run --separate-stderr mlw-window --time t --size 10s in.jsonl
	[ "$status" -eq 0 ]
	[ "$(grep -c 'late record at' <<<"$stderr")" -eq 10 ]
	[[ "$stderr" == *"mlw-window: 12 late records (for a window already closed)
mlw-window: 2 more late records not shown" ]]
}

@test "--idle closes a quiet live stream's window by the wall clock" {
	mkfifo fifo
	now=$(date -u +%s)
	( printf '{"t":%d}\n' $((now - 120)); sleep 4 ) > fifo &
	timeout 10 mlw-window --time t --size 1m --idle 200ms < fifo > out.jsonl &
	sleep 2
	grep -q '"mlw":"window_close"' out.jsonl
	wait
}

@test "a malformed line is reported with file and line, skipped, kept by --rejects" {
	printf '%s\n' '{"t":1}' '{"t":2,}' '[1]' '{"t":3}' > in.jsonl
	run --separate-stderr mlw-window --time t --size 10s --rejects rej.jsonl in.jsonl
	[ "$status" -eq 1 ]
	[ "$stderr" = "mlw-window: in.jsonl:2: invalid JSON at column 8: expected a member name in double quotes, found '}'
mlw-window: in.jsonl:3: expected an object, found an array
mlw-window: 2 records rejected" ]
	[ "${#lines[@]}" -eq 3 ]
	[ "$(cat rej.jsonl)" = '{"t":2,}
[1]' ]
}

@test "--strict makes the first bad record fatal" {
	printf '%s\n' '{"t":1}' 'nope' '{"t":3}' > in.jsonl
	run --separate-stderr mlw-window --strict --time t --size 10s in.jsonl
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-window: in.jsonl:2: invalid JSON at column 1: expected a value, found 'n'" ]
	[ "${lines[0]}" = '{"t":1,"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:00:10Z"}' ]
}

@test "missing or malformed time fields are rejected" {
	printf '%s\n' '{"x":1}' '{"t":null}' '{"t":"yesterday"}' '{"t":true}' \
	    '{"t":"2026-02-30T00:00:00Z"}' > in.jsonl
	run --separate-stderr mlw-window --time t --size 1h in.jsonl
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = 'mlw-window: in.jsonl:1: t: missing time field
mlw-window: in.jsonl:2: t: missing time field
mlw-window: in.jsonl:3: t: expected an RFC 3339 time like 2026-11-01T00:00:00Z, found "yesterday"
mlw-window: in.jsonl:4: t: expected an RFC 3339 string or a number of seconds, found true
mlw-window: in.jsonl:5: t: date or time field out of range, found "2026-02-30T00:00:00Z"
mlw-window: 5 records rejected' ]
	# the two mistakes of a 3 a.m. pipeline say what is wrong (both were
	# "expected an RFC 3339 time" and a bare "time out of range")
	printf '%s\n' '{"t":"2026-11-01T00:00:00"}' '{"t":1793491200000}' > in.jsonl
	run --separate-stderr mlw-window --time t --size 1h in.jsonl
	[ "$status" -eq 1 ]
	[ "$stderr" = 'mlw-window: in.jsonl:1: t: expected Z or a +HH:MM offset at the end of the time (a time without one is ambiguous), found "2026-11-01T00:00:00"
mlw-window: in.jsonl:2: t: time out of range in seconds (in milliseconds? give --time-unit ms), found 1793491200000
mlw-window: 2 records rejected' ]
	run --separate-stderr mlw-window --time t --size 1h --time-unit ms in.jsonl
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = '{"t":1793491200000,"window_start":"2026-11-01T00:00:00Z","window_end":"2026-11-01T01:00:00Z"}' ]
}

@test "invalid UTF-8, deep nesting and over-long lines are rejected" {
	{
		printf '{"t":1,"s":"\xc3\x28"}\n'
		printf '{"t":1,"a":%s1%s}\n' "$(printf '[%.0s' $(seq 300))" "$(printf ']%.0s' $(seq 300))"
		printf '{"t":1,"s":"%s"}\n' "$(head -c 1048600 /dev/zero | tr '\0' a)"
		printf '{"t":2}\n'
	} > in.jsonl
	run --separate-stderr mlw-window --time t --size 1h --rejects rej.jsonl in.jsonl
	[ "$status" -eq 1 ]
	[ "$stderr" = "mlw-window: in.jsonl:1: invalid JSON at column 13: invalid UTF-8 in string, found byte 0xC3
mlw-window: in.jsonl:2: invalid JSON at column 267: nesting deeper than 256 levels, found '['
mlw-window: in.jsonl:3: line longer than 1048576 bytes (1048614 bytes), skipped
mlw-window: 3 records rejected" ]
	[ "${#lines[@]}" -eq 2 ]
	[ "$(wc -l < rej.jsonl)" -eq 3 ]
	[ "$(sed -n 3p rej.jsonl | wc -c)" -eq 1048615 ]
}

@test "a line at the limit is accepted, one byte over is not" {
	pad=$((1048576 - 14))
	printf '{"t":1,"s":"%s"}\n' "$(head -c $pad /dev/zero | tr '\0' a)" > ok.jsonl
	[ "$(head -1 ok.jsonl | wc -c)" -eq 1048577 ]
	run --separate-stderr mlw-window --time t --size 1h ok.jsonl
	[ "$status" -eq 0 ]
	printf '{"t":1,"s":"%s"}\n' "$(head -c $((pad + 1)) /dev/zero | tr '\0' a)" > over.jsonl
	run --separate-stderr mlw-window --time t --size 1h over.jsonl
	[ "$status" -eq 1 ]
	[ "$stderr" = "mlw-window: over.jsonl:1: line longer than 1048576 bytes (1048577 bytes), skipped
mlw-window: 1 record rejected" ]
}

@test "CRLF, a BOM, blank lines and a missing final newline are accepted" {
	printf '\xef\xbb\xbf{"t":1}\r\n\r\n   \n{"t":2}' > in.jsonl
	run --separate-stderr mlw-window --time t --size 1h in.jsonl
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "${lines[0]}" = '{"t":1,"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T01:00:00Z"}' ]
	[ "${lines[1]}" = '{"t":2,"window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T01:00:00Z"}' ]
}

@test "files are read in order; - is standard input; an unreadable file is exit 2" {
	echo '{"t":1}' > a.jsonl
	echo '{"t":2}' > b.jsonl
	run --separate-stderr sh -c 'echo "{\"t\":3}" | mlw-window --time t --size 1h a.jsonl - nosuch.jsonl b.jsonl'
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-window: nosuch.jsonl: No such file or directory" ]
	[ "$(grep -o '"t":[0-9]' <<<"$output" | tr '\n' ' ')" = '"t":1 "t":3 "t":2 ' ]
	run --separate-stderr mlw-window --time t --size 1h "$T"
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-window: $T: Is a directory" ]
}

@test "writing to a full disk is an error; a closed pipe is quiet" {
	gen -n 2000 > in.jsonl
	run --separate-stderr sh -c 'mlw-window --time ts --size 1h in.jsonl > /dev/full'
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-window: write error: No space left on device" ]
	run --separate-stderr sh -c 'mlw-window --time ts --size 1h in.jsonl | head -1'
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "${#lines[@]}" -eq 1 ]
}

@test "usage errors exit 2 with one usage message; --help and --version exit 0" {
	run --separate-stderr mlw-window --time ts --size 1y
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-window: --size: expected a duration like 30s, 5m, 1h, found '1y'" ]
	run --separate-stderr mlw-window --bogus
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"usage: mlw-window --time FIELD --size DUR"* ]]
	run --separate-stderr mlw-window --count 0
	[ "$status" -eq 2 ]
	run --separate-stderr mlw-window --count 5 --slide 6
	[ "$status" -eq 2 ]
	run --separate-stderr mlw-window --time t --size 1h --slide 1s
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-window: --slide: a record would be in more than 1000 windows" ]
	run --separate-stderr mlw-window
	[ "$status" -eq 2 ]
	run --separate-stderr mlw-window --help
	[ "$status" -eq 0 ]
	[[ "$output" == "usage: mlw-window --time FIELD"* ]]
	run --separate-stderr mlw-window --version
	[ "$status" -eq 0 ]
	[ "$output" = "mlw-window 0.1.0" ]
}

@test "generated log: every record windowed, every window closed once" {
	gen -n 10000 --interval 1s > in.jsonl
	mlw-window --time ts --size 1h in.jsonl > out.jsonl
	[ "$(grep -vc '"mlw"' out.jsonl)" -eq 10000 ]
	[ "$(grep -c '"window_close"' out.jsonl)" -eq 3 ]
	[ "$(grep '"window_close"' out.jsonl | tail -1)" = '{"mlw":"window_close","window_start":"2026-11-01T02:00:00Z","window_end":"2026-11-01T03:00:00Z","n":2800}' ]
}

# Regressions found in review; each pins one fixed bug.

@test "regression: a --slide that would put a record in 1001 windows is refused" {
	run --separate-stderr mlw-window --time t --size 1000.5s --slide 1s
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-window: --slide: a record would be in more than 1000 windows" ]
	run --separate-stderr mlw-window --time t --size 1000s --slide 1s /dev/null
	[ "$status" -eq 0 ]
}

@test "regression: --rejects keeps the CR of a CRLF line" {
	printf '{"t":1}\r\n{"t":\r\n' > in.jsonl
	run --separate-stderr mlw-window --time t --size 1h --rejects rej.jsonl in.jsonl
	[ "$status" -eq 1 ]
	[ "$(od -An -c rej.jsonl | tr -s ' ')" = ' { " t " : \r \n' ]
}

@test "regression: --count refuses --size and --time-unit; --lateness 0 is fine" {
	run --separate-stderr mlw-window --count 3 --size 1h
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-window: --count cannot be used with --time, --size, --idle, --lateness, --late or --time-unit" ]
	run --separate-stderr mlw-window --count 3 --time-unit ms
	[ "$status" -eq 2 ]
	echo '{"t":1}' > in.jsonl
	run --separate-stderr mlw-window --time t --size 1h --lateness 0s in.jsonl
	[ "$status" -eq 0 ]
	run --separate-stderr mlw-window --time t --size 0s in.jsonl
	[ "$status" -eq 2 ]
}

@test "regression: records between hopping windows are reported, not dropped silently" {
	printf '%s\n' '{"t":2}' '{"t":7}' > in.jsonl
	run --separate-stderr mlw-window --time t --size 5s --slide 10s in.jsonl
	[ "$status" -eq 0 ]
	[ "$stderr" = "mlw-window: in.jsonl:2: record at 1970-01-01T00:00:07Z falls between windows (--slide is longer than --size)
mlw-window: 1 record between windows, in none" ]
}

@test "regression: usage errors print one line" {
	run --separate-stderr mlw-window --bogus
	[ "$status" -eq 2 ]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 2 ]
	[ "$(printf '%s\n' "$stderr" | tail -1)" = "usage: mlw-window --time FIELD --size DUR [--slide DUR] [--lateness DUR] ... (see mlw-window --help)" ]
}

@test "regression: a time string with JSON escapes is decoded first" {
	printf '%s\n' '{"t":"2026-11-01T00:30:00\u005a"}' > in.jsonl
	run --separate-stderr mlw-window --time t --size 1h in.jsonl
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *'"window_start":"2026-11-01T00:00:00Z"'* ]]
}

@test "regression: deeply nested invalid lines are rejected, not a heap overflow" {
	{ printf '[%.0s' $(seq 200); echo; printf '{"a":'; printf '[%.0s' $(seq 300); echo; echo '{"t":1}'; } > in.jsonl
	run --separate-stderr mlw-window --time t --size 1h in.jsonl
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 2 ]
	[[ "$stderr" == *"in.jsonl:1: invalid JSON at column 201: expected a value, found end of line"* ]]
}

@test "regression: times outside 1824-2115 are rejected, never wrapped" {
	printf '%s\n' '{"t":9223372039}' '{"t":"1678-01-01T00:00:00Z"}' '{"t":4102444800}' '{"t":"2115-06-01T00:00:00Z"}' > in.jsonl
	run --separate-stderr mlw-window --time t --size 52w --lateness 52w in.jsonl
	[ "$status" -eq 1 ]
	[ "$stderr" = 'mlw-window: in.jsonl:1: t: time out of range, found 9223372039
mlw-window: in.jsonl:2: t: year out of the supported range 1824-2115, found "1678-01-01T00:00:00Z"
mlw-window: in.jsonl:4: t: its window would reach outside the years 1824 to 2115, found "2115-06-01T00:00:00Z"
mlw-window: 3 records rejected' ]
	[ "$(grep -c window_close <<<"$output")" -eq 1 ]
	run --separate-stderr mlw-window --time t --size 4000w in.jsonl
	[ "$status" -eq 2 ]
}

@test "regression: records of a file are written before opening a FIFO operand" {
	echo '{"t":1}' > one.jsonl
	mkfifo fifo
	mlw-window --time t --size 1h one.jsonl fifo > out.jsonl &
	pid=$!
	sleep 1
	[ "$(wc -l < out.jsonl)" -eq 1 ]
	echo '{"t":2}' > fifo
	wait "$pid"
	[ "$(wc -l < out.jsonl)" -eq 3 ]
}

@test "regression: getopt's own messages carry the program's name only" {
	run --separate-stderr "$(command -v mlw-window)" --bogus
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-window: unrecognized option '--bogus'" ]
}

@test "regression: a record whose window would reach past 2115 is rejected here, not by the next program" {
	# mlw-window wrote window_end 2116-01-02, which no program reads back
	printf '%s\n' '{"ts":"2115-12-31T23:59:59Z","y":1,"p":1}' '{"ts":"2115-06-01T00:00:00Z","y":1,"p":1}' > in.jsonl
	run --separate-stderr mlw-window --time ts --size 1w in.jsonl
	[ "$status" -eq 1 ]
	[ "${stderr_lines[0]}" = 'mlw-window: in.jsonl:1: ts: its window would reach outside the years 1824 to 2115, found "2115-12-31T23:59:59Z"' ]
	mlw-window --time ts --size 1w in.jsonl 2>/dev/null | mlw-metrics --task binary --label y --pred p > out.jsonl
	[ "$(grep -c '"window_start":"2115-05-30T00:00:00Z"' out.jsonl)" -eq 1 ]
	run --separate-stderr mlw-window --time ts --size 5d <<<'{"ts":"1824-01-02T00:00:00Z"}'
	[ "$status" -eq 1 ]
	# a bound that cannot be read says why
	run --separate-stderr mlw-metrics --task binary --label y --pred p <<<'{"window_start":"2116-01-01T00:00:00Z","window_end":"2116-01-02T00:00:00Z","y":1,"p":1}'
	[ "${stderr_lines[0]}" = "mlw-metrics: stdin:1: year out of the supported range 1824-2115" ]
}
