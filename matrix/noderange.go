package matrix

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// This file reads the version ranges of package.json's engines field as npm
// does (node-semver: comparators, x-ranges, ~, ^, hyphen ranges and ||), to
// tell whether a node version satisfies one.

// semver is a semantic version; build metadata is dropped.
type semver struct {
	major, minor, patch uint64
	pre                 []string // prerelease identifiers; nil for a release
}

// maxSemverNumber is the largest number node-semver accepts in a version
// (JavaScript's largest safe integer).
const maxSemverNumber = 1<<53 - 1

// parseSemver reads a full version, such as "20.18.1" or "v1.2.3-rc.1+b5".
func parseSemver(s string) (semver, error) {
	p, err := parsePartial(strings.TrimPrefix(strings.TrimSpace(s), "v"))
	if err != nil {
		return semver{}, err
	}
	if p.wild < 3 {
		return semver{}, fmt.Errorf("%q is not a full version", s)
	}
	return p.v, nil
}

func (a semver) compare(b semver) int {
	if c := cmp.Compare(a.major, b.major); c != 0 {
		return c
	}
	if c := cmp.Compare(a.minor, b.minor); c != 0 {
		return c
	}
	if c := cmp.Compare(a.patch, b.patch); c != 0 {
		return c
	}
	switch {
	case a.pre == nil && b.pre == nil:
		return 0
	case a.pre == nil:
		return 1 // a release comes after its prereleases
	case b.pre == nil:
		return -1
	}
	for i := 0; i < len(a.pre) && i < len(b.pre); i++ {
		if c := comparePrerelease(a.pre[i], b.pre[i]); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a.pre), len(b.pre))
}

// comparePrerelease orders two prerelease identifiers: numeric ones by
// value and before alphanumeric ones, which are in ASCII order.
func comparePrerelease(a, b string) int {
	na, aerr := strconv.ParseUint(a, 10, 64)
	nb, berr := strconv.ParseUint(b, 10, 64)
	switch {
	case aerr == nil && berr == nil:
		return cmp.Compare(na, nb)
	case aerr == nil:
		return -1
	case berr == nil:
		return 1
	}
	return strings.Compare(a, b)
}

// partial is a version of which the minor and patch may be missing or
// wildcards ("x", "X", "*"): "1", "1.2.x", "*".
type partial struct {
	v    semver
	wild int // components before the first wildcard or missing one, 0 to 3
}

func parsePartial(s string) (partial, error) {
	if s == "" {
		return partial{}, errors.New("empty version")
	}
	core, build, hasBuild := strings.Cut(s, "+")
	core, pre, hasPre := strings.Cut(core, "-")
	fields := strings.Split(core, ".")
	if len(fields) > 3 {
		return partial{}, fmt.Errorf("%q has more than three components", s)
	}
	p := partial{wild: len(fields)}
	nums := []*uint64{&p.v.major, &p.v.minor, &p.v.patch}
	for i, f := range fields {
		if f == "x" || f == "X" || f == "*" {
			p.wild = min(p.wild, i)
			continue
		}
		n, err := semverNumber(f)
		if err != nil {
			return partial{}, fmt.Errorf("%q: %w", s, err)
		}
		*nums[i] = n
	}
	if (hasPre || hasBuild) && p.wild < 3 {
		return partial{}, fmt.Errorf("%q: a prerelease or build needs a full version", s)
	}
	if hasPre {
		p.v.pre = strings.Split(pre, ".")
		for _, id := range p.v.pre {
			if !validIdentifier(id) || len(id) > 1 && id[0] == '0' && isNumeric(id) {
				return partial{}, fmt.Errorf("%q: bad prerelease identifier %q", s, id)
			}
		}
	}
	if hasBuild {
		for _, id := range strings.Split(build, ".") {
			if !validIdentifier(id) {
				return partial{}, fmt.Errorf("%q: bad build identifier %q", s, id)
			}
		}
	}
	return p, nil
}

func semverNumber(f string) (uint64, error) {
	if !isNumeric(f) || len(f) > 1 && f[0] == '0' {
		return 0, fmt.Errorf("%q is not a version number", f)
	}
	n, err := strconv.ParseUint(f, 10, 64)
	if err != nil || n > maxSemverNumber {
		return 0, fmt.Errorf("%q is too large", f)
	}
	return n, nil
}

