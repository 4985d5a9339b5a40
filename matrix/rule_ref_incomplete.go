package matrix

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/sammatrix/sammatrix/inspect/imageref"
)

// RuleRefIncomplete: a reference pins neither a digest nor a complete tag.
const RuleRefIncomplete = "ref-incomplete"

// ExampleTag is a complete SAM build image tag, quoted in advice.
const ExampleTag = "1.143.0-20250822194415-x86_64"

// completeTag is <sam-cli version>-<YYYYMMDDhhmmss>-x86_64.
var (
	completeTag   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\d+\.\d+\.\d+-(\d{14})-x86_64$`) })
	samVersionTag = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\d+\.\d+\.\d+$`) })
)

func init() {
	register(Rule{
		ID:      RuleRefIncomplete,
		Default: Error,
		Summary: "the reference pins neither a digest nor a complete `<sam-cli>-<YYYYMMDDhhmmss>-x86_64` tag; `latest`, `latest-x86_64`, `1.145.2` (multi-architecture lists that go stale) and arm64 tags are rejected",
		Help:    "Pin a complete tag such as `1.143.0-20250822194415-x86_64`, or a digest.",
		Side:    EachPairImage,
		Static:  true,
		Check: func(c *check) []problem {
			if msg := incomplete(c.image.Ref); msg != "" {
				return []problem{{message: msg}}
			}
			return nil
		},
	})
}

// incomplete returns why a reference does not pin one single-architecture
// image, or "" when it does: a digest, or a complete
// <sam-cli>-<YYYYMMDDhhmmss>-x86_64 tag. Local sources are judged by the
// tag they name, if any.
func incomplete(r imageref.Reference) string {
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
	case samVersionTag().MatchString(tag):
		return fmt.Sprintf("tag %q is a floating multi-architecture list of SAM CLI %s that goes stale; %s", tag, tag, pin)
	}
	m := completeTag().FindStringSubmatch(tag)
	if m == nil {
		return fmt.Sprintf("tag %q is not a complete <sam-cli>-<YYYYMMDDhhmmss>-x86_64 tag; %s", tag, pin)
	}
	if _, err := time.Parse("20060102150405", m[1]); err != nil {
		return fmt.Sprintf("tag %q has %q where a YYYYMMDDhhmmss timestamp belongs; %s", tag, m[1], pin)
	}
	return ""
}
