package report

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/sammatrix/sammatrix/matrix"
	"github.com/sammatrix/sammatrix/matrix/plan"
)

// Marks of a grid cell.
const (
	markCompatible   = "✓"
	markIncompatible = "✗"
	markCurrent      = "*"
)

// cellText is a cell as a table shows it: ✓, or ✗ and the first failing
// rule; * marks a pair of matrix.yaml.
func cellText(g *plan.Grid, c plan.Cell) string {
	s := markCompatible
	if !c.Compatible() {
		s = markIncompatible
		if f := c.FirstError(); f != nil {
			s += " " + f.Rule
		}
	}
	if isCurrent(g, c) {
		s += " " + markCurrent
	}
	return s
}

// isCurrent reports whether a cell is a pair of the matrix file.
func isCurrent(g *plan.Grid, c plan.Cell) bool {
	return slices.Contains(g.Current, plan.Combination{Runtime: c.Runtime.Name, NodeJS: c.NodeJS.Name})
}

// imageFacts are the facts of an image a grid shows in its headers, taken
// from validate's summaries of its cells.
type imageFacts struct {
	OS, Libstdcxx, Node, Digest string
}

func runtimeFacts(g *plan.Grid, i int) imageFacts {
	if len(g.NodeJS) == 0 {
		return imageFacts{}
	}
	s := g.Cells[i][0].Result.Summary
	return imageFacts{OS: s.RuntimeOS, Libstdcxx: s.RuntimeLibstdcxx, Digest: s.RuntimeDigest}
}

func nodeFacts(g *plan.Grid, j int) imageFacts {
	if len(g.Runtimes) == 0 {
		return imageFacts{}
	}
	s := g.Cells[0][j].Result.Summary
	return imageFacts{OS: s.NodeJSOS, Libstdcxx: s.NodeJSLibstdcxx, Node: s.NodeVersion, Digest: s.NodeJSDigest}
}

// String formats facts on one line: "amzn 2023, libstdc++ 6.0.29, node 20.15.0".
func (f imageFacts) String() string {
	parts := []string{orUnknown(f.OS), "libstdc++ " + orUnknown(f.Libstdcxx)}
	if f.Node != "" {
		parts = append(parts, "node "+f.Node)
	}
	return strings.Join(parts, ", ")
}

func orUnknown(s string) string {
	if s == "" {
		return unknown
	}
	return s
}

// WritePlanTable writes a plan for people: the grid (rows runtimes,
// columns Node.js images; ✓, or ✗ and the first failing rule; * a pair of
// matrix.yaml), the facts of each image, the first error of each ✗ cell,
// and the suggested pairs as a pairs: block.
func WritePlanTable(w io.Writer, g *plan.Grid) error {
	return writeOnce(w, "plan table", func(b *bytes.Buffer) error {
		if len(g.Runtimes) > 0 && len(g.NodeJS) > 0 {
			t := tablewriter.NewTable(b, tablewriter.WithRowAutoWrap(tw.WrapNone), tablewriter.WithHeaderAutoFormat(tw.Off))
			header := []any{"RUNTIME \\ NODE.JS"}
			for _, nj := range g.NodeJS {
				header = append(header, printable(nj.Short()))
			}
			t.Header(header...)
			for i, rt := range g.Runtimes {
				row := []any{printable(rt.Short())}
				for _, c := range g.Cells[i] {
					row = append(row, printable(cellText(g, c)))
				}
				if err := t.Append(row...); err != nil {
					return fmt.Errorf("rendering plan table: %w", err)
				}
			}
			if err := t.Render(); err != nil {
				return fmt.Errorf("rendering plan table: %w", err)
			}
			if len(g.Current) > 0 {
				fmt.Fprintf(b, "%s a pair of %s\n", markCurrent, printable(matrix.DisplayPath(g.File)))
			}
		}
		b.WriteString("\nimages:\n")
		for i, rt := range g.Runtimes {
			fmt.Fprintf(b, "  %s: %s\n", printable(rt.Short()), printable(runtimeFacts(g, i).String()))
		}
		for j, nj := range g.NodeJS {
			fmt.Fprintf(b, "  %s: %s\n", printable(nj.Short()), printable(nodeFacts(g, j).String()))
		}
		var why []string
		for i := range g.Runtimes {
			for _, c := range g.Cells[i] {
				if f := c.FirstError(); f != nil {
					why = append(why, fmt.Sprintf("  %s + %s: %s [%s]%s", c.Runtime.Short(), c.NodeJS.Short(), f.Message, f.Rule, more(c)))
				}
			}
		}
		if len(why) > 0 {
			b.WriteString("\nincompatible:\n")
			for _, s := range why {
				fmt.Fprintln(b, printable(s))
			}
		}
		b.WriteString("\nsuggested:\n")
		b.WriteString(printableLines(plan.PairsYAML(g.Suggestions)))
		writeNotes(b, g.Skipped, g.Warnings)
		return nil
	})
}

// more says how many other errors a cell has: " (and 2 other errors)".
func more(c plan.Cell) string {
	e, _, _ := matrix.Count(c.Result.Findings)
	if e <= 1 {
		return ""
	}
	return fmt.Sprintf(" (and %s)", plural(e-1, "other error"))
}

// printableLines makes every line of s printable, keeping the line breaks.
func printableLines(s string) string {
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		lines[i] = printable(strings.TrimSuffix(l, "\n"))
		if strings.HasSuffix(l, "\n") {
			lines[i] += "\n"
		}
	}
	return strings.Join(lines, "")
}

// writeNotes writes the skipped checks and the warnings of reading the
// images, as "note:" and "warning:" lines.
func writeNotes(b *bytes.Buffer, skipped, warnings []string) {
	if len(skipped)+len(warnings) > 0 {
		b.WriteByte('\n')
	}
	for _, s := range skipped {
		fmt.Fprintf(b, "note: %s\n", printable(s))
	}
	for _, w := range warnings {
		fmt.Fprintf(b, "warning: %s\n", printable(w))
	}
}
