package matrix

import "slices"

// Lint applies the rules that need no image (the static rules) to every
// pair of f, with the severities of f's policy. Findings are sorted by
// position. A reference several pairs share through a YAML alias is judged
// once: the same finding at the same place is reported once.
func Lint(f *File) []Finding {
	var out []Finding
	for _, p := range f.Pairs {
		out = append(out, run(&check{file: f, pair: p}, func(r Rule) bool { return r.Static })...)
	}
	SortFindings(out)
	return slices.CompactFunc(out, func(a, b Finding) bool {
		return a.Pos == b.Pos && a.Rule == b.Rule && a.Message == b.Message
	})
}
