package reader

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"golang.org/x/sync/semaphore"

	"github.com/sammatrix/sammatrix/inspect"
	"github.com/sammatrix/sammatrix/inspect/cache"
	"github.com/sammatrix/sammatrix/inspect/fstree"
	"github.com/sammatrix/sammatrix/inspect/imageref"
	"github.com/sammatrix/sammatrix/inspect/layer"
	"github.com/sammatrix/sammatrix/inspect/rpm"
	"github.com/sammatrix/sammatrix/inspect/scan"
)

// Inspector reads images. Across all the images one Inspector reads, each
// distinct layer is fetched and scanned at most once, and with a cache
// directory at most once across runs. It is safe for concurrent use.
type Inspector struct {
	opts  Options
	cache *cache.Cache
	sem   chan struct{}
	// memory bounds the ELF files buffered at once by all the scans.
	memory *semaphore.Weighted

	mu     sync.Mutex
	layers map[v1.Hash]*layerCall

	blobs, scanned, hits atomic.Int64

	warnings []string
}

// layerCall is one layer's index, computed once and shared by every image
// that has the layer.
type layerCall struct {
	done chan struct{}
	idx  *layer.Index
	err  error
}

// ELFMemory bounds the bytes of ELF files held in memory at once by all the
// layers being scanned; larger or further files go through temporary files.
const ELFMemory = 48 << 20

// Stats counts what an Inspector did.
type Stats struct {
	// BlobsFetched counts layer and config blobs read from a source.
	BlobsFetched int64
	// LayersScanned counts layers scanned (not taken from the cache).
	LayersScanned int64
	// CacheHits counts layer indexes and configs taken from the cache.
	CacheHits int64
}

// New returns an Inspector with opts. A cache directory that cannot be
// used (it cannot be created or written, or another local user could write
// into it) does not stop it: the Inspector runs without a cache and says
// why in Warnings.
func New(opts Options) (*Inspector, error) {
	opts = opts.withDefaults()
	in := &Inspector{
		opts:   opts,
		sem:    make(chan struct{}, opts.Jobs),
		memory: semaphore.NewWeighted(ELFMemory),
		layers: map[v1.Hash]*layerCall{},
	}
	if opts.CacheDir != "" {
		c, err := cache.Open(opts.CacheDir)
		if err != nil {
			in.warnings = append(in.warnings, fmt.Sprintf("running without a cache: %v", err))
		} else {
			in.cache = c
		}
	}
	return in, nil
}

// Warnings returns what the Inspector could not do as asked but worked
// around, e.g. a cache directory it would not use.
func (in *Inspector) Warnings() []string { return in.warnings }

// Cache returns the cache the Inspector reads and writes, nil when it runs
// without one.
func (in *Inspector) Cache() *cache.Cache { return in.cache }

// Stats returns what the Inspector did so far.
func (in *Inspector) Stats() Stats {
	return Stats{BlobsFetched: in.blobs.Load(), LayersScanned: in.scanned.Load(), CacheHits: in.hits.Load()}
}

// InspectAll inspects every reference concurrently. The results and errors
// are in the order of refs; for each, exactly one of them is non-nil.
func (in *Inspector) InspectAll(ctx context.Context, refs []imageref.Reference) ([]*inspect.Image, []error) {
	imgs := make([]*inspect.Image, len(refs))
	errs := make([]error, len(refs))
	var wg sync.WaitGroup
	for i, ref := range refs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			imgs[i], errs[i] = in.Inspect(ctx, ref)
		}()
	}
	wg.Wait()
	return imgs, errs
}

