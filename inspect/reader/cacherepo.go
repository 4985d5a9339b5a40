package reader

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/sammatrix/sammatrix/inspect/imageref"
	"github.com/sammatrix/sammatrix/inspect/layer"
	"github.com/sammatrix/sammatrix/inspect/scan"
)

// What a layer index looks like in a cache repository: one OCI artifact
// per layer and analyzer version, tagged by [IndexTag], with an empty
// config and one blob.
const (
	// IndexArtifactType is the artifact type of the manifest.
	IndexArtifactType = "application/vnd.sammatrix.layer-index.v1"
	// IndexMediaType is the media type of its one blob, the encoded index.
	IndexMediaType = "application/vnd.sammatrix.layer-index.v2"
	// MaxIndexSize is the largest index blob taken from a cache
	// repository; a larger one is ignored. Real indexes take kilobytes.
	MaxIndexSize = 64 << 20

	// AnnotationLayer records the digest of the layer the index is of.
	AnnotationLayer = "com.github.sammatrix.layer.digest"
	// AnnotationAnalyzer records scan.AnalyzerVersion.
	AnnotationAnalyzer = "com.github.sammatrix.analyzer.version"
	// AnnotationWriter records the sammatrix version that pushed it.
	AnnotationWriter = "com.github.sammatrix.version"
)

// emptyJSON is the OCI empty descriptor's content, the artifact's config.
var emptyJSON = []byte("{}")

// IndexTag returns the tag of the index of layer d in a cache repository:
// idx-v<analyzer version>-<algorithm>-<first 64 hex digits>. The full
// digest is recorded inside the artifact and checked when it is read.
func IndexTag(d v1.Hash) string {
	hex := d.Hex
	if len(hex) > 64 {
		hex = hex[:64]
	}
	return fmt.Sprintf("idx-v%d-%s-%s", scan.AnalyzerVersion, d.Algorithm, hex)
}

// ParseCacheRepo parses a cache repository, REGISTRY/REPOSITORY with the
// registry named explicitly; one of the insecure hosts is reached over
// plain HTTP.
func ParseCacheRepo(s string, insecure []string) (name.Repository, error) {
	opts := []name.Option{name.StrictValidation}
	r, err := name.NewRepository(s, opts...)
	if err != nil {
		return name.Repository{}, fmt.Errorf("parsing cache repository %q: want REGISTRY/REPOSITORY, e.g. ghcr.io/acme/sammatrix-cache: %w", s, err)
	}
	if slices.Contains(insecure, r.RegistryStr()) {
		r, err = name.NewRepository(s, append(opts, name.Insecure)...)
		if err != nil {
			return name.Repository{}, fmt.Errorf("parsing cache repository %q: %w", s, err)
		}
	}
	return r, nil
}

// repoIndexes looks layer indexes up in a registry repository before
// asking the next indexer, and pushes what the next indexer gives. Content
// under an index tag that is not what this version would have pushed for
// that layer is ignored with a warning. A repository that cannot be read
// is not used for the rest of the run, and one that refuses a push is not
// pushed to again; neither fails the run.
type repoIndexes struct {
	next     indexer
	repo     name.Repository
	readOnly bool
	writer   string
	limit    int64
	puller   *remote.Puller
	pusher   *remote.Pusher
	// warn records a warning for the caller; hit reports an index taken
	// from the repository.
	warn func(string)
	hit  func(layerRequest)

	hits, pushed, bytes atomic.Int64
	// unusable is set when a lookup failed for a reason other than the
	// content; pushOff when a push failed.
	unusable, pushOff atomic.Bool
}

var _ indexer = (*repoIndexes)(nil)

