package report

import (
	"bytes"
	"html"
	"image/png"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/sammatrix/sammatrix/inspect/imageref"
	"github.com/sammatrix/sammatrix/matrix"
	"github.com/sammatrix/sammatrix/matrix/plan"
)

// hostileGrid is a one-cell grid whose every text holds hostile text: the
// images' names, the matrix file, the findings and their evidence, the
// facts, the notes.
func hostileGrid(t *testing.T) *plan.Grid {
	t.Helper()
	r := hostileReport()
	img := func(s string) plan.Image {
		ref, err := imageref.Parse(s)
		if err != nil {
			t.Fatalf("imageref.Parse(%q) = %v", s, err)
		}
		return plan.Image{Name: s, Ref: ref}
	}
	rt := img("oci-archive:layout/build-py\x1b[31m<script>alert(1)</script>" + hostile + ".tar")
	nj := img("oci-archive:layout/build-node\"'><b>&amp;" + hostile + ".tar")
	res := r.Pairs[0]
	res.Summary.RuntimeDigest = "sha256:\x1b[2J<i>"
	res.Summary.NodeVersion = "v22<script>" + hostile
	return &plan.Grid{
		File:     r.File,
		Runtimes: []plan.Image{rt},
		NodeJS:   []plan.Image{nj},
		Cells:    [][]plan.Cell{{{Runtime: rt, NodeJS: nj, Result: res}}},
		Current:  []plan.Combination{{Runtime: rt.Name, NodeJS: nj.Name}},
		Suggestions: []plan.Suggestion{
			{ID: "py" + hostile, Runtime: rt, Why: "no Node.js image: " + hostile},
		},
		Skipped:  r.Skipped,
		Warnings: r.Warnings,
	}
}

// checkHTML fails when hostile text opens an element or an attribute of
// the page: its only elements are the template's, and the hostile
// characters are there escaped.
func checkHTML(t *testing.T, out []byte) {
	t.Helper()
	s := string(out)
	for _, raw := range []string{"<b>", "<i>", "<x>", "</script><", "\"'><", "&amp;</b>"} {
		if strings.Contains(s, raw) {
			t.Errorf("WritePlanHTML(...) holds %q raw, want it escaped", raw)
		}
	}
	if n := strings.Count(s, "<script"); n != 1 {
		t.Errorf("WritePlanHTML(...) has %d <script elements, want the page's own one", n)
	}
	for _, escaped := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;b&gt;&amp;amp;", `\x1b[31m`, `\u202e`} {
		if !strings.Contains(s, escaped) {
			t.Errorf("WritePlanHTML(...) does not contain %q, want hostile text shown escaped", escaped)
		}
	}
	// Each attribute value ends at its own closing quote: no hostile quote
	// closes one early and adds another attribute.
	for _, m := range regexp.MustCompile(`<(td|button|code|span) ([^>]*)>`).FindAllStringSubmatch(s, -1) {
		if rest := attrs.ReplaceAllString(m[2], ""); strings.TrimSpace(rest) != "" {
			t.Errorf("WritePlanHTML(...) element %s has attributes %q; %q is not name=\"value\"", m[1], m[2], rest)
		}
	}
}

var attrs = regexp.MustCompile(`(id|class|title|type|role|aria-[a-z]+|data-[a-z]+)="[^"<>]*"\s*`)

