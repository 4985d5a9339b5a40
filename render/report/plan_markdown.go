package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/sammatrix/sammatrix/matrix"
	"github.com/sammatrix/sammatrix/matrix/plan"
)

// WritePlanMarkdown writes a plan as GitHub-flavoured Markdown: the grid
// (✅, or ❌ and the first failing rule; ★ a pair of matrix.yaml), the
// facts of each image, the first error of each ❌ cell and the suggested
// pairs as a YAML block.
func WritePlanMarkdown(w io.Writer, g *plan.Grid) error {
	return writeOnce(w, "plan Markdown", func(b *bytes.Buffer) error {
		b.WriteString("## sammatrix plan\n\n")
		if len(g.Runtimes) > 0 && len(g.NodeJS) > 0 {
			b.WriteString("| Runtime \\\\ Node.js |")
			for _, nj := range g.NodeJS {
				fmt.Fprintf(b, " %s |", mdCode(nj.Short()))
			}
			b.WriteString("\n|---|" + strings.Repeat("---|", len(g.NodeJS)) + "\n")
			for i, rt := range g.Runtimes {
				fmt.Fprintf(b, "| %s |", mdCode(rt.Short()))
				for _, c := range g.Cells[i] {
					cell := "✅"
					if !c.Compatible() {
						cell = "❌"
						if f := c.FirstError(); f != nil {
							cell += " " + mdCode(f.Rule)
						}
					}
					if isCurrent(g, c) {
						cell += " ★"
					}
					fmt.Fprintf(b, " %s |", cell)
				}
				b.WriteString("\n")
			}
			if len(g.Current) > 0 {
				fmt.Fprintf(b, "\n★ a pair of %s\n", mdCode(matrix.DisplayPath(g.File)))
			}
		}
		b.WriteString("\n### Images\n\n")
		for i, rt := range g.Runtimes {
			fmt.Fprintf(b, "- %s: %s\n", mdCode(rt.Name), mdText(runtimeFacts(g, i).String()))
		}
		for j, nj := range g.NodeJS {
			fmt.Fprintf(b, "- %s: %s\n", mdCode(nj.Name), mdText(nodeFacts(g, j).String()))
		}
		first := true
		for i := range g.Runtimes {
			for _, c := range g.Cells[i] {
				f := c.FirstError()
				if f == nil {
					continue
				}
				if first {
					b.WriteString("\n### Incompatible\n\n")
					first = false
				}
				fmt.Fprintf(b, "- %s + %s: %s %s%s\n", mdCode(c.Runtime.Short()), mdCode(c.NodeJS.Short()), mdCode(f.Rule), mdText(f.Message), mdText(more(c)))
			}
		}
		b.WriteString("\n### Suggested pairs\n\n")
		writeYAMLBlock(b, plan.PairsYAML(g.Suggestions))
		writeMarkdownNotes(b, g.Skipped, g.Warnings)
		return nil
	})
}

// writeYAMLBlock writes s in a fenced yaml block, with a fence longer than
// any run of backticks in it.
func writeYAMLBlock(b *bytes.Buffer, s string) {
	fence := "```"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	fmt.Fprintf(b, "%syaml\n%s%s\n", fence, printableLines(s), fence)
}

func writeMarkdownNotes(b *bytes.Buffer, skipped, warnings []string) {
	if len(skipped) > 0 {
		b.WriteString("\n### Skipped checks\n\n")
		for _, s := range skipped {
			fmt.Fprintf(b, "- %s\n", mdText(s))
		}
	}
	if len(warnings) > 0 {
		b.WriteString("\n### Warnings from reading the images\n\n")
		for _, w := range warnings {
			fmt.Fprintf(b, "- %s\n", mdText(w))
		}
	}
}
