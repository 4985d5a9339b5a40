package inspect

import v1 "github.com/google/go-containerregistry/pkg/v1"

// DefaultPlatform is the platform an image index is resolved to.
const DefaultPlatform = "linux/amd64"

// PlatformString formats a platform as os/arch[/variant].
func PlatformString(p *v1.Platform) string {
	if p == nil || p.OS == "" {
		return "unknown"
	}
	s := p.OS + "/" + p.Architecture
	if p.Variant != "" {
		s += "/" + p.Variant
	}
	return s
}
