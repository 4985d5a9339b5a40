package reader

import (
	"context"
	"errors"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/sammatrix/sammatrix/inspect/elfabi"
	"github.com/sammatrix/sammatrix/inspect/fixture"
	"github.com/sammatrix/sammatrix/inspect/imageref"
	"github.com/sammatrix/sammatrix/inspect/layer"
	"github.com/sammatrix/sammatrix/inspect/rpm"
)

// allFixtures returns every fixture image with its reference in a layout
// holding them all, and the number of distinct layers. The images are
// tagged by fixture name: two fixtures of different repositories can have
// the same tag.
func allFixtures(t testing.TB) (refs []imageref.Reference, distinct int) {
	t.Helper()
	tagged := map[string]v1.Image{}
	layers := map[v1.Hash]bool{}
	for _, s := range fixture.Specs() {
		_, img := build(t, s.Name)
		tagged[layoutTag(s)] = img
		for _, d := range layerDigests(t, img) {
			layers[d] = true
		}
	}
	dir := writeLayout(t, tagged)
	for _, s := range fixture.Specs() {
		r, err := imageref.Parse("oci:" + dir + ":" + layoutTag(s))
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, r)
	}
	if len(layers) >= len(refs)*fixture.NumLayers {
		t.Fatalf("the fixtures have %d distinct layers in %d images, want some shared", len(layers), len(refs))
	}
	return refs, len(layers)
}

func layoutTag(s fixture.Spec) string { return strings.ReplaceAll(s.Name, "@", "_") }

// inspectAll inspects refs with in and returns the facts of each as JSON.
func inspectAll(t testing.TB, in *Inspector, refs []imageref.Reference) []string {
	t.Helper()
	imgs, errs := in.InspectAll(context.Background(), refs)
	out := make([]string, len(refs))
	for i := range refs {
		if errs[i] != nil {
			t.Fatalf("InspectAll: %v", errs[i])
		}
		out[i] = factsJSON(t, imgs[i].Facts)
	}
	return out
}

func TestCacheSecondRun(t *testing.T) {
	refs, distinct := allFixtures(t)
	cacheDir := t.TempDir()

	first := newInspector(t, Options{CacheDir: cacheDir})
	want := inspectAll(t, first, refs)
	// Every image has its own config; the layers are read once per run.
	if st := first.Stats(); st.LayersScanned != int64(distinct) || st.BlobsFetched != int64(distinct+len(refs)) || st.CacheHits != 0 {
		t.Errorf("InspectAll(%d fixtures) on an empty cache: Stats() = %+v, want %d layers scanned, %d blobs fetched, no hit",
			len(refs), st, distinct, distinct+len(refs))
	}

	second := newInspector(t, Options{CacheDir: cacheDir})
	got := inspectAll(t, second, refs)
	if st := second.Stats(); st.BlobsFetched != 0 || st.LayersScanned != 0 || st.CacheHits != int64(distinct+len(refs)) {
		t.Errorf("InspectAll(%d fixtures) again: Stats() = %+v, want no blob fetched, nothing scanned, %d hits", len(refs), st, distinct+len(refs))
	}
	// The cache gives the facts a scan gives, to the last empty list.
	uncached := inspectAll(t, newInspector(t, Options{}), refs)
	for i, r := range refs {
		if got[i] != want[i] || uncached[i] != want[i] {
			t.Errorf("Inspect(%q) from the cache =\n%s\nwithout a cache =\n%s\nwant the facts of the first run:\n%s", r, got[i], uncached[i], want[i])
		}
	}
}

func TestCacheRegistryBlobRequests(t *testing.T) {
	reg := startRegistry(t)
	var refs []imageref.Reference
	layers := map[string]bool{}
	for _, s := range fixture.Specs() {
		push(t, reg.host, s.Name)
		_, img := build(t, s.Name)
		for _, d := range layerDigests(t, img) {
			layers[d.String()] = true
		}
		r, err := imageref.Parse(s.Ref(reg.host))
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, r)
	}
	reg.blobRequests() // forget the pushes

	cacheDir := t.TempDir()
	inspectAll(t, newInspector(t, Options{CacheDir: cacheDir}), refs)
	total, byPath := reg.blobRequests()
	perDigest := map[string]int{}
	for p, n := range byPath {
		perDigest[p[strings.LastIndex(p, "/")+1:]] += n
	}
	for d := range layers {
		if perDigest[d] != 1 {
			t.Errorf("InspectAll(%d fixtures) requested layer %s %d times, want once", len(refs), d, perDigest[d])
		}
	}
	if want := len(layers) + len(refs); total != want {
		t.Errorf("InspectAll(%d fixtures) made %d blob requests, want %d: each layer and each config once", len(refs), total, want)
	}

	in := newInspector(t, Options{CacheDir: cacheDir})
	inspectAll(t, in, refs)
	if total, byPath := reg.blobRequests(); total != 0 || in.Stats().BlobsFetched != 0 {
		t.Errorf("InspectAll(%d fixtures) on a full cache made blob requests %v, Stats() = %+v, want none", len(refs), byPath, in.Stats())
	}
}

