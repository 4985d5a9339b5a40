package matrix

import (
	"slices"
	"strings"

	"github.com/sammatrix/sammatrix/inspect"
)

// Side is what a rule judges. A finding is placed on that side's line of
// matrix.yaml.
type Side int

const (
	// EachImage rules judge each image a pair's build reads on its own:
	// the pair's runtime and Node.js images and the plugin image
	// (plugin.base-image), which every pair copies from. A finding points
	// at the reference: the pair's, or plugin.base-image's line, once for
	// every pair.
	EachImage Side = iota
	// EachPairImage rules judge the pair's runtime and Node.js references,
	// each on its own (the SAM build images, not the plugin image); a
	// finding points at the reference.
	EachPairImage
	// NodeJSImage rules judge the Node.js image; a finding points at it.
	NodeJSImage
	// PluginImage rules judge the plugin image (plugin.base-image) as the
	// build uses it; a finding points at plugin.base-image's line, once for
	// every pair. They do not run when the file names no plugin image.
	PluginImage
	// PairOfImages rules judge the two images together and the image built
	// from them; a finding points at the pair's entry.
	PairOfImages
)

// Rule is one rule: its stable id, its default severity, what it checks,
// how to fix what it finds, and the check itself. Each rule lives in a
// file of its own, rule_<name>.go, and adds itself to the table with
// register.
type Rule struct {
	ID      string
	Default Severity
	Summary string
	Help    string
	Side    Side
	// Static rules need no image: they judge references alone, and lint
	// runs them.
	Static bool
	// Check returns what the rule finds on its side of one pair.
	Check func(c *check) []problem
}

// Rules lists every rule, sorted by id.
var Rules []Rule

// register adds a rule to Rules; each rule's file calls it from init.
func register(r Rule) {
	i, found := slices.BinarySearchFunc(Rules, r.ID, func(a Rule, id string) int { return strings.Compare(a.ID, id) })
	if found || r.ID == "" || r.Check == nil {
		panic("matrix: rule " + r.ID + " registered twice or without a check")
	}
	Rules = slices.Insert(Rules, i, r)
}

// LookupRule returns the rule with that id.
func LookupRule(id string) (Rule, bool) {
	i, found := slices.BinarySearchFunc(Rules, id, func(a Rule, id string) int { return strings.Compare(a.ID, id) })
	if !found {
		return Rule{}, false
	}
	return Rules[i], true
}

// RuleIDs returns the ids of every rule, sorted.
func RuleIDs() []string {
	ids := make([]string, len(Rules))
	for i, r := range Rules {
		ids[i] = r.ID
	}
	return ids
}

// check is what a rule sees of one pair. For an EachImage or EachPairImage
// rule, image, img and err describe the image being judged.
type check struct {
	file *File
	pair Pair
	// runtime, nodejs and plugin are nil when the image could not be read
	// (a finding of image-not-found or arch-not-amd64 then says why), and
	// in lint, where no image is read; plugin is nil too when the file
	// names no plugin image.
	runtime, nodejs, plugin *inspect.Image
	built                   *Built
	// engines maps each Serverless version to its engines.node range; a
	// version without an entry was not looked up.
	engines map[string]string

	// image is the reference judged by an EachImage rule; img is what was
	// read of it (nil in lint and when it could not be read), err why not.
	image Image
	img   *inspect.Image
	err   error
	// errs holds why an image could not be read, by reference.
	errs map[string]error

	// loads memoizes the simulated loads of the recipe's programs; nil
	// until programLoads runs.
	loads []*programLoad
}

// sideImage is an image reference of the file and what was read of it.
type sideImage struct {
	image Image
	img   *inspect.Image
}

// images returns the references a rule of side s judges one by one.
func (c *check) images(s Side) []sideImage {
	out := []sideImage{{c.pair.Runtime, c.runtime}, {c.pair.NodeJS, c.nodejs}}
	if s == EachImage && c.file.Plugin.BaseImage.Set {
		out = append(out, sideImage{c.file.Plugin.BaseImage, c.plugin})
	}
	return out
}

// problem is what a check finds; the rule, the position and the severity
// are added by the caller from the rule and the policy.
type problem struct {
	message  string
	evidence *Evidence
}

// run applies the rules that match keep to one pair, each on its side,
// and returns their findings with the severities of the policy.
func run(c *check, keep func(Rule) bool) []Finding {
	var out []Finding
	add := func(r Rule, pos Pos, ps []problem) {
		sev := c.file.Severity(r.ID)
		if sev == Off {
			return
		}
		for _, p := range ps {
			out = append(out, Finding{Pos: pos, Rule: r.ID, Severity: sev, Kind: KindRule, Message: p.message, Pair: c.pair.ID.V, Evidence: p.evidence})
		}
	}
	for _, r := range Rules {
		if !keep(r) {
			continue
		}
		switch r.Side {
		case EachImage, EachPairImage:
			for _, side := range c.images(r.Side) {
				if !side.image.Set {
					continue
				}
				c.image, c.img, c.err = side.image, side.img, c.errs[side.image.V]
				add(r, side.image.Pos, r.Check(c))
			}
			c.image, c.img, c.err = Image{}, nil, nil
		case NodeJSImage:
			add(r, c.pair.NodeJS.Pos, r.Check(c))
		case PluginImage:
			if c.file.Plugin.BaseImage.Set {
				add(r, c.file.Plugin.BaseImage.Pos, r.Check(c))
			}
		case PairOfImages:
			add(r, c.pair.Pos, r.Check(c))
		}
	}
	return out
}
