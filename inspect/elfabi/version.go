package elfabi

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// Split splits a version name into its prefix and the dotted number that
// ends it: "GLIBCXX_3.4.30" gives "GLIBCXX_", [3 4 30], true and
// "CXXABI_TM_1" gives "CXXABI_TM_", [1], true. A name that does not end in
// a dotted number, such as "GLIBC_PRIVATE", gives ok=false with the prefix
// up to and including its last '_' ("GLIBC_").
func Split(name string) (prefix string, nums []int, ok bool) {
	prefix, tail, ok := cut(name)
	if !ok {
		return prefix, nil, false
	}
	for part := range strings.SplitSeq(tail, ".") {
		n, _ := strconv.Atoi(part) // cut checked every part
		nums = append(nums, n)
	}
	return prefix, nums, true
}

// cut is Split without the numbers: the prefix and the dotted number that
// ends name, or the prefix up to its last '_' and ok=false. It allocates
// nothing, for Compare and Max, which the rules call for every version
// name of every library.
func cut(name string) (prefix, tail string, ok bool) {
	i := len(name)
	for i > 0 && (isDigit(name[i-1]) || name[i-1] == '.') {
		i--
	}
	for i < len(name) && name[i] == '.' {
		i++
	}
	if i == len(name) {
		return name[:strings.LastIndexByte(name, '_')+1], "", false
	}
	for part := range strings.SplitSeq(name[i:], ".") {
		if _, err := strconv.Atoi(part); err != nil {
			return name[:strings.LastIndexByte(name, '_')+1], "", false
		}
	}
	return name[:i], name[i:], true
}

// compareDotted compares two dotted numbers that cut accepted, part by
// part; a number that is a prefix of the other is the smaller.
func compareDotted(a, b string) int {
	for a != "" && b != "" {
		var pa, pb string
		pa, a, _ = strings.Cut(a, ".")
		pb, b, _ = strings.Cut(b, ".")
		na, _ := strconv.Atoi(pa)
		nb, _ := strconv.Atoi(pb)
		if c := cmp.Compare(na, nb); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a), len(b))
}

// Compare orders version names. Names with the same prefix that both end
// in a dotted number compare numerically (GLIBCXX_3.4.9 < GLIBCXX_3.4.30);
// within a prefix a numeric name comes before a non-numeric one; all other
// pairs, and numerically equal names, compare as strings.
func Compare(a, b string) int {
	pa, ta, oka := cut(a)
	pb, tb, okb := cut(b)
	if pa == pb {
		switch {
		case oka && okb:
			if c := compareDotted(ta, tb); c != 0 {
				return c
			}
		case oka:
			return -1
		case okb:
			return 1
		}
	}
	return strings.Compare(a, b)
}

// Less reports whether version name a sorts before b under Compare.
func Less(a, b string) bool {
	return Compare(a, b) < 0
}

// Max returns the highest of the names whose prefix is exactly prefix and
// which end in a dotted number, or "" if there is none. With prefix
// "CXXABI_", "CXXABI_1.3.11" counts but "CXXABI_TM_1" and
// "CXXABI_FLOAT128" do not.
func Max(names []string, prefix string) string {
	best := ""
	for _, n := range names {
		p, _, ok := cut(n)
		if !ok || p != prefix {
			continue
		}
		if best == "" || Compare(n, best) > 0 {
			best = n
		}
	}
	return best
}

// maxMissingScan is the most comparisons Missing makes by searching the
// defined versions one need at a time.
const maxMissingScan = 4096

// Missing returns the names of the non-weak needs that defines lacks,
// sorted by Less and without duplicates. Like the glibc loader it checks
// set membership, not order: a library defining GLIBC_2.28 but not
// GLIBC_2.27 does not satisfy a need for GLIBC_2.27.
func Missing(needs []Need, defines []string) []string {
	// A library defines a few dozen versions and an object needs a few of
	// them: searching the list is cheaper than building a set. Larger
	// tables, hostile ones included, get the set.
	have := func(name string) bool { return slices.Contains(defines, name) }
	if len(needs)*len(defines) > maxMissingScan {
		set := make(map[string]bool, len(defines))
		for _, d := range defines {
			set[d] = true
		}
		have = func(name string) bool { return set[name] }
	}
	var out []string
	for _, n := range needs {
		if !n.Weak && !have(n.Name) && !slices.Contains(out, n.Name) {
			out = append(out, n.Name)
		}
	}
	slices.SortFunc(out, Compare)
	return out
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
