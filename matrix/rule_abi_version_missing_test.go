package matrix

import (
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/sammatrix/sammatrix/inspect/fixture"
)

// node20's private libssl.so.3 needs OPENSSL_3.4.0 from libcrypto.so.3. A
// Node.js image that ships it without its libcrypto.so.3 makes the loader
// take the AL2023 system libcrypto, which defines only OPENSSL_3.0.0.
func TestABIVersionMissingTransitive(t *testing.T) {
	libssl := elfFile(t, "node20/libssl.so.3", "var/lang/lib/libssl.so.3")
	weak := libssl
	weak.Data = weakNeed(t, libssl.Data, "OPENSSL_3.4.0")
	tests := []struct {
		name string
		lib  fixture.File
		want []string // parts of the one finding; nil for none
	}{
		{"strong need", libssl, []string{
			"/var/lang/lib/libssl.so.3 (loaded by node) needs OPENSSL_3.4.0 from libcrypto.so.3",
			"the runtime image's /usr/lib64/libcrypto.so.3.0.8 defines up to OPENSSL_3.0.0",
		}},
		// A weak need is one the loader does not insist on.
		{"weak need", weak, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nodejs := buildImage(t, amazonLinux(t, "al2023"), append(nodeFiles(t, "node20"), tt.lib))
			p := validatePair(t, al2023Runtime(t), nodejs)
			got := ruleFindings(p, RuleABIVersionMissing)
			if tt.want == nil {
				if len(got) != 0 || p.Verdict != Compatible {
					t.Errorf("Validate(...) pair %q = %v with %q, want %v", p.Pair.ID.V, p.Verdict, messages(p.Findings), Compatible)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("Validate(...) pair %q %s = %q, want one", p.Pair.ID.V, RuleABIVersionMissing, messages(got))
			}
			for _, want := range tt.want {
				if !strings.Contains(got[0].Message, want) {
					t.Errorf("finding %q, want it to contain %q", got[0].Message, want)
				}
			}
			e := got[0].Evidence
			if e == nil || e.Path != "/usr/lib64/libcrypto.so.3.0.8" || e.Expected != "OPENSSL_3.4.0" || e.Layer == "" {
				t.Errorf("evidence = %+v, want the runtime's libcrypto path and layer, expected OPENSSL_3.4.0", e)
			}
			if p.Verdict != Incompatible || got[0].Pos != p.Pair.Pos {
				t.Errorf("Validate(...) pair %q = %v, finding at %v, want %v at the pair's position %v", p.Pair.ID.V, p.Verdict, got[0].Pos, Incompatible, p.Pair.Pos)
			}
		})
	}
}

// node's own needs: node20 on Amazon Linux 2 lacks GLIBC_2.28 and
// GLIBCXX_3.4.26; a weak GLIBC_2.28 leaves only the libstdc++ finding.
func TestABIVersionMissingNode(t *testing.T) {
	node := elfFile(t, "node20/node", "var/lang/bin/node")
	weak := node
	weak.Data = weakNeed(t, node.Data, "GLIBC_2.28")
	tests := []struct {
		name string
		node fixture.File
		want []string
	}{
		{"strong", node, []string{"node needs GLIBC_2.28 from libc.so.6", "node needs GLIBCXX_3.4.26"}},
		{"weak GLIBC_2.28", weak, []string{"node needs GLIBCXX_3.4.26"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nodejs := buildImage(t, amazonLinux(t, "al2023"), []fixture.File{tt.node,
				elfFile(t, "node20/libssl.so.3", "var/lang/lib/libssl.so.3"), elfFile(t, "node20/libcrypto.so.3", "var/lang/lib/libcrypto.so.3")})
			p := validatePair(t, buildImage(t, amazonLinux(t, "al2")), nodejs)
			got := ruleFindings(p, RuleABIVersionMissing)
			text := messages(got)
			if len(got) != len(tt.want) {
				t.Fatalf("Validate(...) pair %q %s =\n%s want %d", p.Pair.ID.V, RuleABIVersionMissing, text, len(tt.want))
			}
			for _, want := range tt.want {
				if !strings.Contains(text, want) {
					t.Errorf("findings\n%s want one containing %q", text, want)
				}
			}
		})
	}
}

// node20 finds its OpenSSL in /var/lang/lib through its RUNPATH
// $ORIGIN/../lib even when LD_LIBRARY_PATH does not name the directory and
// the runtime has no OpenSSL of its own.
func TestABIRunPathOrigin(t *testing.T) {
	runtime := configure(t, buildImage(t, amazonLinux(t, "al2023")), func(cf *v1.ConfigFile) {
		cf.Config.Env = []string{"PATH=/usr/local/bin:/usr/bin/:/bin", "LD_LIBRARY_PATH=/lib64:/usr/lib64"}
	})
	c := checkPair(t, runtime, node20Image(t))
	probs, libs := nodeLoad(c)
	if len(probs) != 0 {
		t.Errorf("nodeLoad(...) probs = %+v, want none", probs)
	}
	loaded := map[string]string{}
	for _, l := range libs {
		loaded[l.Name] = l.Path
	}
	for name, want := range map[string]string{
		"libssl.so.3":    "/var/lang/lib/libssl.so.3",
		"libcrypto.so.3": "/var/lang/lib/libcrypto.so.3",
		"libc.so.6":      "/usr/lib64/libc.so.6",
	} {
		if loaded[name] != want {
			t.Errorf("nodeLoad(...) loads %s from %q, want %q", name, loaded[name], want)
		}
	}
	if got := append(checkABILibraries(c), checkABIVersions(c)...); len(got) != 0 {
		t.Errorf("checkABILibraries, checkABIVersions = %+v, want none", got)
	}
}

// A pair of an image with itself loads only the runtime's libraries: the
// messages must not call them the Node.js image's.
func TestSelfPairNamesTheRuntimeImage(t *testing.T) {
	rt := buildImage(t, amazonLinux(t, "al2"), nodeFiles(t, "node20"))
	p := validatePair(t, rt, rt)
	got := ruleFindings(p, RuleABIVersionMissing)
	if len(got) == 0 {
		t.Fatalf("Validate(...) AL2 image with node20 in it: no abi-version-missing, want some")
	}
	for _, f := range got {
		if strings.Contains(f.Message, "Node.js image's /usr/lib64") {
			t.Errorf("finding %q calls a runtime library the Node.js image's", f.Message)
		}
	}
}
