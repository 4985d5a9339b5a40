package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/sammatrix/sammatrix/matrix"
)

func TestWriteMarkdown(t *testing.T) {
	for _, tt := range []struct {
		name       string
		report     *matrix.Report
		want, omit []string
	}{
		{
			name: "two pairs", report: testReport(),
			want: []string{
				"## sammatrix validate: 1 compatible, 1 incompatible\n",
				"| Pair | Verdict | OS (runtime / Node.js) | libstdc++ (runtime / Node.js) | GLIBCXX (needed / provided) | GLIBC (needed / provided) |\n|---|---|---|---|---|---|\n",
				"| `python3.12` | ✅ compatible | amzn 2023 / amzn 2023 | 6.0.29 / 6.0.29 | 3.4.21 / 3.4.29 | 2.28 / 2.34 |\n",
				"| `python3.9` | ❌ incompatible | amzn 2 / amzn 2023 | 6.0.24 / 6.0.33 | 3.4.26 / 3.4.24 | 2.28 / 2.26 |\n",
				"### ❌ `python3.9`: 2 errors, 1 warning\n",
				"- **error** `abi-version-missing` `./matrix.yaml:12:5`: node needs GLIBCXX_3.4.26 from libstdc++.so.6; /usr/lib64/libstdc++.so.6.0.24 defines up to GLIBCXX_3.4.24\n" +
					"  - expected GLIBCXX_3.4.26; found GLIBCXX_3.4.24; image " + py39Runtime,
				"- **warning** `os-mismatch` `./matrix.yaml:12:5`: the runtime image runs amzn 2, the Node.js image amzn 2023 \\| \"Amazon Linux 2023\"\n",
				"### Skipped checks\n\n- " + skippedNote + "\n",
			},
			omit: []string{"### ✅"},
		},
		{
			name: "cells with pipes and markup",
			report: &matrix.Report{Pairs: []matrix.PairResult{{
				Pair: pair("odd|id", 3, "a", "b"), Verdict: matrix.Compatible,
				Summary: matrix.Summary{RuntimeOS: "amzn|2", NodeJSOS: "<b>debian</b>"},
			}}},
			want: []string{"| `odd\\|id` | ✅ compatible | amzn\\|2 / &lt;b&gt;debian&lt;/b&gt; | - | - | - |\n"},
			omit: []string{"### Skipped checks", "<b>"},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteMarkdown(&b, tt.report); err != nil {
				t.Fatalf("WriteMarkdown(...) = %v, want nil", err)
			}
			got := b.String()
			for _, s := range tt.want {
				if !strings.Contains(got, s) {
					t.Errorf("WriteMarkdown(...) = \n%s\nwant it to contain %q", got, s)
				}
			}
			for _, s := range tt.omit {
				if strings.Contains(got, s) {
					t.Errorf("WriteMarkdown(...) = \n%s\nwant it not to contain %q", got, s)
				}
			}
		})
	}
}

func TestMarkdownEscaping(t *testing.T) {
	for _, tt := range []struct {
		name, in, text, code string
	}{
		{"pipe", "a|b", `a\|b`, "`a\\|b`"},
		{"newline", "a\nb", "a b", "`a b`"},
		{"backtick", "a`b", "a\\`b", "``a`b``"},
		{"markup", "*x* [y] <z>", `\*x\* \[y\] &lt;z&gt;`, "`*x* [y] <z>`"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := mdText(tt.in); got != tt.text {
				t.Errorf("mdText(%q) = %q, want %q", tt.in, got, tt.text)
			}
			if got := mdCode(tt.in); got != tt.code {
				t.Errorf("mdCode(%q) = %q, want %q", tt.in, got, tt.code)
			}
		})
	}
}
