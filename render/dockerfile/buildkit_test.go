package dockerfile

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// parseDockerfile parses df as BuildKit does and returns its stages and
// every problem BuildKit reports without building: parse errors, parser
// warnings and the linter's warnings (experimental rules included). To
// them it adds the rules BuildKit's linter applies only while it converts
// to LLB (which needs the base images), where the Dockerfile alone
// decides: instruction casing, ENV and LABEL in key=value form, exec form
// for ENTRYPOINT, unique stage names, and COPY --from naming an earlier
// stage (a later or unknown name would be pulled as an image).
func parseDockerfile(df []byte) ([]instructions.Stage, []string) {
	res, err := parser.Parse(bytes.NewReader(df))
	if err != nil {
		return nil, []string{"parsing: " + err.Error()}
	}
	var problems []string
	for _, w := range res.Warnings {
		problems = append(problems, "parser: "+w.Short)
	}
	for _, n := range res.AST.Children {
		if kw, _, _ := strings.Cut(n.Original, " "); kw != strings.ToUpper(kw) {
			problems = append(problems, fmt.Sprintf("ConsistentInstructionCasing: line %d: %q is not upper case", n.StartLine, kw))
		}
	}
	lint := linter.New(&linter.Config{ExperimentalAll: true, Warn: func(rule, _, _, msg string, loc []parser.Range) {
		line := 0
		if len(loc) > 0 {
			line = loc[0].Start.Line
		}
		problems = append(problems, fmt.Sprintf("%s: line %d: %s", rule, line, msg))
	}})
	stages, _, err := instructions.Parse(res.AST, lint)
	if err != nil {
		return nil, append(problems, "instructions: "+err.Error())
	}
	var names []string
	for _, s := range stages {
		if s.Name != "" && slices.Contains(names, s.Name) {
			problems = append(problems, "DuplicateStageName: "+s.Name)
		}
		for _, c := range s.Commands {
			switch c := c.(type) {
			case *instructions.EnvCommand:
				for _, kv := range c.Env {
					if kv.NoDelim {
						problems = append(problems, "LegacyKeyValueFormat: ENV "+kv.Key)
					}
				}
			case *instructions.LabelCommand:
				for _, kv := range c.Labels {
					if kv.NoDelim {
						problems = append(problems, "LegacyKeyValueFormat: LABEL "+kv.Key)
					}
				}
			case *instructions.EntrypointCommand:
				if c.PrependShell {
					problems = append(problems, "JSONArgsRecommended: ENTRYPOINT")
				}
			case *instructions.CopyCommand:
				if c.From != "" && !slices.Contains(names, c.From) {
					problems = append(problems, fmt.Sprintf("COPY --from=%s in stage %q: no earlier stage of that name", c.From, s.Name))
				}
			}
		}
		names = append(names, s.Name)
	}
	return stages, problems
}

// TestParseDockerfileFindsProblems keeps the BuildKit check of the other
// tests from passing for want of a check: each of these Dockerfiles must
// draw the named problem.
func TestParseDockerfileFindsProblems(t *testing.T) {
	for _, tt := range []struct {
		name, dockerfile, want string
	}{
		{"stage name casing (linter)", "from x as Y\n", "StageNameCasing"},
		{"FROM AS casing (linter)", "FROM x as y\n", "FromAsCasing"},
		{"maintainer (linter)", "FROM x\nMAINTAINER me\n", "MaintainerDeprecated"},
		{"empty continuation (parser)", "FROM x\nRUN a \\\n\n    && b\n", "parser: "},
		{"instruction casing", "FROM x\nrun true\n", "ConsistentInstructionCasing"},
		{"legacy ENV", "FROM x\nENV A 1\n", "LegacyKeyValueFormat"},
		{"shell-form ENTRYPOINT", "FROM x\nENTRYPOINT /run.sh\n", "JSONArgsRecommended"},
		{"COPY from a later stage", "FROM x AS a\nCOPY --from=b /x /x\nFROM x AS b\n", "no earlier stage"},
		{"duplicate stage", "FROM x AS a\nFROM x AS a\n", "DuplicateStageName"},
		{"invalid stage name", "FROM x AS 1a\n", "instructions: "},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, problems := parseDockerfile([]byte(tt.dockerfile))
			if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, tt.want) }) {
				t.Errorf("parseDockerfile(%q) = %q, want a problem containing %q", tt.dockerfile, problems, tt.want)
			}
		})
	}
}
