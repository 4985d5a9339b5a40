package imageref

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	dgst := "sha256:" + strings.Repeat("c", 64)
	for _, tc := range []struct {
		in                         string
		transport                  Transport
		repo, tag, digest, runtime string
		wantErr                    string
	}{
		{in: "public.ecr.aws/sam/build-python3.12:1.142.1-20250701194731-x86_64", transport: Registry,
			repo: "public.ecr.aws/sam/build-python3.12", tag: "1.142.1-20250701194731-x86_64", runtime: "python3.12"},
		{in: "public.ecr.aws/sam/build-java21@" + dgst, transport: Registry,
			repo: "public.ecr.aws/sam/build-java21", digest: dgst, runtime: "java21"},
		{in: "public.ecr.aws/sam/build-java21:latest@" + dgst, transport: Registry,
			repo: "public.ecr.aws/sam/build-java21", tag: "latest", digest: dgst, runtime: "java21"},
		{in: "127.0.0.1:5000/sam/build-nodejs20.x", transport: Registry, repo: "127.0.0.1:5000/sam/build-nodejs20.x", runtime: "nodejs20.x"},
		{in: "python:3.12", transport: Registry, repo: "index.docker.io/library/python", tag: "3.12"},
		{in: "oci:demo/sam/build-java21:1.140.0-20250605234711-x86_64", transport: OCI,
			repo: "demo/sam/build-java21", tag: "1.140.0-20250605234711-x86_64", runtime: "java21"},
		{in: "oci:demo/sam/build-java21@" + dgst, transport: OCI, repo: "demo/sam/build-java21", digest: dgst, runtime: "java21"},
		{in: "oci:/abs/layout", transport: OCI, repo: "/abs/layout"},
		{in: "oci:out/java21@6.0.33/sam/build-java21:1.140.0-20250605234711-x86_64", transport: OCI,
			repo: "out/java21@6.0.33/sam/build-java21", tag: "1.140.0-20250605234711-x86_64", runtime: "java21"},
		{in: "oci:out/build-java21@6.0.33", transport: OCI, repo: "out/build-java21@6.0.33", runtime: "java21@6.0.33"},
		{in: "oci:out/x@y/build-java21@" + dgst, transport: OCI, repo: "out/x@y/build-java21", digest: dgst, runtime: "java21"},
		{in: "oci-archive:build-ruby3.2.tar", transport: OCIArchive, repo: "build-ruby3.2.tar", runtime: "ruby3.2"},
		{in: "docker-archive:out/build-nodejs18.x.tar.gz", transport: DockerArchive, repo: "out/build-nodejs18.x.tar.gz", runtime: "nodejs18.x"},
		{in: "", wantErr: "empty image reference"},
		{in: "oci:", wantErr: "want oci:DIR"},
		{in: "oci:dir@sha256:abc", wantErr: "not of the form sha256"},
		{in: "oci:dir:bad/tag", wantErr: "not a valid tag"},
		{in: "docker-archive:", wantErr: "want docker-archive:FILE"},
		{in: "Public.ECR.aws/SAM/Build:x", wantErr: "parsing reference"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			r, err := Parse(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Parse(%q) error = %v, want one containing %q", tc.in, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			tag, digest := r.Identifier()
			rt, _ := r.RuntimeName()
			if r.Transport != tc.transport || r.Repository() != tc.repo || tag != tc.tag || digest != tc.digest || rt != tc.runtime {
				t.Errorf("Parse(%q) = {%s %q tag %q digest %q runtime %q}, want {%s %q tag %q digest %q runtime %q}",
					tc.in, r.Transport, r.Repository(), tag, digest, rt, tc.transport, tc.repo, tc.tag, tc.digest, tc.runtime)
			}
			if r.String() != tc.in {
				t.Errorf("String() = %q, want %q", r.String(), tc.in)
			}
		})
	}
}
