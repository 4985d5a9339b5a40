package reader

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"

	"github.com/sammatrix/sammatrix/inspect/fixture"
	"github.com/sammatrix/sammatrix/inspect/imageref"
)

// Resolve pins a reference as a Dockerfile's FROM names it: the name as
// written, without a digest, and the digest of the platform's manifest,
// read without fetching a layer.
func TestResolve(t *testing.T) {
	s := lookup(t, fixture.IndexSpec)
	multi, err := fixture.MultiArch(inputs(t), s)
	if err != nil {
		t.Fatal(err)
	}
	amd64 := platformDigests(t, multi)["linux/amd64"]
	reg := startRegistry(t)
	if err := fixture.PushIndex(reg.host, s.Repository, fixture.MultiArchTag, multi); err != nil {
		t.Fatal(err)
	}
	_, single := build(t, "python3.12")
	named := filepath.Join(t.TempDir(), "named")
	p, err := layout.Write(named, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	const saved = "public.ecr.aws/sam/build-python3.12:1.143.0-20250822194415-x86_64"
	if err := p.AppendImage(single, layout.WithAnnotations(map[string]string{
		fixture.RefNameAnnotation: "t", imageNameAnnotation: saved,
	})); err != nil {
		t.Fatal(err)
	}
	unnamed := writeLayout(t, map[string]v1.Image{"t": single})
	in := newInspector(t, Options{Insecure: []string{reg.host}})
	repo := reg.host + "/" + strings.TrimPrefix(s.Repository, "public.ecr.aws/")
	for _, tt := range []struct {
		name, ref string
		want      Pin
		wantErr   string
	}{
		{"index by tag", repo + ":" + fixture.MultiArchTag, Pin{repo + ":" + fixture.MultiArchTag, amd64.String()}, ""},
		{"digest already pinned", repo + ":" + fixture.MultiArchTag + "@" + amd64.String(), Pin{repo + ":" + fixture.MultiArchTag, amd64.String()}, ""},
		{"layout with the saved name", "oci:" + named + ":t", Pin{saved, digestOf(t, single).String()}, ""},
		{"layout without a name", "oci:" + unnamed + ":t", Pin{}, "records no registry reference"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ref, err := imageref.Parse(tt.ref)
			if err != nil {
				t.Fatal(err)
			}
			reg.blobRequests()
			got, err := in.Resolve(context.Background(), ref)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Resolve(%s) = %v, %v, want an error containing %q", tt.name, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Resolve(%s) = %+v, %v, want %+v", tt.name, got, err, tt.want)
			}
			if n, paths := reg.blobRequests(); n != 0 {
				t.Errorf("Resolve(%s) fetched %d blobs (%v), want none", tt.name, n, paths)
			}
		})
	}
}

// countingTransport counts the requests it carries.
type countingTransport struct {
	n atomic.Int64
}

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(req)
}

// Resolving an image the Inspector has read asks the registry nothing more.
func TestResolveAfterInspect(t *testing.T) {
	reg := startRegistry(t)
	push(t, reg.host, "python3.12")
	s := lookup(t, "python3.12")
	ref := s.Ref(reg.host)
	var ct countingTransport
	in := newInspector(t, Options{Insecure: []string{reg.host}, Transport: &ct})
	img := mustInspect(t, in, ref)
	before := ct.n.Load()
	r, err := imageref.Parse(ref)
	if err != nil {
		t.Fatal(err)
	}
	got, err := in.Resolve(context.Background(), r)
	if err != nil || got != (Pin{Name: ref, Digest: img.Digest.String()}) {
		t.Fatalf("Resolve(%s) = %+v, %v, want %s@%s", ref, got, err, ref, img.Digest)
	}
	if n := ct.n.Load() - before; n != 0 {
		t.Errorf("Resolve after Inspect made %d requests, want none", n)
	}
}
