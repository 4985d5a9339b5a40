package reader

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"

	"github.com/sammatrix/sammatrix/inspect"
	"github.com/sammatrix/sammatrix/inspect/fixture"
)

// TestSourcesAgree reads one fixture image from every source: the facts
// (but the reference) and the digest must be the same.
func TestSourcesAgree(t *testing.T) {
	for _, name := range []string{"python3.12", "nodejs18.x"} {
		t.Run(name, func(t *testing.T) {
			s, img := build(t, name)
			want := digestOf(t, img)
			tmp := t.TempDir()

			// A layout with two images, so that the tag or digest matters,
			// and one with the image alone.
			_, other := build(t, "ruby3.2")
			multi := writeLayout(t, map[string]v1.Image{s.Tag: img, "other": other})
			single := writeLayout(t, map[string]v1.Image{s.Tag: img})
			archive := filepath.Join(tmp, "build.tar")
			tarDir(t, single, archive)
			docker := filepath.Join(tmp, "build-docker.tar")
			tag, err := fixture.ArchiveTag(s)
			if err != nil {
				t.Fatal(err)
			}
			if err := fixture.WriteDockerArchive(docker, tag, img); err != nil {
				t.Fatal(err)
			}
			host, stop, err := fixture.StartRegistry()
			if err != nil {
				t.Fatal(err)
			}
			defer stop()
			if err := fixture.Push(host, s, img); err != nil {
				t.Fatal(err)
			}

			refs := []struct {
				name, ref string
				opts      Options
			}{
				{name: "oci tag", ref: "oci:" + multi + ":" + s.Tag},
				{name: "oci digest", ref: "oci:" + multi + "@" + want.String()},
				{name: "oci single", ref: "oci:" + single},
				{name: "oci-archive", ref: "oci-archive:" + archive},
				{name: "docker-archive", ref: "docker-archive:" + docker},
				{name: "registry", ref: s.Ref(host)},
				{name: "mirror", ref: "public.ecr.aws/" + s.Repository + ":" + s.Tag,
					opts: Options{Mirrors: []Mirror{{From: "public.ecr.aws", To: host}}, Insecure: []string{host}}},
			}
			var first string
			for _, r := range refs {
				t.Run(r.name, func(t *testing.T) {
					got := mustInspect(t, newInspector(t, r.opts), r.ref)
					if got.Digest != want {
						t.Errorf("Inspect(%q).Digest = %s, want %s", r.ref, got.Digest, want)
					}
					if got.Facts.Ref != r.ref {
						t.Errorf("Inspect(%q).Facts.Ref = %q, want the reference as written", r.ref, got.Facts.Ref)
					}
					if got.Facts.OS == nil || got.Facts.Libstdcxx == nil || got.Facts.RPM == nil {
						t.Errorf("Inspect(%q).Facts = %s, want os, libstdcxx and rpm facts", r.ref, factsJSON(t, got.Facts))
					}
					j := factsJSON(t, got.Facts)
					if first == "" {
						first = j
						return
					}
					if j != first {
						t.Errorf("Inspect(%q).Facts =\n%s\nwant the facts of %q:\n%s", r.ref, j, refs[0].ref, first)
					}
				})
			}
		})
	}
}

// writeIndexLayout writes idx as the only, tagged, manifest of a layout.
func writeIndexLayout(t testing.TB, tag string, idx v1.ImageIndex) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "index-layout")
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendIndex(idx, layout.WithAnnotations(map[string]string{fixture.RefNameAnnotation: tag})); err != nil {
		t.Fatal(err)
	}
	return dir
}

// platformDigests returns the manifest digest of each platform of idx.
func platformDigests(t testing.TB, idx v1.ImageIndex) map[string]v1.Hash {
	t.Helper()
	im, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]v1.Hash{}
	for _, m := range im.Manifests {
		out[inspect.PlatformString(m.Platform)] = m.Digest
	}
	return out
}

