package matrix

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

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

// maxVisits bounds the nodes the decoder visits once aliases and merge keys
// are expanded: a few lines of nested aliases ("billion laughs") can stand
// for billions of values.
const maxVisits = 100_000

// maxQuoted is how many characters of a user's value a message quotes.
const maxQuoted = 80

// decoder walks yaml.v3 nodes and collects every problem instead of stopping
// at the first one.
//
// An alias stands for its anchor's value, and a problem of that value points
// at the anchor, where the user fixes it. A value reached through several
// aliases is reported once, for the first path that reached it: problems
// with the same position, id and message up to list indexes are one
// problem. Where a value sits in a list (the pair of an entry of pairs, the
// duplicate of a Serverless version) is the place of the entry itself, alias
// or not.
type decoder struct {
	file     string
	findings []Finding
	// reported holds the problems already reported, by position, id and
	// message without list indexes.
	reported map[string]bool
	// visits counts the nodes visited; past maxVisits aliases no longer
	// expand, into spent, about which nothing is reported.
	visits   int
	overflow bool
	spent    *yaml.Node
	// merging holds the mappings whose merge keys are being expanded, to
	// find a mapping merged into itself.
	merging []*yaml.Node
}

func newDecoder(file string) *decoder {
	return &decoder{
		file:     file,
		reported: map[string]bool{},
		spent:    &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"},
	}
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
	if n == d.spent {
		return
	}
	d.problemAt(d.pos(n), id, format, args...)
}

// listIndex matches the indexes of a path such as pairs[2].nodejs.
var listIndex = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\[\d+\]`) })

func (d *decoder) problemAt(p Pos, id, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	key := fmt.Sprintf("%d:%d [%s] %s", p.Line, p.Col, id, listIndex().ReplaceAllString(msg, "[]"))
	if d.reported[key] {
		return
	}
	d.reported[key] = true
	d.findings = append(d.findings, Finding{
		Pos:      p,
		Rule:     id,
		Severity: Error,
		Kind:     KindSchema,
		Message:  msg,
	})
}

// resolve returns the node n stands for: its anchor's value when n is an
// alias. Every call counts as a visit; past maxVisits, an alias is reported
// once and stands for nothing.
func (d *decoder) resolve(n *yaml.Node) *yaml.Node {
	d.visits++
	if n.Kind != yaml.AliasNode {
		return n
	}
	if d.visits > maxVisits {
		if !d.overflow {
			d.overflow = true
			d.problem(n, ProblemSyntax, "aliases and merge keys expand to more than %d values here; expand fewer of them", maxVisits)
		}
		return d.spent
	}
	// yaml.v3 lets no alias carry an anchor, so an alias never leads to
	// another; the bound only guards against a tree built otherwise.
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 16; i++ {
		n = n.Alias
	}
	if n.Kind == yaml.AliasNode {
		return d.spent
	}
	return n
}

// quote returns s quoted for a message: at most maxQuoted characters of it,
// and when it is longer, its beginning followed by "…" and its length.
func quote(s string) string {
	if utf8.RuneCountInString(s) <= maxQuoted {
		return strconv.Quote(s)
	}
	r := []rune(s)
	return fmt.Sprintf("%s (%d characters)", strconv.Quote(string(r[:maxQuoted])+"…"), len(r))
}

// clip is quote without the quotes, for numbers and booleans.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= maxQuoted {
		return s
	}
	r := []rune(s)
	return fmt.Sprintf("%s… (%d characters)", string(r[:maxQuoted]), len(r))
}

// quoted matches a double-quoted string in the text of an error.
var quoted = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`"(?:[^"\\]|\\.)*"`) })

