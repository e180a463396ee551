#!/usr/bin/env bats
# mlw-alert: fire once, resolve once, for/clear/keep_firing_for, by keys,
# state across runs, --repeat, --exec, Alertmanager.

load helpers

# alertmanager_start N: a real Alertmanager on loopback (port from the
# test's pid, plus N), or skip; teardown stops it whatever the test did
alertmanager_start() {
	am=$(command -v prometheus-alertmanager || command -v alertmanager || true)
	[ -n "$am" ] || skip "prometheus-alertmanager is not installed (apt-get install prometheus-alertmanager)"
	command -v curl >/dev/null || skip "curl is not installed"
	port=$((20000 + ($$ + $1) % 20000))
	printf 'route:\n  receiver: "null"\nreceivers:\n  - name: "null"\n' > am.yml
	"$am" --config.file=am.yml --storage.path=data --web.listen-address=127.0.0.1:$port \
	    --cluster.listen-address= > am.log 2>&1 &
	ampid=$!
	for i in $(seq 1 100); do
		curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1 && break
		sleep 0.1
	done
}

teardown() {
	if [ -n "${ampid:-}" ]; then
		kill "$ampid" 2>/dev/null
		wait "$ampid" 2>/dev/null || true
	fi
}

# series FEATURE V1 V2 ...: one PSI record per hour from 2026-11-01T00:00Z
series() {
	f=$1; shift
	h=0
	for v in "$@"; do
		printf '{"window_start":"2026-11-01T%02d:00:00Z","window_end":"2026-11-01T%02d:00:00Z","feature":"%s","psi":%s}\n' \
		    "$h" "$((h + 1))" "$f" "$v"
		h=$((h + 1))
	done
}

@test "a threshold fires once and resolves once" {
	series a 0.1 0.3 0.35 0.4 0.05 0.02 > in.jsonl
	run --separate-stderr mlw-alert --name drift --when 'psi > 0.2' --by feature in.jsonl
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = '{"alert":"drift","status":"firing","severity":"warning","labels":{"feature":"a"},"value":0.3,"starts_at":"2026-11-01T02:00:00Z","window_start":"2026-11-01T01:00:00Z","window_end":"2026-11-01T02:00:00Z"}
{"alert":"drift","status":"resolved","severity":"warning","labels":{"feature":"a"},"value":0.05,"starts_at":"2026-11-01T02:00:00Z","ends_at":"2026-11-01T05:00:00Z","window_start":"2026-11-01T04:00:00Z","window_end":"2026-11-01T05:00:00Z"}' ]
}

@test "--for N waits for N consecutive evaluations; a miss resets it" {
	series a 0.3 0.1 0.3 0.3 0.3 > in.jsonl
	run --separate-stderr mlw-alert --name d --when 'psi > 0.2' --for 3 in.jsonl
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" == *'"status":"firing"'*'"starts_at":"2026-11-01T05:00:00Z"'* ]]
}

@test "--for DUR waits for that much event time" {
	series a 0.3 0.3 0.3 0.3 > in.jsonl
	run --separate-stderr mlw-alert --name d --when 'psi > 0.2' --for 2h in.jsonl
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" == *'"starts_at":"2026-11-01T03:00:00Z"'* ]]
}

@test "hysteresis: --clear stops a value at the threshold from flapping" {
	series a 0.19 0.21 0.19 0.21 0.19 0.21 0.05 > in.jsonl
	run --separate-stderr mlw-alert --name d --when 'psi > 0.2' in.jsonl
	[ "$(grep -c firing <<<"$output")" -eq 3 ]
	[ "$(grep -c resolved <<<"$output")" -eq 3 ]
	run --separate-stderr mlw-alert --name d --when 'psi > 0.2' --clear 'psi < 0.1' in.jsonl
	[ "$(grep -c firing <<<"$output")" -eq 1 ]
	[ "$(grep -c resolved <<<"$output")" -eq 1 ]
	[[ "${lines[1]}" == *'"ends_at":"2026-11-01T07:00:00Z"'* ]]
}

