package matrix

import (
	"strings"
	"testing"
)

func TestIncompleteTag(t *testing.T) {
	for _, tc := range []struct {
		name, ref string
		want      string // substring of the reason; "" means complete
	}{
		{"seed complete tag", "public.ecr.aws/sam/build-java21:1.140.0-20250605234711-x86_64", ""},
		{"seed nodejs18 tag", "public.ecr.aws/sam/build-nodejs18.x:1.120.0-20240626164104-x86_64", ""},
		{"digest", "public.ecr.aws/sam/build-java21@sha256:" + strings.Repeat("a", 64), ""},
		{"tag and digest", "public.ecr.aws/sam/build-java21:latest@sha256:" + strings.Repeat("a", 64), ""},
		{"latest", "public.ecr.aws/sam/build-java21:latest", "floating multi-architecture list"},
		{"latest-x86_64", "public.ecr.aws/sam/build-java21:latest-x86_64", "floating tag that moves"},
		{"sam version", "public.ecr.aws/sam/build-java21:1.145.2", "multi-architecture list of SAM CLI 1.145.2"},
		{"arm64", "public.ecr.aws/sam/build-java21:1.140.0-20250605234711-arm64", "arm64 image; only x86_64"},
		{"latest-arm64", "public.ecr.aws/sam/build-java21:latest-arm64", "arm64 image"},
		{"no tag", "public.ecr.aws/sam/build-java21", "no tag and no digest"},
		{"short timestamp", "public.ecr.aws/sam/build-java21:1.140.0-2025060523-x86_64", "not a complete"},
		{"impossible date", "public.ecr.aws/sam/build-java21:1.140.0-20251301234711-x86_64", "YYYYMMDDhhmmss timestamp"},
		{"oci with complete tag", "oci:sam/build-java21:1.140.0-20250605234711-x86_64", ""},
		{"oci with latest", "oci:sam/build-java21:latest", "floating"},
		{"oci without tag", "oci:sam/build-java21", ""},
		{"docker-archive", "docker-archive:java21.tar", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := incomplete(mustRef(t, tc.ref))
			if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
				t.Errorf("incomplete(%q) = %q, want it to contain %q", tc.ref, got, tc.want)
			}
		})
	}
}
