package matrix

import (
	"strings"
	"testing"
)

// Cases from node-semver's own tests of ranges, which npm applies to
// engines.node.
var nodeRangeCases = []struct {
	rng, version string
	want         bool
}{
	{"1.0.0 - 2.0.0", "1.2.3", true},
	{"1.0.0 - 2.0.0", "2.2.3", false},
	{"1.2.3-pre+asdf - 2.4.3-pre+asdf", "1.2.3", true},
	{"1.2.3-pre+asdf - 2.4.3-pre+asdf", "1.2.3-pre.2", true},
	{"1.2.3-pre+asdf - 2.4.3-pre+asdf", "2.4.3-alpha", true},
	{"1.2.3+asdf - 2.4.3+asdf", "1.2.3", true},
	{"1.2.3+asdf - 2.4.3+asdf", "1.2.3-pre.2", false},
	{"1.2.3+asdf - 2.4.3+asdf", "2.4.3-alpha", false},
	{"^1.2.3+build", "1.2.3", true},
	{"^1.2.3+build", "1.3.0", true},
	{"^1.2.3+build", "2.0.0", false},
	{"^1.2.3+build", "1.2.0", false},
	{"1.0.0", "1.0.0", true},
	{"1.0.0", "1.0.1", false},
	{">=*", "0.2.4", true},
	{"", "1.0.0", true},
	{"*", "1.2.3", true},
	{"*", "v1.2.3-foo", false},
	{"<*", "0.0.0", false},
	{">=1.0.0", "1.0.0", true},
	{">=1.0.0", "1.1.0", true},
	{">=1.0.0", "0.1.0", false},
	{">1.0.0", "1.0.1", true},
	{">1.0.0", "1.0.0", false},
	{"<=2.0.0", "2.0.0", true},
	{"<=2.0.0", "1.9999.9999", true},
	{"<=2.0.0", "2.2.9", false},
	{"<2.0.0", "0.2.9", true},
	{"<2.0.0", "2.0.0", false},
	{">= 1.0.0", "1.0.0", true},
	{">=  1.0.0", "1.0.1", true},
	{">    1.0.0", "1.0.1", true},
	{"<=   2.0.0", "2.0.0", true},
	{"<    2.0.0", "0.2.9", true},
	{">=0.1.97", "v0.1.97", true},
	{">=0.1.97", "v0.1.93", false},
	{"0.1.20 || 1.2.4", "1.2.4", true},
	{"0.1.20 || 1.2.4", "1.2.3", false},
	{">=0.2.3 || <0.0.1", "0.0.0", true},
	{">=0.2.3 || <0.0.1", "0.2.4", true},
	{">=0.2.3 || <0.0.1", "0.0.3", false},
	{"||", "1.3.4", true},
	{"2.x.x", "2.1.3", true},
	{"2.x.x", "1.1.3", false},
	{"2.x.x", "3.1.3", false},
	{"1.2.x", "1.2.3", true},
	{"1.2.x", "1.3.3", false},
	{"1.2.x || 2.x", "2.1.3", true},
	{"1.2.x || 2.x", "1.2.3", true},
	{"1.2.x || 2.x", "3.1.3", false},
	{"x", "1.2.3", true},
	{"2.*.*", "2.1.3", true},
	{"1.2.* || 2.*", "2.1.3", true},
	{"2", "2.1.2", true},
	{"2", "1.1.2", false},
	{"2.3", "2.3.1", true},
	{"2.3", "2.4.1", false},
	{"~0.0.1", "0.0.2", true},
	{"~0.0.1", "0.1.0", false},
	{"~x", "0.0.9", true},
	{"~2", "2.0.9", true},
	{"~2.4", "2.4.5", true},
	{"~2.4", "2.5.0", false},
	{"~2.4", "2.3.9", false},
	{"~>3.2.1", "3.2.2", true},
	{"~>3.2.1", "3.3.2", false},
	{"~>3.2.1", "3.2.0", false},
	{"~1", "1.2.3", true},
	{"~1", "0.2.3", false},
	{"~> 1", "1.2.3", true},
	{"~>1", "2.2.3", false},
	{"~1.0", "1.0.2", true},
	{"~ 1.0", "1.0.2", true},
	{"~ 1.0.3", "1.0.12", true},
	{"~1.0", "1.1.0", false},
	{">=1", "1.0.0", true},
	{">= 1", "1.0.0", true},
	{"<1.2", "1.1.1", true},
	{"< 1.2", "1.1.1", true},
	{"<1", "1.0.0", false},
	{"~v0.5.4-pre", "0.5.5", true},
	{"~v0.5.4-pre", "0.5.4", true},
	{"~v0.5.4-beta", "0.5.4-alpha", false},
	{"=0.7.x", "0.7.2", true},
	{"=0.7.x", "0.8.2", false},
	{"=0.7.x", "0.7.0-asdf", false},
	{"<=0.7.x", "0.7.2", true},
	{"<=0.7.x", "0.6.2", true},
	{">=0.7.x", "0.7.2", true},
	{">=0.7.x", "0.6.2", false},
	{"<0.7.x", "0.7.2", false},
	{"~1.2.1 >=1.2.3", "1.2.3", true},
	{"~1.2.1 =1.2.3", "1.2.3", true},
	{"~1.2.1 1.2.3", "1.2.3", true},
	{"~1.2.1 >=1.2.3 1.2.3", "1.2.3", true},
	{">=1.2.1 1.2.3", "1.2.3", true},
	{">=1.2.3 >=1.2.1", "1.2.3", true},
	{">=1.2", "1.2.8", true},
	{">=1.2", "1.1.1", false},
	{">1.2", "1.2.8", false},
	{">1.2", "1.3.0", true},
	{">1.2", "1.3.0-beta", false},
	{"<=1.2.3", "1.2.3-beta", false},
	{"<1.2.3", "1.2.3-beta", false},
	{"=1.2.3", "1.2.3-beta", false},
	{"^1.2.3", "1.8.1", true},
	{"^1.2.3", "1.2.3-pre", false},
	{"^1.2.3", "1.2.2", false},
	{"^1.2.3", "2.0.0-alpha", false},
	{"^0.1.2", "0.1.2", true},
	{"^0.1", "0.1.2", true},
	{"^0.1", "0.2.0", false},
	{"^0.0.1", "0.0.1", true},
	{"^0.0.1", "0.0.2", false},
	{"^0", "0.9.9", true},
	{"^0", "1.0.0", false},
	{"^0.0", "0.0.9", true},
	{"^0.0", "0.1.0", false},
	{"^1.2", "1.4.2", true},
	{"^1.2", "1.1.9", false},
	{"^1.2", "1.2.0-pre", false},
	{"^1.2 ^1", "1.4.2", true},
	{"^1.2.3-alpha", "1.2.3-pre", true},
	{"^1.2.0-alpha", "1.2.0-pre", true},
	{"^0.0.1-alpha", "0.0.1-beta", true},
	{"^0.0.1-alpha", "0.0.1", true},
	{"^0.1.1-alpha", "0.1.1-beta", true},
	{"^x", "1.2.3", true},
	{"^1.0.0", "2.0.0-rc1", false},
	{"x - 1.0.0", "0.9.7", true},
	{"x - 1.x", "0.9.7", true},
	{"1.0.0 - x", "1.9.7", true},
	{"1.x - x", "1.9.7", true},
	{"1 - 2", "2.9.9", true},
	{"1 - 2", "3.0.0", false},
	{"1 - 2", "2.0.0-pre", false},
	{"1.0 - 2", "1.0.0-pre", false},
	{"<=7.x", "7.9.9", true},
	{"1.1.x", "1.1.0-a", false},
	{">=1.0.0 <1.1.0", "1.1.0", false},
	{">=1.0.0 <1.1.0-pre", "1.1.0-pre", false},
	{">=1.0.0-alpha.1 <1.0.0-alpha.10", "1.0.0-alpha.9", true},
	{">=1.0.0-alpha.1 <1.0.0-alpha.10", "1.0.0-alpha.beta", false},
	{">=1.0.0-alpha <1.0.0-alpha.1", "1.0.0-alpha.0", true},
	// What engines.node of Serverless releases and their peers say.
	{">=12.0", "v20.18.1", true},
	{">=18.0.0", "v16.20.2", false},
	{"^18 || >=20", "v19.9.0", false},
	{"^18 || >=20", "v18.20.4", true},
	{"^14.17.0 || ^16.10.0 || >=17.0.0", "v16.9.1", false},
	{">= 14.18.0 < 15 || >= 16", "v14.21.3", true},
}

