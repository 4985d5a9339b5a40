package reader

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"golang.org/x/sync/semaphore"

	"github.com/sammatrix/sammatrix/inspect"
	"github.com/sammatrix/sammatrix/inspect/cache"
	"github.com/sammatrix/sammatrix/inspect/fstree"
	"github.com/sammatrix/sammatrix/inspect/imageref"
	"github.com/sammatrix/sammatrix/inspect/layer"
)

// Inspector reads images. Across all the images one Inspector reads, each
// distinct layer is fetched and scanned at most once, and with a cache
// directory at most once across runs. It is safe for concurrent use.
type Inspector struct {
	opts    Options
	sources map[imageref.Transport]Source
	// indexes gives the index of a layer and configs an image config: a
	// scan or a fetch, behind the cache when there is one.
	indexes indexer
	configs configReader
	cache   *cache.Cache
	sched   *scheduler
	// memory bounds the ELF files buffered at once by all the scans.
	memory *semaphore.Weighted

	mu     sync.Mutex
	layers map[v1.Hash]*layerCall
	// digests holds the manifest digest of every registry reference read,
	// so that Resolve asks the registry no second time.
	digests map[string]v1.Hash

	blobs, scanned, hits atomic.Int64
	// layerHits counts the layer indexes among hits; blobBytes the bytes
	// of the blobs counted by blobs.
	layerHits, blobBytes atomic.Int64
	// repo is the cache repository, nil without one.
	repo *repoIndexes

	warnMu   sync.Mutex
	warnings []string
}

// layerCall is one layer's index, computed once and shared by every image
// that has the layer.
type layerCall struct {
	done chan struct{}
	idx  *layer.Index
	err  error
}

// elfMemory bounds the bytes of ELF files held in memory at once by all the
// layers being scanned; larger or further files go through temporary files.
const elfMemory = 48 << 20

// Stats counts what an Inspector did.
type Stats struct {
	// BlobsFetched counts layer and config blobs read from a source.
	BlobsFetched int64
	// LayersScanned counts layers scanned (not taken from the cache).
	LayersScanned int64
	// BytesFetched counts the bytes of those blobs.
	BytesFetched int64
	// CacheHits counts layer indexes and configs taken from the cache.
	CacheHits int64
	// LayerCacheHits counts the layer indexes among CacheHits.
	LayerCacheHits int64
	// RepoHits counts layer indexes taken from the cache repository,
	// RepoPushes those pushed to it, and RepoBytesFetched the bytes of
	// the manifests and blobs read from it.
	RepoHits, RepoPushes, RepoBytesFetched int64
}

// New returns an Inspector with opts. A cache directory that cannot be
// used (it cannot be created or written, or another local user could write
// into it) does not stop it: the Inspector runs without a cache and says
// why in Warnings.
func New(opts Options) (*Inspector, error) {
	opts = opts.withDefaults()
	in := &Inspector{
		opts:   opts,
		sched:  newScheduler(opts.Jobs),
		memory: semaphore.NewWeighted(elfMemory),
		layers: map[v1.Hash]*layerCall{},

		digests: map[string]v1.Hash{},
	}
	in.sources = newSources(&in.opts)
	in.indexes, in.configs = scanner{in}, fetcher{in}
	if opts.CacheRepo != "" {
		r, err := newRepoIndexes(in, in.indexes)
		if err != nil {
			return nil, err
		}
		in.repo, in.indexes = r, r
	}
	if opts.CacheDir != "" {
		c, err := cache.Open(opts.CacheDir)
		if err != nil {
			in.warn(fmt.Sprintf("running without a cache: %v", err))
		} else {
			in.cache = c
			in.indexes = cachedIndexes{next: in.indexes, cache: c, hit: in.cacheHit}
			in.configs = cachedConfigs{next: in.configs, cache: c, hit: func() { in.hits.Add(1) }}
		}
	}
	return in, nil
}

// Warnings returns what the Inspector could not do as asked but worked
// around so far, e.g. a cache directory it would not use, or a cache
// repository that refused a push, in the order they happened.
func (in *Inspector) Warnings() []string {
	in.warnMu.Lock()
	defer in.warnMu.Unlock()
	return slices.Clone(in.warnings)
}

