package matrix

import (
	"os"
	"strings"
	"testing"
)

// TestRulesDocumented keeps docs/rules.md true: every rule appears with its
// default severity, and every problem id of the file is listed.
func TestRulesDocumented(t *testing.T) {
	b, err := os.ReadFile("../docs/rules.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, r := range Rules {
		row := "| `" + r.ID + "` | " + string(r.Default) + " |"
		if !strings.Contains(doc, row) {
			t.Errorf("docs/rules.md has no row starting %q", row)
		}
	}
	for _, id := range []string{ProblemSyntax, ProblemUnknownKey, ProblemDuplicate, ProblemWrongType, ProblemMissingKey,
		ProblemEmptyPairs, ProblemDuplicateID, ProblemVersion, ProblemPolicy, ProblemValue} {
		if !strings.Contains(doc, "`"+id+"`") {
			t.Errorf("docs/rules.md does not list the problem id %q", id)
		}
	}
}