// TestPlanHTMLPage checks the page without a browser: one cell per
// combination in grid order, verdicts, marks and findings in their place,
// and a content security policy that allows exactly the inline style and
// script and nothing from anywhere.
func TestPlanHTMLPage(t *testing.T) {
	g := fakeGrid()
	var b bytes.Buffer
	if err := WritePlanHTML(&b, g); err != nil {
		t.Fatalf("WritePlanHTML(...) = %v, want nil", err)
	}
	s := b.String()
	cells := regexp.MustCompile(`<td id="(cell-\d+-\d+)" class="cell (ok|bad)( current)?[^"]*" data-runtime="([^"]*)" data-nodejs="([^"]*)">`).FindAllStringSubmatch(s, -1)
	var got []string
	for _, c := range cells {
		got = append(got, strings.Join(c[1:], " "))
	}
	want := []string{
		"cell-1-1 ok  public.ecr.aws/sam/build-python3.11:1 public.ecr.aws/sam/build-nodejs18.x:1",
		"cell-1-2 bad  current public.ecr.aws/sam/build-python3.11:1 public.ecr.aws/sam/build-nodejs20.x:1",
		"cell-2-1 bad  public.ecr.aws/sam/build-python3.12:1 public.ecr.aws/sam/build-nodejs18.x:1",
		"cell-2-2 ok  current public.ecr.aws/sam/build-python3.12:1 public.ecr.aws/sam/build-nodejs20.x:1",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("WritePlanHTML(...) cells =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, w := range []string{
		`<span class="mark">✗</span> <span class="rule">abi-version-missing</span> <span class="star" title="a pair of the matrix file">★</span>`,
		`<dt>expected</dt><dd><code>GLIBCXX_3.4.26</code></dd>`,
		`<dt>found</dt><dd><code>GLIBCXX_3.4.24</code></dd>`,
		`<dt>layer</dt><dd><code>sha256:1111</code></dd>`,
		`<dt>glibc</dt><dd>GLIBC_2.26</dd>`,
		`<dt>needs</dt><dd>GLIBC_2.28, GLIBCXX_3.4.26</dd>`,
		`<dt>node</dt><dd>v20.18.1</dd>`,
		`<code title="sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">sha256:aaaaaaaaaaaa…</code>`,
		`<article class="pair bad" id="cell-1-2-findings">`,
		"policy and pairs of <code>./matrix.yaml</code>",
		"2 compatible</span>, <span class=\"bad-text\">2 incompatible",
	} {
		if !strings.Contains(s, w) {
			t.Errorf("WritePlanHTML(...) does not contain %q", w)
		}
	}
	for _, bad := range []string{"http://", "https://", " src=", "<link", "@import", "url("} {
		if strings.Contains(s, bad) {
			t.Errorf("WritePlanHTML(...) contains %q; want a page with no external asset", bad)
		}
	}
	csp := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]*)">`).FindStringSubmatch(s)
	style := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindStringSubmatch(s)
	script := regexp.MustCompile(`(?s)<script>(.*?)</script>`).FindStringSubmatch(s)
	if csp == nil || style == nil || script == nil {
		t.Fatalf("WritePlanHTML(...) lacks its policy, style or script:\n%s", s)
	}
	policy := html.UnescapeString(csp[1])
	for _, w := range []string{"default-src 'none'", "style-src '" + sourceHash(style[1]) + "'", "script-src '" + sourceHash(script[1]) + "'"} {
		if !strings.Contains(policy, w) {
			t.Errorf("WritePlanHTML(...) policy %q does not contain %q, so the browser would refuse the inline style or script", policy, w)
		}
	}
}

func TestHostilePlanHTML(t *testing.T) {
	var b bytes.Buffer
	if err := WritePlanHTML(&b, hostileGrid(t)); err != nil {
		t.Fatalf("WritePlanHTML(...) = %v, want nil", err)
	}
	checkPrintable(t, "WritePlanHTML(...)", b.Bytes())
	checkHTML(t, b.Bytes())
}

// TestPlanScreenshotCommitted checks that the screenshot the README shows
// is there and is a PNG image.
func TestPlanScreenshotCommitted(t *testing.T) {
	f, err := os.Open(planScreenshot)
	if err != nil {
		t.Fatalf("opening the README's screenshot: %v (UPDATE_GOLDEN=1 go test ./render/report -run TestPlanHTMLInChromium makes it)", err)
	}
	defer f.Close()
	c, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatalf("decoding %s: %v, want a PNG image", planScreenshot, err)
	}
	if c.Width < 800 || c.Height < 400 {
		t.Errorf("%s is %d×%d, want a screenshot of at least 800×400", planScreenshot, c.Width, c.Height)
	}
}

