package report

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/sammatrix/sammatrix/matrix"
	"github.com/sammatrix/sammatrix/matrix/plan"
)

//go:embed plan_html.tmpl plan_html.css plan_html.js
var planHTMLFiles embed.FS

// planAssets is the page's template and the style and script inlined into
// it whole; the page's content security policy allows exactly them by
// hash, and nothing from anywhere else. They are read and parsed when a
// page is first written, not when the program starts.
var planAssets = sync.OnceValue(func() (a htmlAssets) {
	a.html = template.Must(template.New("plan_html.tmpl").ParseFS(planHTMLFiles, "plan_html.tmpl"))
	a.css, a.js = mustRead("plan_html.css"), mustRead("plan_html.js")
	a.csp = fmt.Sprintf("default-src 'none'; style-src '%s'; script-src '%s'; base-uri 'none'; form-action 'none'",
		sourceHash(a.css), sourceHash(a.js))
	return a
})

type htmlAssets struct {
	html    *template.Template
	css, js string
	csp     string
}

func mustRead(name string) string {
	b, err := planHTMLFiles.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// sourceHash is the CSP source expression of an inline script or style.
func sourceHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// htmlPage is what the page shows. Every string in it went through
// printable; the template escapes it for HTML.
type htmlPage struct {
	File                     string
	Runtimes, NodeJS         []htmlImage
	Rows                     []htmlRow
	Cells                    int
	Compatible, Incompatible int
	Current                  int
	PairsYAML                string
	Skipped, Warnings        []string
	CSP                      string
	CSS                      template.CSS
	JS                       template.JS
}

// htmlImage is an image of a row or column header and its key facts; ""
// means unknown.
type htmlImage struct {
	Short, Ref     string
	OS, Libstdcxx  string
	Glibc          string // runtime: the highest GLIBC_ its libc defines
	Node, Needs    string // Node.js: node's version, what it needs
	Digest, Abbrev string
}

// htmlRow is a runtime image and its cells, one per Node.js image.
type htmlRow struct {
	Image htmlImage
	Cells []htmlCell
}

// htmlCell is the verdict on one combination.
type htmlCell struct {
	ID              string
	Runtime, NodeJS string // short names
	RuntimeRef      string
	NodeJSRef       string
	Compatible      bool
	Current         bool
	Rule            string
	Findings        []htmlFinding
	Summary         []htmlField
	// End places the cell's pop-up to its left, for the columns on the
	// right half of the grid.
	End bool
}

// htmlFinding is a finding with its evidence.
type htmlFinding struct {
	Rule, Severity, Message string
	Evidence                []htmlField
}

// htmlField is a named value: a fact of an image, a piece of evidence.
type htmlField struct {
	Name, Value string
}

// WritePlanHTML writes a plan as one self-contained HTML page, with no
// external asset: the grid with each cell coloured by verdict (✓ or ✗,
// with the first failing rule; ★ a pair of matrix.yaml) and its findings
// and their evidence shown on hover and on click, each image's key facts in
// its header, then every image's facts, every cell's findings and the
// suggested pairs, which are also what a printout shows.
func WritePlanHTML(w io.Writer, g *plan.Grid) error {
	return writeOnce(w, "plan HTML", func(b *bytes.Buffer) error {
		if err := planAssets().html.Execute(b, toHTMLPage(g)); err != nil {
			return fmt.Errorf("rendering plan HTML: %w", err)
		}
		return nil
	})
}

func toHTMLPage(g *plan.Grid) htmlPage {
	p := htmlPage{
		PairsYAML: printableLines(plan.PairsYAML(g.Suggestions)),
		CSP:       planAssets().csp,
		CSS:       template.CSS(planAssets().css),
		JS:        template.JS(planAssets().js),
	}
	if g.File != "" {
		p.File = printable(matrix.DisplayPath(g.File))
	}
	for i, rt := range g.Runtimes {
		f := runtimeFacts(g, i)
		p.Runtimes = append(p.Runtimes, htmlImage{
			Short: printable(rt.Short()), Ref: printable(rt.Name),
			OS: printable(orUnknown(f.OS)), Libstdcxx: printable(orUnknown(f.Libstdcxx)), Glibc: rowGlibc(g, i),
			Digest: printable(f.Digest), Abbrev: printable(abbrevDigest(f.Digest)),
		})
	}
	for j, nj := range g.NodeJS {
		f := nodeFacts(g, j)
		p.NodeJS = append(p.NodeJS, htmlImage{
			Short: printable(nj.Short()), Ref: printable(nj.Name),
			OS: printable(orUnknown(f.OS)), Libstdcxx: printable(orUnknown(f.Libstdcxx)),
			Node: printable(orUnknown(f.Node)), Needs: printable(columnNeeds(g, j)),
			Digest: printable(f.Digest), Abbrev: printable(abbrevDigest(f.Digest)),
		})
	}
	for i := range g.Runtimes {
		row := htmlRow{Image: p.Runtimes[i]}
		for j, c := range g.Cells[i] {
			hc := htmlCell{
				ID:      fmt.Sprintf("cell-%d-%d", i+1, j+1),
				Runtime: printable(c.Runtime.Short()), NodeJS: printable(c.NodeJS.Short()),
				RuntimeRef: printable(c.Runtime.Name), NodeJSRef: printable(c.NodeJS.Name),
				Compatible: c.Compatible(), Current: isCurrent(g, c),
				Summary: cellSummary(c.Result.Summary),
				End:     len(g.NodeJS) > 2 && j >= len(g.NodeJS)/2,
			}
			if f := c.FirstError(); f != nil {
				hc.Rule = printable(f.Rule)
			}
			for _, f := range c.Result.Findings {
				hc.Findings = append(hc.Findings, toHTMLFinding(f))
			}
			if hc.Compatible {
				p.Compatible++
			} else {
				p.Incompatible++
			}
			if hc.Current {
				p.Current++
			}
			row.Cells = append(row.Cells, hc)
		}
		p.Rows = append(p.Rows, row)
	}
	p.Cells = p.Compatible + p.Incompatible
	for _, s := range g.Skipped {
		p.Skipped = append(p.Skipped, printable(s))
	}
	for _, s := range g.Warnings {
		p.Warnings = append(p.Warnings, printable(s))
	}
	return p
}

func toHTMLFinding(f matrix.Finding) htmlFinding {
	hf := htmlFinding{Rule: printable(f.Rule), Severity: printable(string(f.Severity)), Message: printable(f.Message)}
	if e := f.Evidence; e != nil {
		for _, fld := range []htmlField{
			{"expected", e.Expected}, {"found", e.Found}, {"image", e.Image}, {"path", e.Path}, {"layer", e.Layer},
		} {
			if fld.Value != "" {
				hf.Evidence = append(hf.Evidence, htmlField{fld.Name, printable(fld.Value)})
			}
		}
	}
	return hf
}

// cellSummary is what node needs against what the built image has.
func cellSummary(s matrix.Summary) []htmlField {
	var out []htmlField
	if s.NeedGLIBCXX != "" || s.HaveGLIBCXX != "" {
		out = append(out, htmlField{"GLIBCXX", printable(versus(s.NeedGLIBCXX, s.HaveGLIBCXX))})
	}
	if s.NeedGLIBC != "" || s.HaveGLIBC != "" {
		out = append(out, htmlField{"GLIBC", printable(versus(s.NeedGLIBC, s.HaveGLIBC))})
	}
	return out
}

// rowGlibc is the highest GLIBC_ version that the libc node loads in the
// images built from a runtime defines: "GLIBC_2.26", or each different one
// when the Node.js images of the row change it, or "?".
func rowGlibc(g *plan.Grid, i int) string {
	var vs []string
	for _, c := range g.Cells[i] {
		if v := c.Result.Summary.HaveGLIBC; v != "" && !slices.Contains(vs, "GLIBC_"+v) {
			vs = append(vs, "GLIBC_"+v)
		}
	}
	if len(vs) == 0 {
		return unknown
	}
	return printable(strings.Join(vs, ", "))
}

// columnNeeds is the highest GLIBC_ and GLIBCXX_ versions the node of a
// Node.js image needs: "GLIBC_2.28, GLIBCXX_3.4.26".
func columnNeeds(g *plan.Grid, j int) string {
	if len(g.Runtimes) == 0 {
		return ""
	}
	s := g.Cells[0][j].Result.Summary
	var needs []string
	if s.NeedGLIBC != "" {
		needs = append(needs, "GLIBC_"+s.NeedGLIBC)
	}
	if s.NeedGLIBCXX != "" {
		needs = append(needs, "GLIBCXX_"+s.NeedGLIBCXX)
	}
	return orUnknown(strings.Join(needs, ", "))
}

// abbrevDigest shortens sha256:<64 hex> to sha256:<12 hex>…; other text is
// kept.
func abbrevDigest(d string) string {
	const keep = len("sha256:") + 12
	if len(d) > keep+4 && strings.HasPrefix(d, "sha256:") {
		return d[:keep] + "…"
	}
	return d
}
