package inspect

import "errors"

// ErrNotFound means a reference does not resolve to an image: the
// repository, tag, digest or local path does not exist.
var ErrNotFound = errors.New("image not found")

// ErrPlatform means an image index has no manifest for the wanted platform.
var ErrPlatform = errors.New("no image for the platform")
