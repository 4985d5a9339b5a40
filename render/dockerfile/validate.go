package dockerfile

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/sammatrix/sammatrix/inspect/imageref"
	"github.com/sammatrix/sammatrix/matrix/recipe"
)

var (
	// validStage is BuildKit's rule for stage names.
	validStage   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z][a-z0-9-_.]*$`) })
	validEnvName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`) })
	// validPath keeps COPY operands and programs free of what the
	// Dockerfile or a shell would read as syntax.
	validPath = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^/[A-Za-z0-9_./+@-]*$`) })
)

// plan is a checked Build, with what the Dockerfile needs worked out.
type plan struct {
	Build
	runtime    recipe.Stage
	stage      map[recipe.Role]string // stage name of each role
	from       map[recipe.Role]string // pinned reference of each role
	goTemplate string                 // go-template version
}

// check validates b and reports every problem, each naming what was
// expected and what was found.
func check(b Build) (*plan, []error) {
	p := &plan{Build: b, stage: map[recipe.Role]string{}, from: map[recipe.Role]string{}}
	if p.Recipe == nil {
		p.Recipe = recipe.Default
	}
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	r := p.Recipe

	runtimeAt := -1
	names := map[string]bool{}
	for i, s := range r.Stages {
		if !validStage().MatchString(s.Name) {
			fail("recipe stage %q: want a name of lower-case letters, digits and - _ . starting with a letter", s.Name)
		}
		if names[s.Name] {
			fail("recipe stage %q: the name is used twice", s.Name)
		}
		names[s.Name] = true
		if _, dup := p.stage[s.Role]; dup {
			fail("recipe stage %q: role %q already has stage %q, want one stage per role", s.Name, s.Role, p.stage[s.Role])
			continue
		}
		p.stage[s.Role] = s.Name
		if s.Role == recipe.Runtime {
			runtimeAt, p.runtime = i, s
		}
	}
	if runtimeAt < 0 {
		fail("recipe has no stage of role %q, want the stage the copies go into", recipe.Runtime)
	}
	for _, c := range r.Copies {
		i := slices.IndexFunc(r.Stages, func(s recipe.Stage) bool { return s.Role == c.From })
		switch {
		case i < 0:
			fail("recipe copies %s from role %q, which has no stage", c.Src, c.From)
		case runtimeAt >= 0 && i >= runtimeAt:
			fail("recipe copies %s from role %q, want a stage before the %q stage", c.Src, c.From, p.runtime.Name)
		}
		for _, x := range []string{c.Src, c.Dst} {
			if !validPath().MatchString(x) {
				fail("recipe copy path %q: want an absolute path of letters, digits and . _ / + @ -", x)
			}
		}
	}
	for _, e := range r.Env {
		if !validEnvName().MatchString(e.Name) {
			fail("recipe ENV name %q: want letters, digits and _, not starting with a digit", e.Name)
		}
		if strings.ContainsFunc(e.Value, unicode.IsControl) {
			fail("recipe ENV %s value %q: want no control characters", e.Name, e.Value)
		}
	}
	for _, pr := range r.Programs {
		if pr.From == recipe.Plugin && !validPath().MatchString(pr.Path) {
			fail("recipe program %q: want an absolute path of letters, digits and . _ / + @ -", pr.Path)
		}
	}

	for _, s := range r.Stages {
		img, ok := b.Images[s.Role]
		if !ok {
			fail("no image for role %q (stage %q)", s.Role, s.Name)
			continue
		}
		ref, err := pin(img)
		if err != nil {
			errs = append(errs, fmt.Errorf("image for role %q: %w", s.Role, err))
			continue
		}
		p.from[s.Role] = ref
	}
	for _, role := range sortedRoles(b.Images) {
		if _, ok := p.stage[role]; !ok {
			fail("image %q for role %q: the recipe has no stage of that role", b.Images[role].Ref, role)
		}
	}

	if p.DockerCLI.Version == "" {
		p.DockerCLI.Version = recipe.DefaultDockerCLIVersion
	}
	checkDownload := func(what string, d Download) {
		if !validVersion(d.Version) {
			fail("%s version %q: want letters, digits and . _ + - only", what, d.Version)
		}
		if d.SHA256 != "" && !imageref.IsSHA256Hex(d.SHA256) {
			fail("%s sha256 %q: want 64 lower-case hex digits", what, d.SHA256)
		}
	}
	checkDownload("docker CLI", p.DockerCLI)
	p.goTemplate = p.GoTemplate.Version
	want := ""
	if i := slices.IndexFunc(r.Env, func(e recipe.Env) bool { return e.Name == GoTemplateEnv }); i >= 0 {
		want = r.Env[i].Value
	}
	switch {
	case p.goTemplate == "" && want == "":
		fail("go-template version is empty and the recipe sets no %s", GoTemplateEnv)
	case p.goTemplate == "":
		p.goTemplate = want
	case want != "" && p.goTemplate != want:
		fail("go-template version %q: the recipe's %s is %q, want the same", p.goTemplate, GoTemplateEnv, want)
	}
	if p.goTemplate != "" {
		checkDownload("go-template", Download{p.goTemplate, p.GoTemplate.SHA256})
	}

	if !validVersion(b.PluginVersion) {
		fail("plugin version %q: want letters, digits and . _ + - only", b.PluginVersion)
	}
	if strings.TrimSpace(b.Title) == "" || strings.ContainsFunc(b.Title, unicode.IsControl) {
		fail("title %q: want a non-empty text without control characters", b.Title)
	}
	seen := map[string]bool{}
	for _, v := range b.Serverless {
		target := ServerlessTargetPrefix + v
		switch {
		case !validVersion(v) || !validStage().MatchString(target):
			fail("serverless version %q: want lower-case letters, digits and . _ - only", v)
		case seen[v]:
			fail("serverless version %q: listed twice", v)
		case names[target]:
			fail("serverless version %q: target %q is a stage of the recipe", v, target)
		}
		seen[v] = true
	}
	return p, errs
}

// pin returns img's reference pinned to its digest: repo:tag@digest, or
// repo@digest when it has no tag.
func pin(img Image) (string, error) {
	if !imageref.ValidDigest(img.Digest) {
		return "", fmt.Errorf("digest %q of %q: want sha256:<64 lower-case hex digits>", img.Digest, img.Ref)
	}
	ref, err := imageref.Parse(img.Ref)
	if err != nil {
		return "", err
	}
	if ref.Local() {
		return "", fmt.Errorf("reference %q is a local %s source, want a registry reference", img.Ref, ref.Transport)
	}
	name, written, _ := strings.Cut(img.Ref, "@")
	if written != "" && written != img.Digest {
		return "", fmt.Errorf("reference %q pins %s, want the image's digest %s", img.Ref, written, img.Digest)
	}
	return name + "@" + img.Digest, nil
}

// sortedRoles returns the roles of m in order.
func sortedRoles(m map[recipe.Role]Image) []recipe.Role {
	roles := make([]recipe.Role, 0, len(m))
	for r := range m {
		roles = append(roles, r)
	}
	slices.Sort(roles)
	return roles
}

// programsFrom returns the paths of the recipe's programs copied from role.
func programsFrom(r *recipe.Recipe, role recipe.Role) []string {
	var out []string
	for _, pr := range r.Programs {
		if pr.From == role {
			out = append(out, path.Clean(pr.Path))
		}
	}
	return out
}

// validVersion reports whether s can be a version in an image tag,
// ^[0-9A-Za-z][0-9A-Za-z._+-]{0,127}$.
func validVersion(s string) bool {
	if s == "" || len(s) > 128 || s[0] == '.' || s[0] == '_' || s[0] == '+' || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '.' || c == '_' || c == '+' || c == '-') {
			return false
		}
	}
	return true
}
