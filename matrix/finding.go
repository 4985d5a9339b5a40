package matrix

import (
	"cmp"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// Pos is a position in a file. Line and Col start at 1.
type Pos struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"column"`
}

// String formats the position as "./matrix.yaml:12:5".
func (p Pos) String() string {
	return fmt.Sprintf("%s:%d:%d", DisplayPath(p.File), p.Line, p.Col)
}

// DisplayPath returns a file path as findings show it: relative paths start
// with "./" so that editors and terminals recognise them.
func DisplayPath(file string) string {
	if file == "" || filepath.IsAbs(file) || strings.HasPrefix(file, "./") || strings.HasPrefix(file, "../") {
		return file
	}
	return "./" + file
}

// Severity is how much a finding matters.
type Severity string

// The severities. Off only appears in a policy: a rule set to off reports nothing.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
	Info    Severity = "info"
	Off     Severity = "off"
)

// Kind separates problems of the file itself from the verdicts of rules.
type Kind int

const (
	// KindRule is a finding of a rule about the images; its severity comes from the policy.
	KindRule Kind = iota
	// KindSchema is a problem of matrix.yaml itself (syntax, keys, types,
	// values): the file cannot be used as it is.
	KindSchema
)

// Finding is one positioned problem, of the file or of a pair.
type Finding struct {
	Pos      Pos
	Rule     string
	Severity Severity
	Kind     Kind
	Message  string
	// Pair is the id of the pair the finding is about, if any.
	Pair string
	// Evidence names what was expected and what was found, and where.
	Evidence *Evidence
}

// Evidence is what a rule saw, so that a person can check the verdict.
type Evidence struct {
	Image    string `json:"image,omitempty"`
	Path     string `json:"path,omitempty"`
	Layer    string `json:"layer,omitempty"`
	Expected string `json:"expected,omitempty"`
	Found    string `json:"found,omitempty"`
}

// String formats the finding as "./matrix.yaml:12:5: message [rule-id]".
func (f Finding) String() string {
	return fmt.Sprintf("%s: %s [%s]", f.Pos, f.Message, f.Rule)
}

// SortFindings sorts findings by file, line, column, then rule and message.
func SortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(a.Pos.File, b.Pos.File),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Col, b.Pos.Col),
			cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// HasSchemaErrors reports whether any finding is a problem of the file itself.
func HasSchemaErrors(fs []Finding) bool {
	return slices.ContainsFunc(fs, func(f Finding) bool { return f.Kind == KindSchema })
}

// HasErrors reports whether any finding has error severity.
func HasErrors(fs []Finding) bool {
	return slices.ContainsFunc(fs, func(f Finding) bool { return f.Severity == Error })
}

// Count returns the number of findings of each severity.
func Count(fs []Finding) (errors, warnings, infos int) {
	for _, f := range fs {
		switch f.Severity {
		case Error:
			errors++
		case Warning:
			warnings++
		case Info:
			infos++
		}
	}
	return errors, warnings, infos
}
