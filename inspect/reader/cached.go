package reader

import (
	"bytes"
	"context"
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/sammatrix/sammatrix/inspect/cache"
	"github.com/sammatrix/sammatrix/inspect/imageref"
	"github.com/sammatrix/sammatrix/inspect/layer"
	"github.com/sammatrix/sammatrix/inspect/scan"
)

// cachedIndexes keeps the layer indexes another indexer gives in the cache,
// keyed by the layer digest and the analyzer version, and gives them back
// without asking it. An entry that does not decode is a miss.
type cachedIndexes struct {
	next  indexer
	cache *cache.Cache
	// hit is told of every index taken from the cache.
	hit func(layerRequest)
}

var _ indexer = cachedIndexes{}

func (c cachedIndexes) index(ctx context.Context, req layerRequest) (*layer.Index, error) {
	key := cacheKey(req.desc.Digest)
	if raw, ok := c.cache.Get("layers", key); ok {
		if idx, err := decodeIndex(raw); err == nil {
			c.hit(req)
			return idx, nil
		}
	}
	idx, err := c.next.index(ctx, req)
	if err != nil {
		return nil, err
	}
	if raw, err := encodeIndex(idx); err == nil {
		// A cache that cannot be written only costs a later run a scan.
		_ = c.cache.Put("layers", key, raw)
	}
	return idx, nil
}

// cacheHit counts a layer index taken from the cache and reports it done.
func (in *Inspector) cacheHit(req layerRequest) {
	in.hits.Add(1)
	in.layerHits.Add(1)
	d := req.desc
	in.progress(Event{Image: req.ref.String(), Layer: d.Digest, Read: d.Size, Total: d.Size, Cached: true, Done: true})
}

// cachedConfigs keeps image configs in the cache, keyed by their digest.
type cachedConfigs struct {
	next  configReader
	cache *cache.Cache
	hit   func()
}

var _ configReader = cachedConfigs{}

func (c cachedConfigs) config(ref imageref.Reference, img v1.Image, d v1.Hash) ([]byte, *v1.ConfigFile, error) {
	key := d.Algorithm + "-" + d.Hex
	if raw, ok := c.cache.Get("configs", key); ok {
		// The key is the config's digest: an entry that does not hash
		// to it is not this config, whatever put it there.
		if got, _, err := v1.SHA256(bytes.NewReader(raw)); err == nil && got == d {
			if cfg, err := v1.ParseConfigFile(bytes.NewReader(raw)); err == nil {
				c.hit()
				return raw, cfg, nil
			}
		}
	}
	raw, cfg, err := c.next.config(ref, img, d)
	if err != nil {
		return nil, nil, err
	}
	// A cache that cannot be written only costs a later run a fetch.
	_ = c.cache.Put("configs", key, raw)
	return raw, cfg, nil
}

// layerCacheFormat names the encoding of cached layer indexes; it is part of
// the cache key so that entries of another encoding are never decoded.
const layerCacheFormat = "bin"

func cacheKey(d v1.Hash) string {
	return fmt.Sprintf("%s-%s-v%d-%s", d.Algorithm, d.Hex, scan.AnalyzerVersion, layerCacheFormat)
}

// encodeIndex and decodeIndex store a layer index in the caches, with
// layer.Index's own encoding.
func encodeIndex(idx *layer.Index) ([]byte, error) {
	return idx.MarshalBinary()
}

func decodeIndex(raw []byte) (*layer.Index, error) {
	idx := &layer.Index{}
	if err := idx.UnmarshalBinary(raw); err != nil {
		return nil, err
	}
	return idx, nil
}
