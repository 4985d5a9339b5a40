package matrix

import (
	"github.com/sammatrix/sammatrix/inspect"
	"github.com/sammatrix/sammatrix/inspect/ldso"
)

// pairCheck is what the rules about one pair see.
type pairCheck struct {
	file *File
	pair Pair
	// runtime and nodejs are nil when the image could not be read (an
	// image-not-found or arch finding then says why).
	runtime, nodejs *inspect.Image
	built           *Built
	// engines maps each Serverless version to its engines.node range; a
	// version without an entry was not looked up.
	engines map[string]string

	// load memoizes the simulated load of node.
	load *ldso.Result
}

// finding is a rule's raw finding; the severity comes from the policy.
type finding struct {
	rule     string
	pos      Pos
	message  string
	evidence *Evidence
}

// imageRule is a rule that needs the inspected images of a pair.
type imageRule struct {
	id    string
	check func(c *pairCheck) []finding
}

// imageRules run, in this order, on every pair whose images were read.
var imageRules = []imageRule{
	{RuleArchNotAMD64, checkArch},
	{RuleNotNodeJSImage, checkNodeJSImage},
	{RuleOSMismatch, checkOS},
	{RuleLibstdcxxMismatch, checkLibstdcxx},
	{RuleABIVersionMissing, checkABIVersions},
	{RuleABILibraryMissing, checkABILibraries},
	{RuleOverlayOverwrites, checkOverwrites},
	{RuleOverlayShadowsLibrary, checkShadows},
	{RuleServerlessEngine, checkEngine},
}
