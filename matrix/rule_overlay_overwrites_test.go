package matrix

import (
	"fmt"
	"testing"
)

func TestOverlayOverwrites(t *testing.T) {
	// Seven files both images have with different contents, in the order
	// of the COPYs (/var/lang, then /opt), and two they have alike.
	differ := []string{
		"var/lang/lib/node_modules/a.js", "var/lang/lib/node_modules/b.js", "var/lang/lib/node_modules/c.js",
		"var/lang/lib/node_modules/d.js", "var/lang/lib/node_modules/e.js", "var/lang/lib/node_modules/f.js",
		"opt/bin/tool",
	}
	same := []string{"var/lang/share/same.txt", "opt/share/same.txt"}
	node := append(nodeFiles(t, "node20", "libssl.so.3", "libcrypto.so.3"), textFiles("node\n", differ...)...)
	node = append(node, textFiles("alike\n", same...)...)
	nodejs := buildImage(t, amazonLinux(t, "al2023"), node)

	runtime := buildImage(t, amazonLinux(t, "al2023"), systemSSL(t),
		append(textFiles("runtime\n", differ...), textFiles("alike\n", same...)...))
	p := validatePair(t, runtime, nodejs)
	got := ruleFindings(p, RuleOverlayOverwrites)
	if len(got) != 1 {
		t.Fatalf("Validate(...) pair %q %s = %q, want one", p.Pair.ID.V, RuleOverlayOverwrites, messages(got))
	}
	want := fmt.Sprintf("COPY --from=nodejs replaces 7 file(s) of the runtime image: /%s, /%s, /%s, /%s, /%s and 2 more",
		differ[0], differ[1], differ[2], differ[3], differ[4])
	if got[0].Message != want || got[0].Severity != Warning {
		t.Errorf("finding = %s %q, want a warning %q", got[0].Severity, got[0].Message, want)
	}
	if e := got[0].Evidence; e == nil || e.Path != "/"+differ[0] || e.Found != "7 replaced" {
		t.Errorf("evidence = %+v, want the first path and 7 replaced", e)
	}
	if p.Verdict != Compatible {
		t.Errorf("Validate(...) pair %q = %v (%v), want %v: overlay-overwrites is a warning", p.Pair.ID.V, p.Verdict, p.Findings, Compatible)
	}

	// Fewer than six: all listed, nothing more.
	runtime = buildImage(t, amazonLinux(t, "al2023"), systemSSL(t), textFiles("runtime\n", differ[5:]...))
	p = validatePair(t, runtime, nodejs)
	want = fmt.Sprintf("COPY --from=nodejs replaces 2 file(s) of the runtime image: /%s, /%s", differ[5], differ[6])
	if got := ruleFindings(p, RuleOverlayOverwrites); len(got) != 1 || got[0].Message != want {
		t.Errorf("Validate(...) pair %q %s = %q, want %q", p.Pair.ID.V, RuleOverlayOverwrites, messages(got), want)
	}
}

// Files the COPY puts back as they were are not overwritten.
func TestOverlayOverwritesIdentical(t *testing.T) {
	tests := []struct {
		name    string
		runtime func(m *testMatrix, nodejs string) string
	}{
		{"same image", func(m *testMatrix, nodejs string) string { return nodejs }},
		{"same /var/lang in another image", func(m *testMatrix, _ string) string {
			// Another image (a layer more) whose /var/lang has the same files.
			return m.image(buildImage(t, amazonLinux(t, "al2023"), systemSSL(t), nodeFiles(t, "node20", "libssl.so.3", "libcrypto.so.3")))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMatrix(t)
			nodejs := m.image(node20Image(t))
			m.pair("p", tt.runtime(m, nodejs), nodejs)
			p := m.validate(ValidateOptions{}).Pairs[0]
			if len(p.Findings) != 0 {
				t.Errorf("Validate(...) pair %q findings = %q, want none", p.Pair.ID.V, messages(p.Findings))
			}
		})
	}
}