@test "--keep-firing-for rides over a short dip" {
	series a 0.3 0.1 0.3 0.1 0.1 0.1 > in.jsonl
	run --separate-stderr mlw-alert --name d --when 'psi > 0.2' --keep-firing-for 1 in.jsonl
	[ "$(grep -c firing <<<"$output")" -eq 1 ]
	[[ "${lines[1]}" == *'"status":"resolved"'*'"ends_at":"2026-11-01T05:00:00Z"'* ]]
	run --separate-stderr mlw-alert --name d --when 'psi > 0.2' --keep-firing-for 2h in.jsonl
	[ "$(grep -c firing <<<"$output")" -eq 1 ]
	[[ "${lines[1]}" == *'"ends_at":"2026-11-01T06:00:00Z"'* ]]
}

@test "--by keys are independent alerts" {
	{ series a 0.3 0.3 0.1; series b 0.1 0.3 0.3; } | sort -s -t'"' -k4,4 > in.jsonl
	run --separate-stderr mlw-alert --name d --when 'psi > 0.2' --by feature --label team=ml in.jsonl
	[ "$status" -eq 0 ]
	[ "$(grep -c '"labels":{"feature":"a","team":"ml"}' <<<"$output")" -eq 2 ]
	[ "$(grep -c '"labels":{"feature":"b","team":"ml"},"value":0.3,"starts_at":"2026-11-01T02:00:00Z"' <<<"$output")" -eq 1 ]
	[ "${#lines[@]}" -eq 3 ]
}

@test "--state: two cron runs over a persisting drift fire once, then resolve" {
	series a 0.1 0.3 0.3 > hour1.jsonl
	series a 0.1 0.3 0.3 0.35 0.05 | tail -2 > hour2.jsonl
	run --separate-stderr mlw-alert --state st.jsonl --name d --when 'psi > 0.2' --by feature hour1.jsonl
	[ "$(grep -c firing <<<"$output")" -eq 1 ]
	[ "$(head -1 st.jsonl)" = '{"mlw":"alert_state","version":1}' ]
	[ "$(sed -n 2p st.jsonl)" = '{"rule":"d","labels":{"feature":"a"},"state":"firing","count":1,"since":"2026-11-01T02:00:00Z","starts_at":"2026-11-01T02:00:00Z","last_emit":"2026-11-01T02:00:00Z","miss":0}' ]
	run --separate-stderr mlw-alert --state st.jsonl --name d --when 'psi > 0.2' --by feature hour2.jsonl
	[ "$status" -eq 0 ]
	[ "$output" = '{"alert":"d","status":"resolved","severity":"warning","labels":{"feature":"a"},"value":0.05,"starts_at":"2026-11-01T02:00:00Z","ends_at":"2026-11-01T05:00:00Z","window_start":"2026-11-01T04:00:00Z","window_end":"2026-11-01T05:00:00Z"}' ]
	[ "$(cat st.jsonl)" = '{"mlw":"alert_state","version":1}' ]
}

@test "a run killed with SIGKILL at any moment leaves a valid state file" {
	for i in $(seq 1 400); do series "f$((i % 50))" 0.3 0.05; done > in.jsonl
	for i in $(seq 1 10); do cat in.jsonl; done > big.jsonl
	for k in 1 2 3 4 5 6 7 8; do
		mlw-alert --state st.jsonl --name d --when 'psi > 0.2' --by feature big.jsonl > /dev/null &
		pid=$!
		sleep "0.0$k"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" || true
		if [ -e st.jsonl ]; then
			head -1 st.jsonl | grep -q '"mlw":"alert_state"'
			run --separate-stderr mlw-alert --state st.jsonl --name d --when 'psi > 0.2' --by feature /dev/null
			[ "$status" -eq 0 ]
		fi
	done
	[ -z "$(ls st.jsonl.tmp.* 2>/dev/null | grep -v "^$")" ] || true
}

@test "--repeat re-sends a firing alert after the interval" {
	series a 0.3 0.3 0.3 0.3 0.3 > in.jsonl
	run --separate-stderr mlw-alert --name d --when 'psi > 0.2' --repeat 2h in.jsonl
	[ "${#lines[@]}" -eq 3 ]
	[ "$(grep -c '"starts_at":"2026-11-01T01:00:00Z"' <<<"$output")" -eq 3 ]
	[[ "${lines[1]}" == *'"window_end":"2026-11-01T03:00:00Z"'* ]]
}