// newRepoIndexes returns the cache repository decorator of next, reaching
// the registry with the options' credentials, transport and retries; the
// mirrors do not apply to it.
func newRepoIndexes(in *Inspector, next indexer) (*repoIndexes, error) {
	o := in.opts
	repo, err := ParseCacheRepo(o.CacheRepo, o.Insecure)
	if err != nil {
		return nil, err
	}
	ropts := []remote.Option{
		remote.WithAuthFromKeychain(o.Keychain),
		remote.WithRetryBackoff(remote.Backoff{Duration: defaultBackoff, Factor: 2, Jitter: 0.1, Steps: defaultRetries}),
		remote.WithRetryStatusCodes(retryCodes...),
		remote.WithUserAgent("sammatrix"),
		remote.WithTransport(o.Transport),
	}
	puller, err := remote.NewPuller(ropts...)
	if err != nil {
		return nil, fmt.Errorf("reading cache repository %q: %w", repo, err)
	}
	pusher, err := remote.NewPusher(ropts...)
	if err != nil {
		return nil, fmt.Errorf("writing cache repository %q: %w", repo, err)
	}
	writer := o.Version
	if writer == "" {
		writer = "unknown"
	}
	return &repoIndexes{
		next: next, repo: repo, readOnly: o.CacheRepoReadOnly, writer: writer, limit: MaxIndexSize,
		puller: puller, pusher: pusher, warn: in.warn, hit: in.repoHit,
	}, nil
}

func (r *repoIndexes) index(ctx context.Context, req layerRequest) (*layer.Index, error) {
	d := req.desc.Digest
	tag := IndexTag(d)
	if !imageref.ValidTag(tag) {
		// Not a sha256 digest; nothing of it is shared.
		return r.next.index(ctx, req)
	}
	if !r.unusable.Load() {
		idx, err := r.lookup(ctx, tag, d)
		var foreign *foreignIndexError
		switch {
		case err == nil:
			r.hits.Add(1)
			r.hit(req)
			return idx, nil
		case errors.Is(err, errNoIndex):
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case errors.As(err, &foreign):
			r.warn(fmt.Sprintf("ignoring %s in cache repository %s: %v; scanning layer %s instead", tag, r.repo, foreign.Err, short(d)))
		default:
			if r.unusable.CompareAndSwap(false, true) {
				r.warn(fmt.Sprintf("not using cache repository %s for the rest of the run: %v", r.repo, redact(err)))
			}
		}
	}
	idx, err := r.next.index(ctx, req)
	if err != nil {
		return nil, err
	}
	if !r.readOnly && !r.unusable.Load() && !r.pushOff.Load() {
		if err := r.push(ctx, tag, d, idx); err != nil && ctx.Err() == nil && r.pushOff.CompareAndSwap(false, true) {
			r.warn(pushWarning(r.repo, err))
		}
	}
	return idx, nil
}

// errNoIndex is a tag the cache repository does not have.
var errNoIndex = errors.New("no such index")

// foreignIndexError is content under an index tag that is not the index
// it should be.
type foreignIndexError struct{ Err error }

func (e *foreignIndexError) Error() string { return e.Err.Error() }

func foreign(format string, args ...any) error {
	return &foreignIndexError{fmt.Errorf(format, args...)}
}

// lookup reads the index of layer d under tag, and checks that it is one:
// an OCI manifest of the index artifact type whose annotations name d and
// this analyzer version, with one blob of the index media type, at most
// r.limit bytes, which decodes to an index of d by this analyzer version.
func (r *repoIndexes) lookup(ctx context.Context, tag string, d v1.Hash) (*layer.Index, error) {
	desc, err := r.puller.Get(ctx, r.repo.Tag(tag))
	if err != nil {
		if statusOf(err) == http.StatusNotFound {
			return nil, errNoIndex
		}
		return nil, fmt.Errorf("looking up %s: %w", tag, err)
	}
	r.bytes.Add(int64(len(desc.Manifest)))
	if desc.MediaType != types.OCIManifestSchema1 {
		return nil, foreign("it is a %s, not an OCI image manifest", desc.MediaType)
	}
	var m v1.Manifest
	if err := json.Unmarshal(desc.Manifest, &m); err != nil {
		return nil, foreign("parsing its manifest: %w", err)
	}
	if m.ArtifactType != IndexArtifactType {
		return nil, foreign("its artifact type is %q, want %q", m.ArtifactType, IndexArtifactType)
	}
	if got := m.Annotations[AnnotationLayer]; got != d.String() {
		return nil, foreign("it is the index of layer %q, want %s", got, d)
	}
	if got, want := m.Annotations[AnnotationAnalyzer], strconv.Itoa(scan.AnalyzerVersion); got != want {
		return nil, foreign("it was made by analyzer version %q, want %s", got, want)
	}
	if len(m.Layers) != 1 {
		return nil, foreign("it has %d blobs, want 1", len(m.Layers))
	}
	b := m.Layers[0]
	if b.MediaType != IndexMediaType {
		return nil, foreign("its blob is a %q, want %q", b.MediaType, IndexMediaType)
	}
	if b.Size < 0 || b.Size > r.limit {
		return nil, foreign("its blob has %d bytes, more than the %d allowed", b.Size, r.limit)
	}
	raw, err := r.blob(ctx, b)
	if err != nil {
		return nil, err
	}
	r.bytes.Add(int64(len(raw)))
	idx, err := decodeRepoIndex(raw, d)
	if err != nil {
		return nil, foreign("%w", err)
	}
	return idx, nil
}

