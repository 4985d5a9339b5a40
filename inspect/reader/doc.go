// Package reader reads container images without running them: it resolves a
// reference to an image (registry, OCI layout, OCI archive or
// docker-archive), scans each distinct layer once, merges the layers into one
// view and derives the facts of the image with package inspect.
//
// The package never prints and never exits; progress goes through an
// injected callback.
package reader
