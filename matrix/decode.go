package matrix

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// The ids of problems of matrix.yaml itself. They are not rules: no policy
// relaxes them, and any of them makes the file unusable (exit code 2).
const (
	ProblemSyntax      = "yaml-syntax"
	ProblemUnknownKey  = "unknown-key"
	ProblemDuplicate   = "duplicate-key"
	ProblemWrongType   = "wrong-type"
	ProblemMissingKey  = "missing-key"
	ProblemEmptyPairs  = "empty-pairs"
	ProblemDuplicateID = "duplicate-pair"
	ProblemVersion     = "unsupported-version"
	ProblemPolicy      = "invalid-policy"
	ProblemValue       = "invalid-value"
)

// decoder walks yaml.v3 nodes and collects every problem instead of stopping
// at the first one.
type decoder struct {
	file     string
	findings []Finding
}

// field is one key a mapping may hold.
type field struct {
	key      string
	required bool
	decode   func(n *yaml.Node)
}

func (d *decoder) pos(n *yaml.Node) Pos {
	return Pos{File: d.file, Line: max(n.Line, 1), Col: max(n.Column, 1)}
}

func (d *decoder) problem(n *yaml.Node, id, format string, args ...any) {
	d.problemAt(d.pos(n), id, format, args...)
}

func (d *decoder) problemAt(p Pos, id, format string, args ...any) {
	d.findings = append(d.findings, Finding{
		Pos:      p,
		Rule:     id,
		Severity: Error,
		Kind:     KindSchema,
		Message:  fmt.Sprintf(format, args...),
	})
}

// describe names what a node is in the words of YAML, never of Go.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	switch n.Tag {
	case "!!str":
		return fmt.Sprintf("the string %q", n.Value)
	case "!!int":
		return "the number " + n.Value
	case "!!float":
		return "the number " + n.Value
	case "!!bool":
		return "the boolean " + n.Value
	case "!!null":
		return "nothing"
	}
	return fmt.Sprintf("%q", n.Value)
}

// mapping decodes the keys of a mapping node at where (a dotted path such as
// "harness" or "pairs[2]") with the given fields.
func (d *decoder) mapping(n *yaml.Node, where string, fields []field) {
	if n.Kind != yaml.MappingNode {
		d.problem(n, ProblemWrongType, "%s must be a mapping, found %s", where, describe(n))
		return
	}
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := k.Value
		if first, dup := seen[key]; dup {
			d.problem(k, ProblemDuplicate, "duplicate key %q in %s (first defined at line %d)", key, where, first.Line)
			continue
		}
		seen[key] = k
		j := slices.IndexFunc(fields, func(f field) bool { return f.key == key })
		if j < 0 {
			d.problem(k, ProblemUnknownKey, "unknown key %q in %s; allowed keys: %s", key, where, allowedKeys(fields))
			continue
		}
		fields[j].decode(v)
	}
	for _, f := range fields {
		if _, ok := seen[f.key]; f.required && !ok {
			d.problem(n, ProblemMissingKey, "missing required key %q in %s", f.key, where)
		}
	}
}

func allowedKeys(fields []field) string {
	keys := make([]string, len(fields))
	for i, f := range fields {
		keys[i] = f.key
	}
	slices.Sort(keys)
	return strings.Join(keys, ", ")
}

// str decodes a scalar as text. Numbers are kept as written, so that
// "version: 1.10" stays "1.10".
func (d *decoder) str(dst *Value[string], where string) func(*yaml.Node) {
	return func(n *yaml.Node) {
		if n.Kind != yaml.ScalarNode || n.Tag == "!!null" || n.Tag == "!!bool" {
			d.problem(n, ProblemWrongType, "%s must be a string, found %s", where, describe(n))
			return
		}
		if strings.TrimSpace(n.Value) == "" {
			d.problem(n, ProblemValue, "%s must not be empty", where)
			return
		}
		*dst = Value[string]{V: n.Value, Pos: d.pos(n), Set: true}
	}
}

// integer decodes a scalar that must be a whole number.
func (d *decoder) integer(dst *Value[int], where string) func(*yaml.Node) {
	return func(n *yaml.Node) {
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
			d.problem(n, ProblemWrongType, "%s must be a whole number, found %s", where, describe(n))
			return
		}
		v, err := strconv.Atoi(n.Value)
		if err != nil {
			d.problem(n, ProblemWrongType, "%s must be a whole number, found %s", where, describe(n))
			return
		}
		*dst = Value[int]{V: v, Pos: d.pos(n), Set: true}
	}
}

// list decodes a sequence; a single scalar counts as a list of one.
func (d *decoder) list(n *yaml.Node, where string, item func(i int, n *yaml.Node)) {
	switch n.Kind {
	case yaml.SequenceNode:
		for i, c := range n.Content {
			item(i, c)
		}
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			d.problem(n, ProblemWrongType, "%s must be a list, found nothing", where)
			return
		}
		item(0, n)
	default:
		d.problem(n, ProblemWrongType, "%s must be a list, found %s", where, describe(n))
	}
}
