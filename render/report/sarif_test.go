package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/sammatrix/sammatrix/matrix"
)

// sarifLog is the part of a SARIF log the tests read, decoded without the
// library that wrote it.
type sarifLog struct {
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name           string `json:"name"`
				Version        string `json:"version"`
				InformationURI string `json:"informationUri"`
				Rules          []struct {
					ID               string                 `json:"id"`
					ShortDescription struct{ Text string }  `json:"shortDescription"`
					Help             struct{ Text string }  `json:"help"`
					Default          struct{ Level string } `json:"defaultConfiguration"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Invocations []struct {
			ExecutionSuccessful        bool `json:"executionSuccessful"`
			ToolExecutionNotifications []struct {
				Level          string                `json:"level"`
				Message        struct{ Text string } `json:"message"`
				AssociatedRule *struct {
					ID    string `json:"id"`
					Index int    `json:"index"`
				} `json:"associatedRule"`
			} `json:"toolExecutionNotifications"`
		} `json:"invocations"`
		Results []struct {
			RuleID    string                `json:"ruleId"`
			RuleIndex int                   `json:"ruleIndex"`
			Level     string                `json:"level"`
			Message   struct{ Text string } `json:"message"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct{ URI string } `json:"artifactLocation"`
					Region           *struct {
						StartLine   int `json:"startLine"`
						StartColumn int `json:"startColumn"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
		} `json:"results"`
	} `json:"runs"`
}

// sarifSchema compiles the committed SARIF 2.1.0 schema.
func sarifSchema() (*jsonschema.Schema, error) {
	f, err := os.Open(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return nil, fmt.Errorf("reading the SARIF schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const url = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	if err := c.AddResource(url, doc); err != nil {
		return nil, fmt.Errorf("adding the SARIF schema: %w", err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("compiling the SARIF schema: %w", err)
	}
	return sch, nil
}

// writeSARIF writes r as SARIF, checks the log against the SARIF 2.1.0
// schema, and returns it, as written and decoded.
func writeSARIF(t *testing.T, r *matrix.Report) (*bytes.Buffer, sarifLog) {
	t.Helper()
	schema, err := sarifSchema()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteSARIF(&b, r, "1.2.3"); err != nil {
		t.Fatalf("WriteSARIF(...) = %v, want nil", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatalf("WriteSARIF(...) = %s, want JSON: %v", b.String(), err)
	}
	if err := schema.Validate(inst); err != nil {
		t.Errorf("WriteSARIF(...) does not match the SARIF 2.1.0 schema: %v", err)
	}
	var log sarifLog
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	return &b, log
}

func TestWriteSARIF(t *testing.T) {
	absolute, _ := filepath.Abs("matrix.yaml")
	type result struct {
		rule       string
		index      int
		level, uri string
		line, col  int
		region     bool
	}
	schemaProblem := testReport()
	schemaProblem.Pairs[0].Findings = []matrix.Finding{{
		Pos: matrix.Pos{File: "./ci/matrix.yaml"}, Rule: "unknown-key", Severity: matrix.Error, Kind: matrix.KindSchema,
		Message: `unknown key "pairz"; allowed keys: version, plugin, target-repo, serverless, pairs, policy, harness, build`,
	}}
	schemaProblem.Pairs = schemaProblem.Pairs[:1]
	absFile := testReport()
	absFile.Pairs[1].Findings = absFile.Pairs[1].Findings[2:]
	absFile.Pairs[1].Findings[0].Pos.File = absolute
	for _, tt := range []struct {
		name      string
		report    *matrix.Report
		want      []result
		wantRules int
	}{
		{
			name: "two pairs", report: testReport(), wantRules: len(matrix.Rules),
			want: []result{
				{"abi-version-missing", ruleIndex(t, "abi-version-missing"), "error", "matrix.yaml", 12, 5, true},
				{"libstdcxx-mismatch", ruleIndex(t, "libstdcxx-mismatch"), "error", "matrix.yaml", 12, 5, true},
				{"os-mismatch", ruleIndex(t, "os-mismatch"), "warning", "matrix.yaml", 12, 5, true},
			},
		},
		{
			name: "no findings", report: emptyReport(), wantRules: len(matrix.Rules),
		},
		{
			name: "a problem of the file without a position", report: schemaProblem, wantRules: len(matrix.Rules) + 1,
			want: []result{{"unknown-key", len(matrix.Rules), "error", "ci/matrix.yaml", 0, 0, false}},
		},
		{
			name: "an absolute path", report: absFile, wantRules: len(matrix.Rules),
			want: []result{{"os-mismatch", ruleIndex(t, "os-mismatch"), "warning", "file://" + filepath.ToSlash(absolute), 12, 5, true}},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, log := writeSARIF(t, tt.report)
			// A SARIF library's own check of the bytes, against the schema
			// it embeds.
			if _, err := sarif.FromBytes(b.Bytes(), sarif.WithStrictValidation()); err != nil {
				t.Fatalf("sarif.FromBytes(WriteSARIF(...), strict) = %v, want nil", err)
			}
			if log.Version != "2.1.0" || len(log.Runs) != 1 {
				t.Fatalf("WriteSARIF(...) version %q with %d runs, want 2.1.0 with 1", log.Version, len(log.Runs))
			}
			d := log.Runs[0].Tool.Driver
			if d.Name != "sammatrix" || d.Version != "1.2.3" || d.InformationURI != "https://github.com/sammatrix/sammatrix" {
				t.Errorf("WriteSARIF(...) driver = %q %q %q, want sammatrix 1.2.3 https://github.com/sammatrix/sammatrix", d.Name, d.Version, d.InformationURI)
			}
			if len(d.Rules) != tt.wantRules {
				t.Fatalf("WriteSARIF(...) has %d rules, want %d", len(d.Rules), tt.wantRules)
			}
			for i, r := range matrix.Rules {
				got := d.Rules[i]
				if got.ID != r.ID || got.ShortDescription.Text != r.Summary || got.Help.Text != r.Help || got.Default.Level != string(r.Default) {
					t.Errorf("WriteSARIF(...) rule %d = %s %q %q %s, want %s %q %q %s", i,
						got.ID, got.ShortDescription.Text, got.Help.Text, got.Default.Level, r.ID, r.Summary, r.Help, r.Default)
				}
			}
			results := log.Runs[0].Results
			if len(results) != len(tt.want) {
				t.Fatalf("WriteSARIF(...) has %d results, want %d", len(results), len(tt.want))
			}
			for i, w := range tt.want {
				r := results[i]
				if len(r.Locations) != 1 {
					t.Fatalf("WriteSARIF(...) result %d has %d locations, want 1", i, len(r.Locations))
				}
				loc := r.Locations[0].PhysicalLocation
				got := result{rule: r.RuleID, index: r.RuleIndex, level: r.Level, uri: loc.ArtifactLocation.URI, region: loc.Region != nil}
				if loc.Region != nil {
					got.line, got.col = loc.Region.StartLine, loc.Region.StartColumn
				}
				if got != w {
					t.Errorf("WriteSARIF(...) result %d = %+v, want %+v", i, got, w)
				}
				if d.Rules[r.RuleIndex].ID != r.RuleID {
					t.Errorf("WriteSARIF(...) result %d ruleIndex %d names %s, want %s", i, r.RuleIndex, d.Rules[r.RuleIndex].ID, r.RuleID)
				}
			}
		})
	}
}

// TestWriteSARIFSkipped checks that the checks that did not run are in the
// log, as the one invocation's tool execution notifications.
func TestWriteSARIFSkipped(t *testing.T) {
	engine := slices.IndexFunc(matrix.Rules, func(r matrix.Rule) bool { return r.ID == matrix.RuleServerlessEngine })
	if engine < 0 {
		t.Fatalf("matrix.Rules has no %s", matrix.RuleServerlessEngine)
	}
	type note struct {
		level, text, rule string
		index             int
	}
	unruled := testReport()
	unruled.Skipped = []string{"every check: the cache is read-only"}
	for _, tt := range []struct {
		name   string
		report *matrix.Report
		want   []note
	}{
		{"serverless-engine skipped", testReport(), []note{{"warning", skippedNote, matrix.RuleServerlessEngine, engine}}},
		{"nothing skipped", emptyReport(), nil},
		{"a note that names no rule", unruled, []note{{"warning", "every check: the cache is read-only", "", 0}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, log := writeSARIF(t, tt.report)
			if len(log.Runs) != 1 || len(log.Runs[0].Invocations) != 1 {
				t.Fatalf("WriteSARIF(...) = %s, want one run with one invocation", b.String())
			}
			inv := log.Runs[0].Invocations[0]
			if !inv.ExecutionSuccessful {
				t.Errorf("WriteSARIF(...) invocations[0].executionSuccessful = false, want true")
			}
			var got []note
			for _, n := range inv.ToolExecutionNotifications {
				g := note{level: n.Level, text: n.Message.Text}
				if n.AssociatedRule != nil {
					g.rule, g.index = n.AssociatedRule.ID, n.AssociatedRule.Index
				}
				got = append(got, g)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("WriteSARIF(...) invocations[0].toolExecutionNotifications = %+v, want %+v", got, tt.want)
			}
			for _, n := range got {
				if rules := log.Runs[0].Tool.Driver.Rules; n.rule != "" && rules[n.index].ID != n.rule {
					t.Errorf("WriteSARIF(...) notification's rule index %d names %s, want %s", n.index, rules[n.index].ID, n.rule)
				}
			}
		})
	}
}

// TestSARIFSchemaRejects makes sure the schema check can fail: a log with a
// level SARIF does not define must not pass.
func TestSARIFSchemaRejects(t *testing.T) {
	schema, err := sarifSchema()
	if err != nil {
		t.Fatal(err)
	}
	bad := `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "sammatrix"}}, "results": [{"message": {"text": "x"}, "level": "fatal"}]}]}`
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(bad)))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(inst); err == nil {
		t.Errorf("schema.Validate(%s) = nil, want an error", bad)
	}
}

// ruleIndex is the index of a rule among the driver's rules: its place in
// matrix.Rules.
func ruleIndex(t *testing.T, id string) int {
	t.Helper()
	for i, r := range matrix.Rules {
		if r.ID == id {
			return i
		}
	}
	t.Fatalf("no rule %q in matrix.Rules", id)
	return -1
}
