package matrix

import (
	"fmt"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/sammatrix/sammatrix/inspect/fixture"
)

// textFiles returns files at paths, each holding content.
func textFiles(content string, paths ...string) []fixture.File {
	var files []fixture.File
	for _, p := range paths {
		files = append(files, fixture.File{Path: p, Data: []byte(content)})
	}
	return files
}

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

// The runtime's own libssl.so.3 (node20's, needing OPENSSL_3.4.0 from
// libcrypto.so.3) and a program of its own that loads it: a COPY that puts
// an older libcrypto.so.3 first on the library path breaks them.
func TestOverlayShadowsLibrary(t *testing.T) {
	const ext = "var/lang/lib/python3.12/lib-dynload/_ssl.cpython-312-x86_64-linux-gnu.so"
	program := elfFile(t, "python3.12/_ssl.cpython-312-x86_64-linux-gnu.so", ext)
	runtimeSSL := func(set string) []fixture.File {
		return []fixture.File{program,
			elfFile(t, set+"/libssl.so.3", "var/lang/lib/libssl.so.3"),
			elfFile(t, set+"/libcrypto.so.3", "var/lang/lib/libcrypto.so.3")}
	}
	nodeWith := func(libcrypto string) v1.Image {
		return buildImage(t, amazonLinux(t, "al2023"),
			append(nodeFiles(t, "node20"), elfFile(t, libcrypto, "var/lang/lib/libcrypto.so.3")))
	}
	al2023 := func(extra ...[]fixture.File) v1.Image {
		return buildImage(t, append([][]fixture.File{amazonLinux(t, "al2023")}, extra...)...)
	}
	tests := []struct {
		name    string
		runtime v1.Image
		nodejs  v1.Image
		want    bool
	}{
		{"older libcrypto replaces the runtime's", al2023(runtimeSSL("node20")), nodeWith("python3.12/libcrypto.so.3"), true},
		{"older libcrypto added before the runtime's system one",
			al2023([]fixture.File{program,
				elfFile(t, "node20/libssl.so.3", "var/lang/lib/libssl.so.3"),
				elfFile(t, "node20/libcrypto.so.3", "usr/lib64/libcrypto.so.3")}),
			nodeWith("python3.12/libcrypto.so.3"), true},
		{"newer libcrypto replaces the runtime's older one", al2023(runtimeSSL("python3.12")), nodeWith("node20/libcrypto.so.3"), false},
		{"libcrypto of the same versions", al2023(runtimeSSL("node20")), nodeWith("node22/libcrypto.so.3"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMatrix(t)
			nodejs := m.image(tt.nodejs)
			m.pair("p", m.image(tt.runtime), nodejs)
			p := m.validate(ValidateOptions{}).Pairs[0]
			got := ruleFindings(p, RuleOverlayShadowsLibrary)
			if !tt.want {
				if len(got) != 0 {
					t.Errorf("Validate(...) pair %q %s = %q, want none", p.Pair.ID.V, RuleOverlayShadowsLibrary, messages(got))
				}
				return
			}
			// The program loads the runtime's libssl, which needs what the
			// copied libcrypto lacks: one finding, on the library.
			if len(got) != 1 || got[0].Severity != Error {
				t.Fatalf("Validate(...) pair %q %s = %+v, want one error", p.Pair.ID.V, RuleOverlayShadowsLibrary, got)
			}
			for _, want := range []string{
				"the runtime's /var/lang/lib/libssl.so.3 needs OPENSSL_3.4.0 from libcrypto.so.3",
				"the Node.js image's /var/lang/lib/libcrypto.so.3", "defines up to OPENSSL_3.0.0",
			} {
				if !strings.Contains(got[0].Message, want) {
					t.Errorf("finding %q, want it to contain %q", got[0].Message, want)
				}
			}
			if e := got[0].Evidence; e == nil || e.Image != nodejs || e.Path != "/var/lang/lib/libcrypto.so.3" || e.Layer == "" || e.Expected != "OPENSSL_3.4.0" {
				t.Errorf("evidence = %+v, want the Node.js image's libcrypto, its layer and OPENSSL_3.4.0", e)
			}
			if p.Verdict != Incompatible {
				t.Errorf("Validate(...) pair %q = %v, want %v", p.Pair.ID.V, p.Verdict, Incompatible)
			}
		})
	}
}