// fakeGrid is a 2 × 2 grid built by hand: python3.11 runs nodejs18.x only,
// python3.12 nodejs20.x only; the matrix file pairs python3.11 with
// nodejs20.x and python3.12 with nodejs20.x.
func fakeGrid() *plan.Grid {
	img := func(s string) plan.Image {
		ref, err := imageref.Parse(s)
		if err != nil {
			panic(err)
		}
		return plan.Image{Name: s, Ref: ref}
	}
	py311, py312 := img("public.ecr.aws/sam/build-python3.11:1"), img("public.ecr.aws/sam/build-python3.12:1")
	n18, n20 := img("public.ecr.aws/sam/build-nodejs18.x:1"), img("public.ecr.aws/sam/build-nodejs20.x:1")
	digest := func(c byte) string { return "sha256:" + strings.Repeat(string(c), 64) }
	summary := func(rt, nj plan.Image) matrix.Summary {
		s := matrix.Summary{RuntimeOS: "amzn 2", RuntimeLibstdcxx: "6.0.24", HaveGLIBC: "2.26", HaveGLIBCXX: "3.4.24", RuntimeDigest: digest('a')}
		if rt == py312 {
			s = matrix.Summary{RuntimeOS: "amzn 2023", RuntimeLibstdcxx: "6.0.29", HaveGLIBC: "2.34", HaveGLIBCXX: "3.4.29", RuntimeDigest: digest('b')}
		}
		s.NodeJSOS, s.NodeJSLibstdcxx, s.NodeVersion, s.NeedGLIBC, s.NeedGLIBCXX, s.NodeJSDigest = "amzn 2", "6.0.24", "v18.20.4", "2.17", "3.4.21", digest('c')
		if nj == n20 {
			s.NodeJSOS, s.NodeJSLibstdcxx, s.NodeVersion, s.NeedGLIBC, s.NeedGLIBCXX, s.NodeJSDigest = "amzn 2023", "6.0.29", "v20.18.1", "2.28", "3.4.26", digest('d')
		}
		return s
	}
	ok := func(rt, nj plan.Image) plan.Cell {
		return plan.Cell{Runtime: rt, NodeJS: nj, Result: matrix.PairResult{Verdict: matrix.Compatible, Summary: summary(rt, nj)}}
	}
	bad := func(rt, nj plan.Image, f matrix.Finding) plan.Cell {
		return plan.Cell{Runtime: rt, NodeJS: nj, Result: matrix.PairResult{Verdict: matrix.Incompatible, Findings: []matrix.Finding{f}, Summary: summary(rt, nj)}}
	}
	return &plan.Grid{
		File:     "matrix.yaml",
		Runtimes: []plan.Image{py311, py312},
		NodeJS:   []plan.Image{n18, n20},
		Cells: [][]plan.Cell{
			{ok(py311, n18), bad(py311, n20, matrix.Finding{
				Rule: matrix.RuleABIVersionMissing, Severity: matrix.Error,
				Message: "node needs GLIBCXX_3.4.26 from libstdc++.so.6; the runtime image's /usr/lib64/libstdc++.so.6.0.24 defines up to GLIBCXX_3.4.24",
				Evidence: &matrix.Evidence{Image: py311.Name, Path: "/usr/lib64/libstdc++.so.6.0.24", Layer: "sha256:1111",
					Expected: "GLIBCXX_3.4.26", Found: "GLIBCXX_3.4.24"},
			})},
			{bad(py312, n18, matrix.Finding{
				Rule: matrix.RuleLibstdcxxMismatch, Severity: matrix.Error,
				Message:  "libstdc++ differs",
				Evidence: &matrix.Evidence{Image: n18.Name, Path: "/usr/lib64/libstdc++.so.6.0.24", Expected: "6.0.29", Found: "6.0.24"},
			}), ok(py312, n20)},
		},
		Current: []plan.Combination{{Runtime: py311.Name, NodeJS: n20.Name}, {Runtime: py312.Name, NodeJS: n20.Name}},
	}
}