// blob reads the index blob b names, at most its size, and checks its digest.
func (r *repoIndexes) blob(ctx context.Context, b v1.Descriptor) ([]byte, error) {
	l, err := r.puller.Layer(ctx, r.repo.Digest(b.Digest.String()))
	if err != nil {
		return nil, r.blobError(err)
	}
	rc, err := l.Compressed()
	if err != nil {
		return nil, r.blobError(err)
	}
	defer rc.Close()
	raw, err := io.ReadAll(io.LimitReader(rc, b.Size+1))
	if err != nil {
		return nil, r.blobError(err)
	}
	if int64(len(raw)) != b.Size {
		return nil, foreign("its blob has more than the %d bytes its manifest says", b.Size)
	}
	if got, _, err := v1.SHA256(bytes.NewReader(raw)); err != nil || got != b.Digest {
		return nil, foreign("its blob's digest is %s, its manifest says %s", got, b.Digest)
	}
	return raw, nil
}

// blobError tells a registry that fails (the repository is not used
// further) from a blob that is missing or does not match its digest (the
// tag is ignored).
func (r *repoIndexes) blobError(err error) error {
	if lastTimeout(err) != nil {
		return fmt.Errorf("reading an index blob: %w", err)
	}
	var terr *transport.Error
	if errors.As(err, &terr) && terr.StatusCode != http.StatusNotFound {
		return fmt.Errorf("reading an index blob: %w", err)
	}
	return foreign("reading its blob: %w", err)
}

// push uploads the index of layer d and tags it.
func (r *repoIndexes) push(ctx context.Context, tag string, d v1.Hash, idx *layer.Index) error {
	payload, err := encodeRepoIndex(idx, d)
	if err != nil {
		return fmt.Errorf("encoding the index of layer %s: %w", d, err)
	}
	config := static.NewLayer(emptyJSON, types.OCIEmptyJSON)
	blob := static.NewLayer(payload, IndexMediaType)
	for _, l := range []v1.Layer{config, blob} {
		if err := r.pusher.Upload(ctx, r.repo, l); err != nil {
			return err
		}
	}
	configDesc, err := partialDescriptor(config)
	if err != nil {
		return err
	}
	blobDesc, err := partialDescriptor(blob)
	if err != nil {
		return err
	}
	m := v1.Manifest{
		SchemaVersion: 2,
		MediaType:     types.OCIManifestSchema1,
		ArtifactType:  IndexArtifactType,
		Config:        configDesc,
		Layers:        []v1.Descriptor{blobDesc},
		Annotations: map[string]string{
			AnnotationLayer:    d.String(),
			AnnotationAnalyzer: strconv.Itoa(scan.AnalyzerVersion),
			AnnotationWriter:   r.writer,
		},
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return err
	}
	if err := r.pusher.Put(ctx, r.repo.Tag(tag), rawManifest(raw)); err != nil {
		return err
	}
	r.pushed.Add(1)
	return nil
}