@test "expression and rule errors name the rule, the column and what was expected" {
	run --separate-stderr mlw-alert --name d --when 'psi > '
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-alert: rule d: when: column 7: expected a number, string, field or '(', found end of expression" ]
	run --separate-stderr mlw-alert --name d --when 'psi = 1'
	[ "${stderr%%$'\n'*}" = "mlw-alert: rule d: when: column 5: expected '==' for equality, found '='" ]
	run --separate-stderr mlw-alert --name d --when 'max(psi, 1'
	[ "${stderr%%$'\n'*}" = "mlw-alert: rule d: when: column 11: expected ',' or ')', found end of expression" ]
	run --separate-stderr mlw-alert --when 'psi > 1'
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-alert: a rule needs a name" ]
	run --separate-stderr mlw-alert --name d --for 2x --when 'psi > 1'
	[ "${stderr%%$'\n'*}" = "mlw-alert: rule d: for: expected a count of evaluations or a duration like 2h, found '2x'" ]
	run --separate-stderr mlw-alert
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-alert: no rule: give --name and --when, or --rules FILE" ]
}

@test "a rules file: blocks, comments, errors with file and line" {
	cat > rules.txt <<-'R'
	# drift on any feature, two windows in a row
	rule drift
	    when      psi > 0.2 && !missing(feature)
	    clear     psi < 0.1
	    for       2
	    by        feature
	    severity  critical
	    label     team=ml
	    summary   PSI of {feature} is {psi} ({{psi}})

	rule extreme
	    when: max(psi, 0) >= 1 or abs(psi) > 5
	R
	series a 0.3 0.3 1.5 0.05 > in.jsonl
	run --separate-stderr mlw-alert --rules rules.txt in.jsonl
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = '{"alert":"drift","status":"firing","severity":"critical","labels":{"feature":"a","team":"ml"},"value":0.3,"summary":"PSI of a is 0.3 ({psi})","starts_at":"2026-11-01T02:00:00Z","window_start":"2026-11-01T01:00:00Z","window_end":"2026-11-01T02:00:00Z"}' ]
	[[ "${lines[1]}" == '{"alert":"extreme","status":"firing","severity":"warning","labels":{},"value":1.5,'* ]]
	[ "${#lines[@]}" -eq 4 ]
	printf 'rule a\n  when psi > 1\n  colour red\n' > bad.txt
	run --separate-stderr mlw-alert --rules bad.txt in.jsonl
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-alert: bad.txt:3: unknown attribute 'colour' (expected when, clear, for, keep_firing_for, by, severity, label or summary)" ]
	printf 'rule a\n  for 2\n' > nowhen.txt
	run --separate-stderr mlw-alert --rules nowhen.txt in.jsonl
	[ "$stderr" = "mlw-alert: nowhen.txt:2: rule a has no 'when' condition" ]
}

