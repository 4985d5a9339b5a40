package plan

import (
	"context"
	"fmt"

	"github.com/sammatrix/sammatrix/matrix"
)

// Upgrade is what plan proposes for one pair of matrix.yaml: the newest
// combination of its repositories' complete tags that stays compatible.
type Upgrade struct {
	// Pair is the pair's id; Index its place in the pairs list.
	Pair  string
	Index int
	From  Combination
	// To is the proposed pair; it equals From when there is nothing newer
	// that stays compatible.
	To Combination
	// Held says why a side stays below its newest tag: that tag and the
	// first error it gives, e.g. "nodejs22.x:1.140.0-20250605234713-x86_64
	// libstdcxx-mismatch".
	Held []string
	// Note says why a side was not looked at (a digest, a local image), or
	// that no combination is compatible.
	Note string
	// Result is validate's result for To.
	Result matrix.PairResult
}

// Changed reports whether the upgrade moves the pair.
func (u Upgrade) Changed() bool { return u.From != u.To }

// Upgrades is the upgrade of every pair of a matrix file.
type Upgrades struct {
	File     string
	Upgrades []Upgrade
	// Skipped and Warnings are validate's.
	Skipped, Warnings []string
}

// candidates are the images one side of a pair can move to, newest first,
// ending with the current one.
type candidates struct {
	images []Image
	note   string
}

// PlanUpgrades looks, for each pair of f, for complete tags of its
// repositories newer than its own (the n newest, n < 1: DefaultTags),
// judges every combination of them with validate's rules in one run, and
// proposes the newest compatible one: the newest runtime tag first, then
// the newest Node.js tag.
func PlanUpgrades(ctx context.Context, f *matrix.File, lister TagLister, in matrix.ImageReader, n int, opts Options) (*Upgrades, error) {
	if n < 1 {
		n = DefaultTags
	}
	listed := map[string][]string{}
	side := func(img matrix.Image) (candidates, error) {
		cur, err := ParseImage(img.V, FileDir(f))
		if err != nil {
			return candidates{}, err
		}
		tag, digest := cur.Ref.Identifier()
		t, complete := ParseTag(tag)
		switch {
		case cur.Ref.Local():
			return candidates{images: []Image{cur}, note: cur.Short() + " is a local image"}, nil
		case digest != "":
			return candidates{images: []Image{cur}, note: cur.Short() + " is pinned by digest"}, nil
		case !complete:
			return candidates{images: []Image{cur}, note: fmt.Sprintf("%s has no complete tag to compare with", cur.Short())}, nil
		}
		repo := cur.Ref.Repository()
		tags, ok := listed[repo]
		if !ok {
			if tags, err = lister.ListTags(ctx, repo); err != nil {
				return candidates{}, err
			}
			listed[repo] = tags
		}
		var c candidates
		for _, nt := range Newest(tags, 0) {
			if len(c.images) == n || nt.Compare(t) <= 0 {
				break
			}
			img, err := ParseImage(withoutIdentifier(img.V)+":"+nt.Raw, FileDir(f))
			if err != nil {
				return candidates{}, err
			}
			c.images = append(c.images, img)
		}
		c.images = append(c.images, cur)
		return c, nil
	}
	type pending struct {
		rt, nj candidates
	}
	var all []pending
	var combos []pairOf
	for _, p := range f.Pairs {
		rt, err := side(p.Runtime)
		if err != nil {
			return nil, err
		}
		nj, err := side(p.NodeJS)
		if err != nil {
			return nil, err
		}
		all = append(all, pending{rt, nj})
		for _, r := range rt.images {
			for _, j := range nj.images {
				combos = append(combos, pairOf{r, j})
			}
		}
	}
	results, r, err := judge(ctx, f, combos, in, opts)
	if err != nil {
		return nil, err
	}
	out := &Upgrades{File: f.Path, Skipped: r.Skipped, Warnings: r.Warnings}
	for i, p := range f.Pairs {
		rt, nj := all[i].rt, all[i].nj
		cur := Combination{p.Runtime.V, p.NodeJS.V}
		u := Upgrade{Pair: p.ID.V, Index: i, From: cur, To: cur, Result: results[cur]}
		var chosen *pairOf
	search:
		for _, r := range rt.images {
			for _, j := range nj.images {
				if results[Combination{r.Name, j.Name}].Verdict == matrix.Compatible {
					chosen = &pairOf{r, j}
					break search
				}
			}
		}
		held := func(newest, other Image, newestIsRuntime bool) {
			c := Combination{newest.Name, other.Name}
			if !newestIsRuntime {
				c = Combination{other.Name, newest.Name}
			}
			cell := Cell{Result: results[c]}
			if f := cell.FirstError(); f != nil {
				u.Held = append(u.Held, newest.Short()+" "+f.Rule)
			}
		}
		newestRT, newestNJ := rt.images[0], nj.images[0]
		curRT, curNJ := rt.images[len(rt.images)-1], nj.images[len(nj.images)-1]
		if chosen == nil {
			u.Note = "no combination of its tags is compatible"
			held(newestRT, curNJ, true)
			if newestNJ.Name != curNJ.Name {
				held(newestNJ, curRT, false)
			}
		} else {
			u.To = Combination{chosen.runtime.Name, chosen.nodejs.Name}
			u.Result = results[u.To]
			if chosen.runtime.Name != newestRT.Name {
				held(newestRT, chosen.nodejs, true)
			}
			if chosen.nodejs.Name != newestNJ.Name {
				held(newestNJ, chosen.runtime, false)
			}
		}
		for _, note := range []string{rt.note, nj.note} {
			if note != "" {
				u.Note = joinNote(u.Note, note)
			}
		}
		out.Upgrades = append(out.Upgrades, u)
	}
	return out, nil
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// Edits returns the changes of f that apply the upgrades.
func (u *Upgrades) Edits(f *matrix.File) Edits {
	var e Edits
	for _, up := range u.Upgrades {
		if !up.Changed() {
			continue
		}
		p := f.Pairs[up.Index]
		e.Changes = append(e.Changes, change(p.Runtime, up.To.Runtime)...)
		e.Changes = append(e.Changes, change(p.NodeJS, up.To.NodeJS)...)
	}
	return e
}
