package matrix

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/sammatrix/sammatrix/inspect/cache"
	"github.com/sammatrix/sammatrix/inspect/fixture"
	"github.com/sammatrix/sammatrix/matrix/recipe"
)

// enginesOf answers every Serverless 4.x version with rng, and 3.x with
// what serverless@3.39.0 says.
func enginesOf(rng string) EnginesFunc {
	return func(_ context.Context, version string) (string, error) {
		if strings.HasPrefix(version, "4.") {
			return rng, nil
		}
		return ">=12.0", nil
	}
}

func TestServerlessEngine(t *testing.T) {
	tests := []struct {
		name    string
		engines EnginesFunc
		want    string   // the one finding's message; "" for none
		skipped []string // the start of each Skipped entry
	}{
		{"node too old", enginesOf(">=22"), "serverless@4.4.0 needs node >=22 (engines.node); the Node.js image has v20.18.1", nil},
		{"node in range", enginesOf("^18 || >=20"), "", nil},
		// Said once, not once per Serverless version.
		{"no npm", func(context.Context, string) (string, error) { return "", ErrNoNPM }, "", []string{
			"serverless-engine: not checked: npm is not on PATH",
		}},
		{"unreadable range", enginesOf("node 20 please"), "", []string{
			`serverless-engine: not checked for serverless@4.4.0: engines.node "node 20 please" is not a range`,
		}},
		{"no lookup", nil, "", []string{"serverless-engine: not checked"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMatrix(t)
			m.Serverless = `["3.39.0", "4.4.0"]`
			m.pair("p", m.image(al2023Runtime(t)), m.image(node20Image(t)))
			r := m.validate(ValidateOptions{Engines: tt.engines})
			p := r.Pairs[0]
			got := ruleFindings(p, RuleServerlessEngine)
			switch {
			case tt.want == "" && len(got) != 0:
				t.Errorf("Validate(...) pair %q %s = %q, want none", p.Pair.ID.V, RuleServerlessEngine, messages(got))
			case tt.want != "" && (len(got) != 1 || got[0].Message != tt.want || got[0].Severity != Error):
				t.Errorf("Validate(...) pair %q %s = %q, want the error %q", p.Pair.ID.V, RuleServerlessEngine, messages(got), tt.want)
			case tt.want != "":
				if e := got[0].Evidence; e == nil || e.Expected != ">=22" || e.Found != "v20.18.1" || e.Path != "/var/lang/bin/node" {
					t.Errorf("evidence = %+v, want >=22, v20.18.1 and node's path", e)
				}
			}
			if want := tt.want == ""; (p.Verdict == Compatible) != want {
				t.Errorf("Validate(...) pair %q = %v, want compatible %v", p.Pair.ID.V, p.Verdict, want)
			}
			ok := len(r.Skipped) == len(tt.skipped)
			for i := 0; ok && i < len(tt.skipped); i++ {
				ok = strings.HasPrefix(r.Skipped[i], tt.skipped[i])
			}
			if !ok {
				t.Errorf("Skipped = %q, want entries starting %q", r.Skipped, tt.skipped)
			}
		})
	}
}

func TestParseEngines(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string
		wantErr bool
	}{
		{"node range", `{"node": ">=12.0"}`, ">=12.0", false},
		{"with npm", "{\n  \"node\": \"^18 || >=20\",\n  \"npm\": \">=9\"\n}\n", "^18 || >=20", false},
		{"no engines field", "", "*", false},
		{"blank", " \n", "*", false},
		{"no node", `{"npm": ">=9"}`, "*", false},
		{"not JSON", "npm ERR! 404", "", true},
		{"legacy list", `["node >= 0.8"]`, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseEngines([]byte(tt.in))
			if got != tt.want || (err != nil) != tt.wantErr {
				t.Errorf("parseEngines(%q) = %q, %v, want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// NPMEngines asks the real npm, which must reach its registry, and keeps
// the answer: the second call needs no npm at all.
func TestNPMEngines(t *testing.T) {
	if _, err := exec.LookPath("npm"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and npm is not on PATH: %v", err)
		}
		t.Skipf("npm is not on PATH: %v", err)
	}
	c, err := cache.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	got, err := NPMEngines("npm", c)(ctx, "3.39.0")
	if err != nil || got != ">=12.0" {
		t.Fatalf("NPMEngines(npm)(serverless@3.39.0) = %q, %v, want >=12.0", got, err)
	}
	const missing = "sammatrix-test-no-such-npm"
	got, err = NPMEngines(missing, c)(ctx, "3.39.0")
	if err != nil || got != ">=12.0" {
		t.Errorf("NPMEngines(%s)(serverless@3.39.0) with the cache = %q, %v, want >=12.0 from the cache", missing, got, err)
	}
	// Without the cache, the missing npm is ErrNoNPM.
	if got, err := NPMEngines(missing, nil)(ctx, "3.39.0"); err != ErrNoNPM {
		t.Errorf("NPMEngines(%s)(serverless@3.39.0) without a cache = %q, %v, want %v", missing, got, err, ErrNoNPM)
	}
	// A version npm does not know is an error, not a range.
	if got, err := NPMEngines("npm", c)(ctx, "0.0.0-no-such-version"); err == nil {
		t.Errorf("NPMEngines(npm)(serverless@0.0.0-no-such-version) = %q, want an error", got)
	} else if !strings.Contains(err.Error(), "serverless@0.0.0-no-such-version") {
		t.Errorf("NPMEngines(npm)(serverless@0.0.0-no-such-version) error %q, want it to name the version", err)
	}
}

// A node whose version cannot be read is not taken to satisfy engines.node:
// the pair gets the rule's error for every Serverless version with a range.
func TestServerlessEngineNodeVersionUnknown(t *testing.T) {
	m := newMatrix(t)
	m.Serverless = `["3.39.0", "4.4.0"]`
	// An ELF file without node's version string, and no version header.
	nodejs := buildImage(t, amazonLinux(t, "al2023"), []fixture.File{
		elfFile(t, "node20/libssl.so.3", "var/lang/bin/node"),
		elfFile(t, "node20/libcrypto.so.3", "var/lang/lib/libcrypto.so.3"),
	})
	m.pair("p", m.image(al2023Runtime(t)), m.image(nodejs))
	p := m.validate(ValidateOptions{Engines: enginesOf(">=22")}).Pairs[0]
	got := ruleFindings(p, RuleServerlessEngine)
	if len(got) != 2 || p.Verdict != Incompatible {
		t.Fatalf("Validate(...) = %v with %s %q, want two errors", p.Verdict, RuleServerlessEngine, messages(got))
	}
	for i, rng := range []string{">=12.0", ">=22"} {
		f := got[i]
		want := "needs node " + rng + " (engines.node); the Node.js image's node cannot be checked: no version was found in /var/lang/bin/node or " + recipe.NodeVersionHeader
		if !strings.Contains(f.Message, want) || f.Severity != Error {
			t.Errorf("finding %d = %s %q, want an error saying %q", i, f.Severity, f.Message, want)
		}
		if e := f.Evidence; e == nil || e.Expected != rng || e.Found != "no version" || e.Path != "/var/lang/bin/node" {
			t.Errorf("finding %d evidence = %+v, want %s, no version and node's path", i, f.Evidence, rng)
		}
	}
}
