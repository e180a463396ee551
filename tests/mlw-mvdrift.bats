#!/usr/bin/env bats
# mlw-mvdrift: drift of the records as a whole. The fixtures
# tests/data/mv-*.jsonl and the numbers in tests/data/mv-expect.tsv were
# written by tests/data/witness-mvdrift.py (NumPy 1.24, scikit-learn 1.2:
# StandardScaler + PCA and NannyML's reconstruction error, the unbiased
# MMD^2 and its permutation p-values, PolynomialFeatures +
# LogisticRegression per fold and roc_auc_score, the mean vectors'
# distances; run by hand, never by the tests). tests/by-witness.awk checks
# that every witness number is in the output, for its window, segment and
# method: pca to a relative 1e-9 (Jacobi against LAPACK's SVD), the
# classifier's AUC to 1e-6, everything else to 1e-12.

load helpers

witness() {
	awk -v prog="$1" -v field=method -v tol="${2:-1e-12}" \
	    -f "$ROOT/tests/by-witness.awk" "$DATA/mv-expect.tsv" out.jsonl
}

# member NAME FILE: each record's value of member NAME, space-separated
member() {
	sed 's/.*"'"$1"'":\("[^"]*"\|[^,}]*\).*/\1/' "$2" | tr '\n' ' '
}

setup_file() {
	mlw-window --time ts --size 1h "$BATS_TEST_DIRNAME/data/mv-cur.jsonl" \
	    > "$BATS_FILE_TMPDIR/w.jsonl"
}

REF="--ref $BATS_TEST_DIRNAME/data/mv-ref.jsonl"
F="--fields x,y,z,cat"

@test "pca: every window's reconstruction error, thresholds, sampling error and components equal scikit-learn's StandardScaler + PCA" {
	mlw-mvdrift $REF $F "$BATS_FILE_TMPDIR/w.jsonl" > out.jsonl
	[ "$(wc -l < out.jsonl)" -eq 3 ]
	run witness pca 1e-9
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	# the reversed relation of x and y in the third hour, nothing before
	[ "$(member drift out.jsonl)" = "false false true " ]
}

@test "the witness check fails on a number off in the 9th digit" {
	mlw-mvdrift $REF $F "$BATS_FILE_TMPDIR/w.jsonl" |
	    sed 's/"statistic":\([0-9]\.[0-9]\{7\}\)\([0-9]\)/"statistic":\1X\2/; s/X0/1/; s/X[1-9]/0/' > out.jsonl
	run witness pca 1e-9
	[ "$status" -eq 1 ]
	[[ "$output" == *"statistic"* ]]
}

@test "pca --by model: one reference per model, fitted on its own records" {
	mlw-mvdrift $REF $F --by model "$BATS_FILE_TMPDIR/w.jsonl" > out.jsonl
	[ "$(wc -l < out.jsonl)" -eq 6 ]
	run witness pca-by 1e-9
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	grep -q '"segment":"model=m2","model":"m2","method":"pca"' out.jsonl
}

@test "pca on fields and an embedding together: 2 + 6 dimensions" {
	mlw-mvdrift $REF --fields x,cat --vector emb "$BATS_FILE_TMPDIR/w.jsonl" > out.jsonl
	run witness pca-emb 1e-9
	[ "$status" -eq 0 ] || { echo "$output"; false; }
}

@test "pca --thresholds cross-fit: each reference chunk judged by the PCA of the others, as scikit-learn fits it" {
	mlw-mvdrift $REF $F --vector emb --by model --thresholds cross-fit \
	    "$BATS_FILE_TMPDIR/w.jsonl" > out.jsonl
	run witness pca-cross 1e-9
	[ "$status" -eq 0 ] || { echo "$output"; false; }
}

