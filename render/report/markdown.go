package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/sammatrix/sammatrix/matrix"
)

// WriteMarkdown writes the result of validate as a GitHub-flavoured Markdown
// summary, as for $GITHUB_STEP_SUMMARY: a heading with the counts, a table of
// the pairs, the findings of every pair that has any, and the skipped checks.
func WriteMarkdown(w io.Writer, r *matrix.Report) error {
	return writeOnce(w, "Markdown", func(b *bytes.Buffer) error {
		fmt.Fprintf(b, "## sammatrix validate: %s\n\n", VerdictSummary(r))
		if r.File != "" {
			fmt.Fprintf(b, "Matrix: %s\n\n", mdCode(relativeFile(r.File)))
		}
		if len(r.Pairs) > 0 {
			b.WriteString("| Pair | Verdict | OS (runtime / Node.js) | libstdc++ (runtime / Node.js) | GLIBCXX (needed / provided) | GLIBC (needed / provided) |\n")
			b.WriteString("|---|---|---|---|---|---|\n")
			for _, p := range r.Pairs {
				s := p.Summary
				cells := []string{
					mdCode(p.Pair.ID.V), verdictMark(p.Verdict) + " " + mdText(p.Verdict),
					mdText(versus(s.RuntimeOS, s.NodeJSOS)), mdText(versus(s.RuntimeLibstdcxx, s.NodeJSLibstdcxx)),
					mdText(versus(s.NeedGLIBCXX, s.HaveGLIBCXX)), mdText(versus(s.NeedGLIBC, s.HaveGLIBC)),
				}
				fmt.Fprintf(b, "| %s |\n", strings.Join(cells, " | "))
			}
		}
		for _, p := range r.Pairs {
			if len(p.Findings) == 0 {
				continue
			}
			fmt.Fprintf(b, "\n### %s %s: %s\n\n", verdictMark(p.Verdict), mdCode(p.Pair.ID.V), mdText(Summary(p.Findings)))
			fmt.Fprintf(b, "Runtime %s, Node.js %s\n\n", mdCode(p.Pair.Runtime.V), mdCode(p.Pair.NodeJS.V))
			for _, f := range p.Findings {
				fmt.Fprintf(b, "- **%s** %s %s: %s\n", f.Severity, mdCode(f.Rule), mdCode(f.Pos.String()), mdText(f.Message))
				if e := evidenceText(f.Evidence); e != "" {
					fmt.Fprintf(b, "  - %s\n", mdText(e))
				}
			}
		}
		if len(r.Skipped) > 0 {
			b.WriteString("\n### Skipped checks\n\n")
			for _, s := range r.Skipped {
				fmt.Fprintf(b, "- %s\n", mdText(s))
			}
		}
		if len(r.Warnings) > 0 {
			b.WriteString("\n### Warnings from reading the images\n\n")
			for _, w := range r.Warnings {
				fmt.Fprintf(b, "- %s\n", mdText(w))
			}
		}
		return nil
	})
}

func verdictMark(verdict string) string {
	if verdict == matrix.Compatible {
		return "✅"
	}
	return "❌"
}

// mdLine keeps a text on one line.
var mdLine = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ")

// mdEscaper escapes what Markdown would otherwise read as markup or HTML,
// including the pipes that end a table cell.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "|", `\|`, "`", "\\`", "*", `\*`, "[", `\[`, "]", `\]`,
	"&", "&amp;", "<", "&lt;", ">", "&gt;",
)

// mdText escapes plain text for a table cell or a list item, on one line
// and with its control characters made visible.
func mdText(s string) string { return mdEscaper.Replace(printable(mdLine.Replace(s))) }

// mdCode formats s as inline code that is safe in a table cell: backslashes
// are literal in code, but GitHub still splits cells at unescaped pipes.
func mdCode(s string) string {
	s = strings.ReplaceAll(printable(mdLine.Replace(s)), "|", `\|`)
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}
