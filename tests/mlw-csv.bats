#!/usr/bin/env bats
# mlw-csv: CSV (RFC 4180) to JSON Lines and back.
# The outputs pinned for tests/data/csv-rfc4180.csv and
# tests/data/csv-records.jsonl were computed by Python's csv and json
# modules with tests/data/csv-witness.py (run by hand); the others follow
# RFC 4180 and man/mlw-csv.1 by hand, as each comment says.

load helpers

@test "RFC 4180 fixture: BOM, CRLF, quoted commas, doubled quotes, embedded CRLF and LF, no final line end" {
	# witness: python3 tests/data/csv-witness.py, first part
	run --separate-stderr mlw-csv "$DATA/csv-rfc4180.csv"
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = '{"id":1,"name":"Smith, John","features":{"age":34,"city":"New York"},"note":"said \"hi\"","score":0.5}
{"id":2,"name":"Ann","features":{"age":null,"city":"Paris"},"note":"line one\r\nline two","score":1.50}
{"id":3,"name":"Bob","features":{"age":41.0,"city":"Zürich"},"note":"a\nb","score":null}
{"id":4,"name":"Eve","features":{"age":-0,"city":"Oslo"},"note":null,"score":1E3}' ]
}

@test "a final line end, or not, or a blank line, gives the same records" {
	printf 'a,b\n1,x\n2,y' > no.csv
	printf 'a,b\n1,x\n2,y\n' > lf.csv
	printf 'a,b\r\n1,x\r\n\r\n2,y\r\n\n' > crlf.csv
	for f in no.csv lf.csv crlf.csv; do
		run --separate-stderr mlw-csv "$f"
		[ "$status" -eq 0 ]
		[ "$output" = '{"a":1,"b":"x"}
{"a":2,"b":"y"}' ]
	done
}

@test "one column: a blank line after the header is a record with a null cell" {
	# regression: --to-csv wrote an empty line for a one-column null and the
	# reader skipped it as blank, so the record vanished in a round trip.
	# By hand: RFC 4180 makes every line a record; man/mlw-csv.1, Reading CSV.
	printf '%s\n' '{"a":1}' '{"a":null}' '{"a":3}' > t.jsonl
	run --separate-stderr mlw-csv --to-csv t.jsonl
	[ "$status" -eq 0 ]
	[ "$output" = 'a
1

3' ]
	mlw-csv --to-csv t.jsonl | mlw-csv > back.jsonl
	cmp t.jsonl back.jsonl
	mlw-csv --to-csv --crlf t.jsonl | mlw-csv | cmp - t.jsonl
	mlw-csv --to-csv -d tab t.jsonl | mlw-csv -d tab | cmp - t.jsonl
	# CRLF, TAB, --header, a blank line before the header (skipped), a
	# blank last line, and a single final line end (no extra record)
	printf '\r\na\r\n1\r\n\r\n3\r\n\r\n' > crlf.csv
	run --separate-stderr mlw-csv -d tab crlf.csv
	[ "$status" -eq 0 ]
	[ "$output" = '{"a":1}
{"a":null}
{"a":3}
{"a":null}' ]
	printf 'a\n1\n' > one.csv
	run --separate-stderr mlw-csv one.csv
	[ "$output" = '{"a":1}' ]
	printf '\nx\n' > h.csv
	run --separate-stderr mlw-csv --header a h.csv
	[ "$status" -eq 0 ]
	[ "$output" = '{"a":null}
{"a":"x"}' ]
	# two columns: a blank line is not a row, and stays skipped
	printf 'a,b\n1,2\n\n3,4\n' > two.csv
	run --separate-stderr mlw-csv one.csv two.csv
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = '{"a":1}
{"a":1,"b":2}
{"a":3,"b":4}' ]
}

@test "empty last field, empty file, header only, BOM only: no records, exit 0" {
	printf 'a,b,c\n1,2,\n' > last.csv
	run --separate-stderr mlw-csv last.csv
	[ "$status" -eq 0 ]
	[ "$output" = '{"a":1,"b":2,"c":null}' ]
	: > empty.csv
	printf 'a,b\r\n' > header.csv
	printf '\357\273\277' > bom.csv
	for f in empty.csv header.csv bom.csv; do
		run --separate-stderr mlw-csv "$f"
		[ "$status" -eq 0 ]
		[ "$output" = "" ]
		[ "$stderr" = "" ]
	done
	run --separate-stderr mlw-csv --to-csv empty.csv
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
}

@test "a column is numbers only when every value is a JSON number; numbers are kept as written" {
	# by hand: JSON number syntax (RFC 8259), finite under strtod
	printf 'n,s,z,o,p,q,h,w\n1.50,1,01,1e999,+1,.5,0x1,1\n-0,x,2,3,4,5,6, 7\n1E5,,,,,,,\n' > t.csv
	run --separate-stderr mlw-csv t.csv
	[ "$status" -eq 0 ]
	[ "$output" = '{"n":1.50,"s":"1","z":"01","o":"1e999","p":"+1","q":".5","h":"0x1","w":"1"}
{"n":-0,"s":"x","z":"2","o":"3","p":"4","q":"5","h":"6","w":" 7"}
{"n":1E5,"s":null,"z":null,"o":null,"p":null,"q":null,"h":null,"w":null}' ]
}

@test "inference spans every record of every file" {
	printf 'a,b\n1,2\n' > one.csv
	printf 'b,a\n3,x\n' > two.csv
	run --separate-stderr mlw-csv one.csv two.csv
	[ "$status" -eq 0 ]
	[ "$output" = '{"a":"1","b":2}
{"b":3,"a":"x"}' ]
}

@test "an empty cell is null; a quoted empty cell is \"\" in a string column, null in a number column" {
	# by hand: man/mlw-csv.1, EMPTY CELLS
	printf 's,n,e\nx,1,""\n"",,""\n,"",\n' > t.csv
	run --separate-stderr mlw-csv t.csv
	[ "$status" -eq 0 ]
	[ "$output" = '{"s":"x","n":1,"e":""}
{"s":"","n":null,"e":""}
{"s":null,"n":null,"e":null}' ]
}

@test "true and false are strings unless --types says bool" {
	printf 'p,q\ntrue,false\nFalse,TRUE\n,\n' > t.csv
	run --separate-stderr mlw-csv t.csv
	[ "$output" = '{"p":"true","q":"false"}
{"p":"False","q":"TRUE"}
{"p":null,"q":null}' ]
	run --separate-stderr mlw-csv --types p=bool --types=q=bool t.csv
	[ "$status" -eq 0 ]
	[ "$output" = '{"p":true,"q":false}
{"p":false,"q":true}
{"p":null,"q":null}' ]
}

@test "--types number, string, json; a value of the wrong type is rejected" {
	printf 'id,v,j\n007,1,"[1, {""a"": 2}]"\n8,x,\n9,2,{bad\n' > t.csv
	run --separate-stderr mlw-csv --types id=string --types v=number --types j=json t.csv
	[ "$status" -eq 1 ]
	[ "$output" = '{"id":"007","v":1,"j":[1,{"a":2}]}' ]
	[ "$stderr" = "mlw-csv: t.csv:3: v: expected a number, found 'x'
mlw-csv: t.csv:4: j: invalid JSON at column 2: expected a member name in double quotes, found 'b'
mlw-csv: 2 records rejected" ]
	run --separate-stderr mlw-csv --types p=bool --types id=string --types v=string t.csv
	[ "$status" -eq 0 ]
	[ "$stderr" = "mlw-csv: --types: no column p in the input" ]
	printf 'b\nyes\n' > b.csv
	run --separate-stderr mlw-csv --types b=bool b.csv
	[ "$status" -eq 1 ]
	[ "$stderr" = "mlw-csv: b.csv:2: b: expected true or false, found 'yes'
mlw-csv: 1 record rejected" ]
}

@test "--types json: a number out of the double range rejects the record, as with number" {
	# regression: a json cell passed 1e400 through as a number, an
	# infinity, which mlw(7) (NUMBERS) says is never printed; --types
	# x=number rejected it.
	# By hand: strtod overflows 1e400 and -1e999 to infinity; 1e-400
	# underflows to 0, which is a number (as for --types number).
	printf '%s\n' x '[1e400]' '{"a":{"b":-1e999}}' '"[1e-400,2]"' '"""1e400"""' '3' > t.csv
	run --separate-stderr mlw-csv --types x=json t.csv
	[ "$status" -eq 1 ]
	[ "$output" = '{"x":[1e-400,2]}
{"x":"1e400"}
{"x":3}' ]
	[ "$stderr" = "mlw-csv: t.csv:2: x: expected a finite number, found '1e400'
mlw-csv: t.csv:3: x: expected a finite number, found '-1e999'
mlw-csv: 2 records rejected" ]
	run --separate-stderr mlw-csv --strict --types x=json t.csv
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
}

@test "dotted headers nest, in first-seen order; a backslash keeps a dot in a name" {
	printf 'a.x,b,a.y,c\\.d,e.f.g\n1,2,3,4,5\n' > t.csv
	run --separate-stderr mlw-csv --types 'c\.d=string' t.csv
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = '{"a":{"x":1,"y":3},"b":2,"c.d":"4","e":{"f":{"g":5}}}' ]
}

@test "a header naming a column twice, or a value and an object, skips the file (exit 2)" {
	printf 'a,b,a\n1,2,3\n' > dup.csv
	printf 'a,a.b\n1,2\n' > clash.csv
	printf 'a,.b,c\n1,2,3\n' > empty.csv
	printf 'x\n1\n' > ok.csv
	run --separate-stderr mlw-csv dup.csv clash.csv empty.csv ok.csv
	[ "$status" -eq 2 ]
	[ "$output" = '{"x":1}' ]
	[ "$stderr" = "mlw-csv: dup.csv:1: header: column 3: 'a' is named twice; file skipped
mlw-csv: clash.csv:1: header: column 2: 'a.b' is inside a column that is a value; file skipped
mlw-csv: empty.csv:1: header: column 2: '.b' is not a path (an empty name or an empty part); file skipped" ]
}

@test "JSON Lines given as CSV: a clear error" {
	printf '{"a":1}\n' > x.jsonl
	run --separate-stderr mlw-csv x.jsonl
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-csv: x.jsonl:1: the header starts with '{': this looks like JSON Lines (use --to-csv); file skipped" ]
}

@test "--to-csv quotes a cell that begins with '{', so a first column named {a reads back" {
	# regression: --to-csv wrote the header {a unquoted, and reading it
	# back refused the file as JSON Lines given as CSV (exit 2).
	# By hand: RFC 4180 quoting; man/mlw-csv.1, Writing CSV.
	printf '%s\n' '{"{a":1,"b":"{x","c":{}}' > t.jsonl
	run --separate-stderr mlw-csv --to-csv t.jsonl
	[ "$status" -eq 0 ]
	[ "$output" = '"{a",b,c
1,"{x","{}"' ]
	mlw-csv --to-csv t.jsonl > t.csv
	run --separate-stderr mlw-csv t.csv
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = '{"{a":1,"b":"{x","c":"{}"}' ]
	run --separate-stderr mlw-csv --types c=json t.csv
	[ "$output" = '{"{a":1,"b":"{x","c":{}}' ]
}

@test "ragged rows are rejected with the physical line of their first line" {
	printf 'a,b\n1,"two\nlines"\n2\n3,4,5\n"x\ny",6\n7,8\n' > t.csv
	run --separate-stderr mlw-csv --rejects rej.csv t.csv
	[ "$status" -eq 1 ]
	[ "$output" = '{"a":"1","b":"two\nlines"}
{"a":"x\ny","b":"6"}
{"a":"7","b":"8"}' ]
	[ "$stderr" = "mlw-csv: t.csv:4: expected 2 fields (as the header), found 1
mlw-csv: t.csv:5: expected 2 fields (as the header), found 3
mlw-csv: a: 1 of 3 values are not numbers (the first, t.csv:6: 'x\\ny'), so the column is strings (--types a=string says so, a=number rejects those records)
mlw-csv: b: 1 of 3 values are not numbers (the first, t.csv:2: 'two\\nlines'), so the column is strings (--types b=string says so, b=number rejects those records)
mlw-csv: 2 records rejected" ]
	[ "$(cat rej.csv)" = '2
3,4,5' ]
	run --separate-stderr mlw-csv --strict t.csv
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	[ "$stderr" = "mlw-csv: t.csv:4: expected 2 fields (as the header), found 1" ]
}

@test "an unterminated quote, text after a closing quote, invalid UTF-8: rejected with their line" {
	printf 'a,b\n1,"x"y\n2,\377\n3,ok\n4,"open\nstill open\n' > t.csv
	run --separate-stderr mlw-csv t.csv
	[ "$status" -eq 1 ]
	[ "$output" = '{"a":3,"b":"ok"}' ]
	[ "$stderr" = "mlw-csv: t.csv:2: field 2: text after the closing quote
mlw-csv: t.csv:3: field 2: invalid UTF-8 (byte 0xff)
mlw-csv: t.csv:5: field 2: a quoted field is not closed at the end of the file
mlw-csv: 3 records rejected" ]
}

@test "--header names the columns of headerless files; \\, keeps a comma" {
	printf '1,2,3\n4,5,6\n' > t.csv
	run --separate-stderr mlw-csv --header 'x,f.y,a\,b' t.csv t.csv
	[ "$status" -eq 0 ]
	[ "$output" = '{"x":1,"f":{"y":2},"a,b":3}
{"x":4,"f":{"y":5},"a,b":6}
{"x":1,"f":{"y":2},"a,b":3}
{"x":4,"f":{"y":5},"a,b":6}' ]
	run --separate-stderr mlw-csv --header 'x,y' t.csv
	[ "$status" -eq 1 ]
	[ "${stderr%%$'\n'*}" = "mlw-csv: t.csv:1: expected 2 fields (as the header), found 3" ]
}

@test "TSV: --delimiter tab, '\\t' or a TAB character" {
	printf 'a\tb\n1\t"x\ty"\n' > t.tsv
	for d in tab '\t' "$(printf '\t')"; do
		run --separate-stderr mlw-csv --delimiter "$d" t.tsv
		[ "$status" -eq 0 ]
		[ "$output" = '{"a":1,"b":"x\ty"}' ]
	done
	printf 'a;b\n1,5;2\n' > t.csv
	run --separate-stderr mlw-csv -d ';' t.csv
	[ "$output" = '{"a":"1,5","b":2}' ]
}

@test "--to-csv: union of leaf paths in first-seen order, quoting only when needed" {
	# witness: python3 tests/data/csv-witness.py, second part
	run --separate-stderr mlw-csv --to-csv "$DATA/csv-records.jsonl"
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = 'id,x.n,x.s,tags,ok,extra,u
a1,1.50,"comma, here","[1,2]",true,,
a2,-0,"quote ""q"" and
newline",,,,Zürich €
a3,1E3,,[],false,,' ]
}

@test "--to-csv: dots in names escaped, empty strings quoted, --crlf, TSV" {
	printf '%s\n' '{"a.b":"","c\\d":{"e":1}}' > t.jsonl
	run --separate-stderr mlw-csv --to-csv t.jsonl
	[ "$status" -eq 0 ]
	[ "$output" = 'a\.b,c\\d.e
"",1' ]
	mlw-csv --to-csv t.jsonl | mlw-csv > back.jsonl
	[ "$(cat back.jsonl)" = '{"a.b":"","c\\d":{"e":1}}' ]
	printf 'a\\.b\tc\\\\d.e\r\n""\t1\r\n' > want.tsv
	mlw-csv --to-csv --crlf -d tab t.jsonl | cmp - want.tsv
}

@test "--to-csv: a member that is a value in one record and an object in another is rejected" {
	printf '%s\n' '{"a":1,"b":{"c":2}}' '{"a":{"x":1},"b":{"c":3}}' '{"b":5}' '{"":1}' '{"b":{"c":4,"d":5},"a":6}' > t.jsonl
	run --separate-stderr mlw-csv --to-csv --rejects rej.jsonl t.jsonl
	[ "$status" -eq 1 ]
	[ "$output" = 'a,b.c,b.d
1,2,
6,4,5' ]
	[ "$stderr" = "mlw-csv: t.jsonl:2: a is an object here but a value in an earlier record
mlw-csv: t.jsonl:3: b is a value here but an object in an earlier record
mlw-csv: t.jsonl:4: a member name is empty; it cannot name a CSV column
mlw-csv: 3 records rejected" ]
	[ "$(sed -n 2p rej.jsonl)" = '{"b":5}' ]
}

@test "--to-csv --header: the named columns only, streamed; an object path gives its JSON text" {
	printf '%s\n' '{"a":1,"b":{"c":2},"z":0}' '{"b":{"c":3,"d":[4, 5]},"a":"x"}' > t.jsonl
	run --separate-stderr mlw-csv --to-csv --header 'b.d,a,b,nope' t.jsonl
	[ "$status" -eq 0 ]
	[ "$output" = 'b.d,a,b,nope
,1,"{""c"":2}",
"[4,5]",x,"{""c"":3,""d"":[4,5]}",' ]
}

@test "round trip: the generator's log, JSON -> CSV -> JSON, byte for byte" {
	gen -n 3000 > log.jsonl
	gen -n 2000 --drift-at 500 --drift 2 --seed 7 >> log.jsonl
	mlw-csv --to-csv log.jsonl > log.csv
	[ "$(head -1 log.csv)" = "ts,id,model,features.age,features.income,features.tenure,features.country,features.device,features.premium,score,prediction,label" ]
	run --separate-stderr mlw-csv --types features.premium=bool log.csv
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	printf '%s\n' "$output" > back.jsonl
	cmp log.jsonl back.jsonl
	# and CSV -> JSON -> CSV is the same CSV
	mlw-csv --to-csv back.jsonl | cmp - log.csv
}

@test "round trip of the RFC 4180 fixture: CSV -> JSON -> CSV -> JSON" {
	mlw-csv "$DATA/csv-rfc4180.csv" > a.jsonl
	mlw-csv --to-csv a.jsonl | mlw-csv > b.jsonl
	cmp a.jsonl b.jsonl
}

@test "hostile: a 2 MB quoted cell is rejected by the record limit; the next records are read" {
	{ printf 'a,b\n1,"'; head -c 2000000 /dev/zero | tr '\0' x; printf '"\n2,ok\n'; } > big.csv
	run --separate-stderr mlw-csv --rejects rej.csv big.csv
	[ "$status" -eq 1 ]
	[ "$output" = '{"a":2,"b":"ok"}' ]
	[ "$stderr" = "mlw-csv: big.csv:2: record longer than 1048576 bytes (2000004 bytes)
mlw-csv: 1 record rejected" ]
	[ "$(wc -c < rej.csv)" -eq 2000005 ]
	# the same cell never closed: everything to the end of the file
	{ printf 'a,b\n1,"'; head -c 2000000 /dev/zero | tr '\0' x; printf '\n2,ok\n'; } > open.csv
	run --separate-stderr mlw-csv open.csv
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "mlw-csv: open.csv:2: record longer than 1048576 bytes (2000009 bytes), and a quoted field is not closed at the end of the file
mlw-csv: 1 record rejected" ]
}

@test "hostile: 100,000 columns; a JSON record over the 1 MiB line limit is rejected" {
	awk 'BEGIN { for (i = 0; i < 100000; i++) printf "%sc%d", i ? "," : "", i; print "";
	    for (i = 0; i < 100000; i++) printf "%s%d", i ? "," : "", i % 10; print "" }' > wide.csv
	run --separate-stderr mlw-csv wide.csv
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "mlw-csv: wide.csv:2: the JSON record would be longer than 1048576 bytes (1088891 bytes)
mlw-csv: 1 record rejected" ]
	# 60,000 columns fit, and come back as the same CSV
	cut -d, -f1-60000 wide.csv > w60.csv
	mlw-csv w60.csv > w60.jsonl
	[ "$(wc -l < w60.jsonl)" -eq 1 ]
	mlw-csv --to-csv w60.jsonl | cmp - w60.csv
}

@test "with every column typed by --types, records stream before the end of input" {
	mkfifo in.fifo
	mlw-csv --types a=number --types b=string < in.fifo > out.jsonl &
	pid=$!
	exec 5> in.fifo
	printf 'a,b\n1,x\n' >&5
	for i in 1 2 3 4 5 6 7 8 9 10; do
		[ -s out.jsonl ] && break
		sleep 0.2
	done
	[ "$(cat out.jsonl)" = '{"a":1,"b":"x"}' ]
	exec 5>&-
	wait "$pid"
}

@test "usage errors exit 2 with one line" {
	run --separate-stderr mlw-csv --delimiter '""'
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-csv: --delimiter: expected one ASCII character other than a quote or a line end, or tab, found '\"\"'" ]
	run --separate-stderr mlw-csv --types a=date
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-csv: --types: expected PATH=number, string, bool or json, found 'a=date'" ]
	run --separate-stderr mlw-csv --to-csv --types a=number
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-csv: --types applies to --to-json only" ]
	run --separate-stderr mlw-csv --header 'a,a.b' /dev/null
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-csv: --header: column 2: 'a.b' is inside a column that is a value" ]
	run --separate-stderr mlw-csv --to-csv --header 'x,x' /dev/null
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-csv: --header: x is named twice" ]
	run --separate-stderr mlw-csv --bogus
	[ "$status" -eq 2 ]
	printf 'a\n1\n' > t.csv
	TMPDIR=$T/nodir run --separate-stderr mlw-csv t.csv
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-csv: $T/nodir: cannot create a temporary file: No such file or directory" ]
	run --separate-stderr mlw-csv nonexistent.csv
	[ "$status" -eq 2 ]
	[ "$stderr" = "mlw-csv: nonexistent.csv: No such file or directory" ]
	run mlw-csv --version
	[ "$status" -eq 0 ]
	[[ "$output" == "mlw-csv "* ]]
}

@test "pandas' to_csv(): the empty first header cell is the column read_csv() names 'Unnamed: 0'" {
	# /usr/bin/python3 -c 'import pandas as pd; print(pd.DataFrame({"a":[1,2],"b":["x","y"]}).to_csv(), end="")'
	# writes ',a,b' then '0,1,x' and '1,2,y'; pd.read_csv of it has the
	# columns ['Unnamed: 0', 'a', 'b']. It was refused: "'' is not a path"
	printf ',a,b\n0,1,x\n1,2,y\n' > pd.csv
	run --separate-stderr mlw-csv pd.csv
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = '{"Unnamed: 0":0,"a":1,"b":"x"}
{"Unnamed: 0":1,"a":2,"b":"y"}' ]
	# any empty header cell, as pandas names it by its index
	printf 'a,,""\n1,2,3\n' > e.csv
	run --separate-stderr mlw-csv e.csv
	[ "$output" = '{"a":1,"Unnamed: 1":2,"Unnamed: 2":3}' ]
}

@test "a column of numbers but a few is said, with the first odd cell; --skip-lines drops a line before the header" {
	# scikit-learn's bundled iris.csv starts with a line of counts
	# (150,4,setosa,versicolor,virginica) before its data; read with a
	# header of our own, that line made three columns strings, silently
	{ echo '150,4,setosa,versicolor,virginica'; echo '5.1,3.5,1.4,0.2,0'; echo '4.9,3.0,1.4,0.2,0'; } > iris.csv
	run --separate-stderr mlw-csv --header a,b,c,d,e iris.csv
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = '{"a":5.1,"b":3.5,"c":"1.4","d":"0.2","e":"0"}' ]
	[ "$stderr" = "mlw-csv: c: 1 of 3 values are not numbers (the first, iris.csv:1: 'setosa'), so the column is strings (--types c=string says so, c=number rejects those records)
mlw-csv: d: 1 of 3 values are not numbers (the first, iris.csv:1: 'versicolor'), so the column is strings (--types d=string says so, d=number rejects those records)
mlw-csv: e: 1 of 3 values are not numbers (the first, iris.csv:1: 'virginica'), so the column is strings (--types e=string says so, e=number rejects those records)" ]
	run --separate-stderr mlw-csv --skip-lines 1 --header a,b,c,d,e iris.csv
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = '{"a":5.1,"b":3.5,"c":1.4,"d":0.2,"e":0}
{"a":4.9,"b":3.0,"c":1.4,"d":0.2,"e":0}' ]
	# without --header, the line after the skipped ones is the header,
	# in every file
	{ echo '# exported 2026-11-01'; echo 'x,y'; echo '1,2'; } > h.csv
	run --separate-stderr mlw-csv --skip-lines 1 h.csv h.csv
	[ "$output" = '{"x":1,"y":2}
{"x":1,"y":2}' ]
	# a column of strings with a few numbers is not said
	printf 'c\na\nb\n1\n' > s.csv
	run --separate-stderr mlw-csv s.csv
	[ "$stderr" = "" ]
	run --separate-stderr mlw-csv --skip-lines -1 h.csv
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "mlw-csv: --skip-lines: expected a whole number from 0 to 1000000000, found '-1'" ]
}
