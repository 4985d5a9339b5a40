package matrix

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

// header is the start of a valid matrix.yaml; "pairs:" is line 5.
const header = `version: 1
plugin: {version: 1.1.2, base-image: harness/serverless-plugin:1.1.0-beta-base-image}
target-repo: docker.io/acme/serverless-plugin
serverless: ["3.39.0"]
pairs:
`

const (
	py312  = "public.ecr.aws/sam/build-python3.12:1.142.1-20250701194731-x86_64"
	java21 = "public.ecr.aws/sam/build-java21:1.140.0-20250605234711-x86_64"
	node20 = "public.ecr.aws/sam/build-nodejs20.x:1.142.1-20250701194712-x86_64"
	node22 = "public.ecr.aws/sam/build-nodejs22.x:1.140.0-20250605234713-x86_64"
)

// problemLines returns the findings as "line:col: message [id]".
func problemLines(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%d:%d: %s [%s]", f.Pos.Line, f.Pos.Col, f.Message, f.Rule))
	}
	return out
}

// pairsOf returns the pairs as "id runtime nodejs (line:col of nodejs)".
func pairsOf(f *File) []string {
	var out []string
	for _, p := range f.Pairs {
		out = append(out, fmt.Sprintf("%s %s %s (%d:%d)", p.ID.V, p.Runtime.V, p.NodeJS.V, p.NodeJS.Pos.Line, p.NodeJS.Pos.Col))
	}
	return out
}

