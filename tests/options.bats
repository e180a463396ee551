#!/usr/bin/env bats
# Option errors from the table tests/tables/options.test: each command
# line's exit status and first line of standard error, and nothing on
# standard output.

load helpers

@test "option errors name the option and the value, as tests/tables/options.test says" {
	local table=$BATS_TEST_DIRNAME/tables/options.test fail=0 n=0
	local lines=() line lineno=0 first=0
	check() {
		local out err st
		n=$((n + 1))
		if [ ${#lines[@]} -ne 3 ]; then
			echo "options.test:$first: a case of ${#lines[@]} lines, not 3"
			fail=1
			return
		fi
		st=0
		out=$(sh -c "${lines[0]}" </dev/null 2>err) || st=$?
		err=$(head -n 1 err)
		if [ "$st" != "${lines[1]}" ] || [ "$err" != "${lines[2]}" ] ||
		    [ -n "$out" ]; then
			echo "options.test:$first: ${lines[0]}"
			echo "  want ${lines[1]}: ${lines[2]}"
			echo "  got  $st: $err"
			[ -z "$out" ] || echo "  and standard output: $out"
			fail=1
		fi
	}
	while IFS= read -r line || [ -n "$line" ]; do
		lineno=$((lineno + 1))
		case $line in
		'#'*) continue ;;
		'')
			[ ${#lines[@]} -eq 0 ] || check
			lines=()
			continue ;;
		esac
		[ ${#lines[@]} -gt 0 ] || first=$lineno
		lines+=("$line")
	done < "$table"
	[ ${#lines[@]} -eq 0 ] || check
	echo "$n cases"
	[ "$fail" -eq 0 ]
	[ "$n" -ge 40 ]
}