func TestCacheKeepsEmptyAndZero(t *testing.T) {
	zero := 0
	idx := &layer.Index{Entries: []layer.Entry{
		{Path: "/var/lib/rpm/rpmdb.sqlite", Kind: layer.File, RPM: &layer.RPM{Format: rpm.SQLite, Packages: []rpm.Package{
			{Name: "perl-libs", Epoch: &zero, Version: "5.32.1", Release: "477.amzn2023", Arch: "x86_64"},
			{Name: "bash", Version: "5.2.15", Release: "1.amzn2023.0.2", Arch: "x86_64"},
		}}},
		{Path: "/var/lang/bin/node", Kind: layer.File, ELF: &elfabi.File{Needed: []string{"libc.so.6"}, RunPath: []string{"$ORIGIN/../lib"}}},
		{Path: "/etc/os-release", Kind: layer.File, Data: []byte{}},
		{Path: "/var/lib/rpm/Packages", Kind: layer.File, RPM: &layer.RPM{Format: rpm.BDB, Packages: []rpm.Package{}}},
		{Path: "/usr/lib/os-release", Kind: layer.File},
	}}
	raw, err := encodeIndex(idx)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeIndex(raw)
	if err != nil {
		t.Fatal(err)
	}
	pkgs := got.Entries[0].RPM.Packages
	if pkgs[0].Epoch == nil || *pkgs[0].Epoch != 0 || pkgs[1].Epoch != nil {
		t.Errorf("decodeIndex(encodeIndex(epochs 0 and none)) = %s and %s, want 0:5.32.1-477.amzn2023 and 5.2.15-1.amzn2023.0.2", pkgs[0].EVR(), pkgs[1].EVR())
	}
	if e := got.Entries[1].ELF; e == nil || len(e.RunPath) != 1 || e.Needed[0] != "libc.so.6" {
		t.Errorf("decodeIndex(encodeIndex(node)) ELF = %+v, want its needs and runpath", e)
	}
	// An empty file kept is not a file whose contents were not kept.
	if d := got.Entries[2].Data; d == nil || len(d) != 0 {
		t.Errorf("decodeIndex(encodeIndex(empty os-release)) Data = %#v, want empty, not nil", d)
	}
	if d := got.Entries[4].Data; d != nil {
		t.Errorf("decodeIndex(encodeIndex(contents not kept)) Data = %#v, want nil", d)
	}
	if r := got.Entries[3].RPM; r == nil || r.Packages == nil || len(r.Packages) != 0 {
		t.Errorf("decodeIndex(encodeIndex(empty rpm database)) RPM = %+v, want an empty package list", r)
	}
}

// TestCacheRejectsTruncatedIndex keeps a cache entry cut short (from a
// full disk or a hostile cache directory) from being used.
func TestCacheRejectsTruncatedIndex(t *testing.T) {
	raw, err := encodeIndex(&layer.Index{Entries: []layer.Entry{{Path: "/etc/os-release", Kind: layer.File, Data: []byte("ID=amzn\n")}}})
	if err != nil {
		t.Fatal(err)
	}
	for n := range len(raw) {
		if _, err := decodeIndex(raw[:n]); err == nil {
			t.Errorf("decodeIndex(the first %d of %d bytes) = nil error, want one", n, len(raw))
		}
	}
}

// TestCancelledReadIsNotKept cancels one Inspect: the next one, with a live
// context, reads the layers itself instead of taking the cancellation.
func TestCancelledReadIsNotKept(t *testing.T) {
	s, img := build(t, "ruby3.2")
	ref := "oci:" + writeLayout(t, map[string]v1.Image{s.Tag: img}) + ":" + s.Tag
	r, err := imageref.Parse(ref)
	if err != nil {
		t.Fatal(err)
	}
	in := newInspector(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := in.Inspect(ctx, r); !errors.Is(err, context.Canceled) {
		t.Errorf("Inspect(%q) with a cancelled context = %v, want context.Canceled", ref, err)
	}
	mustInspect(t, in, ref)
}