// Inspect reads the image ref names and derives its facts. A reference that
// does not resolve gives an error wrapping inspect.ErrNotFound; a registry that
// cannot be reached or refuses the credentials a *RegistryError; a layer
// that is truncated or does not match its digest a *LayerError.
func (in *Inspector) Inspect(ctx context.Context, ref imageref.Reference) (*inspect.Image, error) {
	img, closeSource, err := in.open(ctx, ref)
	if err != nil {
		return nil, err
	}
	defer closeSource()

	digest, err := img.Digest()
	if err != nil {
		return nil, fmt.Errorf("reading manifest of %q: %w", ref, err)
	}
	m, err := img.Manifest()
	if err != nil {
		return nil, fmt.Errorf("reading manifest of %q: %w", ref, err)
	}
	cfg, err := in.config(ref, img, m.Config.Digest)
	if err != nil {
		return nil, err
	}
	out := &inspect.Image{Ref: ref, Digest: digest, Config: cfg, Tree: fstree.New()}
	out.Platform = v1.Platform{OS: cfg.OS, Architecture: cfg.Architecture, Variant: cfg.Variant}

	indexes := make([]*layer.Index, len(m.Layers))
	errs := make([]error, len(m.Layers))
	var wg sync.WaitGroup
	for i, d := range m.Layers {
		out.Layers = append(out.Layers, inspect.Layer{Digest: d.Digest, Size: d.Size, MediaType: string(d.MediaType)})
		wg.Add(1)
		go func() {
			defer wg.Done()
			indexes[i], errs[i] = in.layer(ctx, ref, img, d, diffID(ref, cfg, i, len(m.Layers)))
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for i, idx := range indexes {
		out.Tree.Apply(i, idx)
		for _, w := range idx.Warnings {
			out.Warnings = append(out.Warnings, fmt.Sprintf("layer %s: %s", short(m.Layers[i].Digest), w))
		}
	}
	out.Facts = inspect.FactsOf(out)
	return out, nil
}

// config returns the image config, from the cache when it holds the digest.
func (in *Inspector) config(ref imageref.Reference, img v1.Image, d v1.Hash) (*v1.ConfigFile, error) {
	key := d.Algorithm + "-" + d.Hex
	if in.cache != nil {
		if raw, ok := in.cache.Get("configs", key); ok {
			// The key is the config's digest: an entry that does not hash
			// to it is not this config, whatever put it there.
			if got, _, err := v1.SHA256(bytes.NewReader(raw)); err == nil && got == d {
				if cfg, err := v1.ParseConfigFile(bytes.NewReader(raw)); err == nil {
					in.hits.Add(1)
					return cfg, nil
				}
			}
		}
	}
	raw, err := img.RawConfigFile()
	if err != nil {
		return nil, fmt.Errorf("reading config of %q: %w", ref, err)
	}
	in.blobs.Add(1)
	if got, _, err := v1.SHA256(bytes.NewReader(raw)); err != nil || got != d {
		return nil, fmt.Errorf("reading config of %q: the config's digest is %s, the manifest names %s", ref, got, d)
	}
	cfg, err := v1.ParseConfigFile(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("parsing config of %q: %w", ref, err)
	}
	if in.cache != nil {
		// A cache that cannot be written only costs a later run a fetch.
		_ = in.cache.Put("configs", key, raw)
	}
	return cfg, nil
}

// layer returns the index of one layer: from this run, the cache, or a scan.
// Only successes are kept for the rest of the run: a failed layer is read
// again by the next image that has it (its blob may have been repaired), and
// an image waiting on a read that another caller's context cancelled reads
// the layer itself.
func (in *Inspector) layer(ctx context.Context, ref imageref.Reference, img v1.Image, d v1.Descriptor, diffID v1.Hash) (*layer.Index, error) {
	for {
		in.mu.Lock()
		call, ok := in.layers[d.Digest]
		if !ok {
			call = &layerCall{done: make(chan struct{})}
			in.layers[d.Digest] = call
		}
		in.mu.Unlock()
		if !ok {
			call.idx, call.err = in.indexLayer(ctx, ref, img, d, diffID)
			if call.err != nil {
				in.mu.Lock()
				delete(in.layers, d.Digest)
				in.mu.Unlock()
			}
			close(call.done)
			return call.idx, call.err
		}
		select {
		case <-call.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if call.err == nil {
			return call.idx, nil
		}
		if isContextErr(call.err) && ctx.Err() == nil {
			continue
		}
		var le *LayerError
		if errors.As(call.err, &le) && le.Image != ref.String() {
			return nil, &LayerError{Image: ref.String(), Layer: le.Layer, Err: le.Err}
		}
		return nil, call.err
	}
}

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// layerCacheFormat names the encoding of cached layer indexes; it is part of
// the cache key so that entries of another encoding are never decoded.
const layerCacheFormat = "gob"

func cacheKey(d v1.Hash) string {
	return fmt.Sprintf("%s-%s-v%d-%s", d.Algorithm, d.Hex, scan.AnalyzerVersion, layerCacheFormat)
}

// cachedIndex is a layer index as the cache stores it: gob, which decodes
// about 2.5 times faster than JSON, plus what gob cannot tell apart from
// nothing (a pointer to zero, an empty slice): entries whose rpm package
// has epoch 0, whose text contents are empty, whose rpm database holds no
// package.
type cachedIndex struct {
	Index      *layer.Index
	ZeroEpochs [][2]int
	EmptyData  []int
	NoPackages []int
}

// encodeIndex and decodeIndex store a layer index in the cache.
func encodeIndex(idx *layer.Index) ([]byte, error) {
	c := cachedIndex{Index: idx}
	for i, e := range idx.Entries {
		if e.Data != nil && len(e.Data) == 0 {
			c.EmptyData = append(c.EmptyData, i)
		}
		if e.RPM == nil {
			continue
		}
		if e.RPM.Packages != nil && len(e.RPM.Packages) == 0 {
			c.NoPackages = append(c.NoPackages, i)
		}
		for j, p := range e.RPM.Packages {
			if p.Epoch != nil && *p.Epoch == 0 {
				c.ZeroEpochs = append(c.ZeroEpochs, [2]int{i, j})
			}
		}
	}
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(c); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func decodeIndex(raw []byte) (*layer.Index, error) {
	var c cachedIndex
	if err := gob.NewDecoder(bytes.NewReader(raw)).Decode(&c); err != nil {
		return nil, err
	}
	idx := c.Index
	if idx == nil {
		return nil, errors.New("cached layer index holds no index")
	}
	inRange := func(i int) bool { return i >= 0 && i < len(idx.Entries) }
	for _, i := range c.EmptyData {
		if !inRange(i) {
			return nil, errors.New("cached layer index is inconsistent")
		}
		idx.Entries[i].Data = []byte{}
	}
	for _, i := range c.NoPackages {
		if !inRange(i) || idx.Entries[i].RPM == nil {
			return nil, errors.New("cached layer index is inconsistent")
		}
		idx.Entries[i].RPM.Packages = []rpm.Package{}
	}
	for _, ij := range c.ZeroEpochs {
		i, j := ij[0], ij[1]
		if !inRange(i) || idx.Entries[i].RPM == nil || j < 0 || j >= len(idx.Entries[i].RPM.Packages) {
			return nil, errors.New("cached layer index is inconsistent")
		}
		zero := 0
		idx.Entries[i].RPM.Packages[j].Epoch = &zero
	}
	return idx, nil
}

func (in *Inspector) indexLayer(ctx context.Context, ref imageref.Reference, img v1.Image, d v1.Descriptor, diffID v1.Hash) (*layer.Index, error) {
	if in.cache != nil {
		if raw, ok := in.cache.Get("layers", cacheKey(d.Digest)); ok {
			if idx, err := decodeIndex(raw); err == nil {
				in.hits.Add(1)
				in.progress(Event{Image: ref.String(), Layer: d.Digest, Read: d.Size, Total: d.Size, Cached: true, Done: true})
				return idx, nil
			}
		}
	}
	select {
	case in.sem <- struct{}{}:
		defer func() { <-in.sem }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	layerErr := func(err error) error {
		// A registry that stops answering is not a broken layer.
		var te *TimeoutError
		if errors.As(err, &te) {
			return &RegistryError{Registry: te.Host, Err: fmt.Errorf("reading layer %s of %q: %w", short(d.Digest), ref, te)}
		}
		return &LayerError{Image: ref.String(), Layer: d.Digest.String(), Err: err}
	}
	l, err := img.LayerByDigest(d.Digest)
	if err != nil {
		return nil, layerErr(err)
	}
	rc, err := l.Compressed()
	if err != nil {
		return nil, layerErr(err)
	}
	defer rc.Close()
	in.blobs.Add(1)
	idx, err := scan.Layer(contextReader{ctx, rc}, d.Digest, scan.Options{
		DiffID:  diffID,
		Memory:  in.memory,
		TempDir: in.opts.TempDir,
		Progress: func(n int64) {
			in.progress(Event{Image: ref.String(), Layer: d.Digest, Read: n, Total: d.Size})
		},
	})
	if err != nil {
		return nil, layerErr(err)
	}
	in.scanned.Add(1)
	in.progress(Event{Image: ref.String(), Layer: d.Digest, Read: d.Size, Total: d.Size, Done: true})
	if in.cache != nil {
		if raw, err := encodeIndex(idx); err == nil {
			// A cache that cannot be written only costs a later run a scan.
			_ = in.cache.Put("layers", cacheKey(d.Digest), raw)
		}
	}
	return idx, nil
}

func (in *Inspector) progress(e Event) {
	if in.opts.Progress != nil {
		in.opts.Progress(e)
	}
}

// contextReader stops a long read when the context is cancelled.
type contextReader struct {
	ctx context.Context
	r   interface{ Read([]byte) (int, error) }
}

func (c contextReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// short abbreviates a digest for messages: sha256:0123456789ab.
func short(d v1.Hash) string {
	if len(d.Hex) > 12 {
		return d.Algorithm + ":" + d.Hex[:12]
	}
	return d.String()
}

// diffID returns the uncompressed digest layer i must have when its blob
// digest proves nothing: a docker-archive's blob digests are computed from
// the archive itself, so only the config's diff_ids pin its contents.
func diffID(ref imageref.Reference, cfg *v1.ConfigFile, i, layers int) v1.Hash {
	if ref.Transport != imageref.DockerArchive || len(cfg.RootFS.DiffIDs) != layers {
		return v1.Hash{}
	}
	return cfg.RootFS.DiffIDs[i]
}
