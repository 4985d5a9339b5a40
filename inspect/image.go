package inspect

import (
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/sammatrix/sammatrix/inspect/fstree"
	"github.com/sammatrix/sammatrix/inspect/imageref"
)

// Image is an inspected image: where it came from, its layers, the merged
// view of its files and its facts.
type Image struct {
	Ref      imageref.Reference
	Digest   v1.Hash
	Platform v1.Platform
	Config   *v1.ConfigFile
	Layers   []Layer
	// Tree is the merged view of the layers. Callers that change it must
	// Clone it first.
	Tree     *fstree.Tree
	Facts    *Facts
	Warnings []string
}

// Layer describes one layer of an image.
type Layer struct {
	Digest    v1.Hash `json:"digest"`
	Size      int64   `json:"size"`
	MediaType string  `json:"media_type"`
}
