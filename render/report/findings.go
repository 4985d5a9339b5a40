package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/sammatrix/sammatrix/matrix"
)

// FindingJSON is the stable JSON form of a finding.
type FindingJSON struct {
	Rule     string           `json:"rule"`
	Severity matrix.Severity  `json:"severity"`
	Message  string           `json:"message"`
	File     string           `json:"file"`
	Line     int              `json:"line"`
	Column   int              `json:"column"`
	Pair     string           `json:"pair,omitempty"`
	Evidence *matrix.Evidence `json:"evidence,omitempty"`
}

// toJSON converts a finding to its JSON form.
func toJSON(f matrix.Finding) FindingJSON {
	return FindingJSON{
		Rule: f.Rule, Severity: f.Severity, Message: f.Message,
		File: f.Pos.File, Line: f.Pos.Line, Column: f.Pos.Col,
		Pair: f.Pair, Evidence: f.Evidence,
	}
}

// WriteText writes one line per finding, "./matrix.yaml:12:5: message
// [rule-id]", then a summary line.
func WriteText(w io.Writer, fs []matrix.Finding) error {
	return writeOnce(w, "findings", func(b *bytes.Buffer) error {
		for _, f := range fs {
			fmt.Fprintln(b, printable(f.String()))
		}
		fmt.Fprintln(b, Summary(fs))
		return nil
	})
}

// Summary counts findings by severity: "2 errors, 1 warning".
func Summary(fs []matrix.Finding) string {
	e, w, _ := matrix.Count(fs)
	if e == 0 && w == 0 {
		return "no problems found"
	}
	return plural(e, "error") + ", " + plural(w, "warning")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// WriteTable writes the findings as a table for people.
func WriteTable(w io.Writer, fs []matrix.Finding) error {
	return writeOnce(w, "findings table", func(b *bytes.Buffer) error {
		if len(fs) > 0 {
			t := tablewriter.NewTable(b, tablewriter.WithRowAutoWrap(tw.WrapNone), tablewriter.WithHeaderAutoFormat(tw.Off))
			t.Header("POSITION", "SEVERITY", "RULE", "MESSAGE")
			for _, f := range fs {
				if err := t.Append(printable(f.Pos.String()), string(f.Severity), printable(f.Rule), printable(f.Message)); err != nil {
					return fmt.Errorf("rendering findings table: %w", err)
				}
			}
			if err := t.Render(); err != nil {
				return fmt.Errorf("rendering findings table: %w", err)
			}
		}
		fmt.Fprintln(b, Summary(fs))
		return nil
	})
}

// WriteJSON writes {"findings": [...], "errors": N, "warnings": N}.
func WriteJSON(w io.Writer, fs []matrix.Finding) error {
	out := struct {
		Findings []FindingJSON `json:"findings"`
		Errors   int           `json:"errors"`
		Warnings int           `json:"warnings"`
	}{Findings: []FindingJSON{}}
	for _, f := range fs {
		out.Findings = append(out.Findings, toJSON(f))
	}
	out.Errors, out.Warnings, _ = matrix.Count(fs)
	return writeOnce(w, "findings JSON", func(b *bytes.Buffer) error {
		enc := json.NewEncoder(b)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return fmt.Errorf("encoding findings JSON: %w", err)
		}
		return nil
	})
}

// WriteGitHub writes one GitHub Actions workflow command per finding, so
// that each shows as an annotation on its line of matrix.yaml.
func WriteGitHub(w io.Writer, fs []matrix.Finding) error {
	return writeOnce(w, "GitHub workflow commands", func(b *bytes.Buffer) error {
		for _, f := range fs {
			fmt.Fprintln(b, githubCommand(f))
		}
		return nil
	})
}

// githubCommand formats a finding as "::error file=…,line=…,col=…,title=…::message".
func githubCommand(f matrix.Finding) string {
	level := "error"
	switch f.Severity {
	case matrix.Warning:
		level = "warning"
	case matrix.Info:
		level = "notice"
	}
	file := relativeFile(f.Pos.File)
	return fmt.Sprintf("::%s file=%s,line=%d,col=%d,title=%s::%s",
		level, escapeProperty(file), f.Pos.Line, f.Pos.Col, escapeProperty(f.Rule), escapeData(f.Message))
}

// escapeData escapes a workflow command's message as the runner expects,
// and the other control characters as printable does.
func escapeData(s string) string {
	return printable(strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s))
}

// escapeProperty escapes a workflow command's property value.
func escapeProperty(s string) string {
	return printable(strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s))
}
