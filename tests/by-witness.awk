# Compare the --by output of one program (second file) with the lines of
# tests/data/by-expect.tsv for it (first file, as written by
# tests/data/witness-by.py): PROGRAM WINDOW SEGMENT FIELD STAT VALUE, tab
# separated. Each output record gives its window, its segment, its field
# (the feature, or for mlw-bias the group's value, "-" for the summary) and
# every STAT the witness has for that key; each must equal the witness to a
# relative 1e-12, or tol= (prog= names the program; field= the member that names
# the field, for programs other than the four; true, false and null must
# be equal, and a difference of two checked numbers agree to 1e-12). Prints each disagreement, every
# witness line the output lacks, and exits 1 if there was one.
function val(s, key,    m) {
	if (!match(s, "\"" key "\":(\"[^\"]*\"|[^,}\"]*)"))
		return ""
	m = substr(s, RSTART + length(key) + 3, RLENGTH - length(key) - 3)
	gsub(/"/, "", m)
	return m
}
function far(a, b, stat,    d, s) {
	if (b !~ /^-?[0-9]/)            # true, false, null: as they are
		return a != b
	if (a == "" || a == "null")
		return 1
	a += 0; b += 0
	d = a - b; if (d < 0) d = -d
	s = b < 0 ? -b : b
	if (stat == "difference" && s < 1)
		s = 1                   # a difference of two numbers checked
	return d > (tol == "" ? 1e-12 : tol) * s
}
BEGIN { FS = "\t" }
FNR == NR {
	if ($1 != prog)
		next
	k = $2 SUBSEP $3 SUBSEP $4
	want[k, $5] = $6
	stats[k] = stats[k] " " $5
	nwant++
	next
}
{
	f = val($0, field == "" ? "feature" : field)
	if (field != "")
		;
	else if (f == "" && index($0, "\"pairwise\":"))
		f = "-"                 # mlw-bias's summary of the groups
	else if (f == "")
		f = val($0, "value")
	k = val($0, "window_start") SUBSEP val($0, "segment") SUBSEP f
	if (!(k in stats))
		next
	ns = split(stats[k], s, " ")
	for (i = 1; i <= ns; i++) {
		got = val($0, s[i])
		if (far(got, want[k, s[i]], s[i])) {
			print prog ": " s[i] " " got ", witness " want[k, s[i]] \
			    " in " $0
			bad = 1
		}
		seen[k, s[i]] = 1
		nseen++
	}
}
END {
	for (ks in want)
		if (!(ks in seen)) {
			split(ks, p, SUBSEP)
			print prog ": no " p[4] " for window " p[1] ", segment " \
			    p[2] ", " p[3]
			bad = 1
		}
	if (nwant == 0) { print prog ": no witness lines"; bad = 1 }
	exit bad
}
