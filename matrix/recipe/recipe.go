package recipe

import (
	"path"
	"strings"
)

// Role names an image the build starts from.
type Role string

// The images of a build.
const (
	// Runtime is the SAM build image of the user's language: the base the
	// others are copied into.
	Runtime Role = "runtime"
	// NodeJS is the SAM build image whose Node.js the build copies.
	NodeJS Role = "nodejs"
	// Plugin is the Harness plugin image whose binary and scripts the
	// build copies (plugin.base-image of matrix.yaml).
	Plugin Role = "plugin"
)

// Stage is one FROM of the build.
type Stage struct {
	// Name is the stage's name in the Dockerfile (FROM … AS Name).
	Name string
	Role Role
}

// Copy is one COPY --from instruction into the runtime image.
type Copy struct {
	From     Role
	Src, Dst string
}

// Env is one ENV instruction. Value may refer to the variable's value
// before it as ${Name}.
type Env struct {
	Name, Value string
}

// Recipe is what the build does, in Dockerfile order: the stages, the
// copies into the runtime image, then the environment.
type Recipe struct {
	Stages []Stage
	Copies []Copy
	Env    []Env
	// Programs are the ELF programs the copies bring in; each must load in
	// the built image.
	Programs []Program
}

// Program is an ELF program the build copies in.
type Program struct {
	From Role
	Path string
}

// Where the SAM and Harness images keep what the build copies.
const (
	// LangDir is where the SAM build images keep their language runtime,
	// Node.js included.
	LangDir = "/var/lang"
	// OptDir holds extensions and tools; the plugin installs under it.
	OptDir = "/opt"
	// PluginBinary is the Harness serverless plugin's program.
	PluginBinary = "/opt/harness/bin/harness-serverless-plugin"
	// PluginScripts holds the plugin's scripts, its entry point among them.
	PluginScripts = "/opt/harness/scripts/"
	// Entrypoint is the script the built image runs.
	Entrypoint = PluginScripts + "serverless-plugin.sh"
)

// NodePath is where the Node.js images keep node.
var NodePath = path.Join(LangDir, "bin", "node")

// NodeVersionHeader is node's version header, installed with node; the
// release is read from it when the binary does not say.
var NodeVersionHeader = path.Join(LangDir, "include", "node", "node_version.h")

// Defaults of the Options.
const (
	// DefaultGoTemplateVersion is the go-template release the plugin
	// installs, as the original build procedure pins it.
	DefaultGoTemplateVersion = "v0.4.5"
	// DefaultDockerCLIVersion is the docker CLI release the built image
	// installs, as the original build procedure pins it.
	DefaultDockerCLIVersion = "20.10.24"
)

// Options fill in what varies between builds.
type Options struct {
	// GoTemplateVersion is HARNESS_GO_PLUGIN_VERSION; "" means
	// DefaultGoTemplateVersion.
	GoTemplateVersion string
}

// New returns the recipe of a pair's base image.
func New(opts Options) *Recipe {
	if opts.GoTemplateVersion == "" {
		opts.GoTemplateVersion = DefaultGoTemplateVersion
	}
	return &Recipe{
		Stages: []Stage{{"nodejs_base", NodeJS}, {"harness_plugin", Plugin}, {"base", Runtime}},
		Copies: []Copy{
			{NodeJS, LangDir, LangDir},
			{NodeJS, OptDir, OptDir},
			{Plugin, PluginBinary, PluginBinary},
			{Plugin, PluginScripts, PluginScripts},
		},
		Env: []Env{
			{"PATH", path.Join(LangDir, "bin") + ":" + path.Join(OptDir, "bin") + ":${PATH}"},
			{"HARNESS_GO_PLUGIN_VERSION", opts.GoTemplateVersion},
			{"INSTALL_GO_TEMPLATE_BINARY", "true"},
			{"UNIFIED_PIPELINE", "false"},
		},
		Programs: []Program{{NodeJS, NodePath}, {Plugin, PluginBinary}},
	}
}

// Default is the recipe with default options.
var Default = New(Options{})

// CopiesFrom returns the copies from the image of role, in order.
func (r *Recipe) CopiesFrom(role Role) []Copy {
	var out []Copy
	for _, c := range r.Copies {
		if c.From == role {
			out = append(out, c)
		}
	}
	return out
}

// Trees returns the directories the copies write into the runtime image,
// the places the build changes, in order and without those nested in an
// earlier one.
func (r *Recipe) Trees() []string {
	var out []string
	for _, c := range r.Copies {
		dst := path.Clean(c.Dst)
		if !slicesContainsParent(out, dst) {
			out = append(out, dst)
		}
	}
	return out
}

func slicesContainsParent(dirs []string, p string) bool {
	for _, d := range dirs {
		if p == d || strings.HasPrefix(p, d+"/") {
			return true
		}
	}
	return false
}

// Apply returns env after the recipe's ENV lines, each ${NAME} in a value
// replaced by NAME's value before that line. env is not changed.
func (r *Recipe) Apply(env map[string]string) map[string]string {
	out := make(map[string]string, len(env)+len(r.Env))
	for k, v := range env {
		out[k] = v
	}
	for _, e := range r.Env {
		out[e.Name] = expand(e.Value, out)
	}
	return out
}

// expand replaces ${NAME} in s by env's value of NAME.
func expand(s string, env map[string]string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(env[s[i+2:i+j]])
		s = s[i+j+1:]
	}
}
