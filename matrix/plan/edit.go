package plan

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/sammatrix/sammatrix/matrix"
)

// Change replaces one image value of matrix.yaml, at the position the
// decoder recorded for it (for a value shared through an anchor, the
// anchor's).
type Change struct {
	Pos      matrix.Pos
	From, To string
}

// Edits are the changes of matrix.yaml a plan makes: values replaced, and
// pairs appended to the pairs list.
type Edits struct {
	Changes []Change
	Append  []Combination
}

// Empty reports whether the edits change nothing.
func (e Edits) Empty() bool { return len(e.Changes) == 0 && len(e.Append) == 0 }

// SuggestionEdits returns the edits that make f's pairs the suggested ones:
// each pair whose id is derived from its runtime (no id: key) and whose
// runtime is of a suggestion's repository takes the suggested images; a
// suggestion whose runtime repository no pair has is appended. Pairs with
// an id of their own are kept as written.
func SuggestionEdits(f *matrix.File, ss []Suggestion) Edits {
	var e Edits
	for _, s := range ss {
		if !s.Found() {
			continue
		}
		known := false
		for _, p := range f.Pairs {
			if repositoryOf(p.Runtime) != s.Runtime.Repository() {
				continue
			}
			known = true
			if p.ID.Set {
				continue
			}
			e.Changes = append(e.Changes, change(p.Runtime, s.Runtime.Name)...)
			e.Changes = append(e.Changes, change(p.NodeJS, s.NodeJS.Name)...)
		}
		if !known {
			e.Append = append(e.Append, Combination{s.Runtime.Name, s.NodeJS.Name})
		}
	}
	return e
}

// repositoryOf returns the repository of an image of matrix.yaml, "" when
// it could not be parsed.
func repositoryOf(img matrix.Image) string {
	if !img.Set || (img.Ref.Transport == "") {
		return ""
	}
	return img.Ref.Repository()
}

// change returns the change of img to to, none when it already is.
func change(img matrix.Image, to string) []Change {
	if img.V == to {
		return nil
	}
	return []Change{{Pos: img.Pos, From: img.V, To: to}}
}

// Apply returns data, the bytes of matrix.yaml that f was parsed from, with
// the edits made: each changed value is rewritten in its place, in the
// quoting it was written in, and each appended pair is written after the
// last pair with the same indentation. Every other byte (comments, order,
// quoting, blank lines) stays as it was. Two changes of one value (a value
// shared through an anchor) must agree.
func Apply(data []byte, f *matrix.File, e Edits) ([]byte, error) {
	changes, err := merge(e.Changes)
	if err != nil {
		return nil, err
	}
	type span struct {
		start, end int
		text       string
	}
	var spans []span
	for _, c := range changes {
		start, end, quote, err := scalarAt(data, c.Pos, c.From)
		if err != nil {
			return nil, err
		}
		text := c.To
		switch quote {
		case '"':
			text = quoteDouble(c.To)
		case '\'':
			text = "'" + strings.ReplaceAll(c.To, "'", "''") + "'"
		default:
			text = yamlScalar(c.To)
		}
		spans = append(spans, span{start, end, text})
	}
	if len(e.Append) > 0 {
		at, text, err := appendPairs(data, f, e.Append)
		if err != nil {
			return nil, err
		}
		spans = append(spans, span{at, at, text})
	}
	slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	var out bytes.Buffer
	last := 0
	for _, s := range spans {
		if s.start < last {
			return nil, fmt.Errorf("editing %s: two edits overlap at byte %d", matrix.DisplayPath(f.Path), s.start)
		}
		out.Write(data[last:s.start])
		out.WriteString(s.text)
		last = s.end
	}
	out.Write(data[last:])
	return out.Bytes(), nil
}

// merge drops repeated changes of one value and refuses conflicting ones.
func merge(cs []Change) ([]Change, error) {
	var out []Change
	at := map[matrix.Pos]int{}
	for _, c := range cs {
		if i, ok := at[c.Pos]; ok {
			if out[i].To != c.To {
				return nil, fmt.Errorf("editing %s: the value %q is shared through an anchor by pairs that would change it to %q and to %q; give them values of their own", c.Pos, c.From, out[i].To, c.To)
			}
			continue
		}
		at[c.Pos] = len(out)
		out = append(out, c)
	}
	return out, nil
}

// offset returns the byte offset of a position (line and column counted
// in characters from 1), or -1 when it is past the data.
func offset(data []byte, p matrix.Pos) int {
	i := 0
	for line := 1; line < p.Line; line++ {
		nl := bytes.IndexByte(data[i:], '\n')
		if nl < 0 {
			return -1
		}
		i += nl + 1
	}
	for col := 1; col < p.Col; col++ {
		if i >= len(data) || data[i] == '\n' {
			return -1
		}
		_, size := utf8.DecodeRune(data[i:])
		i += size
	}
	return i
}

