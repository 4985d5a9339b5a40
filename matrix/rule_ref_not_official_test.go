package matrix

import (
	"strings"
	"testing"
)

func TestNotOfficial(t *testing.T) {
	for _, tc := range []struct {
		ref      string
		official bool
	}{
		{"public.ecr.aws/sam/build-python3.12:1.142.1-20250701194731-x86_64", true},
		{"public.ecr.aws/sam/build-nodejs22.x@sha256:" + strings.Repeat("b", 64), true},
		{"public.ecr.aws/lambda/python:3.12", false},
		{"public.ecr.aws/sam/python3.12:1", false},
		{"public.ecr.aws/sam/build-:1", false},
		{"docker.io/sam/build-python3.12:1", false},
		{"127.0.0.1:5000/sam/build-python3.12:1", false},
		{"python:3.12", false},
		{"oci:sam/build-python3.12:1.142.1-20250701194731-x86_64", true},
	} {
		got := notOfficial(mustRef(t, tc.ref)) == ""
		if got != tc.official {
			t.Errorf("notOfficial(%q) == \"\" is %v, want %v", tc.ref, got, tc.official)
		}
	}
}
