package synth

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"sync"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/klauspost/compress/gzip"
)

// Defaults of Options.
const (
	// DefaultSize is the uncompressed size of the generated layers: 512 MiB.
	DefaultSize = 512 << 20
	// DefaultLayers is the number of generated layers.
	DefaultLayers = 6
	// DefaultTag names the image in the layout.
	DefaultTag = "large"
)

// refNameAnnotation names an image in an OCI layout's index.json.
const refNameAnnotation = "org.opencontainers.image.ref.name"

// Options say what image WriteLayout writes.
type Options struct {
	// Size is about how many uncompressed bytes of file contents the
	// generated layers hold; 0 means DefaultSize.
	Size int64
	// Layers is the number of generated layers; 0 means DefaultLayers.
	Layers int
	// Seed chooses the contents.
	Seed uint64
	// Tag names the image in the layout; "" means DefaultTag.
	Tag string
	// Base, if set, gives the first layers and the config (Env, OS) of the
	// image: a fixture image, so that the image has facts to find.
	Base v1.Image
	// Sources are the directories whose ELF files seed the contents; nil
	// means DefaultSources.
	Sources []string
	// Zeros, if set, replaces the generated layers with one layer holding
	// a single file of Zeros zero bytes at ZerosPath: the case where
	// reading file contents, not decompressing, could dominate.
	Zeros int64
}

// Layer describes one layer written.
type Layer struct {
	Digest, DiffID v1.Hash
	// Blob is the path of the compressed blob.
	Blob string
	// Size and Uncompressed are the blob's and the tar stream's sizes.
	Size, Uncompressed int64
	// Files counts the files and symlinks of a generated layer (0 for a
	// layer of the base image).
	Files int
}

// Image describes the image written.
type Image struct {
	// Dir is the layout directory and Tag the image's tag in it.
	Dir, Tag string
	Digest   v1.Hash
	Layers   []Layer
}

// Ref returns the reference of the image for sammatrix: oci:DIR:TAG.
func (img *Image) Ref() string { return "oci:" + img.Dir + ":" + img.Tag }

// Size returns the compressed and uncompressed sizes of all the layers.
func (img *Image) Size() (compressed, uncompressed int64) {
	for _, l := range img.Layers {
		compressed += l.Size
		uncompressed += l.Uncompressed
	}
	return compressed, uncompressed
}