@test "pca on 32 independent dimensions: in-sample thresholds fire on unchanged data, cross-fit ones do not" {
	# standard normal numbers by Box-Muller from awk's generator
	gen_e() {
		awk -v n=$1 -v seed=$2 'BEGIN { srand(seed); for (i = 0; i < n; i++) {
		    printf "{\"e\":["; for (k = 0; k < 32; k++) { u = rand(); v = rand()
		    if (u < 1e-12) u = 1e-12
		    printf "%s%.4f", k ? "," : "", sqrt(-2 * log(u)) * cos(6.283185307179586 * v) }
		    print "]}" } }'
	}
	gen_e 10000 1 > ref.jsonl
	gen_e 8000 2 | mlw-window --count 2000 > w.jsonl
	mlw-mvdrift --ref ref.jsonl --vector e --chunk 2000 w.jsonl > in.jsonl
	mlw-mvdrift --ref ref.jsonl --vector e --chunk 2000 --thresholds cross-fit w.jsonl > cross.jsonl
	# the PCA fitted on the reference reconstructs the reference better
	# than new records of the same distribution
	[ "$(grep -c '"drift":true' in.jsonl)" -ge 3 ]
	[ "$(grep -c '"drift":false' cross.jsonl)" -eq 4 ]
	[ "$(member statistic in.jsonl)" = "$(member statistic cross.jsonl)" ]
}

@test "mmd: the statistic, the bandwidth and the seeded permutation p-values equal numpy's" {
	mlw-mvdrift $REF $F --method mmd --max-samples 100 --permutations 200 \
	    "$BATS_FILE_TMPDIR/w.jsonl" > out.jsonl
	run witness mmd
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	# p = (k + 1) / (B + 1): never 0
	! grep -q '"p_value":0[,}]' out.jsonl
	grep -q '"p_value":0.004975124378109453,' out.jsonl    # 1/201
}

@test "mmd on 5 + 5 records: the exact p-value over all 252 splits" {
	mlw-mvdrift --ref "$DATA/mv-ref5.jsonl" --vector emb --method mmd \
	    --permutations 1000 "$DATA/mv-cur5.jsonl" > out.jsonl
	run witness mmd5
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	grep -q '"permutations":252,"exact":true' out.jsonl
	# with fewer permutations than splits, a seeded sample of them
	mlw-mvdrift --ref "$DATA/mv-ref5.jsonl" --vector emb --method mmd \
	    --permutations 99 "$DATA/mv-cur5.jsonl" > out2.jsonl
	grep -q '"permutations":99,"exact":false' out2.jsonl
}

@test "classifier: the cross-validated AUC equals scikit-learn's LogisticRegression on the same folds" {
	mlw-mvdrift $REF $F --method classifier --max-samples 100 \
	    "$BATS_FILE_TMPDIR/w.jsonl" > out.jsonl
	run witness classifier 1e-6
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	grep -q '"folds":5,"degree":2,"sample":100,"ref_sample":100' out.jsonl
}

@test "meandist: the Euclidean and cosine distances of the mean embeddings" {
	mlw-mvdrift $REF --vector emb --method meandist "$BATS_FILE_TMPDIR/w.jsonl" > out.jsonl
	run witness meandist
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	mlw-mvdrift $REF --vector emb --method meandist --distance cosine \
	    --threshold 0.5 "$BATS_FILE_TMPDIR/w.jsonl" > c.jsonl
	[ "$(member distance c.jsonl)" = '"cosine" "cosine" "cosine" ' ]
	[ "$(member statistic c.jsonl)" = "$(member cosine c.jsonl)" ]
	[ "$(member drift c.jsonl)" = "true true false " ]
}

@test "a correlation-only drift: univariate mlw-drift stays quiet, pca, classifier and mmd fire" {
	gen --reference --shift correlation -n 5000 --seed 7 > ref.jsonl
	gen --shift correlation -n 4000 --drift-at 2000 --seed 3 > cur.jsonl
	mlw-window --count 1000 cur.jsonl > w.jsonl
	fields=features.age,features.tenure,features.income,features.country
	mlw-drift --ref ref.jsonl --fields $fields w.jsonl > uni.jsonl
	[ "$(grep -c '"dataset_drift":false' uni.jsonl)" -eq 4 ]
	! grep -q '"drift":true' uni.jsonl
	for m in pca classifier mmd; do
		mlw-mvdrift --ref ref.jsonl --fields $fields --method $m w.jsonl > $m.jsonl
		[ "$(member drift $m.jsonl)" = "false false true true " ] ||
		    { echo "$m"; cat $m.jsonl; false; }
	done
	# the classifier needs the pairwise products to see a correlation
	mlw-mvdrift --ref ref.jsonl --fields $fields --method classifier --degree 1 w.jsonl > lin.jsonl
	! grep -q '"drift":true' lin.jsonl
}

