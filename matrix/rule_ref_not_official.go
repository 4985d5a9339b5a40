package matrix

import (
	"fmt"
	"strings"

	"github.com/sammatrix/sammatrix/inspect/imageref"
)

// RuleRefNotOfficial: a registry image is not an official SAM build image.
const RuleRefNotOfficial = "ref-not-official"

// OfficialRegistry and OfficialRepoPrefix locate the official SAM build images.
const (
	OfficialRegistry   = "public.ecr.aws"
	OfficialRepoPrefix = "sam/build-"
)

func init() {
	register(Rule{
		ID:      RuleRefNotOfficial,
		Default: Error,
		Summary: "a registry image is not under `public.ecr.aws/sam/build-*` (local `oci:`/archive sources are not judged)",
		Help:    "Use the official SAM build image; set the rule to `warning` or `off` for a deliberate private copy.",
		Side:    EachPairImage,
		Static:  true,
		Check: func(c *check) []problem {
			if msg := notOfficial(c.image.Ref); msg != "" {
				return []problem{{message: msg}}
			}
			return nil
		},
	})
}

// notOfficial returns why a registry reference is not an official SAM build
// image, or "" when it is. Local sources (oci:, oci-archive:,
// docker-archive:) are copies whose origin cannot be told from the
// reference; they are not judged.
func notOfficial(r imageref.Reference) string {
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