// WriteLayout writes an OCI image layout at dir (created if needed) holding
// one image: the base layers, then the generated ones.
func WriteLayout(dir string, opts Options) (*Image, error) {
	if opts.Size <= 0 {
		opts.Size = DefaultSize
	}
	if opts.Layers <= 0 {
		opts.Layers = DefaultLayers
	}
	if opts.Tag == "" {
		opts.Tag = DefaultTag
	}
	if opts.Sources == nil {
		opts.Sources = DefaultSources
	}
	blobs := filepath.Join(dir, "blobs", "sha256")
	if err := os.MkdirAll(blobs, 0o755); err != nil {
		return nil, fmt.Errorf("writing layout %q: %w", dir, err)
	}
	img := &Image{Dir: dir, Tag: opts.Tag}
	cfg := &v1.ConfigFile{OS: "linux", Architecture: "amd64", Created: v1.Time{Time: ModTime}}
	if opts.Base != nil {
		base, err := writeBase(blobs, opts.Base)
		if err != nil {
			return nil, fmt.Errorf("writing layout %q: %w", dir, err)
		}
		img.Layers = base
		if cfg, err = opts.Base.ConfigFile(); err != nil {
			return nil, fmt.Errorf("writing layout %q: reading base config: %w", dir, err)
		}
		cfg = cfg.DeepCopy()
	}
	var gen []Layer
	var err error
	if opts.Zeros > 0 {
		gen, err = writeZeros(blobs, opts.Zeros)
	} else {
		var c *corpus
		if c, err = loadCorpus(opts.Sources, opts.Seed); err == nil {
			gen, err = writeGenerated(blobs, c, opts)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("writing layout %q: %w", dir, err)
	}
	img.Layers = append(img.Layers, gen...)
	for i, l := range gen {
		cfg.RootFS.DiffIDs = append(cfg.RootFS.DiffIDs, l.DiffID)
		name := profiles[i%len(profiles)].name
		if opts.Zeros > 0 {
			name = "zeros"
		}
		cfg.History = append(cfg.History, v1.History{Created: cfg.Created, CreatedBy: fmt.Sprintf("synthetic %s layer %d", name, i+1)})
	}
	cfg.RootFS.Type = "layers"
	if img.Digest, err = writeManifest(dir, blobs, img, cfg); err != nil {
		return nil, fmt.Errorf("writing layout %q: %w", dir, err)
	}
	return img, nil
}

// writeBase copies the layers of base into the blobs directory.
func writeBase(blobs string, base v1.Image) ([]Layer, error) {
	layers, err := base.Layers()
	if err != nil {
		return nil, fmt.Errorf("reading base layers: %w", err)
	}
	var out []Layer
	for _, l := range layers {
		rc, err := l.Compressed()
		if err != nil {
			return nil, fmt.Errorf("reading base layer: %w", err)
		}
		w, err := newBlob(blobs)
		if err != nil {
			rc.Close()
			return nil, err
		}
		var size counter
		_, err = io.Copy(io.MultiWriter(w, &size), rc)
		rc.Close()
		if err != nil {
			w.abort()
			return nil, fmt.Errorf("copying base layer: %w", err)
		}
		d, err := w.commit()
		if err != nil {
			return nil, err
		}
		diffID, err := l.DiffID()
		if err != nil {
			return nil, fmt.Errorf("reading base layer: %w", err)
		}
		// The uncompressed size is not kept by v1.Layer; read it.
		u, err := uncompressedSize(l)
		if err != nil {
			return nil, err
		}
		out = append(out, Layer{Digest: d, DiffID: diffID, Blob: filepath.Join(blobs, d.Hex), Size: int64(size), Uncompressed: u})
	}
	return out, nil
}

func uncompressedSize(l v1.Layer) (int64, error) {
	rc, err := l.Uncompressed()
	if err != nil {
		return 0, fmt.Errorf("reading base layer: %w", err)
	}
	defer rc.Close()
	n, err := io.Copy(io.Discard, rc)
	if err != nil {
		return 0, fmt.Errorf("reading base layer: %w", err)
	}
	return n, nil
}

// writeGenerated writes the generated layers, two at a time.
func writeGenerated(blobs string, c *corpus, opts Options) ([]Layer, error) {
	total := 0
	for i := range opts.Layers {
		total += profiles[i%len(profiles)].share
	}
	out := make([]Layer, opts.Layers)
	errs := make([]error, opts.Layers)
	sem := make(chan struct{}, 2)
	var wg sync.WaitGroup
	for i := range opts.Layers {
		size := opts.Size * int64(profiles[i%len(profiles)].share) / int64(total)
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			out[i], errs[i] = writeGenLayer(blobs, c, i, size, opts.Seed)
		}()
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

func writeGenLayer(blobs string, c *corpus, i int, size int64, seed uint64) (Layer, error) {
	l, err := writeBlob(blobs, func(w io.Writer) (int, error) { return writeLayer(w, c, i, size, seed) })
	if err != nil {
		return Layer{}, fmt.Errorf("writing layer %d: %w", i+1, err)
	}
	return l, nil
}

// writeBlob writes the tar stream that write writes as a gzip blob; write
// returns the number of files it wrote.
func writeBlob(blobs string, write func(io.Writer) (int, error)) (Layer, error) {
	w, err := newBlob(blobs)
	if err != nil {
		return Layer{}, err
	}
	var blobSize, tarSize counter
	bw := bufio.NewWriterSize(io.MultiWriter(w, &blobSize), 1<<20)
	zw, err := gzip.NewWriterLevel(bw, gzip.DefaultCompression)
	if err != nil {
		w.abort()
		return Layer{}, err
	}
	diff := sha256.New()
	files, err := write(io.MultiWriter(zw, diff, &tarSize))
	if err == nil {
		err = zw.Close()
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		w.abort()
		return Layer{}, err
	}
	d, err := w.commit()
	if err != nil {
		return Layer{}, err
	}
	return Layer{
		Digest:       d,
		DiffID:       v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(diff.Sum(nil))},
		Blob:         filepath.Join(blobs, d.Hex),
		Size:         int64(blobSize),
		Uncompressed: int64(tarSize),
		Files:        files,
	}, nil
}

// writeManifest writes the config, the manifest, index.json and oci-layout.
func writeManifest(dir, blobs string, img *Image, cfg *v1.ConfigFile) (v1.Hash, error) {
	rawCfg, err := json.Marshal(cfg)
	if err != nil {
		return v1.Hash{}, err
	}
	cfgDesc, err := writeBytes(blobs, rawCfg, types.DockerConfigJSON)
	if err != nil {
		return v1.Hash{}, err
	}
	m := v1.Manifest{SchemaVersion: 2, MediaType: types.DockerManifestSchema2, Config: cfgDesc}
	for _, l := range img.Layers {
		m.Layers = append(m.Layers, v1.Descriptor{MediaType: types.DockerLayer, Size: l.Size, Digest: l.Digest})
	}
	rawM, err := json.Marshal(m)
	if err != nil {
		return v1.Hash{}, err
	}
	mDesc, err := writeBytes(blobs, rawM, types.DockerManifestSchema2)
	if err != nil {
		return v1.Hash{}, err
	}
	mDesc.Annotations = map[string]string{refNameAnnotation: img.Tag}
	idx := v1.IndexManifest{SchemaVersion: 2, MediaType: types.OCIImageIndex, Manifests: []v1.Descriptor{mDesc}}
	rawIdx, err := json.MarshalIndent(idx, "", "   ")
	if err != nil {
		return v1.Hash{}, err
	}
	if err := os.WriteFile(filepath.Join(dir, "index.json"), rawIdx, 0o644); err != nil {
		return v1.Hash{}, err
	}
	if err := os.WriteFile(filepath.Join(dir, "oci-layout"), []byte(`{"imageLayoutVersion":"1.0.0"}`), 0o644); err != nil {
		return v1.Hash{}, err
	}
	return mDesc.Digest, nil
}

func writeBytes(blobs string, b []byte, mt types.MediaType) (v1.Descriptor, error) {
	sum := sha256.Sum256(b)
	d := v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(sum[:])}
	if err := os.WriteFile(filepath.Join(blobs, d.Hex), b, 0o644); err != nil {
		return v1.Descriptor{}, err
	}
	return v1.Descriptor{MediaType: mt, Size: int64(len(b)), Digest: d}, nil
}

