package matrix

import (
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/sammatrix/sammatrix/inspect/fixture"
)

func TestNotNodeJSImage(t *testing.T) {
	al2023 := func(t *testing.T) []fixture.File { return amazonLinux(t, "al2023") }
	tests := []struct {
		name   string
		nodejs func(t *testing.T) v1.Image
		want   []string // parts of the one finding's message
	}{
		{"no node", func(t *testing.T) v1.Image {
			// /var/lang exists, with OpenSSL, but no node.
			return buildImage(t, al2023(t), []fixture.File{elfFile(t, "node20/libssl.so.3", "var/lang/lib/libssl.so.3")})
		}, []string{"has no /var/lang/bin/node", "not a Node.js image"}},
		{"no /opt", func(t *testing.T) v1.Image {
			return buildImage(t, without(al2023(t), "opt"), nodeFiles(t, "node20", "libssl.so.3", "libcrypto.so.3"))
		}, []string{"has no /opt", "COPY --from=nodejs of it would fail"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMatrix(t)
			nodejs := m.image(tt.nodejs(t))
			m.pair("p", m.image(al2023Runtime(t)), nodejs)
			p := m.validate(ValidateOptions{}).Pairs[0]
			got := ruleFindings(p, RuleNotNodeJSImage)
			if len(got) != 1 {
				t.Fatalf("Validate(...) pair %q %s findings = %q, want one", p.Pair.ID.V, RuleNotNodeJSImage, messages(got))
			}
			for _, want := range tt.want {
				if !strings.Contains(got[0].Message, want) {
					t.Errorf("finding %q, want it to contain %q", got[0].Message, want)
				}
			}
			if line, col := m.posOf(nodejs); got[0].Pos.Line != line || got[0].Pos.Col != col {
				t.Errorf("finding at %d:%d, want the nodejs reference at %d:%d", got[0].Pos.Line, got[0].Pos.Col, line, col)
			}
			if p.Verdict != Incompatible {
				t.Errorf("Validate(...) pair %q = %v, want %v", p.Pair.ID.V, p.Verdict, Incompatible)
			}
		})
	}
}
