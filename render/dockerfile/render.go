package dockerfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/sammatrix/sammatrix/matrix/recipe"
)

// Render returns the Dockerfile of b: the recipe's stages with every FROM
// pinned by digest, the recipe's copies and ENV lines in the base target,
// the docker CLI and go-template downloads, OCI labels and the entry point,
// then one target per Serverless Framework version. It checks b first and
// reports every problem it finds in one error.
func Render(b Build) ([]byte, error) {
	p, errs := check(b)
	if len(errs) > 0 {
		return nil, fmt.Errorf("rendering the Dockerfile of %q: %w", b.Title, errors.Join(errs...))
	}
	var w bytes.Buffer
	w.WriteString(Header + "\n")
	for _, f := range p.Forced {
		w.WriteString("# forced: " + oneLine(f) + "\n")
	}
	r := p.Recipe
	for _, s := range r.Stages {
		if s.Role == recipe.Runtime {
			continue
		}
		fmt.Fprintf(&w, "\n# %s is the %s image.\n", s.Name, s.Role)
		fmt.Fprintf(&w, "FROM %s AS %s\n", p.from[s.Role], s.Name)
	}

	// The comment above each FROM starts with the stage's name: BuildKit
	// takes it for the target's description (docker buildx build
	// --call=targets).
	fmt.Fprintf(&w, "\n# %s is the %s image with %s, the docker CLI and go-template.\n",
		p.runtime.Name, recipe.Runtime, copied(r))
	fmt.Fprintf(&w, "FROM %s AS %s\n", p.from[recipe.Runtime], p.runtime.Name)
	for _, c := range r.Copies {
		fmt.Fprintf(&w, "COPY --from=%s %s %s\n", p.stage[c.From], c.Src, c.Dst)
	}
	for _, e := range r.Env {
		fmt.Fprintf(&w, "ENV %s=%s\n", e.Name, envValue(e.Value))
	}

	docker := fmt.Sprintf(DockerCLIURL, p.DockerCLI.Version)
	run(&w, append(append([]string{"curl -fsSL -o /tmp/docker.tgz " + docker},
		verify(p.DockerCLI.SHA256, "/tmp/docker.tgz")...),
		"tar -xzf /tmp/docker.tgz -C /usr/local/bin --strip-components=1 docker/docker",
		"rm /tmp/docker.tgz"))
	goTemplate := fmt.Sprintf(GoTemplateURL, p.goTemplate)
	run(&w, append(append([]string{
		"mkdir -p " + dir(GoTemplatePath),
		"curl -fsSL -o " + GoTemplatePath + " " + goTemplate},
		verify(p.GoTemplate.SHA256, GoTemplatePath)...),
		"chmod +x "+GoTemplatePath))
	if exe := append(programsFrom(r, recipe.Plugin), recipe.Entrypoint); len(exe) > 0 {
		run(&w, []string{"chmod +x " + strings.Join(exe, " ")})
	}
	labels := [][2]string{
		{"org.opencontainers.image.base.name", p.Images[recipe.Runtime].Ref},
		{"org.opencontainers.image.base.digest", p.Images[recipe.Runtime].Digest},
		{"org.opencontainers.image.version", p.PluginVersion},
		{"org.opencontainers.image.title", p.Title},
	}
	w.WriteString("LABEL")
	for i, l := range labels {
		if i > 0 {
			w.WriteString(" \\\n     ")
		}
		fmt.Fprintf(&w, " %s=%s", l[0], quote(l[1], false))
	}
	w.WriteString("\n")
	entry, err := json.Marshal([]string{recipe.Entrypoint})
	if err != nil {
		return nil, fmt.Errorf("encoding entry point %q: %w", recipe.Entrypoint, err)
	}
	fmt.Fprintf(&w, "ENTRYPOINT %s\n", entry)

	for _, v := range p.Serverless {
		fmt.Fprintf(&w, "\n# %s%s is %s with the Serverless Framework %s.\n", ServerlessTargetPrefix, v, p.runtime.Name, v)
		fmt.Fprintf(&w, "FROM %s AS %s%s\n", p.runtime.Name, ServerlessTargetPrefix, v)
		fmt.Fprintf(&w, "ENV SERVERLESS_VERSION=%s\n", v)
		// npm's retry settings of the original procedure: the registry
		// times out now and then under a parallel build.
		run(&w, []string{
			"npm config set fetch-timeout 60000",
			"npm config set fetch-retry-mintimeout 20000",
			"npm config set fetch-retry-maxtimeout 120000",
			"npm install -g serverless@" + v,
			"serverless --version",
		})
	}
	return w.Bytes(), nil
}

// copied says what the copies bring into the runtime image: "the nodejs
// and plugin files".
func copied(r *recipe.Recipe) string {
	var roles []string
	for _, c := range r.Copies {
		if !slices.Contains(roles, string(c.From)) {
			roles = append(roles, string(c.From))
		}
	}
	switch len(roles) {
	case 0:
		return "no copies"
	case 1:
		return "the " + roles[0] + " files"
	}
	return "the " + strings.Join(roles[:len(roles)-1], ", ") + " and " + roles[len(roles)-1] + " files"
}

// run writes one RUN instruction of commands joined by &&, so that the
// first command that fails fails the build.
func run(w *bytes.Buffer, commands []string) {
	w.WriteString("RUN " + strings.Join(commands, " \\\n    && ") + "\n")
}

// verify returns the command that fails unless file's SHA-256 is sum, or
// none when no sum is given.
func verify(sum, file string) []string {
	if sum == "" {
		return nil
	}
	return []string{fmt.Sprintf(`echo "%s  %s" | sha256sum -c -`, sum, file)}
}

// dir returns the directory of an absolute path.
func dir(p string) string { return p[:strings.LastIndexByte(p, '/')] }

// bare matches ENV values that need no quotes.
var bare = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_./:,+=@%-]+$`) })

// variable matches a ${NAME} reference at the start of a string.
var variable = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\$\{[A-Za-z_][A-Za-z0-9_]*\}`) })

// envValue writes an ENV value as the recipe means it: ${NAME} refers to a
// variable, everything else is literal.
func envValue(v string) string {
	if bare().MatchString(v) {
		return v
	}
	return quote(v, true)
}

// quote returns s in double quotes, with \, " and $ escaped; with vars,
// ${NAME} references are kept for the builder to expand.
func quote(s string, vars bool) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', '"':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '$':
			if m := variable().FindString(s[i:]); vars && m != "" {
				b.WriteString(m)
				i += len(m) - 1
				continue
			}
			b.WriteString(`\$`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// oneLine returns s on one line: every run of spaces and control
// characters becomes one space, so that a comment cannot end early and
// start an instruction.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
}
