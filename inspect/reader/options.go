package reader

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/sammatrix/sammatrix/inspect"
)

// cacheSubdir is appended to the user cache directory for the default cache.
const cacheSubdir = "sammatrix"

// Retries of registry requests: attempts and the first backoff, doubled each time.
const (
	defaultRetries = 4
	defaultBackoff = 500 * time.Millisecond
)

// DefaultTimeout bounds each wait on a registry: for a connection, a TLS
// handshake, response headers, and the next bytes of a response body. It
// bounds a stall, not a whole download: a large layer that keeps coming
// takes as long as it takes.
const DefaultTimeout = 30 * time.Second

// Options configure an Inspector. The zero value reads linux/amd64 images
// anonymously or with the docker config's credentials, with one job per CPU
// and no cache.
type Options struct {
	// Platform an image index resolves to; zero means inspect.DefaultPlatform.
	Platform v1.Platform
	// Keychain provides registry credentials; nil means authn.DefaultKeychain
	// (the docker config and its credential helpers, anonymous otherwise).
	Keychain authn.Keychain
	// Mirrors rewrite registry references before they are read.
	Mirrors []Mirror
	// Insecure lists registry hosts reached over plain HTTP.
	Insecure []string
	// Transport carries registry requests; nil means http.DefaultTransport.
	// Either way, each wait is bounded by Timeout.
	Transport http.RoundTripper
	// Timeout bounds each wait on a registry (see DefaultTimeout); zero
	// means DefaultTimeout. A wait that exceeds it fails the request with
	// a *TimeoutError inside a *RegistryError; it is not retried.
	Timeout time.Duration
	// CacheDir holds per-layer indexes and image configs; "" disables the cache.
	CacheDir string
	// CacheRepo is a registry repository, REGISTRY/REPOSITORY, that shares
	// layer indexes between machines; "" means none. A layer missing from
	// the cache directory is looked up there before it is fetched, and the
	// index of a layer scanned is pushed there (see IndexTag). Whoever can
	// push to it decides what the Inspector finds in the layers it names,
	// so name only a repository you trust. Mirrors do not apply to it; the
	// keychain, Insecure, Transport and Timeout do.
	CacheRepo string
	// CacheRepoReadOnly looks layer indexes up in CacheRepo but never pushes.
	CacheRepoReadOnly bool
	// Version names the sammatrix that pushes to CacheRepo, recorded in
	// what it pushes (AnnotationWriter); "" means "unknown".
	Version string
	// Jobs is how many layers are fetched and scanned at once; 0 means the number of CPUs.
	Jobs int
	// TempDir is where large files are spilled while scanning; "" means os.TempDir().
	TempDir string
	// Progress, if set, receives progress events. It is called from several
	// goroutines at once.
	Progress func(Event)
}

// Event reports progress on one layer.
type Event struct {
	Image  string // the reference as the user wrote it
	Layer  v1.Hash
	Read   int64 // compressed bytes read so far
	Total  int64 // compressed size of the layer
	Cached bool  // the index came from the cache; nothing was fetched
	Done   bool
}

// Mirror reads images of From (a registry, or a registry and a path
// prefix) from To instead: {public.ecr.aws, 127.0.0.1:5000} reads
// public.ecr.aws/sam/build-python3.12 from 127.0.0.1:5000/sam/build-python3.12.
type Mirror struct {
	From, To string
}

// ParseMirror parses FROM=TO.
func ParseMirror(s string) (Mirror, error) {
	from, to, ok := strings.Cut(s, "=")
	from, to = strings.TrimSuffix(from, "/"), strings.TrimSuffix(to, "/")
	if !ok || from == "" || to == "" {
		return Mirror{}, fmt.Errorf("parsing mirror %q: want FROM=TO, e.g. public.ecr.aws=127.0.0.1:5000", s)
	}
	return Mirror{From: from, To: to}, nil
}

// ParsePlatform parses os/arch[/variant].
func ParsePlatform(s string) (v1.Platform, error) {
	parts := strings.Split(s, "/")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		return v1.Platform{}, fmt.Errorf("parsing platform %q: want os/arch[/variant], e.g. %s", s, inspect.DefaultPlatform)
	}
	p := v1.Platform{OS: parts[0], Architecture: parts[1]}
	if len(parts) == 3 {
		p.Variant = parts[2]
	}
	return p, nil
}

// DefaultCacheDir returns the user cache directory + "/sammatrix".
func DefaultCacheDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, cacheSubdir)
}

func (o Options) withDefaults() Options {
	if o.Platform.OS == "" {
		o.Platform, _ = ParsePlatform(inspect.DefaultPlatform)
	}
	if o.Keychain == nil {
		o.Keychain = authn.DefaultKeychain
	}
	if o.Jobs <= 0 {
		o.Jobs = runtime.NumCPU()
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	o.Transport = &pingCache{base: newTimeoutTransport(o.Transport, o.Timeout)}
	return o
}
