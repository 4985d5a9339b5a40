package matrix

// Lint applies the rules that need no image (the static rules) to every
// pair of f, with the severities of f's policy. Findings are sorted by
// position.
func Lint(f *File) []Finding {
	var out []Finding
	for _, p := range f.Pairs {
		out = append(out, run(&check{file: f, pair: p}, func(r Rule) bool { return r.Static })...)
	}
	SortFindings(out)
	return out
}