@test "the sample does not depend on the order of the records" {
	mlw-mvdrift $REF $F --method mmd --max-samples 50 "$DATA/mv-cur.jsonl" > a.jsonl
	tac "$DATA/mv-cur.jsonl" | mlw-mvdrift $REF $F --method mmd --max-samples 50 > b.jsonl
	cmp a.jsonl b.jsonl
	grep -q '"n":450,.*"sample":50,"ref_sample":50' a.jsonl
}

@test "repeated values are sampled record by record: unchanged integer and categorical fields do not drift" {
	# a bug: the sample's priority was a hash of the values, so equal
	# records were taken all or none, and every window drifted
	gen --reference -n 3000 --seed 1 > ref.jsonl
	gen --reference -n 20000 --seed 5 | mlw-window --count 1000 > w.jsonl
	for m in classifier mmd; do
		mlw-mvdrift --ref ref.jsonl --fields features.tenure,features.country \
		    --method $m w.jsonl > $m.jsonl
		[ "$(grep -c '"drift":false' $m.jsonl)" -ge 19 ] || { cat $m.jsonl; false; }
	done
}

@test "classifier: a unit mistake (income x 1000) is an AUC of 1, not null" {
	# a bug: Newton's method never met its step test on separated data
	gen --reference -n 4000 --seed 5 > cur.jsonl
	gen --reference -n 3000 --seed 1 > ref.jsonl
	awk 'NR > 2000 { match($0, /"income":[0-9.]*/)
	    v = substr($0, RSTART + 9, RLENGTH - 9) * 1000
	    $0 = substr($0, 1, RSTART + 8) v substr($0, RSTART + RLENGTH) } 1' cur.jsonl |
	    mlw-window --count 2000 |
	    mlw-mvdrift --ref ref.jsonl --fields features.age,features.income --method classifier > out.jsonl
	[ "$(member drift out.jsonl)" = "false true " ]
	grep -q '"statistic":1,' out.jsonl
}

@test "edge cases: a missing category before the first, every component kept, an infinite error" {
	# a bug: a null before the field's first value was a NaN category id
	printf '%s\n' '{"c":null}' '{"c":"a"}' '{"c":"b"}' '{"c":"b"}' > r1.jsonl
	printf '%s\n' '{"c":"a"}' '{"c":"b"}' '{"c":"b"}' '{"c":null}' > r2.jsonl
	echo '{"c":"b"}' > cur.jsonl
	a=$(mlw-mvdrift --ref r1.jsonl --fields c --method meandist cur.jsonl)
	b=$(mlw-mvdrift --ref r2.jsonl --fields c --method meandist cur.jsonl)
	[ "${a%%,\"ref_n*}" = "${b%%,\"ref_n*}" ]
	[[ "$a" == *'"statistic":0.125,'* ]]
	# two weakly related fields: both components kept, no verdict
	awk 'BEGIN { srand(3); for (i = 0; i < 200; i++) printf "{\"x\":%.4f,\"y\":%.4f}\n", rand(), rand() }' > r.jsonl
	run --separate-stderr mlw-mvdrift --ref r.jsonl --fields x,y r.jsonl
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"all 2 components kept (--share 0.65)"* ]]
	[[ "$output" == *'"threshold":null,"lower_threshold":null,"drift":null'* ]]
	# a record so large that its error is infinite: null, not a verdict
	echo '{"x":1e300,"y":1e300}' > big.jsonl
	mlw-mvdrift --ref r.jsonl --fields x,y --share 0.3 big.jsonl > out.jsonl
	grep -q '"statistic":null,.*"drift":null' out.jsonl
}

