package matrix

import (
	"slices"
)

// Rule describes one rule: its stable id, its default severity, what it
// checks and how to fix what it finds.
type Rule struct {
	ID       string
	Default  Severity
	Summary  string
	Help     string
	NeedsImg bool // the rule needs the images, not only matrix.yaml
}

// The ids of the rules. They are stable: policies and CI configurations name them.
const (
	RuleRefNotOfficial        = "ref-not-official"
	RuleRefIncomplete         = "ref-incomplete"
	RuleArchNotAMD64          = "arch-not-amd64"
	RuleNotNodeJSImage        = "not-nodejs-image"
	RuleOSMismatch            = "os-mismatch"
	RuleLibstdcxxMismatch     = "libstdcxx-mismatch"
	RuleABIVersionMissing     = "abi-version-missing"
	RuleABILibraryMissing     = "abi-library-missing"
	RuleOverlayOverwrites     = "overlay-overwrites"
	RuleOverlayShadowsLibrary = "overlay-shadows-library"
	RuleServerlessEngine      = "serverless-engine"
	RuleImageNotFound         = "image-not-found"
)

// Rules lists every rule, in the order reports show them.
var Rules = []Rule{
	{RuleRefNotOfficial, Error, "the image is not an official SAM build image under public.ecr.aws/sam/build-*",
		"Use an image from public.ecr.aws/sam/build-<runtime>; other images may lack the libraries the plugin needs. Set the rule to warning or off in policy: for a deliberate private copy.", false},
	{RuleRefIncomplete, Error, "the tag is not a complete <sam-cli>-<timestamp>-x86_64 tag and no digest pins the image",
		"Pin a complete single-architecture tag such as 1.143.0-20250822194415-x86_64, or a digest. Floating tags (latest, 1.145.2) are multi-architecture lists that go stale; arm64 tags are not supported.", false},
	{RuleArchNotAMD64, Error, "the resolved image is not linux/amd64",
		"Use the -x86_64 tag of the image; the plugin images are built for linux/amd64 only.", true},
	{RuleNotNodeJSImage, Error, "the Node.js image has no /var/lang/bin/node",
		"Use a public.ecr.aws/sam/build-nodejs* image as nodejs: of the pair.", true},
	{RuleOSMismatch, Warning, "the two images run different OS releases (os-release ID/VERSION_ID)",
		"A hint only: whether the pair works is decided by the ABI and libstdc++ rules. Prefer a Node.js image of the runtime's OS family.", true},
	{RuleLibstdcxxMismatch, Error, "the real libstdc++ files of the two images differ in version",
		"Pick a Node.js image built on the same OS release as the runtime image (compare their tags' dates), so both ship the same libstdc++.so.6.0.N.", true},
	{RuleABIVersionMissing, Error, "node needs a GLIBC_*/GLIBCXX_*/CXXABI_* version that the library it would load in the built image does not define",
		"Pair the runtime with an older Node.js image (e.g. nodejs18.x on Amazon Linux 2), or use a runtime image of the newer OS.", true},
	{RuleABILibraryMissing, Error, "a library node needs (DT_NEEDED) is not found in the built image",
		"Use a Node.js image whose libraries are in /var/lang/lib, or a runtime image that ships the library.", true},
	{RuleOverlayOverwrites, Warning, "the COPY of /var/lang and /opt replaces files the runtime image already has",
		"Check that the replaced files are not used by the runtime; the report lists the first ones.", true},
	{RuleOverlayShadowsLibrary, Error, "a library the COPY adds or replaces is loaded by the runtime's own programs and lacks versions they need",
		"Pick a Node.js image whose private libraries are at least as new as the runtime's, or remove them from /var/lang/lib in the Dockerfile.", true},
	{RuleServerlessEngine, Error, "the Node.js version does not satisfy the Serverless version's engines.node",
		"Use a Node.js image whose node satisfies engines.node of the Serverless version, or another Serverless version.", true},
	{RuleImageNotFound, Error, "the reference does not resolve to an image",
		"Check the repository and tag; SAM build images are listed in the ECR public gallery under sam/.", true},
}

// LookupRule returns the rule with that id.
func LookupRule(id string) (Rule, bool) {
	i := slices.IndexFunc(Rules, func(r Rule) bool { return r.ID == id })
	if i < 0 {
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
	slices.Sort(ids)
	return ids
}
