# Compare mlw-drift output (second file) with a witness (first file), line by
# line: the same window, feature and method, and statistic and p_value both
# null or equal to a relative tolerance (stat_tol, p_tol; an absolute 1e-12
# near zero). Prints each disagreement and exits 1 if there was one.
function val(s, key,    m) {
	if (!match(s, "\"" key "\": ?[^,}]*"))
		return "absent"
	m = substr(s, RSTART, RLENGTH)
	sub(/^"[a-z_]*": ?/, "", m)
	return m
}
function far(a, b, tol,    d, s) {
	if (a == "null" || b == "null")
		return a != b
	a += 0; b += 0
	d = a - b; if (d < 0) d = -d
	s = a < 0 ? -a : a
	if ((b < 0 ? -b : b) > s) s = b < 0 ? -b : b
	return d > tol * s && d > 1e-12
}
FNR == NR { w[FNR] = $0; nw = FNR; next }
{
	n++
	if (!(n in w)) { print "extra line " n ": " $0; bad = 1; next }
	if (val(w[n], "window_start") != val($0, "window_start") ||
	    val(w[n], "feature") != val($0, "feature") ||
	    val(w[n], "method") != val($0, "method")) {
		print "line " n ": witness " w[n] " but mlw-drift " $0; bad = 1
		next
	}
	if (far(val(w[n], "statistic"), val($0, "statistic"), stat_tol) ||
	    far(val(w[n], "p_value"), val($0, "p_value"), p_tol)) {
		print "line " n ": witness " w[n]; print "   mlw-drift " $0; bad = 1
	}
}
END {
	if (n != nw) { print "witness has " nw " lines, mlw-drift " n; bad = 1 }
	exit bad
}
