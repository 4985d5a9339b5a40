package matrix

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/sammatrix/sammatrix/inspect/imageref"
)

// image decodes an image reference: a pair's, or the plugin's.
func (d *decoder) image(dst *Image, where string) func(*yaml.Node) {
	return func(n *yaml.Node) {
		d.str(&dst.Value, where)(n)
		if !dst.Set {
			return
		}
		ref, err := imageref.Parse(dst.V)
		if err != nil {
			d.problem(d.resolve(n), ProblemValue, "%s %s is not an image reference: %s", where, quote(dst.V), reason(err, dst.V))
			dst.Set = false
			return
		}
		dst.Ref = ref
	}
}

// isTagPart reports whether s may be a pair id or the plugin version,
// which become parts of image tags: ^[A-Za-z0-9_][A-Za-z0-9_.-]*$.
func isTagPart(s string) bool {
	if s == "" || s[0] == '.' || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// checkPairs derives the pair ids and reports missing, unusable and
// duplicate ones.
func (d *decoder) checkPairs(f *File) {
	first := map[string]Pos{}
	for i := range f.Pairs {
		p := &f.Pairs[i]
		if !p.ID.Set {
			if !p.Runtime.Set {
				continue
			}
			id, ok := p.Runtime.Ref.RuntimeName()
			if !ok {
				d.problemAt(p.Pos, ProblemMissingKey,
					"missing key \"id\" in pairs[%d]: the runtime name cannot be derived from %s (want a repository or path ending in build-<runtime>)", i, quote(p.Runtime.V))
				continue
			}
			p.ID = Value[string]{V: id, Pos: p.Runtime.Pos}
		}
		if !isTagPart(p.ID.V) {
			d.problemAt(p.ID.Pos, ProblemValue, "pair id %s cannot be part of an image tag; use letters, digits, '.', '_' and '-'", quote(p.ID.V))
			continue
		}
		if prev, dup := first[p.ID.V]; dup {
			d.problemAt(p.Pos, ProblemDuplicateID, "duplicate pair %s (first defined at line %d); give one of them a distinct id", quote(p.ID.V), prev.Line)
			continue
		}
		first[p.ID.V] = p.Pos
		for _, tag := range []string{BaseTag(p.ID.V, f.Plugin.Version.V), ServerlessTag(p.ID.V, "0.0.0", f.Plugin.Version.V)} {
			if len(tag) > 128 {
				d.problemAt(p.ID.Pos, ProblemValue, "pair id %s makes an image tag %d characters long; tags are at most 128", quote(p.ID.V), len(tag))
				break
			}
		}
	}
}

// BaseTag returns the tag of a pair's base image (runtime, Node.js and
// plugin, without the Serverless Framework): RUNTIME-VERSION-linux-amd64.
func BaseTag(id, pluginVersion string) string {
	return fmt.Sprintf("%s-%s-linux-amd64", id, pluginVersion)
}

// ServerlessTag returns the tag of a pair's image with the Serverless
// Framework installed: RUNTIME-SERVERLESS-VERSION-linux-amd64.
func ServerlessTag(id, serverless, pluginVersion string) string {
	return fmt.Sprintf("%s-%s-%s-linux-amd64", id, serverless, pluginVersion)
}

// Images returns the full names of every image a pair produces: the base
// image, then one per Serverless version, all under target-repo.
func (f *File) Images(p Pair) []string {
	out := []string{f.TargetRepo.V + ":" + BaseTag(p.ID.V, f.Plugin.Version.V)}
	for _, s := range f.Serverless {
		out = append(out, f.TargetRepo.V+":"+ServerlessTag(p.ID.V, s.V, f.Plugin.Version.V))
	}
	return out
}

// checkValues checks the values whose form matters beyond their type.
func (d *decoder) checkValues(f *File) {
	if v := f.TargetRepo; v.Set {
		if _, err := name.NewRepository(v.V, name.StrictValidation); err != nil {
			d.problemAt(v.Pos, ProblemValue, "target-repo %s is not a repository name (want e.g. docker.io/acme/serverless-plugin, without a tag): %s", quote(v.V), reason(err, v.V))
		}
	}
	if v := f.Plugin.Version; v.Set && !isTagPart(v.V) {
		d.problemAt(v.Pos, ProblemValue, "plugin.version %s cannot be part of an image tag; use letters, digits, '.', '_' and '-'", quote(v.V))
	}
	for _, v := range f.Serverless {
		if !semverish().MatchString(v.V) {
			d.problemAt(v.Pos, ProblemValue, "serverless version %s is not an exact npm version such as 3.39.0", quote(v.V))
		}
	}
	h := f.Harness
	for _, v := range []struct {
		key string
		val Value[string]
	}{{"harness.project", h.Project}, {"harness.org", h.Org}, {"harness.pipeline", h.Pipeline}} {
		if v.val.Set && !isHarnessID(v.val.V) {
			d.problemAt(v.val.Pos, ProblemValue, "%s %s is not a Harness identifier (want ^[a-zA-Z_][0-9a-zA-Z_]{0,127}$: no '-' or '.')", v.key, quote(v.val.V))
		}
	}
	for _, v := range []struct {
		key string
		val Value[string]
	}{{"harness.k8s-connector", h.K8sConnector}, {"harness.docker-connector", h.DockerConnector},
		{"harness.docker-username-secret", h.DockerUsername}, {"harness.docker-password-secret", h.DockerPassword}} {
		if v.val.Set && !isHarnessRef(v.val.V) {
			d.problemAt(v.val.Pos, ProblemValue, "%s %s is not a Harness reference (want an identifier, optionally prefixed with account. or org.)", v.key, quote(v.val.V))
		}
	}
	if v := h.MaxConcurrency; v.Set && v.V < 1 {
		d.problemAt(v.Pos, ProblemValue, "harness.max-concurrency must be at least 1, found %d", v.V)
	}
	for _, dl := range []struct {
		key string
		val Value[string]
	}{{"build.go-template.sha256", f.Build.GoTemplate.SHA256}, {"build.docker-cli.sha256", f.Build.DockerCLI.SHA256}} {
		if dl.val.Set && !imageref.IsSHA256Hex(dl.val.V) {
			d.problemAt(dl.val.Pos, ProblemValue, "%s must be 64 lower-case hexadecimal digits, found %s", dl.key, quote(dl.val.V))
		}
	}
}

var semverish = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$`) })

// isHarnessID reports whether s is a Harness identifier,
// ^[a-zA-Z_][0-9a-zA-Z_]{0,127}$.
func isHarnessID(s string) bool {
	if s == "" || len(s) > 128 || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_') {
			return false
		}
	}
	return true
}

// isHarnessRef reports whether s is a Harness reference: an identifier,
// optionally prefixed with "account." or "org.".
func isHarnessRef(s string) bool {
	if id, ok := strings.CutPrefix(s, "account."); ok {
		return isHarnessID(id)
	}
	if id, ok := strings.CutPrefix(s, "org."); ok {
		return isHarnessID(id)
	}
	return isHarnessID(s)
}