func isNumeric(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

func validIdentifier(s string) bool {
	return s != "" && strings.Trim(s, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-") == ""
}

// comparator is one bound of a range: op is "<", "<=", ">", ">=" or "=".
type comparator struct {
	op string
	v  semver
}

func (c comparator) matches(v semver) bool {
	d := v.compare(c.v)
	switch c.op {
	case "<":
		return d < 0
	case "<=":
		return d <= 0
	case ">":
		return d > 0
	case ">=":
		return d >= 0
	}
	return d == 0
}

// nodeRange is a range of versions: any of its sets, each the versions
// every comparator of the set matches. A set without comparators matches
// every version.
type nodeRange [][]comparator

// parseNodeRange reads a range as npm does, e.g. ">=12.0", "^18 || >=20",
// "1.2 - 2", "~16.14.x".
func parseNodeRange(s string) (nodeRange, error) {
	var r nodeRange
	for _, set := range strings.Split(s, "||") {
		cs, err := parseComparatorSet(set)
		if err != nil {
			return nil, fmt.Errorf("range %q: %w", s, err)
		}
		r = append(r, cs)
	}
	return r, nil
}

// satisfiedBy reports whether v is in the range. As in npm, a prerelease
// is only in a set that names a prerelease of the same major.minor.patch.
func (r nodeRange) satisfiedBy(v semver) bool {
	for _, set := range r {
		if setMatches(set, v) {
			return true
		}
	}
	return false
}

func setMatches(set []comparator, v semver) bool {
	for _, c := range set {
		if !c.matches(v) {
			return false
		}
	}
	if v.pre == nil {
		return true
	}
	return slices.ContainsFunc(set, func(c comparator) bool {
		return c.v.pre != nil && c.v.major == v.major && c.v.minor == v.minor && c.v.patch == v.patch
	})
}

// rangeOperators are the prefixes of a comparator, longest first.
var rangeOperators = []string{">=", "<=", "~>", ">", "<", "=", "~", "^"}

// parseComparatorSet reads the comparators of one side of "||".
func parseComparatorSet(s string) ([]comparator, error) {
	fields := strings.Fields(s)
	if len(fields) == 3 && fields[1] == "-" {
		return hyphenRange(fields[0], fields[2])
	}
	// An operator may stand apart from its version: ">= 1.2.3".
	var tokens []string
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		if slices.Contains(rangeOperators, f) && i+1 < len(fields) {
			i++
			f += fields[i]
		}
		tokens = append(tokens, f)
	}
	var out []comparator
	for _, t := range tokens {
		cs, err := parsePrimitive(t)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	return out, nil
}

// parsePrimitive turns one comparator as written into plain comparators.
func parsePrimitive(t string) ([]comparator, error) {
	op := ""
	for _, o := range rangeOperators {
		if strings.HasPrefix(t, o) {
			op = o
			break
		}
	}
	p, err := parsePartial(strings.TrimLeft(t[len(op):], "=v"))
	if err != nil {
		return nil, fmt.Errorf("comparator %q: %w", t, err)
	}
	switch op {
	case "~", "~>":
		return tildeRange(p), nil
	case "^":
		return caretRange(p), nil
	}
	return xRange(op, p), nil
}

// floor is the smallest version of a partial with minor and patch from
// where the wildcards begin set to 0.
func (p partial) floor() semver {
	v := p.v
	if p.wild < 2 {
		v.minor = 0
	}
	if p.wild < 3 {
		v.patch = 0
	}
	return v
}

// below is the bound "<major.minor.patch-0": under every prerelease of it.
func below(major, minor, patch uint64) comparator {
	return comparator{"<", semver{major, minor, patch, []string{"0"}}}
}

func tildeRange(p partial) []comparator {
	v := p.floor()
	switch p.wild {
	case 0:
		return nil
	case 1:
		return []comparator{{">=", v}, below(v.major+1, 0, 0)}
	}
	return []comparator{{">=", v}, below(v.major, v.minor+1, 0)}
}

func caretRange(p partial) []comparator {
	v := p.floor()
	switch {
	case p.wild == 0:
		return nil
	case p.wild == 1 || v.major != 0:
		return []comparator{{">=", v}, below(v.major+1, 0, 0)}
	case p.wild == 2 || v.minor != 0:
		return []comparator{{">=", v}, below(0, v.minor+1, 0)}
	}
	return []comparator{{">=", v}, below(0, 0, v.patch+1)}
}

func xRange(op string, p partial) []comparator {
	v := p.floor()
	if p.wild == 3 {
		if op == "" {
			op = "="
		}
		return []comparator{{op, v}}
	}
	if op == "=" {
		op = ""
	}
	if p.wild == 0 {
		if op == "<" || op == ">" {
			return []comparator{below(0, 0, 0)} // nothing
		}
		return nil
	}
	switch op {
	case ">", "<=":
		// Past every version the partial covers: >1.2 is >=1.3.0, <=1.2
		// is <1.3.0-0.
		if p.wild == 1 {
			v = semver{major: v.major + 1}
		} else {
			v = semver{major: v.major, minor: v.minor + 1}
		}
		if op == ">" {
			return []comparator{{">=", v}}
		}
		return []comparator{below(v.major, v.minor, v.patch)}
	case "<":
		return []comparator{below(v.major, v.minor, v.patch)}
	case ">=":
		return []comparator{{">=", v}}
	}
	if p.wild == 1 {
		return []comparator{{">=", v}, below(v.major+1, 0, 0)}
	}
	return []comparator{{">=", v}, below(v.major, v.minor+1, 0)}
}

func hyphenRange(from, to string) ([]comparator, error) {
	lo, err := parsePartial(strings.TrimLeft(from, "=v"))
	if err != nil {
		return nil, err
	}
	hi, err := parsePartial(strings.TrimLeft(to, "=v"))
	if err != nil {
		return nil, err
	}
	var out []comparator
	if lo.wild > 0 {
		out = append(out, comparator{">=", lo.floor()})
	}
	switch hi.wild {
	case 0:
	case 1:
		out = append(out, below(hi.v.major+1, 0, 0))
	case 2:
		out = append(out, below(hi.v.major, hi.v.minor+1, 0))
	default:
		out = append(out, comparator{"<=", hi.v})
	}
	return out, nil
}
