package matrix

import (
	"regexp"
	"strings"
	"testing"
)

// The hand-written checks of ids and references accept exactly what the
// grammars they implement accept.
func TestNameGrammars(t *testing.T) {
	long := strings.Repeat("a", 127)
	samples := []string{
		"", "a", "A", "_", "0", "9a", ".a", "-a", "a.b", "a-b", "a_b", "a b", "a/b", "a:b", "a+b", "é", "a\x00",
		long, long + "b", long + "bc", "_" + long, "0" + long, long + "-",
		"account.a", "org.a", "account.", "org.0", "account.org.a", "accounts.a", "project.a", "account." + long + "b",
		"1.1.2", "1.1.2-beta", "v1.1.2", "1.1.2_a", ".1",
	}
	for _, g := range []struct {
		name  string
		re    string
		check func(string) bool
	}{
		{"isHarnessID", `^[a-zA-Z_][0-9a-zA-Z_]{0,127}$`, isHarnessID},
		{"isHarnessRef", `^((account|org)\.)?[a-zA-Z_][0-9a-zA-Z_]{0,127}$`, isHarnessRef},
		{"isTagPart", `^[A-Za-z0-9_][A-Za-z0-9_.-]*$`, isTagPart},
	} {
		re := regexp.MustCompile(g.re)
		for _, s := range samples {
			if got, want := g.check(s), re.MatchString(s); got != want {
				t.Errorf("%s(%q) = %v, want %v (%s)", g.name, s, got, want, g.re)
			}
		}
	}
}
