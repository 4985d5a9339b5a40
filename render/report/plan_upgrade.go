package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/sammatrix/sammatrix/matrix/plan"
)

// tagOf returns the tag or digest of a reference as written, for a short
// column: "1.120.0-20240626164131-x86_64".
func tagOf(ref string) string {
	if _, d, ok := strings.Cut(ref, "@"); ok {
		return d
	}
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		return ref[i+1:]
	}
	return ref
}

// move formats one side of an upgrade: "A → B", or "A" when it stays.
func move(from, to string) string {
	if from == to {
		return tagOf(from)
	}
	return tagOf(from) + " → " + tagOf(to)
}

// upgradeWhy joins why an upgrade holds a side back and its note.
func upgradeWhy(u plan.Upgrade) string {
	parts := append([]string{}, u.Held...)
	if u.Note != "" {
		parts = append(parts, u.Note)
	}
	return strings.Join(parts, "; ")
}

// countUpgrades says how many pairs move: "2 of 3 pairs upgraded".
func countUpgrades(u *plan.Upgrades) string {
	n := 0
	for _, up := range u.Upgrades {
		if up.Changed() {
			n++
		}
	}
	return fmt.Sprintf("%d of %s upgraded", n, plural(len(u.Upgrades), "pair"))
}

// WriteUpgradeTable writes the upgrades of a matrix for people: one row per
// pair with the tags of its runtime and Node.js images (A → B when it
// moves) and why a side stays below its newest tag, then a count.
func WriteUpgradeTable(w io.Writer, u *plan.Upgrades) error {
	return writeOnce(w, "upgrade table", func(b *bytes.Buffer) error {
		if len(u.Upgrades) > 0 {
			t := tablewriter.NewTable(b, tablewriter.WithRowAutoWrap(tw.WrapNone), tablewriter.WithHeaderAutoFormat(tw.Off))
			t.Header("PAIR", "RUNTIME", "NODE.JS", "HELD BACK BY")
			for _, up := range u.Upgrades {
				if err := t.Append(printable(up.Pair), printable(move(up.From.Runtime, up.To.Runtime)),
					printable(move(up.From.NodeJS, up.To.NodeJS)), printable(upgradeWhy(up))); err != nil {
					return fmt.Errorf("rendering upgrade table: %w", err)
				}
			}
			if err := t.Render(); err != nil {
				return fmt.Errorf("rendering upgrade table: %w", err)
			}
		}
		writeNotes(b, u.Skipped, u.Warnings)
		fmt.Fprintf(b, "\n%s\n", countUpgrades(u))
		return nil
	})
}

// WriteUpgradeMarkdown writes the upgrades as GitHub-flavoured Markdown, as
// a pull request's description: a table of the pairs and the full
// references they move from and to.
func WriteUpgradeMarkdown(w io.Writer, u *plan.Upgrades) error {
	return writeOnce(w, "upgrade Markdown", func(b *bytes.Buffer) error {
		fmt.Fprintf(b, "## sammatrix plan --upgrade: %s\n\n", mdText(countUpgrades(u)))
		if len(u.Upgrades) > 0 {
			b.WriteString("| Pair | Runtime | Node.js | Held back by |\n|---|---|---|---|\n")
			for _, up := range u.Upgrades {
				fmt.Fprintf(b, "| %s | %s | %s | %s |\n", mdCode(up.Pair), mdText(move(up.From.Runtime, up.To.Runtime)),
					mdText(move(up.From.NodeJS, up.To.NodeJS)), mdText(upgradeWhy(up)))
			}
		}
		first := true
		for _, up := range u.Upgrades {
			if !up.Changed() {
				continue
			}
			if first {
				b.WriteString("\n### Changes\n\n")
				first = false
			}
			fmt.Fprintf(b, "- %s\n", mdCode(up.Pair))
			if up.From.Runtime != up.To.Runtime {
				fmt.Fprintf(b, "  - runtime %s → %s\n", mdCode(up.From.Runtime), mdCode(up.To.Runtime))
			}
			if up.From.NodeJS != up.To.NodeJS {
				fmt.Fprintf(b, "  - nodejs %s → %s\n", mdCode(up.From.NodeJS), mdCode(up.To.NodeJS))
			}
		}
		writeMarkdownNotes(b, u.Skipped, u.Warnings)
		return nil
	})
}

// UpgradesJSON is the stable JSON form of the upgrades of a matrix:
//
//	{
//	  "file": "matrix.yaml",
//	  "upgrades": [{
//	    "pair": "python3.12",
//	    "from": {"runtime", "nodejs"}, "to": {"runtime", "nodejs"},
//	    "changed": true,
//	    "held": ["nodejs22.x:1.140.0-20250605234713-x86_64 libstdcxx-mismatch"],
//	    "note": "",
//	    "verdict": "compatible",
//	    "findings": [...]
//	  }],
//	  "skipped": [], "warnings": []
//	}
//
// "verdict" and "findings" are validate's for "to". Arrays are never null.
type UpgradesJSON struct {
	File     string        `json:"file"`
	Upgrades []UpgradeJSON `json:"upgrades"`
	Skipped  []string      `json:"skipped"`
	Warnings []string      `json:"warnings"`
}

// UpgradeJSON is the upgrade of one pair.
type UpgradeJSON struct {
	Pair     string          `json:"pair"`
	From     CombinationJSON `json:"from"`
	To       CombinationJSON `json:"to"`
	Changed  bool            `json:"changed"`
	Held     []string        `json:"held"`
	Note     string          `json:"note"`
	Verdict  string          `json:"verdict"`
	Findings []FindingJSON   `json:"findings"`
}

// CombinationJSON is a runtime and a Node.js image, by reference.
type CombinationJSON struct {
	Runtime string `json:"runtime"`
	NodeJS  string `json:"nodejs"`
}

// WriteUpgradeJSON writes the upgrades as indented JSON in the form
// documented at UpgradesJSON.
func WriteUpgradeJSON(w io.Writer, u *plan.Upgrades) error {
	return writeOnce(w, "upgrade JSON", func(b *bytes.Buffer) error {
		out := UpgradesJSON{File: u.File, Upgrades: []UpgradeJSON{}, Skipped: append([]string{}, u.Skipped...), Warnings: append([]string{}, u.Warnings...)}
		for _, up := range u.Upgrades {
			uj := UpgradeJSON{Pair: up.Pair, From: CombinationJSON(up.From), To: CombinationJSON(up.To), Changed: up.Changed(),
				Held: append([]string{}, up.Held...), Note: up.Note, Verdict: up.Result.Verdict, Findings: []FindingJSON{}}
			for _, f := range up.Result.Findings {
				uj.Findings = append(uj.Findings, toJSON(f))
			}
			out.Upgrades = append(out.Upgrades, uj)
		}
		enc := json.NewEncoder(b)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return fmt.Errorf("encoding upgrade JSON: %w", err)
		}
		return nil
	})
}