// blob is a blob being written: a temporary file renamed to its digest.
type blob struct {
	f *os.File
	h hash.Hash
}

func newBlob(blobs string) (*blob, error) {
	f, err := os.CreateTemp(blobs, ".tmp-")
	if err != nil {
		return nil, err
	}
	return &blob{f: f, h: sha256.New()}, nil
}

func (b *blob) Write(p []byte) (int, error) {
	b.h.Write(p)
	return b.f.Write(p)
}

func (b *blob) abort() {
	b.f.Close()
	os.Remove(b.f.Name())
}

func (b *blob) commit() (v1.Hash, error) {
	d := v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(b.h.Sum(nil))}
	if err := b.f.Close(); err != nil {
		os.Remove(b.f.Name())
		return d, err
	}
	if err := os.Chmod(b.f.Name(), 0o644); err != nil {
		os.Remove(b.f.Name())
		return d, err
	}
	if err := os.Rename(b.f.Name(), filepath.Join(filepath.Dir(b.f.Name()), d.Hex)); err != nil {
		os.Remove(b.f.Name())
		return d, err
	}
	return d, nil
}

// counter counts the bytes written to it.
type counter int64

func (c *counter) Write(p []byte) (int, error) {
	*c += counter(len(p))
	return len(p), nil
}
