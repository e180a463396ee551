#!/bin/sh
# Make the mlw-drift fixtures drift-ref.jsonl and drift-cur.jsonl from the
# generator (run from the repository root after make; the files are
# committed, so this only documents how they were made):
#   00:00 300 records like the reference       03:00 2 records
#   01:00 300 drifted records (--drift 0.5)    04:00 the reference itself
#   02:00 1 record                              05:00 200 records with a new
#                                                country (ZZ) and ages missing
set -eu
gen=build/mlw-gen
d=tests/data
$gen --reference -n 400 --seed 3 > $d/drift-ref.jsonl
{
	$gen -n 300 --interval 10s --seed 7 --start 2026-11-01T00:00:00Z
	$gen -n 300 --interval 10s --seed 8 --start 2026-11-01T01:00:00Z \
	    --drift-at 0 --drift 0.5
	$gen -n 1 --seed 9 --start 2026-11-01T02:00:00Z
	$gen -n 2 --seed 10 --start 2026-11-01T03:00:00Z
	sed 's/^{/{"ts":"2026-11-01T04:00:00Z",/' $d/drift-ref.jsonl
	$gen -n 200 --interval 10s --seed 11 --start 2026-11-01T05:00:00Z |
	    sed -e 's/"country":"FR"/"country":"ZZ"/' \
	        -e 's/"age":3\([0-9.]*\)/"age":null/'
} | bin/mlw-window --time ts --size 1h > $d/drift-cur.jsonl