func partialDescriptor(l v1.Layer) (v1.Descriptor, error) {
	d, err := l.Digest()
	if err != nil {
		return v1.Descriptor{}, err
	}
	size, err := l.Size()
	if err != nil {
		return v1.Descriptor{}, err
	}
	mt, err := l.MediaType()
	if err != nil {
		return v1.Descriptor{}, err
	}
	return v1.Descriptor{MediaType: mt, Size: size, Digest: d}, nil
}

// rawManifest is an OCI image manifest ready to be put.
type rawManifest []byte

func (m rawManifest) RawManifest() ([]byte, error) { return m, nil }

func (rawManifest) MediaType() (types.MediaType, error) { return types.OCIManifestSchema1, nil }

// pushWarning says why pushes stop, and what to do about it.
func pushWarning(repo name.Repository, err error) string {
	switch statusOf(err) {
	case http.StatusUnauthorized, http.StatusForbidden:
		return fmt.Sprintf("cache repository %s refused a push (HTTP %d): pushing no more layer indexes in this run; with read-only credentials, pass --cache-repo-read-only", repo, statusOf(err))
	}
	return fmt.Sprintf("pushing to cache repository %s: %v; pushing no more layer indexes in this run", repo, redact(err))
}

// statusOf returns the HTTP status of a registry error, 0 if it has none.
func statusOf(err error) int {
	var terr *transport.Error
	if errors.As(err, &terr) {
		for _, d := range terr.Errors {
			if d.Code == transport.ManifestUnknownErrorCode || d.Code == transport.NameUnknownErrorCode {
				return http.StatusNotFound
			}
		}
		return terr.StatusCode
	}
	return 0
}

// redact shortens a registry error to its status where it has one, so
// that no response body (which could echo a request) is printed.
func redact(err error) error {
	if te := lastTimeout(err); te != nil {
		return te
	}
	if s := statusOf(err); s != 0 {
		return fmt.Errorf("HTTP %d %s", s, http.StatusText(s))
	}
	return err
}

// A layer index as a cache repository holds it: two lines naming what it
// is the index of, "layer <digest>" and "analyzer <version>", then the
// index as the local cache encodes it.

func encodeRepoIndex(idx *layer.Index, d v1.Hash) ([]byte, error) {
	raw, err := encodeIndex(idx)
	if err != nil {
		return nil, err
	}
	head := fmt.Sprintf("layer %s\nanalyzer %d\n", d, scan.AnalyzerVersion)
	return append([]byte(head), raw...), nil
}

func decodeRepoIndex(raw []byte, d v1.Hash) (*layer.Index, error) {
	layerLine, rest, ok1 := bytes.Cut(raw, []byte("\n"))
	analyzerLine, rest, ok2 := bytes.Cut(rest, []byte("\n"))
	of, okLayer := strings.CutPrefix(string(layerLine), "layer ")
	analyzer, okAnalyzer := strings.CutPrefix(string(analyzerLine), "analyzer ")
	if !ok1 || !ok2 || !okLayer || !okAnalyzer {
		return nil, errors.New("decoding its blob: it does not start with the lines \"layer <digest>\" and \"analyzer <version>\"")
	}
	if of != d.String() {
		return nil, fmt.Errorf("its blob is the index of layer %.80q, want %s", of, d)
	}
	if analyzer != strconv.Itoa(scan.AnalyzerVersion) {
		return nil, fmt.Errorf("its blob was made by analyzer version %.20q, want %d", analyzer, scan.AnalyzerVersion)
	}
	idx, err := decodeIndex(rest)
	if err != nil {
		return nil, fmt.Errorf("decoding its blob: %w", err)
	}
	return idx, nil
}

// repoHit reports a layer index taken from the cache repository done.
func (in *Inspector) repoHit(req layerRequest) {
	d := req.desc
	in.progress(Event{Image: req.ref.String(), Layer: d.Digest, Read: d.Size, Total: d.Size, Cached: true, Done: true})
}

// warn records a warning for Warnings.
func (in *Inspector) warn(w string) {
	in.warnMu.Lock()
	defer in.warnMu.Unlock()
	in.warnings = append(in.warnings, w)
}