func TestIndexPlatform(t *testing.T) {
	s := lookup(t, fixture.IndexSpec)
	multi, err := fixture.MultiArch(inputs(t), s)
	if err != nil {
		t.Fatal(err)
	}
	arm, err := fixture.ArmOnly(inputs(t), s)
	if err != nil {
		t.Fatal(err)
	}
	digests := platformDigests(t, multi)
	amd64, arm64 := digests["linux/amd64"], digests["linux/arm64/v8"]
	if amd64 == (v1.Hash{}) || arm64 == (v1.Hash{}) || amd64 == arm64 {
		t.Fatalf("fixture.MultiArch has platforms %v, want two images, linux/amd64 and linux/arm64/v8", digests)
	}
	reg := startRegistry(t)
	if err := fixture.PushIndex(reg.host, s.Repository, fixture.MultiArchTag, multi); err != nil {
		t.Fatal(err)
	}
	if err := fixture.PushIndex(reg.host, s.Repository, fixture.ArmOnlyTag, arm); err != nil {
		t.Fatal(err)
	}
	multiDir := writeIndexLayout(t, fixture.MultiArchTag, multi)
	armDir := writeIndexLayout(t, fixture.ArmOnlyTag, arm)
	arm64Platform := v1.Platform{OS: "linux", Architecture: "arm64"}

	for _, tc := range []struct {
		name     string
		ref      string
		platform v1.Platform
		want     v1.Hash
		wantArch string
	}{
		{name: "registry default", ref: reg.host + "/" + s.Repository + ":" + fixture.MultiArchTag, want: amd64, wantArch: "linux/amd64"},
		{name: "registry arm64", ref: reg.host + "/" + s.Repository + ":" + fixture.MultiArchTag, platform: arm64Platform, want: arm64, wantArch: "linux/arm64/v8"},
		{name: "layout default", ref: "oci:" + multiDir + ":" + fixture.MultiArchTag, want: amd64, wantArch: "linux/amd64"},
		{name: "layout untagged", ref: "oci:" + multiDir, want: amd64, wantArch: "linux/amd64"},
		{name: "layout arm64", ref: "oci:" + multiDir + ":" + fixture.MultiArchTag, platform: arm64Platform, want: arm64, wantArch: "linux/arm64/v8"},
		{name: "arm-only arm64", ref: "oci:" + armDir, platform: arm64Platform, want: arm64, wantArch: "linux/arm64/v8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := mustInspect(t, newInspector(t, Options{Platform: tc.platform}), tc.ref)
			if got.Digest != tc.want || got.Facts.Platform != tc.wantArch {
				t.Errorf("Inspect(%q) with platform %q = %s %s, want %s %s", tc.ref, inspect.PlatformString(&tc.platform), got.Digest, got.Facts.Platform, tc.want, tc.wantArch)
			}
		})
	}

	for _, ref := range []string{
		reg.host + "/" + s.Repository + ":" + fixture.ArmOnlyTag,
		"oci:" + armDir + ":" + fixture.ArmOnlyTag,
	} {
		t.Run("arm-only "+ref, func(t *testing.T) {
			_, err := inspectRef(t, newInspector(t, Options{}), ref)
			if !errors.Is(err, inspect.ErrPlatform) || !strings.Contains(fmtErr(err), "linux/arm64") || !strings.Contains(fmtErr(err), ref) {
				t.Errorf("Inspect(%q) error = %v, want inspect.ErrPlatform naming the reference and linux/arm64", ref, err)
			}
		})
	}
}

func fmtErr(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestNotFound(t *testing.T) {
	reg := startRegistry(t)
	push(t, reg.host, "python3.12")
	s, img := build(t, "python3.12")
	dir := writeLayout(t, map[string]v1.Image{s.Tag: img})
	missing := filepath.Join(t.TempDir(), "missing")
	for _, ref := range []string{
		reg.host + "/" + s.Repository + ":no-such-tag",
		reg.host + "/" + s.Repository + "@sha256:" + strings.Repeat("0", 64),
		reg.host + "/sam/no-such-repository:" + s.Tag,
		"oci:" + dir + ":no-such-tag",
		"oci:" + dir + "@sha256:" + strings.Repeat("0", 64),
		"oci:" + missing,
		"oci:" + missing + ":" + s.Tag,
		"oci-archive:" + missing + ".tar",
		"docker-archive:" + missing + ".tar",
	} {
		t.Run(ref, func(t *testing.T) {
			img, err := inspectRef(t, newInspector(t, Options{}), ref)
			if !errors.Is(err, inspect.ErrNotFound) {
				t.Errorf("Inspect(%q) = %v, %v, want an error wrapping inspect.ErrNotFound", ref, img, err)
			}
			var re *RegistryError
			if errors.As(err, &re) {
				t.Errorf("Inspect(%q) error = %v, want no *RegistryError for a missing image", ref, err)
			}
		})
	}
}

func TestNoTag(t *testing.T) {
	reg := startRegistry(t)
	ref := reg.host + "/sam/build-python3.12"
	_, err := inspectRef(t, newInspector(t, Options{}), ref)
	if err == nil || !strings.Contains(err.Error(), "name a tag or a digest") {
		t.Errorf("Inspect(%q) error = %v, want one asking for a tag or a digest", ref, err)
	}
}

func TestUnreachableRegistry(t *testing.T) {
	host := closedPort(t)
	for _, tc := range []struct {
		name, ref, registry string
		opts                Options
	}{
		{name: "direct", ref: host + "/sam/build-python3.12:1", registry: host},
		{name: "mirror", ref: "public.ecr.aws/sam/build-python3.12:1", registry: host,
			opts: Options{Mirrors: []Mirror{{From: "public.ecr.aws", To: host}}, Insecure: []string{host}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := inspectRef(t, newInspector(t, tc.opts), tc.ref)
			var re *RegistryError
			if !errors.As(err, &re) || re.Registry != tc.registry || !strings.Contains(err.Error(), tc.registry) {
				t.Fatalf("Inspect(%q) error = %v, want a *RegistryError naming %s", tc.ref, err, tc.registry)
			}
			if errors.Is(err, inspect.ErrNotFound) {
				t.Errorf("Inspect(%q) error = %v, want no inspect.ErrNotFound for an unreachable registry", tc.ref, err)
			}
		})
	}
}
