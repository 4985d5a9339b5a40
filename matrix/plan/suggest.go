package plan

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Suggestion is the suggested pair of one runtime repository.
type Suggestion struct {
	// ID is the pair id the runtime gives (python3.12).
	ID      string
	Runtime Image
	// NodeJS is the suggested Node.js image; its Name is "" when no Node.js
	// image of the grid is compatible, and Why says why then.
	NodeJS Image
	// NodeMajor is the Node.js major release of NodeJS (22), 0 if unknown.
	NodeMajor int
	Why       string
}

// Found reports whether a compatible Node.js image was found.
func (s Suggestion) Found() bool { return s.NodeJS.Name != "" }

// suggest picks, for each runtime repository, among the compatible cells of
// its images the one with the highest Node.js major, then the newest
// runtime tag, then the newest Node.js tag.
func suggest(g *Grid) []Suggestion {
	var out []Suggestion
	index := map[string]int{}
	best := map[string]*Cell{}
	for i, rt := range g.Runtimes {
		repo := rt.Repository()
		if _, ok := index[repo]; !ok {
			index[repo] = len(out)
			out = append(out, Suggestion{ID: rt.RuntimeName(), Runtime: rt})
		}
		for j := range g.NodeJS {
			c := &g.Cells[i][j]
			if !c.Compatible() {
				continue
			}
			if b := best[repo]; b == nil || better(c, b) {
				best[repo] = c
			}
		}
	}
	for repo, i := range index {
		s := &out[i]
		if c := best[repo]; c != nil {
			s.Runtime, s.NodeJS, s.NodeMajor = c.Runtime, c.NodeJS, nodeMajor(*c)
			continue
		}
		s.Why = whyNone(g, repo)
	}
	return out
}

// better reports whether cell a is a better suggestion than b.
func better(a, b *Cell) bool {
	if ma, mb := nodeMajor(*a), nodeMajor(*b); ma != mb {
		return ma > mb
	}
	if c := compareTags(a.Runtime, b.Runtime); c != 0 {
		return c > 0
	}
	return compareTags(a.NodeJS, b.NodeJS) > 0
}

// compareTags orders images by their complete tags; an image without one
// is older than any with one.
func compareTags(a, b Image) int {
	ta, oka := a.Tag()
	tb, okb := b.Tag()
	switch {
	case oka && okb:
		return ta.Compare(tb)
	case oka:
		return 1
	case okb:
		return -1
	}
	return 0
}

// nodeMajor returns the Node.js major release of a cell's Node.js image:
// from the version of its node, else from its runtime name (nodejs22.x).
func nodeMajor(c Cell) int {
	if n, ok := leadingNumber(strings.TrimPrefix(c.Result.Summary.NodeVersion, "v")); ok {
		return n
	}
	if rest, ok := strings.CutPrefix(c.NodeJS.RuntimeName(), "nodejs"); ok {
		if n, ok := leadingNumber(rest); ok {
			return n
		}
	}
	return 0
}

// leadingNumber returns the decimal number s starts with.
func leadingNumber(s string) (int, bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	n, err := strconv.Atoi(s[:i])
	return n, err == nil
}

// whyNone says why no Node.js image suits a runtime repository: the first
// error of each Node.js image with its newest runtime image.
func whyNone(g *Grid, repo string) string {
	for i, rt := range g.Runtimes {
		if rt.Repository() != repo {
			continue
		}
		var why []string
		for j := range g.NodeJS {
			c := g.Cells[i][j]
			if f := c.FirstError(); f != nil {
				why = append(why, c.NodeJS.Short()+" "+f.Rule)
			}
		}
		if len(why) == 0 {
			return "no Node.js image to pair it with"
		}
		return "no compatible Node.js image: " + strings.Join(why, "; ")
	}
	return ""
}

// PairsYAML returns the suggested pairs as a pairs: block of matrix.yaml,
// with a comment for each runtime that has none.
func PairsYAML(ss []Suggestion) string {
	var b strings.Builder
	b.WriteString("pairs:\n")
	for _, s := range ss {
		if !s.Found() {
			fmt.Fprintf(&b, "  # %s: %s\n", oneLine(s.ID), oneLine(s.Why))
			continue
		}
		fmt.Fprintf(&b, "  - runtime: %s\n    nodejs: %s\n", yamlScalar(s.Runtime.Name), yamlScalar(s.NodeJS.Name))
	}
	return b.String()
}

// oneLine keeps a comment on its line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// plainSafe matches what can be written as a plain YAML scalar on its own:
// an image reference's characters, not starting with an indicator.
var plainSafe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_./][A-Za-z0-9_./:@+-]*$`) })

// yamlScalar writes s as a YAML scalar: plain when that reads back as the
// same string, double-quoted otherwise.
func yamlScalar(s string) string {
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return strconv.Quote(s)
	}
	if plainSafe().MatchString(s) && !slices.Contains([]string{"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}, strings.ToLower(s)) && !strings.Contains(s, ": ") && !strings.HasSuffix(s, ":") {
		return s
	}
	return strconv.Quote(s)
}
