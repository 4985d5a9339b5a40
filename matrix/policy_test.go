package matrix

import (
	"context"
	"fmt"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/sammatrix/sammatrix/inspect/fixture"
)

// imageRuleCases make, for each rule about images, a pair "p" on which it
// reports a finding.
var imageRuleCases = []struct {
	rule string
	pair func(t *testing.T, m *testMatrix) EnginesFunc
}{
	{RuleArchNotAMD64, func(t *testing.T, m *testMatrix) EnginesFunc {
		arm := configure(t, al2023Runtime(t), func(cf *v1.ConfigFile) { cf.Architecture = "arm64" })
		m.pair("p", m.image(arm), m.image(node20Image(t)))
		return nil
	}},
	{RuleNotNodeJSImage, func(t *testing.T, m *testMatrix) EnginesFunc {
		m.pair("p", m.image(al2023Runtime(t)), m.image(buildImage(t, amazonLinux(t, "al2023"))))
		return nil
	}},
	{RuleNotPluginImage, func(t *testing.T, m *testMatrix) EnginesFunc {
		m.Plugin = m.plugin(buildImage(t, []fixture.File{staticPluginBinary(t)}))
		m.pair("p", m.image(al2023Runtime(t)), m.image(node20Image(t)))
		return nil
	}},
	{RuleOSMismatch, func(t *testing.T, m *testMatrix) EnginesFunc {
		m.pair("p", m.image(buildImage(t, amazonLinux(t, "al2"))), m.image(buildImage(t, amazonLinux(t, "al2023"), nodeFiles(t, "node18"))))
		return nil
	}},
	{RuleLibstdcxxMismatch, func(t *testing.T, m *testMatrix) EnginesFunc {
		m.pair("p", m.image(al2023Runtime(t)), m.image(buildImage(t, amazonLinux(t, "al2"), nodeFiles(t, "node18"))))
		return nil
	}},
	{RuleABIVersionMissing, func(t *testing.T, m *testMatrix) EnginesFunc {
		m.pair("p", m.image(buildImage(t, amazonLinux(t, "al2"))), m.image(node20Image(t)))
		return nil
	}},
	{RuleABILibraryMissing, func(t *testing.T, m *testMatrix) EnginesFunc {
		m.pair("p", m.image(buildImage(t, amazonLinux(t, "al2023"))), m.image(buildImage(t, amazonLinux(t, "al2023"), nodeFiles(t, "node20"))))
		return nil
	}},
	{RuleOverlayOverwrites, func(t *testing.T, m *testMatrix) EnginesFunc {
		runtime := buildImage(t, amazonLinux(t, "al2023"), systemSSL(t), textFiles("runtime\n", "var/lang/lib/libssl.so.3"))
		m.pair("p", m.image(runtime), m.image(node20Image(t)))
		return nil
	}},
	{RuleOverlayShadowsLibrary, func(t *testing.T, m *testMatrix) EnginesFunc {
		runtime := buildImage(t, amazonLinux(t, "al2023"), []fixture.File{
			elfFile(t, "node20/libssl.so.3", "var/lang/lib/libssl.so.3"),
			elfFile(t, "node20/libcrypto.so.3", "usr/lib64/libcrypto.so.3"),
		})
		nodejs := buildImage(t, amazonLinux(t, "al2023"),
			append(nodeFiles(t, "node20"), elfFile(t, "python3.12/libcrypto.so.3", "var/lang/lib/libcrypto.so.3")))
		m.pair("p", m.image(runtime), m.image(nodejs))
		return nil
	}},
	{RuleServerlessEngine, func(t *testing.T, m *testMatrix) EnginesFunc {
		m.Serverless = `["4.4.0"]`
		m.pair("p", m.image(al2023Runtime(t)), m.image(node20Image(t)))
		return enginesOf(">=22")
	}},
	{RuleABINeedsUnknown, func(t *testing.T, m *testMatrix) EnginesFunc {
		nodejs := buildImage(t, amazonLinux(t, "al2023"), append(nodeFiles(t, "node20", "libssl.so.3", "libcrypto.so.3")[1:], strippedNode(t, "node20", true)))
		m.pair("p", m.image(al2023Runtime(t)), m.image(nodejs))
		return nil
	}},
	{RuleImageNotFound, func(t *testing.T, m *testMatrix) EnginesFunc {
		m.pair("p", m.image(al2023Runtime(t)), "oci:no-such-layout:"+layoutTag)
		return nil
	}},
}

// Every rule about images can be turned off or made a warning.
func TestPolicyImageRules(t *testing.T) {
	covered := map[string]bool{}
	for _, tc := range imageRuleCases {
		covered[tc.rule] = true
		t.Run(tc.rule, func(t *testing.T) {
			for _, sev := range []Severity{Error, Warning, Off} {
				m := newMatrix(t)
				engines := tc.pair(t, m)
				switch sev {
				case Error, Off:
					m.Policy = fmt.Sprintf("  %s: %s\n", tc.rule, sev)
				case Warning:
					// Every rule a warning: whatever else the pair shows, it passes.
					for _, r := range Rules {
						m.Policy += fmt.Sprintf("  %s: warning\n", r.ID)
					}
				}
				asked := 0
				if engines != nil {
					lookup := engines
					engines = func(ctx context.Context, v string) (string, error) { asked++; return lookup(ctx, v) }
				}
				r := m.validate(ValidateOptions{Engines: engines})
				p := r.Pairs[0]
				if sev == Off && asked != 0 {
					t.Errorf("policy off: engines.node asked %d times, want none", asked)
				}
				got := ruleFindings(p, tc.rule)
				switch sev {
				case Error:
					if len(got) == 0 || got[0].Severity != Error || p.Verdict != Incompatible {
						t.Fatalf("policy error: Validate(...) pair %q = %v with %v, want %v with a %s error", p.Pair.ID.V, p.Verdict, p.Findings, Incompatible, tc.rule)
					}
				case Warning:
					if len(got) == 0 || p.Verdict != Compatible {
						t.Errorf("policy warning: Validate(...) pair %q = %v with %v, want %v with a %s warning", p.Pair.ID.V, p.Verdict, p.Findings, Compatible, tc.rule)
					}
					for _, f := range got {
						if f.Severity != Warning {
							t.Errorf("policy warning: finding %q has severity %s", f.Message, f.Severity)
						}
					}
				case Off:
					if len(got) != 0 {
						t.Errorf("policy off: Validate(...) pair %q %s = %q, want none", p.Pair.ID.V, tc.rule, messages(got))
					}
				}
			}
		})
	}
	for _, r := range Rules {
		if !r.Static && !covered[r.ID] {
			t.Errorf("rule %s needs images but has no policy case", r.ID)
		}
	}
}