// reason returns the text of err, returned when parsing value, without the
// echoes of value that the message quoting value already shows: the
// "parsing reference "value": " prefix, and a trailing ": part-of-value".
// The strings it still quotes are cut as quote cuts them.
func reason(err error, value string) string {
	s := strings.TrimPrefix(err.Error(), "parsing reference "+strconv.Quote(value)+": ")
	if i := strings.LastIndex(s, ": "); i >= 0 && strings.Contains(value, s[i+2:]) {
		s = s[:i]
	}
	return quoted().ReplaceAllStringFunc(s, func(q string) string {
		u, err := strconv.Unquote(q)
		if err != nil {
			return q
		}
		return quote(u)
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
		return "the string " + quote(n.Value)
	case "!!int", "!!float":
		return "the number " + clip(n.Value)
	case "!!bool":
		return "the boolean " + clip(n.Value)
	case "!!null":
		return "nothing"
	}
	return quote(n.Value)
}

// entry is one key of a mapping and its value.
type entry struct {
	name       string
	key, value *yaml.Node
}

// entries returns the keys of mapping n at where with their values: its
// own keys in order, then those its merge keys (<<) bring in. As in YAML
// 1.1, a key of the mapping wins over a merged one, and a mapping merged
// earlier wins over one merged later; a key defined twice in the mapping is
// a problem, a merged key shadowed by another is not.
func (d *decoder) entries(n *yaml.Node, where string) []entry {
	d.merging = append(d.merging, n)
	defer func() { d.merging = d.merging[:len(d.merging)-1] }()
	var own, merged []entry
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if isMerge(k) {
			merged = append(merged, d.merge(v, where)...)
			continue
		}
		name := d.resolve(k).Value
		if first, dup := seen[name]; dup {
			d.problem(k, ProblemDuplicate, "duplicate key %s in %s (first defined at line %d)", quote(name), where, first.Line)
			continue
		}
		seen[name] = k
		own = append(own, entry{name, k, v})
	}
	for _, e := range merged {
		if _, dup := seen[e.name]; !dup {
			seen[e.name] = e.key
			own = append(own, e)
		}
	}
	return own
}

// merge returns the entries the value v of a merge key brings into a
// mapping at where: those of a mapping, or of each mapping of a list.
func (d *decoder) merge(v *yaml.Node, where string) []entry {
	n := d.resolve(v)
	var maps []*yaml.Node
	switch n.Kind {
	case yaml.MappingNode:
		maps = []*yaml.Node{v}
	case yaml.SequenceNode:
		maps = n.Content
	default:
		d.problem(n, ProblemWrongType, "the merge key << in %s must be given a mapping or a list of mappings, found %s", where, describe(n))
		return nil
	}
	var out []entry
	for _, use := range maps {
		m := d.resolve(use)
		if m.Kind != yaml.MappingNode {
			d.problem(m, ProblemWrongType, "the merge key << in %s must be given a mapping or a list of mappings, found %s in the list", where, describe(m))
			continue
		}
		if slices.Contains(d.merging, m) {
			d.problem(use, ProblemSyntax, "the merge key << in %s merges a mapping into itself", where)
			continue
		}
		out = append(out, d.entries(m, where)...)
	}
	return out
}

// hasMerge reports whether mapping n has a merge key.
func hasMerge(n *yaml.Node) bool {
	for i := 0; i < len(n.Content); i += 2 {
		if isMerge(n.Content[i]) {
			return true
		}
	}
	return false
}

// isMerge reports whether k is the merge key <<, unquoted.
func isMerge(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.Tag == "!!merge"
}

// mapping decodes the keys of a mapping node at where (a dotted path such as
// "harness" or "pairs[2]") with the given fields.
func (d *decoder) mapping(n *yaml.Node, where string, fields []field) {
	n = d.resolve(n)
	if n.Kind != yaml.MappingNode {
		d.problem(n, ProblemWrongType, "%s must be a mapping, found %s", where, describe(n))
		return
	}
	seen := map[string]bool{}
	for _, e := range d.entries(n, where) {
		seen[e.name] = true
		j := slices.IndexFunc(fields, func(f field) bool { return f.key == e.name })
		if j < 0 {
			d.problem(e.key, ProblemUnknownKey, "unknown key %s in %s; allowed keys: %s", quote(e.name), where, allowedKeys(fields))
			continue
		}
		fields[j].decode(e.value)
	}
	// Past maxVisits, merge keys bring nothing in: a key may be missing
	// only for that.
	if d.overflow && hasMerge(n) {
		return
	}
	for _, f := range fields {
		if f.required && !seen[f.key] {
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
		n = d.resolve(n)
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
		n = d.resolve(n)
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
	n = d.resolve(n)
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
