#!/usr/bin/env bats
# mlw-track: recording runs (wrapper and filter mode, exit statuses,
# signals, concurrent writers, torn lines, an unwritable store). Querying
# them is tests/mlw-runs.bats.
# Metric values are the text that tests/data/track-train.sh (awk) prints or
# that tests/data/mlruns holds, and come back unchanged. The numbers mlw
# computes from the MLflow fixture (last values, min, max, step, count,
# durations, compare's change) are those printed by
# tests/data/track-witness.py (Python, run by hand; output pinned below).

load helpers

TRAIN=$DATA/track-train.sh

# Replace what changes from run to run: ids, times, durations, host, user,
# directory, process id.
mask() {
	sed -E -e 's/[0-9a-f]{32}/ID/g' \
	    -e 's/"(start_time|end_time|timestamp)":"[^"]*"/"\1":"T"/g' \
	    -e 's/"duration":[0-9.e+-]+/"duration":D/g' \
	    -e 's/"(host|user|cwd)":"[^"]*",//g' -e 's/"pid":[0-9]+,//g'
}

@test "wrapper mode, exit 0: output passed through, metrics and a FINISHED run recorded" {
	run --separate-stderr mlw-track --store s.jsonl --param lr=0.1 --tag team=ml -- "$TRAIN" 0.1
	[ "$status" -eq 0 ]
	[ "$output" = "$("$TRAIN" 0.1 2>/dev/null)" ]
	[ "$stderr" = "done" ]
	run mask < s.jsonl
	[ "$output" = '{"mlw":"run_start","run_id":"ID","experiment":"Default","run_name":"track-train.sh","start_time":"T","command":["'"$TRAIN"'","0.1"],"params":{"lr":"0.1"},"tags":{"team":"ml"}}
{"mlw":"metric","run_id":"ID","key":"loss","value":0.5,"step":0,"timestamp":"T"}
{"mlw":"metric","run_id":"ID","key":"acc","value":0.75,"step":0,"timestamp":"T"}
{"mlw":"metric","run_id":"ID","key":"loss","value":0.3333,"step":1,"timestamp":"T"}
{"mlw":"metric","run_id":"ID","key":"acc","value":0.8333,"step":1,"timestamp":"T"}
{"mlw":"metric","run_id":"ID","key":"loss","value":0.25,"step":2,"timestamp":"T"}
{"mlw":"metric","run_id":"ID","key":"acc","value":0.875,"step":2,"timestamp":"T"}
{"mlw":"run_end","run_id":"ID","status":"FINISHED","end_time":"T","duration":D,"exit_code":0}' ]
	run --separate-stderr mlw-runs --store s.jsonl
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$(mask <<<"$output")" = '{"run_id":"ID","experiment":"Default","run_name":"track-train.sh","status":"FINISHED","start_time":"T","end_time":"T","duration":D,"exit_code":0,"command":["'"$TRAIN"'","0.1"],"params":{"lr":"0.1"},"tags":{"team":"ml"},"metrics":{"loss":0.25,"acc":0.875}}' ]
}

@test "wrapper mode, exit 3: mlw-track exits 3 and the run is FAILED with the code" {
	TRAIN_EXIT=3 run --separate-stderr mlw-track --store s.jsonl --experiment exp1 --run-name r3 -- "$TRAIN"
	[ "$status" -eq 3 ]
	[ "${lines[0]}" = "training with lr=0.1" ]
	[ "$stderr" = "done" ]
	run mlw-runs --store s.jsonl
	[ "$(mask <<<"$output" | sed 's/"command".*//')" = '{"run_id":"ID","experiment":"exp1","run_name":"r3","status":"FAILED","start_time":"T","end_time":"T","duration":D,"exit_code":3,' ]
}

@test "wrapper mode, killed by a signal: the run is KILLED and mlw-track dies by the same signal" {
	TRAIN_SIGNAL=TERM run --separate-stderr mlw-track --store s.jsonl -- "$TRAIN"
	[ "$status" -eq 143 ]
	[ "$stderr" = "done" ]
	run sh -c 'tail -n 1 s.jsonl | sed -E "s/[0-9a-f]{32}/ID/; s/\"end_time\":\"[^\"]*\"/\"end_time\":\"T\"/; s/\"duration\":[0-9.e-]*/\"duration\":D/"'
	[ "$output" = '{"mlw":"run_end","run_id":"ID","status":"KILLED","end_time":"T","duration":D,"signal":15,"signal_name":"SIGTERM"}' ]
	# the 6 metrics of the 3 epochs were logged before the signal
	[ "$(grep -c '"mlw":"metric"' s.jsonl)" -eq 6 ]
}

@test "Ctrl-C (SIGINT to the process group) ends the command; the run is KILLED" {
	cat > slow.sh <<'EOF'
#!/bin/sh
echo '{"loss":1}'
exec sleep 20
EOF
	chmod +x slow.sh
	run --separate-stderr bash -c 'set -m; mlw-track --store s.jsonl -- ./slow.sh > out & p=$!
		while ! grep -q loss out 2>/dev/null; do sleep 0.05; done
		kill -INT -$p; wait $p; echo "status $?"'
	[ "$output" = "status 130" ]
	run sh -c 'tail -n 1 s.jsonl | grep -o "\"status\":\"[A-Z]*\".*"'
	[[ "$output" == '"status":"KILLED",'*'"signal":2,"signal_name":"SIGINT"}' ]]
}

@test "SIGTERM sent to mlw-track alone is passed on to the command" {
	cat > slow.sh <<'EOF'
#!/bin/sh
echo '{"loss":1}'
exec sleep 20
EOF
	chmod +x slow.sh
	run --separate-stderr bash -c 'mlw-track --store s.jsonl -- ./slow.sh > out & p=$!
		while ! grep -q loss out 2>/dev/null; do sleep 0.05; done
		kill -TERM $p; wait $p; echo "status $?"'
	[ "$output" = "status 143" ]
	[ "$(grep -c '"status":"KILLED"' s.jsonl)" -eq 1 ]
}

@test "filter mode: SIGTERM ends the run KILLED, and mlw-track dies by it" {
	run --separate-stderr bash -c '(echo "{\"a\":1}"; sleep 5) 2>/dev/null | mlw-track --store s.jsonl > out & p=$!
		while ! grep -q a out 2>/dev/null; do sleep 0.05; done
		kill -TERM $p; wait $p; echo "status $?"'
	[ "$output" = "status 143" ]
	run sh -c 'tail -n 1 s.jsonl | grep -o "\"status\":\"[A-Z]*\".*"'
	[[ "$output" == '"status":"KILLED",'*'"signal":15,"signal_name":"SIGTERM"}' ]]
	[ "$(grep -c '"mlw":"metric"' s.jsonl)" -eq 1 ]
}

@test "a command that cannot be run: exit 127, the run FAILED" {
	run -127 --separate-stderr mlw-track --store s.jsonl -- ./no-such-command
	[ "$status" -eq 127 ]
	[ "$stderr" = "mlw-track: ./no-such-command: No such file or directory" ]
	grep -q '"status":"FAILED".*"exit_code":127' s.jsonl
}

@test "filter mode: standard input passed through, JSON lines logged, NaN as null with a message" {
	printf '%s\n' 'epoch 1' '{"loss":0.5,"split":"val"}' '[1,2]' '{"loss":NaN}' '{"loss":0.25,"acc":1}' '{"step":"x","loss":1}' '{bad' > in.txt
	MLW_STORE=env.jsonl run --separate-stderr mlw-track --tag-fields split --param-fields acc < in.txt
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat in.txt)" ]
	[ "$stderr" = "mlw-track: stdin:4: loss: value is not a finite number; logged as null
mlw-track: stdin:6: step: expected a whole number; steps counted per metric instead
mlw-track: stdin:7: invalid JSON at column 2: expected a member name in double quotes, found 'b'; line not logged" ]
	run sh -c "mlw-runs --store env.jsonl --all-stats | sed -E 's/.*\"status\"/\"status\"/; s/\"start_time\".*\"pid\":[0-9]+,//'"
	[ "$output" = '"status":"FINISHED","params":{"acc":"1"},"tags":{"split":"val"},"metrics":{"loss":1,"loss.min":0.25,"loss.max":1,"loss.step":3,"loss.count":4}}' ]
}

@test "8 concurrent mlw-track processes, 1000 metrics each: nothing lost, nothing torn" {
	cat > gen.sh <<'EOF'
#!/bin/sh
awk -v w="$1" 'BEGIN { for (i = 0; i < 1000; i++) printf "{\"m\":%d,\"w\":%d}\n", i, w }'
EOF
	chmod +x gen.sh
	for k in 1 2 3 4 5 6 7 8; do
		mlw-track --store c.jsonl --param k=$k -- ./gen.sh $k > /dev/null &
	done
	wait
	[ "$(wc -l < c.jsonl)" -eq 16016 ]
	[ "$(grep -c '^{"mlw":"metric","run_id":"[0-9a-f]\{32\}","key":"[mw]","value":[0-9]*,"step":[0-9]*,"timestamp":"[^"]*"}$' c.jsonl)" -eq 16000 ]
	run --separate-stderr mlw-runs --store c.jsonl --all-stats
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$(grep -c '"status":"FINISHED"' <<<"$output")" -eq 8 ]
	[ "$(grep -c '"m":999,"m.min":0,"m.max":999,"m.step":999,"m.count":1000' <<<"$output")" -eq 8 ]
	for k in 1 2 3 4 5 6 7 8; do
		grep -q "\"params\":{\"k\":\"$k\"}.*\"w\":$k,\"w.min\":$k,\"w.max\":$k,\"w.step\":999,\"w.count\":1000" <<<"$output"
	done
}

@test "a torn last line is reported and ignored; the next writer starts a new line" {
	mlw-track --store s.jsonl --run-name a -- "$TRAIN" > /dev/null 2>&1
	printf '{"mlw":"metric","run_id":"x' >> s.jsonl
	n=$(wc -l < s.jsonl)
	run --separate-stderr mlw-runs --store s.jsonl --format table
	[ "$status" -eq 0 ]
	[ "$stderr" = "mlw-runs: s.jsonl:$((n + 1)): torn last line (no line feed; a writer was interrupted), ignored" ]
	[ "${#lines[@]}" -eq 2 ]
	# the next writer ends it with a line feed: still torn, not rejected
	# (it was rejected, exit 1, which made a kill -9 test fail now and then)
	mlw-track --store s.jsonl --run-name b -- "$TRAIN" > /dev/null 2>&1
	run --separate-stderr mlw-runs --store s.jsonl --format table
	[ "$status" -eq 0 ]
	[ "$stderr" = "mlw-runs: s.jsonl:$((n + 1)): torn line (a writer was interrupted), ignored" ]
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[2]}" == *"  b         FINISHED  "* ]]
}

@test "a store that cannot be written: exit 2 before the command runs" {
	run --separate-stderr mlw-track --store /dev/full -- sh -c 'echo ran'
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	[ "$stderr" = "mlw-track: /dev/full: write error: No space left on device" ]
	run --separate-stderr mlw-track --store /nonexistent/dir/s.jsonl -- true
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-track: /nonexistent/dir/s.jsonl: No such file or directory" ]
}

@test "regression: a store that is not a regular file is refused before the command runs" {
	# a FIFO store was opened without blocking, then mlw-track blocked
	# for ever once its buffer was full, deaf to SIGTERM
	mkfifo ff
	run -2 --separate-stderr timeout -k 2 10 mlw-track --store ff -- sh -c 'echo ran'
	[ "$output" = "" ]
	[ "$stderr" = "mlw-track: ff: not a regular file (a FIFO)" ]
	run -2 --separate-stderr timeout -k 2 10 mlw-track --store ff < /dev/null
	[ "$stderr" = "mlw-track: ff: not a regular file (a FIFO)" ]
	# a character device that is not a terminal is written to
	run -0 --separate-stderr mlw-track --store /dev/null -- sh -c 'echo "{\"a\":1}"'
	[ "$output" = '{"a":1}' ]
}

@test "regression: SIGTERM ends mlw-track while its standard output is full" {
	# a write to a pipe nobody reads was retried after the signal, for ever
	mkfifo p
	run --separate-stderr timeout -k 2 20 bash -c 'exec 3<>p; mlw-track --store s.jsonl -- yes "{\"a\":1}" > p & p=$!
		while ! grep -q "\"a\"" s.jsonl 2>/dev/null; do sleep 0.05; done; sleep 0.3
		kill -TERM $p; wait $p; echo "status $?"'
	[ "$output" = "status 143" ]
	run sh -c 'tail -n 1 s.jsonl | grep -o "\"status\":\"[A-Z]*\".*"'
	[[ "$output" == '"status":"KILLED",'*'"signal":15,"signal_name":"SIGTERM"}' ]]
}

@test "regression: a closed standard output loses no line already read" {
	# the chunk whose write to the closed pipe failed was not logged
	# (one write: a line not yet read when the write fails is not logged,
	# as the command would have died writing it without mlw-track)
	mlw-track --store s.jsonl -- sh -c 'echo "{\"a\":1}"; sleep 0.5; printf "{\"a\":2}\n{\"a\":3}\n"; sleep 0.5; exit 0' | head -1
	[ "$(grep -c '"mlw":"metric"' s.jsonl)" -eq 3 ]
	grep -q '"key":"a","value":3,"step":2,' s.jsonl
	# filter mode goes on logging its input to the end
	(echo '{"a":1}'; sleep 0.5; echo '{"a":2}'; echo '{"a":3}') | mlw-track --store f.jsonl | head -1
	[ "$(grep -c '"mlw":"metric"' f.jsonl)" -eq 3 ]
}

@test "regression: NaN and infinities are never stored as numbers; 1Infinity is not JSON" {
	# the tokens were replaced by 0 and spaces: a NaN step was step 0, a
	# NaN param "0", -NaN the metric -0, and 1Infinity the metric 10
	printf '%s\n' '{"step":NaN,"loss":1}' '{"lr":NaN,"acc":-NaN,"x":1Infinity}' \
	    '{"lr":-Infinity,"acc":-NaN,"x":Infinity, "y": 1e999,"s":"NaN","step":2}' '{"a":NaNx}' > in.txt
	run -0 --separate-stderr mlw-track --store s.jsonl --param-fields lr < in.txt
	[ "$stderr" = "mlw-track: stdin:1: step: expected a whole number; steps counted per metric instead
mlw-track: stdin:2: invalid JSON at column 27: expected ',' or '}' after an object member, found 'I'; line not logged
mlw-track: stdin:3: lr: value is not a finite number; param not logged
mlw-track: stdin:3: acc: value is not a finite number; logged as null
mlw-track: stdin:3: x: value is not a finite number; logged as null
mlw-track: stdin:3: y: value is not a finite number; logged as null
mlw-track: stdin:4: invalid JSON at column 6: expected a value, found 'N'; line not logged" ]
	run sh -c "grep '\"mlw\":\"metric' s.jsonl | sed -E 's/.*\"key\"/\"key\"/; s/,\"timestamp\".*//'"
	[ "$output" = '"key":"loss","value":1,"step":0
"key":"acc","value":null,"step":2
"key":"x","value":null,"step":2
"key":"y","value":null,"step":2' ]
}

@test "usage errors exit 2; --help and --version" {
	run mlw-track --help
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "usage: mlw-track "* ]]
	run --separate-stderr mlw-track --param novalue -- true
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-track: --param: expected KEY=VALUE, found 'novalue'" ]
}

@test "regression: arguments and a directory that are not UTF-8 still make a store that reads back" {
	# the run name, params, tags, experiment and the working directory are
	# bytes from outside JSON; each byte that is not UTF-8 is stored as
	# U+FFFD (before, the record was invalid JSON and mlw-runs rejected it)
	mkdir "d$(printf '\377')"
	(cd d* && echo '{"loss":1}' | mlw-track --store ../s.jsonl --param "lr=$(printf '\376')" \
	    --tag "t=$(printf '\303')" --run-name "n$(printf '\377')" --experiment "e$(printf '\355\240\200')" > /dev/null)
	run --separate-stderr mlw-runs --store s.jsonl
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	r=$'\xef\xbf\xbd'
	[[ "$output" == *"\"experiment\":\"e$r$r$r\",\"run_name\":\"n$r\","* ]]
	[[ "$output" == *"/d$r\","* ]]
	[[ "$output" == *"\"params\":{\"lr\":\"$r\"},\"tags\":{\"t\":\"$r\"},"* ]]
}