@test "limits: --max-samples, --degree 2 on wide vectors, a reference line over 1 MiB, a field no record has" {
	run mlw-mvdrift $REF $F --method mmd --max-samples 5001
	[ "$status" -eq 2 ]
	run mlw-mvdrift $REF $F --method classifier --max-samples 4
	[ "$status" -eq 2 ]
	[[ "$output" == *"fewer than --folds 5"* ]]
	awk 'BEGIN { for (i = 0; i < 20; i++) { printf "{\"e\":["; for (k = 0; k < 70; k++) printf "%s%d", k ? "," : "", (i * k) % 7; print "]}" } }' > wide.jsonl
	run --separate-stderr mlw-mvdrift --ref wide.jsonl --vector e --method classifier --degree 2 wide.jsonl
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--degree 2: 70 dimensions would make 2555 features; at most 64"* ]]
	{ cat "$DATA/mv-ref.jsonl"; printf '{"x":"%s"}\n' "$(head -c 1100000 /dev/zero | tr '\0' a)"; } > long.jsonl
	run --separate-stderr mlw-mvdrift --ref long.jsonl $F /dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"long.jsonl: could not be read whole"* ]]
	run --separate-stderr mlw-mvdrift $REF --fields x,y,z,cat,zz "$BATS_FILE_TMPDIR/w.jsonl"
	[ "$status" -eq 2 ]
	sed 's/"z":/"Z":/' "$BATS_FILE_TMPDIR/w.jsonl" > nz.jsonl
	run --separate-stderr mlw-mvdrift $REF $F nz.jsonl
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"z: in no input record (every value was imputed"* ]]
}

@test "--emit-state / --merge: three shards are byte for byte the single pass, for every method, with and without --by" {
	split -n l/3 "$DATA/mv-cur.jsonl" part.
	for p in part.a?; do mlw-window --time ts --size 1h "$p" > "$p.w"; done
	for m in pca mmd classifier meandist; do
		for by in "" "--by model"; do
			o="$REF $F --vector emb --method $m --max-samples 60 $by"
			mlw-mvdrift $o "$BATS_FILE_TMPDIR/w.jsonl" > single.jsonl
			for p in part.a?; do mlw-mvdrift $o --emit-state "$p.w" > "$p.st"; done
			mlw-mvdrift $o --merge part.a?.st > merged.jsonl
			cmp single.jsonl merged.jsonl || { echo "$m $by"; false; }
		done
	done
}

@test "--merge: states of other options or a cut shard are refused with nothing written" {
	mlw-mvdrift $REF $F --emit-state "$BATS_FILE_TMPDIR/w.jsonl" > a.st
	run --separate-stderr mlw-mvdrift $REF $F --share 0.8 --merge a.st
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	[[ "$stderr" == *"state made with another reference or other options"* ]]
	head -n 2 a.st > cut.st
	run --separate-stderr mlw-mvdrift $REF $F --merge cut.st
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
}

@test "a vector of the wrong length is rejected naming both lengths; the rest is counted" {
	printf '%s\n' '{"emb":[1,2,3]}' '{"emb":[1,2]}' '{"emb":[1,"x",3]}' \
	    '{"other":1}' '{"emb":[2,1,3]}' > cur.jsonl
	run --separate-stderr mlw-mvdrift --ref "$DATA/mv-ref5.jsonl" --vector emb \
	    --method meandist --rejects bad.jsonl cur.jsonl
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"cur.jsonl:2: emb: expected an array of 3 numbers, found 2"* ]]
	[[ "$stderr" == *"cur.jsonl:3: emb[1]: expected a finite number, found a string"* ]]
	[[ "$stderr" == *"cur.jsonl:4: emb: missing (expected an array of numbers)"* ]]
	[ "$(wc -l < bad.jsonl)" -eq 3 ]
	[[ "$output" == *'"n":2,'* ]]
}

@test "fields: a string in a number field is rejected; missing values are imputed; a category may be new" {
	printf '%s\n' '{"x":"high","y":1,"cat":"a"}' '{"y":1,"cat":"zzz"}' '{"x":1,"y":null}' > cur.jsonl
	run --separate-stderr mlw-mvdrift $REF $F cur.jsonl
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"cur.jsonl:1: x: expected a number, found a string"* ]]
	[[ "$output" == *'"n":2,'* ]]
	# --strict: the first reject is fatal
	run --separate-stderr mlw-mvdrift $REF $F --strict cur.jsonl
	[ "$status" -eq 2 ]
}

