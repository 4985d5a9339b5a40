package reader

import (
	"context"
	"errors"
	"fmt"
	"runtime"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/sammatrix/sammatrix/inspect/imageref"
	"github.com/sammatrix/sammatrix/inspect/layer"
	"github.com/sammatrix/sammatrix/inspect/scan"
)

// layerRequest is one layer of one image to index.
type layerRequest struct {
	ref    imageref.Reference
	img    v1.Image
	desc   v1.Descriptor
	diffID v1.Hash
	// slot is the layer's claim on one of the Options.Jobs scan slots.
	slot *ticket
}

// indexer gives the index of one layer.
type indexer interface {
	index(ctx context.Context, req layerRequest) (*layer.Index, error)
}

// scanner indexes a layer by fetching its blob and scanning it, at most
// Options.Jobs at once, the largest layers first.
type scanner struct{ in *Inspector }

var _ indexer = scanner{}

// index fetches and scans the layer of req.
func (s scanner) index(ctx context.Context, req layerRequest) (*layer.Index, error) {
	in, ref, img, d, diffID := s.in, req.ref, req.img, req.desc, req.diffID
	slot := req.slot
	if slot == nil {
		slot = in.sched.ticket(d.Size)
		slot.arrived = true
	}
	if err := slot.acquire(ctx); err != nil {
		return nil, err
	}
	defer slot.release()
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
	idx, err := scan.Layer(contextReader{ctx, countingReader{rc, &in.blobBytes}}, d.Digest, scan.Options{
		DiffID:  diffID,
		Memory:  in.memory,
		TempDir: in.opts.TempDir,
		// With fewer jobs than CPUs, a CPU would sit idle: put it to
		// work on each layer.
		SpareCPU: in.opts.Jobs < runtime.GOMAXPROCS(0),
		Progress: func(n int64) {
			in.progress(Event{Image: ref.String(), Layer: d.Digest, Read: n, Total: d.Size})
		},
	})
	if err != nil {
		return nil, layerErr(err)
	}
	in.scanned.Add(1)
	in.progress(Event{Image: ref.String(), Layer: d.Digest, Read: d.Size, Total: d.Size, Done: true})
	return idx, nil
}
