package matrix

import (
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/sammatrix/sammatrix/inspect/fixture"
)

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