// scalarAt finds the scalar whose node starts at p and whose value is want:
// past an anchor (&name) and a tag (!!str), a plain, single- or
// double-quoted scalar. It returns its byte span and its quote (0 for
// plain).
func scalarAt(data []byte, p matrix.Pos, want string) (start, end int, quote byte, err error) {
	fail := func(why string) (int, int, byte, error) {
		return 0, 0, 0, fmt.Errorf("editing %s: %s; change %q by hand", p, why, want)
	}
	i := offset(data, p)
	if i < 0 {
		return fail("the position is past the end of the file, which changed since it was read")
	}
	// Properties before the value: an anchor and a tag, in either order.
	for i < len(data) && (data[i] == '&' || data[i] == '!') {
		for i < len(data) && data[i] != ' ' && data[i] != '\t' && data[i] != '\n' {
			i++
		}
		for i < len(data) && (data[i] == ' ' || data[i] == '\t') {
			i++
		}
	}
	if i >= len(data) {
		return fail("no value where the file had one")
	}
	switch q := data[i]; q {
	case '"', '\'':
		j := i + 1
		for j < len(data) && data[j] != '\n' {
			switch {
			case q == '"' && data[j] == '\\':
				j += 2
				continue
			case q == '\'' && data[j] == '\'' && j+1 < len(data) && data[j+1] == '\'':
				j += 2
				continue
			case data[j] == q:
				if unquote(q, string(data[i+1:j])) != want {
					return fail("the quoted value there is not the one the file was read with")
				}
				return i, j + 1, q, nil
			}
			j++
		}
		return fail("a quoted value that spans lines")
	case '|', '>':
		return fail("a block scalar")
	}
	if !bytes.HasPrefix(data[i:], []byte(want)) {
		return fail("the value there is not the one the file was read with")
	}
	return i, i + len(want), 0, nil
}

// unquote reads back the quoted scalars an image reference can be written
// as; it is only used to check that the bytes hold the expected value.
func unquote(q byte, s string) string {
	if q == '\'' {
		return strings.ReplaceAll(s, "''", "'")
	}
	return strings.NewReplacer(`\"`, `"`, `\\`, `\`, `\/`, `/`).Replace(s)
}

// quoteDouble writes s as a double-quoted YAML scalar.
func quoteDouble(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// appendPairs returns where the new pairs go (the start of the line after
// the last pair's last value) and their text, indented as the last pair is.
func appendPairs(data []byte, f *matrix.File, add []Combination) (int, string, error) {
	if len(f.Pairs) == 0 {
		return 0, "", fmt.Errorf("editing %s: it has no pair to append the new pairs after; add them by hand:\n%s", matrix.DisplayPath(f.Path), pairsText("  - ", "    ", add))
	}
	last := f.Pairs[len(f.Pairs)-1]
	start := offset(data, last.Pos)
	if start < 0 {
		return 0, "", fmt.Errorf("editing %s: the file changed since it was read", matrix.DisplayPath(f.Path))
	}
	lineStart := bytes.LastIndexByte(data[:start], '\n') + 1
	prefix := string(data[lineStart:start])
	if strings.TrimLeft(prefix, " ") != "- " && strings.TrimSpace(prefix) != "-" {
		return 0, "", fmt.Errorf("editing %s: the pairs are not a block list of mappings (- runtime: …) at line %d; add these by hand:\n%s", matrix.DisplayPath(f.Path), last.Pos.Line, pairsText("  - ", "    ", add))
	}
	// After the entry's last line: the lines after its "- " that are
	// indented more than the dash, leaving out trailing blank lines and
	// comments (they may introduce what follows).
	dash := strings.IndexByte(prefix, '-')
	at := start + bytes.IndexByte(append(data[start:len(data):len(data)], '\n'), '\n') + 1
	for i := at; i < len(data); {
		nl := bytes.IndexByte(data[i:], '\n')
		next := len(data)
		if nl >= 0 {
			next = i + nl + 1
		}
		line := string(data[i:next])
		body := strings.TrimLeft(line, " ")
		if strings.TrimSpace(body) != "" && !strings.HasPrefix(body, "#") {
			if len(line)-len(body) <= dash {
				break
			}
			at = next
		}
		i = next
	}
	if at > len(data) {
		at = len(data)
	}
	if at == len(data) && len(data) > 0 && data[len(data)-1] != '\n' {
		prefix = "\n" + prefix
	}
	return at, pairsText(prefix, strings.Repeat(" ", utf8.RuneCountInString(strings.TrimPrefix(prefix, "\n"))), add), nil
}

// pairsText writes pairs as entries of a block list.
func pairsText(first, rest string, add []Combination) string {
	var b strings.Builder
	for _, c := range add {
		fmt.Fprintf(&b, "%sruntime: %s\n%snodejs: %s\n", first, yamlScalar(c.Runtime), rest, yamlScalar(c.NodeJS))
		first = strings.TrimPrefix(first, "\n")
	}
	return b.String()
}
