package report

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/sammatrix/sammatrix/matrix"
)

// unknown stands for a fact the report does not know.
const unknown = "?"

// WriteValidateTable writes the result of validate for people: a table with
// one row per pair (verdict; OS and libstdc++ of the runtime / the Node.js
// image; GLIBCXX and GLIBC versions node needs / the built image has), the
// findings of each pair with their evidence, the skipped checks as "note:"
// lines, and a summary line such as "9 compatible, 3 incompatible".
func WriteValidateTable(w io.Writer, r *matrix.Report) error {
	return writeOnce(w, "validate table", func(b *bytes.Buffer) error {
		if len(r.Pairs) > 0 {
			t := tablewriter.NewTable(b, tablewriter.WithRowAutoWrap(tw.WrapNone), tablewriter.WithHeaderAutoFormat(tw.Off))
			t.Header("PAIR", "VERDICT", "OS RUNTIME / NODE", "LIBSTDC++ RUNTIME / NODE", "GLIBCXX NEED / HAVE", "GLIBC NEED / HAVE")
			for _, p := range r.Pairs {
				s := p.Summary
				if err := t.Append(printable(p.Pair.ID.V), printable(p.Verdict),
					printable(versus(s.RuntimeOS, s.NodeJSOS)), printable(versus(s.RuntimeLibstdcxx, s.NodeJSLibstdcxx)),
					printable(versus(s.NeedGLIBCXX, s.HaveGLIBCXX)), printable(versus(s.NeedGLIBC, s.HaveGLIBC))); err != nil {
					return fmt.Errorf("rendering validate table: %w", err)
				}
			}
			if err := t.Render(); err != nil {
				return fmt.Errorf("rendering validate table: %w", err)
			}
		}
		for _, p := range r.Pairs {
			if len(p.Findings) == 0 {
				continue
			}
			fmt.Fprintf(b, "\n%s: %s (%s)\n", printable(p.Pair.ID.V), printable(p.Verdict), Summary(p.Findings))
			for _, f := range p.Findings {
				fmt.Fprintln(b, printable(f.String()))
				if e := evidenceText(f.Evidence); e != "" {
					fmt.Fprintf(b, "    %s\n", printable(e))
				}
			}
		}
		if len(r.Skipped)+len(r.Warnings) > 0 {
			b.WriteByte('\n')
		}
		for _, s := range r.Skipped {
			fmt.Fprintf(b, "note: %s\n", printable(s))
		}
		for _, w := range r.Warnings {
			fmt.Fprintf(b, "warning: %s\n", printable(w))
		}
		fmt.Fprintf(b, "\n%s\n", VerdictSummary(r))
		return nil
	})
}

// VerdictSummary counts the pairs of a report by verdict: "9 compatible, 3 incompatible".
func VerdictSummary(r *matrix.Report) string {
	c, i := r.Counts()
	return fmt.Sprintf("%d compatible, %d incompatible", c, i)
}

// evidenceText formats evidence on one line, "expected X; found Y; image I;
// path P; layer L", leaving out what is not set. It is empty for nil evidence.
func evidenceText(e *matrix.Evidence) string {
	if e == nil {
		return ""
	}
	var parts []string
	for _, kv := range [][2]string{
		{"expected", e.Expected}, {"found", e.Found}, {"image", e.Image}, {"path", e.Path}, {"layer", e.Layer},
	} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+" "+kv[1])
		}
	}
	return strings.Join(parts, "; ")
}

// versus formats two facts as "a / b", with "?" for an unknown one and "-"
// when both are unknown.
func versus(a, b string) string {
	if a == "" && b == "" {
		return "-"
	}
	return cmp.Or(a, unknown) + " / " + cmp.Or(b, unknown)
}

// relativeFile returns a matrix file path as machines expect it: slash
// separated, without a leading "./".
func relativeFile(file string) string {
	return strings.TrimPrefix(filepath.ToSlash(file), "./")
}