// Cache returns the cache the Inspector reads and writes, nil when it runs
// without one.
func (in *Inspector) Cache() *cache.Cache { return in.cache }

// Stats returns what the Inspector did so far.
func (in *Inspector) Stats() Stats {
	s := Stats{
		BlobsFetched: in.blobs.Load(), BytesFetched: in.blobBytes.Load(), LayersScanned: in.scanned.Load(),
		CacheHits: in.hits.Load(), LayerCacheHits: in.layerHits.Load(),
	}
	if r := in.repo; r != nil {
		s.RepoHits, s.RepoPushes, s.RepoBytesFetched = r.hits.Load(), r.pushed.Load(), r.bytes.Load()
	}
	return s
}

// InspectAll inspects every reference concurrently. The results and errors
// are in the order of refs; for each, exactly one of them is non-nil. The
// layers to scan are scheduled across all the images, the largest first.
func (in *Inspector) InspectAll(ctx context.Context, refs []imageref.Reference) ([]*inspect.Image, []error) {
	imgs := make([]*inspect.Image, len(refs))
	errs := make([]error, len(refs))
	// Each image announces its layers once it has read its manifest;
	// until then (at most gatherWait) no scan starts.
	in.sched.announce(len(refs))
	var wg sync.WaitGroup
	for i, ref := range refs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			imgs[i], errs[i] = in.inspect(ctx, ref, in.sched.ticket(0))
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
	return in.inspect(ctx, ref, nil)
}

// inspect is Inspect; announced, if set, is the ticket InspectAll announced
// for the image: it leaves once the image's layers are announced instead.
func (in *Inspector) inspect(ctx context.Context, ref imageref.Reference, announced *ticket) (*inspect.Image, error) {
	defer announced.leave()
	img, closeSource, err := in.open(ctx, ref)
	if err != nil {
		return nil, err
	}
	defer closeSource()

	digest, err := img.Digest()
	if err != nil {
		return nil, fmt.Errorf("reading manifest of %q: %w", ref, err)
	}
	if ref.Transport == imageref.Registry {
		in.mu.Lock()
		in.digests[ref.String()] = digest
		in.mu.Unlock()
	}
	m, err := img.Manifest()
	if err != nil {
		return nil, fmt.Errorf("reading manifest of %q: %w", ref, err)
	}
	_, cfg, err := in.configs.config(ref, img, m.Config.Digest)
	if err != nil {
		return nil, err
	}
	out := &inspect.Image{Ref: ref, Digest: digest, Config: cfg, Tree: fstree.New()}
	out.Platform = v1.Platform{OS: cfg.OS, Architecture: cfg.Architecture, Variant: cfg.Variant}

	indexes := make([]*layer.Index, len(m.Layers))
	errs := make([]error, len(m.Layers))
	in.sched.announce(len(m.Layers))
	announced.leave()
	var wg sync.WaitGroup
	for i, d := range m.Layers {
		out.Layers = append(out.Layers, inspect.Layer{Digest: d.Digest, Size: d.Size, MediaType: string(d.MediaType)})
		slot := in.sched.ticket(d.Size)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer slot.leave()
			indexes[i], errs[i] = in.layer(ctx, ref, img, d, diffID(ref, cfg, i, len(m.Layers)), slot)
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

// layer returns the index of one layer: from this run, the cache, or a scan.
// Only successes are kept for the rest of the run: a failed layer is read
// again by the next image that has it (its blob may have been repaired), and
// an image waiting on a read that another caller's context cancelled reads
// the layer itself. slot is the layer's claim on a scan slot.
func (in *Inspector) layer(ctx context.Context, ref imageref.Reference, img v1.Image, d v1.Descriptor, diffID v1.Hash, slot *ticket) (*layer.Index, error) {
	for {
		in.mu.Lock()
		call, ok := in.layers[d.Digest]
		if !ok {
			call = &layerCall{done: make(chan struct{})}
			in.layers[d.Digest] = call
		}
		in.mu.Unlock()
		if ok {
			// Another image reads the layer: this one needs no slot
			// while it waits (and must not hold up the scans).
			slot.leave()
		}
		if !ok {
			call.idx, call.err = in.indexes.index(ctx, layerRequest{ref, img, d, diffID, slot})
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

// countingReader adds the bytes read through it to n.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.n.Add(int64(k))
	return k, err
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