func TestParseAliases(t *testing.T) {
	for _, tc := range []struct {
		name      string
		pairs     string
		wantPairs []string
		want      []string
	}{
		{
			name: "alias to a scalar points at the anchor",
			pairs: `  - runtime: ` + py312 + `
    nodejs: &n20 ` + node20 + `
  - runtime: ` + java21 + `
    nodejs: *n20
`,
			wantPairs: []string{"python3.12 " + py312 + " " + node20 + " (7:13)", "java21 " + java21 + " " + node20 + " (7:13)"},
		},
		{
			name: "merge key: explicit keys win, no duplicate",
			pairs: `  - &base
    runtime: ` + py312 + `
    nodejs: ` + node20 + `
  - <<: *base
    runtime: ` + java21 + `
`,
			wantPairs: []string{"python3.12 " + py312 + " " + node20 + " (8:13)", "java21 " + java21 + " " + node20 + " (8:13)"},
		},
		{
			name: "merge list: earlier mappings win",
			pairs: `  - &a {runtime: ` + py312 + `, nodejs: ` + node20 + `}
  - &b {id: other, runtime: ` + java21 + `, nodejs: ` + node22 + `}
  - <<: [*a, *b]
    id: merged
`,
			wantPairs: []string{
				"python3.12 " + py312 + " " + node20 + " (6:93)",
				"other " + java21 + " " + node22 + " (7:100)",
				"merged " + py312 + " " + node20 + " (6:93)",
			},
		},
		{
			name: "nested merge",
			pairs: `  - &a {runtime: ` + py312 + `, nodejs: ` + node20 + `}
  - &b {<<: *a, id: b}
  - {<<: *b, id: c}
`,
			wantPairs: []string{
				"python3.12 " + py312 + " " + node20 + " (6:93)",
				"b " + py312 + " " + node20 + " (6:93)",
				"c " + py312 + " " + node20 + " (6:93)",
			},
		},
		{
			name: "the same pair twice is a duplicate at the second entry",
			pairs: `  - &p {runtime: ` + py312 + `, nodejs: ` + node20 + `}
  - *p
`,
			want: []string{`7:5: duplicate pair "python3.12" (first defined at line 6); give one of them a distinct id [duplicate-pair]`},
		},
		{
			name: "an error in an anchored value is reported once, at the anchor",
			pairs: `  - runtime: ` + py312 + `
    nodejs: &bad [` + node20 + `]
  - {id: a, runtime: ` + java21 + `, nodejs: *bad}
  - {id: b, runtime: ` + java21 + `, nodejs: *bad}
`,
			want: []string{`7:13: pairs[0].nodejs must be a string, found a list [wrong-type]`},
		},
		{
			name: "an unknown key merged in is reported once, where it is written",
			pairs: `  - &base {runtime: ` + py312 + `, nodejs: ` + node20 + `, arch: x86_64}
  - {<<: *base, id: a}
  - {<<: *base, id: b}
`,
			want: []string{`6:163: unknown key "arch" in pairs[0]; allowed keys: id, nodejs, runtime [unknown-key]`},
		},
		{
			name: "a key written twice is still a duplicate beside a merge",
			pairs: `  - &base {runtime: ` + py312 + `, nodejs: ` + node20 + `}
  - {<<: *base, id: a, id: b}
`,
			want: []string{`7:24: duplicate key "id" in pairs[1] (first defined at line 7) [duplicate-key]`},
		},
		{
			name: "a merge key takes mappings only",
			pairs: `  - {<<: [` + py312 + `], nodejs: ` + node20 + `}
`,
			want: []string{
				`6:5: missing required key "runtime" in pairs[0] [missing-key]`,
				`6:11: the merge key << in pairs[0] must be given a mapping or a list of mappings, found the string "` + py312 + `" in the list [wrong-type]`,
			},
		},
		{
			name: "a mapping merged into itself",
			pairs: `  - &p {<<: *p, runtime: ` + py312 + `, nodejs: ` + node20 + `}
`,
			want: []string{`6:13: the merge key << in pairs[0] merges a mapping into itself [yaml-syntax]`},
		},
		{
			name: "aliases of a whole section",
			pairs: `  - &p {runtime: ` + py312 + `, nodejs: ` + node20 + `}
policy: &pol {ref-incomplete: &w warning, <<: {os-mismatch: *w}}
harness: {max-concurrency: &four 4}
build: {go-template: &dl {version: v0.4.5}, docker-cli: {<<: *dl, version: "20.10.24"}}
`,
			wantPairs: []string{"python3.12 " + py312 + " " + node20 + " (6:93)"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, fs := Parse("m.yaml", []byte(header+tc.pairs))
			if got, want := strings.Join(problemLines(fs), "\n"), strings.Join(tc.want, "\n"); got != want {
				t.Errorf("Parse findings =\n%s\nwant\n%s", got, want)
			}
			if tc.wantPairs == nil {
				return
			}
			if got, want := strings.Join(pairsOf(f), "\n"), strings.Join(tc.wantPairs, "\n"); got != want {
				t.Errorf("Parse pairs =\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// bomb returns a matrix.yaml whose merge keys expand to width^depth
// mappings.
func bomb(width, depth int) string {
	var b strings.Builder
	b.WriteString(header)
	b.WriteString("  - &m0 {runtime: " + py312 + ", nodejs: " + node20 + "}\n")
	for i := 1; i <= depth; i++ {
		refs := strings.Repeat(fmt.Sprintf("*m%d, ", i-1), width)
		fmt.Fprintf(&b, "  - &m%d {id: p%d, <<: [%s]}\n", i, i, strings.TrimSuffix(refs, ", "))
	}
	return b.String()
}

func TestParseAliasBomb(t *testing.T) {
	start := time.Now()
	_, fs := Parse("m.yaml", []byte(bomb(10, 9)))
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Parse(alias bomb) took %v, want it bounded", d)
	}
	got := problemLines(fs)
	if len(got) != 1 || !strings.Contains(got[0], "aliases and merge keys expand to more than 100000 values here") || !strings.HasSuffix(got[0], "[yaml-syntax]") {
		t.Errorf("Parse(alias bomb) findings = %q, want one yaml-syntax finding about the expansion", got)
	}
	// A file whose aliases expand moderately is not a bomb.
	if _, fs := Parse("m.yaml", []byte(bomb(3, 4))); len(fs) != 0 {
		t.Errorf("Parse(3^4 merges) findings = %q, want none", problemLines(fs))
	}
}

func TestParseDuplicateServerless(t *testing.T) {
	for _, tc := range []struct {
		name, serverless string
		want             []string
	}{
		{"distinct", `["3.39.0", "3.38.0"]`, nil},
		{"twice", `["3.39.0", "3.38.0", "3.39.0"]`, []string{`4:34: duplicate serverless version "3.39.0"; first at 4:14 [invalid-value]`}},
		{"through an alias", `[&v "3.39.0", *v]`, []string{`4:27: duplicate serverless version "3.39.0"; first at 4:14 [invalid-value]`}},
		{"block list", "\n  - 3.39.0\n  - 3.39.0", []string{`6:5: duplicate serverless version "3.39.0"; first at 5:5 [invalid-value]`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(header, `serverless: ["3.39.0"]`, "serverless: "+tc.serverless, 1) +
				"  - {runtime: " + py312 + ", nodejs: " + node20 + "}\n"
			_, fs := Parse("m.yaml", []byte(src))
			if got, want := strings.Join(problemLines(fs), "\n"), strings.Join(tc.want, "\n"); got != want {
				t.Errorf("Parse(serverless: %s) findings =\n%s\nwant\n%s", tc.serverless, got, want)
			}
		})
	}
}

func TestParseSyntaxPositions(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      string
	}{
		{"invalid UTF-8", header + "  - runtime: caf\xe9\n", `6:17: invalid YAML: byte 0xe9 is not UTF-8; the file must be UTF-8 text [yaml-syntax]`},
		{"invalid UTF-8 after wide characters", "# ééé\xff\n", `1:6: invalid YAML: byte 0xff is not UTF-8; the file must be UTF-8 text [yaml-syntax]`},
		{"invalid UTF-8 after CR and CRLF line breaks", "a: 1\r\nb: 2\rc: \xff\n", `3:4: invalid YAML: byte 0xff is not UTF-8; the file must be UTF-8 text [yaml-syntax]`},
		{"control character", header + "  - runtime: a\x01b\n", `6:15: invalid YAML: character U+0001 is not allowed in YAML [yaml-syntax]`},
		{"unknown anchor", header + "  - {runtime: &py2 " + py312 + ", nodejs: *py2, id: *py}\n", `6:105: invalid YAML: alias *py refers to no anchor &py defined before it [yaml-syntax]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, fs := Parse("m.yaml", []byte(tc.src))
			if got := strings.Join(problemLines(fs), "\n"); got != tc.want {
				t.Errorf("Parse(%q) findings = %s, want %s", tc.src, got, tc.want)
			}
		})
	}
}

func TestParseLongValues(t *testing.T) {
	long := strings.Repeat("z", 100_000)
	pair := "  - {runtime: " + py312 + ", nodejs: " + node20 + "}\n"
	for _, tc := range []struct {
		name, src string
	}{
		{"tag", header + "  - {runtime: public.ecr.aws/sam/build-python3.12:" + long + ", nodejs: " + node20 + "}\n"},
		{"target-repo", strings.Replace(header, "docker.io/acme/serverless-plugin", long+":z", 1) + pair},
		{"key", header + pair + "? " + long + "\n: 1\n"},
		{"severity", header + pair + "policy: {os-mismatch: " + long + "}\n"},
		{"number", header + pair + "harness: {max-concurrency: 1" + strings.Repeat("0", 1000) + ".5}\n"},
		{"pair id", header + "  - {id: \"" + long + "!\", runtime: " + py312 + ", nodejs: " + node20 + "}\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, fs := Parse("m.yaml", []byte(tc.src))
			if len(fs) == 0 {
				t.Fatalf("Parse(long %s) found nothing, want a problem", tc.name)
			}
			for _, f := range fs {
				if !strings.Contains(f.Message, "…") || !strings.Contains(f.Message, " characters)") {
					t.Errorf("Parse(long %s) message = %.300q, want the value cut with \"…\" and its length", tc.name, f.Message)
				}
				// The value once, cut to maxQuoted characters; "characters" in
				// an allowed character set may add a z.
				msg := regexp.MustCompile(`\(\d+ characters\)`).ReplaceAllString(f.Message, "")
				if n := strings.Count(msg, "z") + strings.Count(msg, "0"); n > maxQuoted+2 {
					t.Errorf("Parse(long %s) message = %.300q quotes %d characters of the value, want it quoted once, at most %d", tc.name, f.Message, n, maxQuoted)
				}
			}
		})
	}
}

func TestQuote(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"short", "3.39", `"3.39"`},
		{"exactly the limit", strings.Repeat("a", maxQuoted), `"` + strings.Repeat("a", maxQuoted) + `"`},
		{"long", strings.Repeat("a", maxQuoted+1), `"` + strings.Repeat("a", maxQuoted) + `…" (81 characters)`},
		{"long wide characters", strings.Repeat("é", 100), `"` + strings.Repeat("é", maxQuoted) + `…" (100 characters)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := quote(tc.in); got != tc.want {
				t.Errorf("quote(%.20q) = %s, want %s", tc.in, got, tc.want)
			}
		})
	}
}