@test "the reference: a bad record is fatal naming its line; a string where numbers were names --categorical" {
	printf '%s\n' '{"x":1,"c":"a"}' '{"x":"big","c":"b"}' > ref.jsonl
	run --separate-stderr mlw-mvdrift --ref ref.jsonl --fields x,c /dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"ref.jsonl:2: x: a string in a field whose first reference value is a number (name it in --categorical"* ]]
	printf '%s\n' '{"x":1,"c":"a"}' '{"x":2,"c":"b"}' '{"x":' > ref.jsonl
	run --separate-stderr mlw-mvdrift --ref ref.jsonl --fields x,c /dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"ref.jsonl:3:"* ]]
	# --categorical: numbers as categories
	printf '%s\n' '{"x":1,"c":1}' '{"x":2,"c":2}' '{"x":3,"c":1}' '{"x":4,"c":2}' > ref.jsonl
	printf '%s\n' '{"x":1,"c":"1"}' > cur.jsonl
	mlw-mvdrift --ref ref.jsonl --fields x,c --categorical c --method meandist cur.jsonl > out.jsonl
	grep -q '"n":1,' out.jsonl
	run mlw-mvdrift --ref ref.jsonl --fields x --categorical c /dev/null
	[ "$status" -eq 2 ]
	[[ "$output" == *"--categorical: c is not one of --fields"* ]]
}

@test "--by: a model with no part in the reference is rejected once, or compared with the whole under --ref-fallback all" {
	grep '"model":"m1"' "$DATA/mv-ref.jsonl" > ref1.jsonl
	run --separate-stderr mlw-mvdrift --ref ref1.jsonl $F --by model "$BATS_FILE_TMPDIR/w.jsonl"
	[ "$status" -eq 1 ]
	[ "$(grep -c 'has no part in the reference' <<< "$stderr")" -eq 1 ]
	[ "$(wc -l <<< "$output")" -eq 3 ]
	mlw-mvdrift --ref ref1.jsonl $F --by model --ref-fallback all "$BATS_FILE_TMPDIR/w.jsonl" > out.jsonl
	[ "$(grep -c '"segment":"model=m2"' out.jsonl)" -eq 3 ]
}

@test "usage errors exit 2 and say what to do" {
	run mlw-mvdrift $F
	[ "$status" -eq 2 ]
	[[ "$output" == *"--ref is required"* ]]
	run mlw-mvdrift $REF
	[ "$status" -eq 2 ]
	[[ "$output" == *"--fields, --vector or both"* ]]
	run mlw-mvdrift $REF $F --threshold 2
	[ "$status" -eq 2 ]
	[[ "$output" == *"--threshold applies to classifier and meandist"* ]]
	run mlw-mvdrift $REF $F --distance cosine
	[ "$status" -eq 2 ]
	run mlw-mvdrift $REF $F --method mmd --thresholds cross-fit
	[ "$status" -eq 2 ]
	[[ "$output" == *"--thresholds applies to --method pca"* ]]
	run mlw-mvdrift $REF $F --method nope
	[ "$status" -eq 2 ]
	run mlw-mvdrift $REF $F --share 1
	[ "$status" -eq 2 ]
	run mlw-mvdrift $REF $F --emit-state --merge
	[ "$status" -eq 2 ]
	run mlw-mvdrift $REF --fields x,x
	[ "$status" -eq 2 ]
	[[ "$output" == *"x is given twice"* ]]
	run mlw-mvdrift --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"--method pca|mmd|classifier|meandist"* ]]
}

@test "a window closes as soon as mlw-window says so: the first result before the input ends" {
	mkfifo in.fifo
	mlw-mvdrift $REF $F < in.fifo > out.jsonl &
	pid=$!
	exec 7> in.fifo
	sed -n '1,/"mlw":"window_close"/p' "$BATS_FILE_TMPDIR/w.jsonl" >&7
	for i in $(seq 50); do [ -s out.jsonl ] && break; sleep 0.1; done
	[ "$(wc -l < out.jsonl)" -eq 1 ]
	awk 'seen; /"mlw":"window_close"/ { seen = 1 }' "$BATS_FILE_TMPDIR/w.jsonl" >&7
	exec 7>&-
	wait $pid
	[ "$(wc -l < out.jsonl)" -eq 3 ]
}
