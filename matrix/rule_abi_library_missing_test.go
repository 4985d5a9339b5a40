package matrix

import (
	"strings"
	"testing"
)

func TestABILibraryMissing(t *testing.T) {
	runtime := buildImage(t, amazonLinux(t, "al2023")) // no OpenSSL
	tests := []struct {
		name string
		libs []string // what the Node.js image ships in /var/lang/lib
		want []string // one finding each
	}{
		{"nothing shipped", nil, []string{
			"node needs libcrypto.so.3, which the loader does not find",
			"node needs libssl.so.3, which the loader does not find",
		}},
		{"libssl without libcrypto", []string{"libssl.so.3"}, []string{
			"/var/lang/lib/libssl.so.3 (loaded by node) needs libcrypto.so.3, which the loader does not find",
			"node needs libcrypto.so.3, which the loader does not find",
		}},
		{"both shipped", []string{"libssl.so.3", "libcrypto.so.3"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nodejs := buildImage(t, amazonLinux(t, "al2023"), nodeFiles(t, "node20", tt.libs...))
			p := validatePair(t, runtime, nodejs)
			got := ruleFindings(p, RuleABILibraryMissing)
			if len(got) != len(tt.want) {
				t.Fatalf("Validate(...) pair %q %s =\n%s want %d", p.Pair.ID.V, RuleABILibraryMissing, messages(got), len(tt.want))
			}
			for i, want := range tt.want {
				if !strings.HasPrefix(got[i].Message, want) || got[i].Severity != Error {
					t.Errorf("finding %d = %s %q, want an error starting %q", i, got[i].Severity, got[i].Message, want)
				}
			}
			if want := len(tt.want) == 0; (p.Verdict == Compatible) != want {
				t.Errorf("Validate(...) pair %q = %v, want compatible %v", p.Pair.ID.V, p.Verdict, want)
			}
			if len(ruleFindings(p, RuleABIVersionMissing)) != 0 {
				t.Errorf("Validate(...) pair %q: %s findings %q, want none", p.Pair.ID.V, RuleABIVersionMissing, messages(ruleFindings(p, RuleABIVersionMissing)))
			}
		})
	}
}