@test "records without the fields do not match and are counted" {
	{ series a 0.3; echo '{"feature":"b"}'; echo '{"feature":"c","psi":"high"}'; } > in.jsonl
	run --separate-stderr mlw-alert --name d --when 'psi > 0.2' in.jsonl
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	# the first is said at once, naming the field (a misspelled one was
	# silent until the end of input, which tail -f never reaches)
	[ "$stderr" = "mlw-alert: in.jsonl:2: rule d: no psi in the record, so it cannot be judged (records like this are counted)
mlw-alert: rule d: 2 records could not be judged (a field missing or of another type)" ]
	run --separate-stderr mlw-alert --name d --when 'missing(psi) || psi > 0.2' in.jsonl
	[ "$stderr" = "mlw-alert: in.jsonl:3: rule d: a field of another type (or a division by zero), so the record cannot be judged (records like this are counted)
mlw-alert: rule d: 1 record could not be judged (a field missing or of another type)" ]
	# behind tail -f: said before the input ends
	mkfifo fifo
	( echo '{"feature":"a","pis":0.3}'; exec sleep 30 ) > fifo 3>&- &
	writer=$!
	run --separate-stderr timeout 2 mlw-alert --name d --when 'psi > 0.2' fifo
	kill "$writer" 2>/dev/null || true
	[ "$status" -eq 124 ]
	[ "$stderr" = "mlw-alert: fifo:1: rule d: no psi in the record, so it cannot be judged (records like this are counted)" ]
}

@test "--exec runs the command with the alert on stdin; a failure loses nothing" {
	series a 0.3 0.1 > in.jsonl
	run --separate-stderr mlw-alert --name d --when 'psi > 0.2' --exec 'sh -c "cat >> got.jsonl; echo $MLW_ALERT $MLW_STATUS $MLW_SEVERITY >> env.txt"' in.jsonl
	[ "$status" -eq 0 ]
	[ "$(cat env.txt)" = "d firing warning
d resolved warning" ]
	[ "$(cat got.jsonl)" = "$output" ]
	run --separate-stderr mlw-alert --name d --when 'psi > 0.2' --exec false in.jsonl
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "$stderr" = "mlw-alert: --exec: false exited with status 1 for alert d (firing)
mlw-alert: --exec: false exited with status 1 for alert d (resolved)" ]
	run --separate-stderr mlw-alert --name d --when 'psi > 0.2' --exec 'sleep 5' --exec-timeout 200ms in.jsonl
	[ "${#lines[@]}" -eq 2 ]
	[[ "$stderr" == "mlw-alert: --exec: sleep did not finish within the --exec-timeout for alert d (firing), killed"* ]]
}

@test "--format alertmanager writes API v2 arrays" {
	series a 0.3 0.1 > in.jsonl
	run --separate-stderr mlw-alert --format alertmanager --name d --when 'psi > 0.2' --by feature --summary 'PSI {psi}' in.jsonl
	[ "$output" = '[{"labels":{"alertname":"d","severity":"warning","feature":"a"},"annotations":{"summary":"PSI 0.3","value":"0.3"},"startsAt":"2026-11-01T01:00:00Z"}]
[{"labels":{"alertname":"d","severity":"warning","feature":"a"},"annotations":{"summary":"PSI 0.1","value":"0.1"},"startsAt":"2026-11-01T01:00:00Z","endsAt":"2026-11-01T02:00:00Z"}]' ]
}

@test "--pass interleaves alerts with the records; --now and --time set event time" {
	printf '%s\n' '{"v":1}' '{"v":5}' > in.jsonl
	run --separate-stderr mlw-alert --pass --now 2026-11-01T00:00:00Z --name hi --when 'v > 2' in.jsonl
	[ "$output" = '{"v":1}
{"v":5}
{"alert":"hi","status":"firing","severity":"warning","labels":{},"value":5,"starts_at":"2026-11-01T00:00:00Z"}' ]
	printf '%s\n' '{"v":5,"t":1793491200}' > t.jsonl
	run --separate-stderr mlw-alert --time t --name hi --when 'v > 2' t.jsonl
	[[ "$output" == *'"starts_at":"2026-11-01T00:00:00Z"'* ]]
}

@test "the demo pipeline raises drift alerts after the shift" {
	gen --reference --seed 7 -n 3000 > ref.jsonl
	gen -n 4320 --interval 20s --drift-at 2160 > log.jsonl
	mlw-window --time ts --size 3h log.jsonl |
	    mlw-psi --ref ref.jsonl --fields features.age,score |
	    mlw-alert --name drift --when 'psi > 0.25' --clear 'psi < 0.1' --by feature --for 2 > out.jsonl
	[ "$(grep -c '"status":"firing"' out.jsonl)" -eq 2 ]
	grep -q '"labels":{"feature":"features.age"}.*"starts_at":"2026-11-01T18:00:00Z"' out.jsonl
}

@test "a real Alertmanager accepts --format alertmanager output" {
	alertmanager_start 0
	now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	echo '{"feature":"features.age","psi":0.4}' |
	    mlw-alert --format alertmanager --now "$now" --name drift --when 'psi > 0.2' --by feature --summary 'PSI {psi}' > alerts.json
	curl -sf -H 'Content-Type: application/json' --data @alerts.json "http://127.0.0.1:$port/api/v2/alerts"
	got=$(curl -sf "http://127.0.0.1:$port/api/v2/alerts")
	[[ "$got" == *'"alertname":"drift"'* ]]
	[[ "$got" == *'"feature":"features.age"'* ]]
	[[ "$got" == *'"summary":"PSI 0.4"'* ]]
}

@test "a real Alertmanager: alerts grouped by a dotted path are accepted, listed and resolved" {
	alertmanager_start 7
	url="http://127.0.0.1:$port/api/v2/alerts"
	# what mlw-alert sent before: Alertmanager 0.25 answers HTTP 400
	# "invalid label set: invalid name \"features.country\"" and the alert
	# is lost
	now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	printf '[{"labels":{"alertname":"drift","features.country":"DE"},"startsAt":"%s"}]' "$now" > old.json
	run curl -fsS -H 'Content-Type: application/json' --data @old.json "$url"
	[ "$status" -ne 0 ]
	printf '%s\n' '{"features":{"country":"DE"},"psi":0.4}' '{"features":{"country":"FR"},"psi":0.5}' |
	    mlw-alert --format alertmanager --state st.jsonl --now "$now" --name drift \
	    --when 'psi > 0.2' --by features.country --label team=ml > fire.json
	[ "$(wc -l < fire.json)" -eq 2 ]
	while read -r l; do
		printf '%s\n' "$l" | curl -fsS -H 'Content-Type: application/json' --data @- "$url"
	done < fire.json
	got=$(curl -fsS "$url")
	[[ "$got" == *'"features_country":"DE"'* ]]
	[[ "$got" == *'"features_country":"FR"'* ]]
	[[ "$got" == *'"team":"ml"'* ]]
	sleep 1
	now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	echo '{"features":{"country":"DE"},"psi":0.1}' |
	    mlw-alert --format alertmanager --state st.jsonl --now "$now" --name drift \
	    --when 'psi > 0.2' --by features.country --label team=ml > res.json
	grep -q '"features_country":"DE".*"endsAt"' res.json
	curl -fsS -H 'Content-Type: application/json' --data @res.json "$url"
	sleep 1
	active=$(curl -fsS "$url?active=true&silenced=false&inhibited=false&unprocessed=false")
	[[ "$active" == *'"features_country":"FR"'* ]]
	[[ "$active" != *'"features_country":"DE"'* ]]
}

@test "label names Alertmanager refuses are refused at start-up" {
	run --separate-stderr mlw-alert --name d --when 'psi > 0.2' --label team-name=ml /dev/null
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-alert: rule d: label: invalid name 'team-name' (a label name is letters, digits and _, not starting with a digit)" ]
	run --separate-stderr mlw-alert --name d --when 'psi > 0.2' --by a.b --label a_b=1 --format alertmanager /dev/null
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-alert: rule d: a.b and a_b are both sent to Alertmanager as the label a_b" ]
	run --separate-stderr mlw-alert --name d --when 'psi > 0.2' --by severity --format alertmanager /dev/null
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-alert: rule d: the label name severity is reserved" ]
	# in records, labels keep the paths as written
	echo '{"features":{"country":"DE"},"psi":0.4}' | mlw-alert --now 2026-11-01T00:00:00Z --name d --when 'psi > 0.2' --by features.country > r.jsonl
	grep -q '"labels":{"features.country":"DE"}' r.jsonl
}

@test "--by labels: numbers in full when the double would change them (lib/key)" {
	printf '%s\n' '{"id":9007199254740993,"psi":0.4}' '{"id":9007199254740992,"psi":0.4}' |
	    mlw-alert --now 2026-11-01T00:00:00Z --name d --when 'psi > 0.2' --by id > r.jsonl
	[ "$(grep -c firing r.jsonl)" -eq 2 ]
	grep -q '"labels":{"id":"9007199254740993"}' r.jsonl
	grep -q '"labels":{"id":"9007199254740992"}' r.jsonl
}

@test "overlapping runs on one state file wait for each other" {
	series a 0.3 > in.jsonl
	# a run that holds the state file while it waits for input
	mkfifo fifo
	mlw-alert --state st.jsonl --name d --when 'psi > 0.2' --by feature fifo > first.out &
	first=$!
	exec 5> fifo
	sleep 0.5
	mlw-alert --state st.jsonl --name d --when 'psi > 0.2' --by feature in.jsonl > second.out 5>&- &
	second=$!
	sleep 0.5
	kill -0 "$second"         # still waiting for the lock
	cat in.jsonl >&5
	exec 5>&-
	wait "$first"
	wait "$second"
	[ "$(grep -c firing first.out)" -eq 1 ]
	[ "$(cat second.out)" = "" ]       # it saw the first run's state
}

# Regressions found in review; each pins one fixed bug.

@test "regression: not(...) and and(...) parse; numbers are JSON numbers" {
	series a 0.3 > in.jsonl
	run --separate-stderr mlw-alert --name d --when 'not(psi < 0.2) and(psi > 0)' in.jsonl
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	run --separate-stderr mlw-alert --name d --when 'psi > 0x10'
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-alert: rule d: when: column 7: expected a number, found '0x10'" ]
	run --separate-stderr mlw-alert --name d --when 'psi > 1.'
	[ "$status" -eq 2 ]
}

@test "regression: an error before --name still names the rule; blanks are skipped in messages" {
	run --separate-stderr mlw-alert --when 'abs(psi, 2)' --name d
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-alert: rule d: when: column 12: expected abs() of one value, found end of expression" ]
}

@test "regression: a label name may be given once, and not as alertname or severity" {
	run --separate-stderr mlw-alert --name d --when 'psi > 1' --by feature --label feature=x
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-alert: rule d: label feature is given twice (by and label names must differ)" ]
	run --separate-stderr mlw-alert --name d --when 'psi > 1' --label severity=high
	[ "${stderr%%$'\n'*}" = "mlw-alert: rule d: the label name severity is reserved" ]
	run --separate-stderr mlw-alert --name d --when 'psi > 1' --exec-timeout 0s --exec true
	[ "$status" -eq 2 ]
	run --separate-stderr mlw-alert --name d --when 'psi > 1' --repeat 0s
	[ "$status" -eq 2 ]
}

@test "regression: a state whose by fields changed is dropped, not fatal; a wrong version is" {
	series a 0.3 > in.jsonl
	mlw-alert --state st.jsonl --name d --when 'psi > 0.2' --by feature in.jsonl > /dev/null
	run --separate-stderr mlw-alert --state st.jsonl --name d --when 'psi > 0.2' in.jsonl
	[ "$status" -eq 0 ]
	[ "$stderr" = "mlw-alert: st.jsonl:2: state of rule d has other by fields than the rule now; dropped" ]
	[ "${#lines[@]}" -eq 1 ]
	echo '{"mlw":"alert_state","version":2}' > v2.jsonl
	run --separate-stderr mlw-alert --state v2.jsonl --name d --when 'psi > 0.2' in.jsonl
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-alert: v2.jsonl:1: invalid state file: not version 1 (remove it to start afresh)" ]
	: > empty.jsonl
	run --separate-stderr mlw-alert --state empty.jsonl --name d --when 'psi > 0.2' in.jsonl
	[ "$status" -eq 0 ]
}

@test "regression: --by values holding NUL or the key separator are distinct alerts" {
	# by values were joined with \x1f into the instance key and kept as C
	# strings, so ("a\u001fb","c") and ("a","b\u001fc") were one alert,
	# and "a\u0000x" was cut to "a"
	printf '%s\n' '{"f":"a\u0000x","g":"c","x":2}' '{"f":"a","g":"c","x":2}' \
	    '{"f":"a\u001fb","g":"c","x":2}' '{"f":"a","g":"b\u001fc","x":2}' > in.jsonl
	run --separate-stderr mlw-alert --name d --when 'x > 1' --by f,g --now 2026-11-01T00:00:00Z --state st.jsonl in.jsonl
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 4 ]
	[[ "${lines[0]}" == *'"labels":{"f":"a'$'\xef\xbf\xbd''x","g":"c"}'* ]]
	[[ "${lines[3]}" == *'"labels":{"f":"a","g":"b\u001fc"}'* ]]
	# the state keeps them apart too: nothing fires again
	run --separate-stderr mlw-alert --name d --when 'x > 1' --by f,g --now 2026-11-01T00:00:00Z --state st.jsonl in.jsonl
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
}

@test "--max-keys: an alert past the limit is an error that names its rule and values" {
	printf '%s\n' '{"k":"a","x":2}' '{"k":"b","x":2}' > in.jsonl
	run --separate-stderr mlw-alert --name r --when 'x > 1' --by k --max-keys 1 --now 2026-11-01T00:00:00Z in.jsonl
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = '{"alert":"r","status":"firing","severity":"warning","labels":{"k":"a"},"value":2,"starts_at":"2026-11-01T00:00:00Z"}' ]
	[ "$stderr" = "mlw-alert: more than 1 alerts (the limit of --max-keys): rule r, k=b, did not fit" ]
}

# --test: unit tests of rules, as promtool test rules

@test "--test: the man page's example passes, as the page shows" {
	sed -n '/^# drift.test$/,/^\.Ed$/p' "$ROOT/man/mlw-alert.1" | sed '$d' > drift.test
	sed -n '/^\.Pa drift.rules ,$/,/^\.Ed$/p' "$ROOT/man/mlw-alert.1" | sed '1,2d;$d' > drift.rules
	[ "$(grep -c . drift.rules)" -eq 4 ]
	run --separate-stderr mlw-alert --test drift.test
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = "$(sed -n '/^\$ mlw-alert --test drift.test$/,/^\.Ed$/p' "$ROOT/man/mlw-alert.1" | sed '1d;$d')" ]
}

@test "--test: for, clear, keep_firing_for, by labels, several rules and repeat pass" {
	mkdir sub
	printf 'rule few\n    when n < 10\n    severity info\n' > sub/few.rules
	cat > sub/all.test <<'EOF'
# the rules file is found beside the test file
rules     few.rules
interval  1h
start     2026-11-01T00:00:00Z
repeat    3h

rule drift
    when      psi > 0.25
    clear     psi < 0.1
    for       2h
    by        feature
    label     team=ml

rule dip
    when              psi > 0.5
    keep_firing_for   1
    by                feature

case for-a-duration-and-clear
    series  {"feature":"age","n":50} psi 0.3x3 0.2 0.05
    expect  2h  drift firing feature=age team=ml
    expect  5   drift resolved feature=age team=ml

case by-keys-are-separate-alerts
    series  {"feature":"age","n":50} psi 0.3 0.3 0.3
    series  {"feature":"a b","n":50} psi _ 0.3 0.3 0.3
    expect  2   drift firing feature=age team=ml
    expect  3   drift firing feature="a b" team=ml

case keep-firing-rides-a-dip
    series  {"feature":"x","n":50} psi 0.6 0.1 0.6 0.1 0.1
    expect  0   dip firing feature=x
    expect  4   dip resolved feature=x

case several-rules-one-step
    input   {"feature":"y","n":5,"psi":0.6}
    input   {"feature":"y","n":50,"psi":0.05}
    expect  0   few firing
    expect  0   dip firing feature=y
    expect  1   few resolved

case repeat-writes-firing-again
    series  {"n":5} psi 0x4
    expect  0   few firing
    expect  3h  few firing
EOF
	run --separate-stderr mlw-alert --test sub/all.test
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = "ok 1 - sub/all.test: for-a-duration-and-clear
ok 2 - sub/all.test: by-keys-are-separate-alerts
ok 3 - sub/all.test: keep-firing-rides-a-dip
ok 4 - sub/all.test: several-rules-one-step
ok 5 - sub/all.test: repeat-writes-firing-again
1..5
# 5 passed, 0 failed" ]
}

@test "--test: a failing case names the step, its time and the difference; exit 1" {
	cat > f.test <<'EOF'
rule drift
    when  psi > 0.25
    for   2
    by    feature

case right
    series  {"feature":"age"} psi 0.3 0.3 0.05
    expect  1  drift firing feature=age
    expect  2  drift resolved feature=age

case wrong-step
    series  {"feature":"age"} psi 0.3 0.3 0.3 0.05
    expect  1  drift firing feature=age
    expect  2  drift resolved feature=age

case wrong-labels
    input   {"feature":"age","psi":0.3}
    input   {"feature":"age","psi":0.3}
    expect  1  drift firing feature=income
EOF
	run --separate-stderr mlw-alert --test f.test
	[ "$status" -eq 1 ]
	[ "$stderr" = "" ]
	[ "$output" = "ok 1 - f.test: right
not ok 2 - f.test: wrong-step: at step 2 (1970-01-01T00:02:00Z) expected drift resolved {feature=age}, got none
#   - drift resolved {feature=age}   expected (f.test:14), not written
not ok 3 - f.test: wrong-labels: at step 1 (1970-01-01T00:01:00Z) expected drift firing {feature=income}, got drift firing {feature=age}
#   - drift firing {feature=income}   expected (f.test:19), not written
#   + drift firing {feature=age}   written, not expected
1..3
# 1 passed, 2 failed" ]
	# an alert at a step with no expect line fails too
	printf 'rule d\n  when x > 1\ncase c\n  input {"x":2}\n' > g.test
	run --separate-stderr mlw-alert --test g.test
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "not ok 1 - g.test: c: at step 0 (1970-01-01T00:00:00Z) expected none, got d firing {}" ]
	# prove reads the report as TAP
	if command -v prove >/dev/null; then
		run prove -e "mlw-alert --test" f.test
		[ "$status" -ne 0 ]
		[[ "$output" == *"Failed 2/3 subtests"* ]]
	fi
}

@test "--test: errors in a test file name FILE:LINE, skip the file and exit 2" {
	t() { printf 'rule d\n    when x > 1\n    by k\n%s\n' "$1" > e.test
		run --separate-stderr mlw-alert --test e.test
		[ "$status" -eq 2 ]
		[ "$output" = "1..0
# 0 passed, 0 failed" ]
		[ "$stderr" = "mlw-alert: $2" ] || { echo "got: $stderr"; false; }
	}
	t 'case c
    input {"x":}' 'e.test:5: input: invalid JSON at column 6: expected a value, found '"'}'"
	t 'case c
    input [1]' 'e.test:5: input: expected a JSON object, found an array'
	t 'case c
    input {"x":1}
    expect 1 d firing k=a' 'e.test:6: expect: step 1 is after the last input record of case c (step 0)'
	t 'case c
    input {"x":1}
    expect 0 e firing' 'e.test:6: expect: no rule e'
	t 'case c
    input {"x":1}
    expect 0 d fired' "e.test:6: expect: expected firing or resolved, found 'fired'"
	t 'case c
    input {"x":1}
    expect 0 none
    expect 0 d firing k=' 'e.test:7: expect: step 0 expects none and an alert'
	t 'case c
    series {"k":"a"} x 1+x3' "e.test:5: series: expected a number, _, true, false, null or an expansion like 1+1x10, found '1+x3'"
	t 'case c
    series {"x":1} x 1' 'e.test:5: series: x is in the record already'
	t 'case c
    input 90s {"x":1}' 'e.test:5: input: 90s is not a whole number of intervals'
	t 'case c' 'e.test:4: case c has no input records'
	t 'interval 1h' 'e.test: no cases'
	t 'case c
    input {"x":1}
interval 1h' 'e.test:6: interval must come before the first case'
	t 'case c
    when x > 2' "e.test:5: expected input, series, expect or case, found 'when'"
	t '    for two
case c
    input {"x":2}' "e.test:4: for: expected a count of evaluations or a duration like 2h, found 'two'"
	printf 'rules nope.rules\ncase c\n  input {}\n' > n.test
	run --separate-stderr mlw-alert --test n.test
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-alert: n.test:1: rules: nope.rules: No such file or directory" ]
	printf 'case c\n  input {}\n' > n.test
	run --separate-stderr mlw-alert --test n.test
	[ "$stderr" = "mlw-alert: n.test: no rules: give 'rules FILE' or rules inline before the first case" ]
}

@test "--test: exit 2 wins over failures; the good files still run; usage errors" {
	printf 'rule d\n  when x > 1\ncase c\n  input {"x":2}\n  expect 0 d firing\n' > ok.test
	run --separate-stderr mlw-alert --test missing.test ok.test
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-alert: missing.test: No such file or directory" ]
	[ "$output" = "ok 1 - ok.test: c
1..1
# 1 passed, 0 failed" ]
	run --separate-stderr mlw-alert --test
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-alert: --test: no test file" ]
	run --separate-stderr mlw-alert --test --rules r ok.test
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-alert: --test: the rules, the input and the repeat come from the test file, not from options" ]
	run --separate-stderr mlw-alert --test --max-keys 1 ok.test
	[ "$status" -eq 0 ]
}

@test "--test: records a rule cannot judge are said with the test file's line" {
	printf 'rule d\n  when psi > 1\ncase c\n  input {"pis":2}\n  input {"pis":2}\ncase e\n  input {"mlw":"close","psi":2}\n' > u.test
	run --separate-stderr mlw-alert --test u.test
	[ "$status" -eq 0 ]
	[ "$stderr" = "mlw-alert: u.test:4: rule d: no psi in the record, so it cannot be judged (records like this are counted)" ]
}
