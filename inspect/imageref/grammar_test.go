package imageref

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// grammarSamples returns strings near the edges of the grammars: for every
// length up to 130, strings of bytes most grammars allow, the same with
// one byte (often the first) replaced by one they may refuse, plus hex
// digests with one byte changed.
func grammarSamples() []string {
	const (
		common = "abcXYZ019_"
		edge   = "aZ09_.-+:/@ \x00\xffG"
	)
	r := rand.New(rand.NewPCG(1, 2))
	var out []string
	for n := 0; n <= 130; n++ {
		for range 20 {
			b := make([]byte, n)
			for i := range b {
				b[i] = common[r.IntN(len(common))]
			}
			out = append(out, string(b))
			if n == 0 {
				continue
			}
			i := r.IntN(n)
			if r.IntN(3) == 0 {
				i = 0
			}
			b[i] = edge[r.IntN(len(edge))]
			out = append(out, string(b))
		}
	}
	hex := strings.Repeat("0123456789abcdef", 4)
	for i := range len(hex) + 1 {
		for _, c := range []string{"", "A", "g", "0"} {
			out = append(out, hex[:i]+c+hex[i:], "sha256:"+hex[:i]+c+hex[min(i+1, len(hex)):], "sha512:"+hex)
		}
	}
	return out
}

// The hand-written checks accept exactly what the regular expressions of
// the grammars they implement accept.
func TestGrammarsAgreeWithTheirRegexps(t *testing.T) {
	for _, g := range []struct {
		name  string
		re    *regexp.Regexp
		check func(string) bool
	}{
		{"ValidTag", regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`), ValidTag},
		{"ValidDigest", regexp.MustCompile(`^sha256:[0-9a-f]{64}$`), ValidDigest},
		{"IsSHA256Hex", regexp.MustCompile(`^[0-9a-f]{64}$`), IsSHA256Hex},
	} {
		accepted := 0
		for _, s := range grammarSamples() {
			want := g.re.MatchString(s)
			if got := g.check(s); got != want {
				t.Errorf("%s(%q) = %v, want %v", g.name, s, got, want)
			}
			if want {
				accepted++
			}
		}
		if accepted == 0 {
			t.Errorf("%s: no sample is accepted; the samples do not test it", g.name)
		}
	}
}