func TestNodeRange(t *testing.T) {
	for _, tt := range nodeRangeCases {
		r, err := parseNodeRange(tt.rng)
		if err != nil {
			t.Errorf("parseNodeRange(%q): %v", tt.rng, err)
			continue
		}
		v, err := parseSemver(tt.version)
		if err != nil {
			t.Errorf("parseSemver(%q): %v", tt.version, err)
			continue
		}
		if got := r.satisfiedBy(v); got != tt.want {
			t.Errorf("%q satisfies %q = %v, want %v", tt.version, tt.rng, got, tt.want)
		}
	}
}

func TestNodeRangeInvalid(t *testing.T) {
	for _, rng := range []string{
		"node 20 please",
		">=",
		">= 1.2.3 <",
		"1.2.3 -",
		"1.2.3.4",
		">=01.2.3",
		"1.2.3-",
		"1.2.3-01",
		"1.2.3+",
		"1.2-beta",
		"^1.2.3 || >=x.y",
		"1.2.3 - 2.3.4 - 5",
		"99999999999999999999",
		"9007199254740992",
		"latest",
	} {
		if r, err := parseNodeRange(rng); err == nil {
			t.Errorf("parseNodeRange(%q) = %v, want an error", rng, r)
		}
	}
}

func TestParseSemver(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want semver
		ok   bool
	}{
		{"v20.18.1", semver{20, 18, 1, nil}, true},
		{"1.2.3-rc.1+build.5", semver{1, 2, 3, []string{"rc", "1"}}, true},
		{" 1.2.3 ", semver{1, 2, 3, nil}, true},
		{"1.2", semver{}, false},
		{"1.2.x", semver{}, false},
		{"1.2.3.4", semver{}, false},
		{"01.2.3", semver{}, false},
		{"", semver{}, false},
	} {
		got, err := parseSemver(tt.in)
		if (err == nil) != tt.ok || tt.ok && got.compare(tt.want) != 0 {
			t.Errorf("parseSemver(%q) = %v, %v, want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

// Versions in ascending order of precedence, from the SemVer specification.
func TestSemverOrder(t *testing.T) {
	order := []string{"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0"}
	for i := range order {
		for j := range order {
			a, err1 := parseSemver(order[i])
			b, err2 := parseSemver(order[j])
			if err1 != nil || err2 != nil {
				t.Fatalf("parseSemver: %v, %v", err1, err2)
			}
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := a.compare(b); got != want {
				t.Errorf("compare(%s, %s) = %d, want %d", order[i], order[j], got, want)
			}
		}
	}
}

// Any range npm might answer, a hostile one included, is read without a
// panic; and every version satisfies the ranges it is the floor of.
func FuzzNodeRange(f *testing.F) {
	for _, tt := range nodeRangeCases {
		f.Add(tt.rng, tt.version)
	}
	f.Fuzz(func(t *testing.T, rng, version string) {
		if r, err := parseNodeRange(rng); err == nil {
			if v, err := parseSemver(version); err == nil {
				r.satisfiedBy(v)
			}
		}
		v, err := parseSemver(version)
		if err != nil {
			return
		}
		if v.compare(v) != 0 {
			t.Fatalf("compare(%q, itself) != 0", version)
		}
		core := strings.TrimPrefix(strings.TrimSpace(version), "v")
		for _, op := range []string{"", "=", ">=", "<=", "^", "~"} {
			r, err := parseNodeRange(op + core)
			if err != nil {
				t.Fatalf("parseNodeRange(%q): %v, but %q is a version", op+core, err, version)
			}
			if !r.satisfiedBy(v) {
				t.Errorf("%q does not satisfy %q", version, op+core)
			}
		}
		for _, op := range []string{"<", ">"} {
			if r, err := parseNodeRange(op + core); err != nil || r.satisfiedBy(v) {
				t.Errorf("%q satisfies %q (%v), want not", version, op+core, err)
			}
		}
	})
}
