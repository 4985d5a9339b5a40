// Package imageref parses image references: registry references and the local
// transports oci:, oci-archive: and docker-archive:, as containers-image
// (skopeo, syft) names them. It is a leaf package: parsing a reference
// needs no image reader.
package imageref

import (
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
)

// Transport says where an image reference points.
type Transport string

// The transports, named as containers-image (skopeo, syft) names them.
const (
	Registry      Transport = "registry"
	OCI           Transport = "oci"
	OCIArchive    Transport = "oci-archive"
	DockerArchive Transport = "docker-archive"
)

// Reference is a parsed image reference: a registry image or a local
// source in one of the transports.
type Reference struct {
	// Transport tells which of the other fields apply.
	Transport Transport
	// Name is the registry reference (Registry only).
	Name name.Reference
	// Path is the OCI layout directory or the archive file (local transports).
	Path string
	// Tag selects an image of an OCI layout by its ref.name annotation.
	Tag string
	// Digest selects an image of an OCI layout by manifest digest.
	Digest string

	raw string
}

// errEmpty is returned when an image reference is empty.
var errEmpty = errors.New("empty image reference")

// Parse parses an image reference: a plain registry reference
// (public.ecr.aws/sam/build-python3.12:TAG), "oci:DIR[:TAG|@DIGEST]",
// "oci-archive:FILE" or "docker-archive:FILE".
func Parse(s string) (Reference, error) {
	if strings.TrimSpace(s) == "" {
		return Reference{}, errEmpty
	}
	transport, rest, ok := strings.Cut(s, ":")
	switch Transport(transport) {
	case OCI:
		if !ok || rest == "" {
			return Reference{}, fmt.Errorf("parsing reference %q: want oci:DIR[:TAG|@DIGEST]", s)
		}
		r := Reference{Transport: OCI, raw: s}
		// A digest follows the last "@" and looks like ALG:HEX; an "@"
		// elsewhere belongs to the path (layout/build-java21@6.0.33:TAG).
		if i := strings.LastIndex(rest, "@"); i >= 0 && strings.Contains(rest[i+1:], ":") && !strings.Contains(rest[i+1:], "/") {
			dir, dgst := rest[:i], rest[i+1:]
			if !ValidDigest(dgst) {
				return Reference{}, fmt.Errorf("parsing reference %q: digest %q is not of the form sha256:<64 hex digits>", s, dgst)
			}
			r.Path, r.Digest = dir, dgst
		} else if dir, tag, found := strings.Cut(rest, ":"); found {
			if !ValidTag(tag) {
				return Reference{}, fmt.Errorf("parsing reference %q: %q is not a valid tag", s, tag)
			}
			r.Path, r.Tag = dir, tag
		} else {
			r.Path = rest
		}
		if r.Path == "" {
			return Reference{}, fmt.Errorf("parsing reference %q: empty directory", s)
		}
		return r, nil
	case OCIArchive, DockerArchive:
		if !ok || rest == "" {
			return Reference{}, fmt.Errorf("parsing reference %q: want %s:FILE", s, transport)
		}
		return Reference{Transport: Transport(transport), Path: rest, raw: s}, nil
	}
	n, err := name.ParseReference(s, name.WithDefaultTag(""))
	if err != nil {
		return Reference{}, fmt.Errorf("parsing reference %q: %w", s, err)
	}
	return Reference{Transport: Registry, Name: n, raw: s}, nil
}

// String returns the reference as it was written.
func (r Reference) String() string { return r.raw }

// Local reports whether the reference names a local source.
func (r Reference) Local() bool { return r.Transport != Registry }

// Repository returns the registry repository ("public.ecr.aws/sam/build-python3.12"),
// or the path of a local source.
func (r Reference) Repository() string {
	if r.Transport == Registry {
		return r.Name.Context().Name()
	}
	return r.Path
}

// Identifier returns the tag and the digest the reference pins (either may be
// empty). A registry reference written as repo:tag@digest has both.
func (r Reference) Identifier() (tag, digest string) {
	if r.Transport != Registry {
		return r.Tag, r.Digest
	}
	switch n := r.Name.(type) {
	case name.Digest:
		digest = n.DigestStr()
		// name.Digest keeps a tag written before the digest only in its string.
		if before, _, ok := strings.Cut(n.String(), "@"); ok {
			if i := strings.LastIndex(before, ":"); i > strings.LastIndex(before, "/") {
				tag = before[i+1:]
			}
		}
	case name.Tag:
		tag = n.TagStr()
	}
	return tag, digest
}

// RuntimeName returns the runtime a SAM build image is for, taken from the
// last element of its repository or path: ".../build-python3.12" gives
// "python3.12". ok is false when that element does not start with "build-".
func (r Reference) RuntimeName() (string, bool) {
	base := path.Base(r.Repository())
	if r.Local() {
		base = filepath.Base(r.Path)
		for _, ext := range []string{".tar.gz", ".tgz", ".tar"} {
			base = strings.TrimSuffix(base, ext)
		}
	}
	rt, ok := strings.CutPrefix(base, "build-")
	if !ok || rt == "" {
		return "", false
	}
	return rt, true
}

// WithBase returns the reference with a relative local path made relative to
// dir; registry references and absolute paths are returned unchanged.
func (r Reference) WithBase(dir string) Reference {
	if !r.Local() || filepath.IsAbs(r.Path) || dir == "" {
		return r
	}
	r.Path = filepath.Join(dir, r.Path)
	return r
}
