package plan

import (
	"context"
	"fmt"

	"github.com/sammatrix/sammatrix/matrix"
)

// Grid is the verdict on every runtime × Node.js combination, with the
// pairs suggested from it.
type Grid struct {
	// File is the matrix file whose policy and Serverless versions applied,
	// "" when there was none.
	File     string
	Runtimes []Image
	NodeJS   []Image
	// Cells holds Runtimes[i] with NodeJS[j] at Cells[i][j].
	Cells [][]Cell
	// Current are the pairs of the matrix file, as runtime and Node.js
	// references.
	Current []Combination
	// Suggestions hold one suggested pair per runtime repository, in the
	// order of Runtimes.
	Suggestions []Suggestion
	// Skipped and Warnings are validate's: the checks that did not run, and
	// what reading the images passed over.
	Skipped, Warnings []string
}

// Combination is a runtime image and a Node.js image, by reference.
type Combination struct {
	Runtime, NodeJS string
}

// Cell is the verdict on one combination: validate's result for it as a pair.
type Cell struct {
	Runtime, NodeJS Image
	Result          matrix.PairResult
}

// Compatible reports whether validate finds no error in the combination.
func (c Cell) Compatible() bool { return c.Result.Verdict == matrix.Compatible }

// FirstError returns the first finding of error severity, in validate's
// order, or nil when there is none.
func (c Cell) FirstError() *matrix.Finding {
	for i, f := range c.Result.Findings {
		if f.Severity == matrix.Error {
			return &c.Result.Findings[i]
		}
	}
	return nil
}

// Options configure a plan.
type Options struct {
	// Validate configures the rules, as for validate.
	Validate matrix.ValidateOptions
}

// Evaluate judges every runtime × Node.js combination with validate's
// rules: it builds a matrix whose pairs are all the combinations, with the
// policy and the Serverless versions of base (nil: none, every rule at its
// default), and validates it once, so each image is read once.
func Evaluate(ctx context.Context, base *matrix.File, runtimes, nodejs []Image, in matrix.ImageReader, opts Options) (*Grid, error) {
	var combos []pairOf
	for _, rt := range runtimes {
		for _, nj := range nodejs {
			combos = append(combos, pairOf{rt, nj})
		}
	}
	results, r, err := judge(ctx, base, combos, in, opts)
	if err != nil {
		return nil, err
	}
	g := &Grid{Runtimes: runtimes, NodeJS: nodejs, Skipped: r.Skipped, Warnings: r.Warnings}
	if base != nil {
		g.File = base.Path
		for _, p := range base.Pairs {
			g.Current = append(g.Current, Combination{p.Runtime.V, p.NodeJS.V})
		}
	}
	g.Cells = make([][]Cell, len(runtimes))
	for i, rt := range runtimes {
		g.Cells[i] = make([]Cell, len(nodejs))
		for j, nj := range nodejs {
			g.Cells[i][j] = Cell{Runtime: rt, NodeJS: nj, Result: results[Combination{rt.Name, nj.Name}]}
		}
	}
	g.Suggestions = suggest(g)
	return g, nil
}

// pairOf is a combination to judge.
type pairOf struct {
	runtime, nodejs Image
}

// judge validates the combinations as the pairs of one matrix, with the
// settings of base, and returns each one's result.
func judge(ctx context.Context, base *matrix.File, combos []pairOf, in matrix.ImageReader, opts Options) (map[Combination]matrix.PairResult, *matrix.Report, error) {
	f := &matrix.File{Policy: map[string]matrix.Value[matrix.Severity]{}}
	if base != nil {
		// Everything but the pairs: policy, Serverless versions, plugin.
		copied := *base
		f = &copied
	}
	f.Pairs = nil
	seen := map[Combination]bool{}
	for _, c := range combos {
		key := Combination{c.runtime.Name, c.nodejs.Name}
		if seen[key] {
			continue
		}
		seen[key] = true
		f.Pairs = append(f.Pairs, matrix.Pair{
			ID:      matrix.Value[string]{V: fmt.Sprintf("%s+%s", c.runtime.Short(), c.nodejs.Short()), Set: true},
			Runtime: image(c.runtime),
			NodeJS:  image(c.nodejs),
		})
	}
	r, err := matrix.Validate(ctx, f, in, opts.Validate)
	if err != nil {
		return nil, nil, err
	}
	out := map[Combination]matrix.PairResult{}
	for _, p := range r.Pairs {
		out[Combination{p.Pair.Runtime.V, p.Pair.NodeJS.V}] = p
	}
	return out, r, nil
}

// image makes an image of a pair; its reference is already relative to
// where it was given, so the matrix file's directory does not apply again.
func image(img Image) matrix.Image {
	return matrix.Image{Value: matrix.Value[string]{V: img.Name, Set: true}, Ref: img.Ref}
}
