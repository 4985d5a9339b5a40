package matrix

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/sammatrix/sammatrix/inspect/imageref"
)

// OfficialRegistry and OfficialRepoPrefix locate the official SAM build images.
const (
	OfficialRegistry   = "public.ecr.aws"
	OfficialRepoPrefix = "sam/build-"
)

// ExampleTag is a complete SAM build image tag, quoted in advice.
const ExampleTag = "1.143.0-20250822194415-x86_64"

// completeTag is <sam-cli version>-<YYYYMMDDhhmmss>-x86_64.
var (
	completeTag   = regexp.MustCompile(`^\d+\.\d+\.\d+-(\d{14})-x86_64$`)
	samVersionTag = regexp.MustCompile(`^\d+\.\d+\.\d+$`)
)

// Lint applies the rules that need no image to every pair of f, with the
// severities of f's policy. Findings are sorted by position.
func Lint(f *File) []Finding {
	var out []Finding
	for _, p := range f.Pairs {
		for _, img := range []Image{p.Runtime, p.NodeJS} {
			if !img.Set {
				continue
			}
			if msg := NotOfficial(img.Ref); msg != "" {
				out = appendRule(out, f, p, img.Pos, RuleRefNotOfficial, msg)
			}
			if msg := Incomplete(img.Ref); msg != "" {
				out = appendRule(out, f, p, img.Pos, RuleRefIncomplete, msg)
			}
		}
	}
	SortFindings(out)
	return out
}

// appendRule adds a finding of rule at pos unless the policy turns it off.
func appendRule(out []Finding, f *File, p Pair, pos Pos, rule, msg string) []Finding {
	sev := f.Severity(rule)
	if sev == Off {
		return out
	}
	return append(out, Finding{Pos: pos, Rule: rule, Severity: sev, Kind: KindRule, Message: msg, Pair: p.ID.V})
}

// NotOfficial returns why a registry reference is not an official SAM build
// image, or "" when it is. Local sources (oci:, oci-archive:,
// docker-archive:) are copies whose origin cannot be told from the
// reference; they are not judged.
func NotOfficial(r imageref.Reference) string {
	if r.Transport != imageref.Registry {
		return ""
	}
	reg := r.Name.Context().RegistryStr()
	repo := r.Name.Context().RepositoryStr()
	if reg == OfficialRegistry && strings.HasPrefix(repo, OfficialRepoPrefix) && len(repo) > len(OfficialRepoPrefix) {
		return ""
	}
	return fmt.Sprintf("image %q is not an official SAM build image; want %s/%s<runtime>", r.String(), OfficialRegistry, OfficialRepoPrefix)
}

// Incomplete returns why a reference does not pin one single-architecture
// image, or "" when it does: a digest, or a complete
// <sam-cli>-<YYYYMMDDhhmmss>-x86_64 tag. Local sources are judged by the
// tag they name, if any.
func Incomplete(r imageref.Reference) string {
	tag, digest := r.Identifier()
	if digest != "" {
		return ""
	}
	if r.Local() && tag == "" {
		return ""
	}
	pin := fmt.Sprintf("pin a complete tag such as %s, or a digest", ExampleTag)
	low := strings.ToLower(tag)
	switch {
	case tag == "":
		return fmt.Sprintf("image %q has no tag and no digest, so the registry serves latest, a multi-architecture list that goes stale; %s", r.String(), pin)
	case strings.Contains(low, "arm64") || strings.Contains(low, "aarch64"):
		return fmt.Sprintf("tag %q is an arm64 image; only x86_64 images are supported (the plugin images are linux/amd64); %s", tag, pin)
	case tag == "latest":
		return fmt.Sprintf("tag %q is a floating multi-architecture list that goes stale; %s", tag, pin)
	case tag == "latest-x86_64":
		return fmt.Sprintf("tag %q is a floating tag that moves with every release; %s", tag, pin)
	case samVersionTag.MatchString(tag):
		return fmt.Sprintf("tag %q is a floating multi-architecture list of SAM CLI %s that goes stale; %s", tag, tag, pin)
	}
	m := completeTag.FindStringSubmatch(tag)
	if m == nil {
		return fmt.Sprintf("tag %q is not a complete <sam-cli>-<YYYYMMDDhhmmss>-x86_64 tag; %s", tag, pin)
	}
	if _, err := time.Parse("20060102150405", m[1]); err != nil {
		return fmt.Sprintf("tag %q has %q where a YYYYMMDDhhmmss timestamp belongs; %s", tag, m[1], pin)
	}
	return ""
}
