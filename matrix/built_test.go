package matrix

import (
	"slices"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/sammatrix/sammatrix/inspect"
	"github.com/sammatrix/sammatrix/inspect/fixture"
	"github.com/sammatrix/sammatrix/matrix/recipe"
)

// simulateBuild does what the Dockerfile does: COPY --from=nodejs of
// /var/lang and /opt (directories merge, files replace), then ENV PATH.
func TestSimulateBuild(t *testing.T) {
	runtime := inspectImage(t, configure(t, buildImage(t,
		append(amazonLinux(t, "al2023"), fixture.File{Path: "etc/ld.so.conf", Data: []byte("/usr/local/lib\n")}),
		[]fixture.File{
			elfFile(t, "python3.12/python3.12", "var/lang/bin/python3.12"),
			{Path: "var/lang/lib/shared.txt", Data: []byte("runtime\n")},
			{Path: "opt/runtime.txt", Data: []byte("runtime\n")},
		}), func(cf *v1.ConfigFile) {
		cf.Config.Env = []string{"PATH=/usr/bin:/bin", "LD_LIBRARY_PATH=/var/lang/lib:/lib64"}
	}))
	nodejs := inspectImage(t, configure(t, buildImage(t, amazonLinux(t, "al2023"),
		append(nodeFiles(t, "node20", "libssl.so.3"),
			fixture.File{Path: "var/lang/lib/shared.txt", Data: []byte("nodejs\n")},
			fixture.File{Path: "opt/nodejs.txt", Data: []byte("nodejs\n")},
		)), func(cf *v1.ConfigFile) {
		cf.Config.Env = []string{"PATH=/nodejs/bin", "LD_LIBRARY_PATH=/nodejs/lib"}
	}))
	b, err := simulate(runtime, nodejs)
	if err != nil {
		t.Fatalf("simulateBuild(...): %v", err)
	}

	// Both sides' files are there; the copied ones come from the Node.js image.
	for _, tt := range []struct {
		path   string
		nodejs bool
	}{
		{"/var/lang/bin/python3.12", false},
		{"/var/lang/bin/node", true},
		{"/var/lang/lib/libssl.so.3", true},
		{"/var/lang/lib/shared.txt", true},
		{"/opt/runtime.txt", false},
		{"/opt/nodejs.txt", true},
		{"/usr/lib64/libc.so.6", false},
	} {
		n, ok := b.Tree.Lookup(tt.path)
		if !ok {
			t.Errorf("built image has no %s", tt.path)
			continue
		}
		if b.FromNodeJS(n) != tt.nodejs {
			t.Errorf("FromNodeJS(%s) = %v, want %v", tt.path, b.FromNodeJS(n), tt.nodejs)
		}
		img, layer := b.Origin(n)
		want, from := runtime, runtime.Layers[1]
		if tt.nodejs {
			want, from = nodejs, nodejs.Layers[1]
		} else if tt.path == "/usr/lib64/libc.so.6" {
			from = runtime.Layers[0]
		}
		if img != want.Ref.String() || layer != from.Digest.String() {
			t.Errorf("Origin(%s) = %s, %s, want %s, %s", tt.path, img, layer, want.Ref, from.Digest)
		}
	}
	got, _ := b.Tree.Lookup("/var/lang/lib/shared.txt")
	want, _ := nodejs.Tree.Lookup("/var/lang/lib/shared.txt")
	if got.Entry.Fingerprint == "" || got.Entry.Fingerprint != want.Entry.Fingerprint {
		t.Errorf("/var/lang/lib/shared.txt has fingerprint %q, want the Node.js image's %q", got.Entry.Fingerprint, want.Entry.Fingerprint)
	}
	if len(b.Replaced) != 1 || b.Replaced[0].Path != "/var/lang/lib/shared.txt" {
		t.Errorf("Replaced = %+v, want /var/lang/lib/shared.txt", b.Replaced)
	}
	if len(b.Missing) != 0 {
		t.Errorf("Missing = %v, want none", b.Missing)
	}

	// The runtime image's config, with the Dockerfile's PATH in front.
	if got, want := b.Env["PATH"], "/var/lang/bin:/opt/bin:/usr/bin:/bin"; got != want {
		t.Errorf("PATH = %q, want %q", got, want)
	}
	if got := b.Env["LD_LIBRARY_PATH"]; got != "/var/lang/lib:/lib64" {
		t.Errorf("LD_LIBRARY_PATH = %q, want the runtime image's /var/lang/lib:/lib64", got)
	}
	if !slices.Equal(b.LDSoConf, []string{"/usr/local/lib"}) {
		t.Errorf("LDSoConf = %q, want the runtime's [/usr/local/lib]", b.LDSoConf)
	}
	if b.CopyLayer != len(runtime.Layers) {
		t.Errorf("CopyLayer = %d, want %d", b.CopyLayer, len(runtime.Layers))
	}

	// The inspected images are left alone.
	if _, ok := runtime.Tree.Lookup("/var/lang/bin/node"); ok {
		t.Error("simulateBuild changed the runtime image's tree: it has /var/lang/bin/node")
	}
	if got := runtime.Facts.Env["PATH"]; got != "/usr/bin:/bin" {
		t.Errorf("simulateBuild changed the runtime image's facts: PATH = %q", got)
	}
}

// A directory the Node.js image lacks is recorded, not an error: the
// not-nodejs-image rule reports it.
func TestSimulateBuildMissing(t *testing.T) {
	runtime := inspectImage(t, al2023Runtime(t))
	tests := []struct {
		name  string
		files []fixture.File
		want  []string
	}{
		{"no /opt", without(append(amazonLinux(t, "al2023"), nodeFiles(t, "node20")...), "opt"), []string{"/opt"}},
		{"/opt a file", append(without(amazonLinux(t, "al2023"), "opt"), append(nodeFiles(t, "node20"),
			fixture.File{Path: "opt", Data: []byte("not a directory\n")})...), []string{"/opt"}},
		{"neither", without(amazonLinux(t, "al2023"), "opt"), []string{"/var/lang", "/opt"}},
		{"both", append(amazonLinux(t, "al2023"), nodeFiles(t, "node20")...), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := simulate(runtime, inspectImage(t, buildImage(t, tt.files)))
			if err != nil {
				t.Fatalf("simulateBuild(...): %v", err)
			}
			if got := b.MissingFrom(recipe.NodeJS); !slices.Equal(got, tt.want) || len(b.Missing) != len(tt.want) {
				t.Errorf("simulateBuild(...).Missing = %+v, want copies from the Node.js image of %q", b.Missing, tt.want)
			}
			if _, ok := b.Tree.Lookup(recipe.NodePath); ok != !slices.Contains(tt.want, "/var/lang") {
				t.Errorf("built image has node: %v, want %v", ok, !slices.Contains(tt.want, "/var/lang"))
			}
		})
	}
}

// The simulation walks the recipe it is given: a recipe without the copy of
// /opt, with the Node.js tree copied elsewhere and another ENV, builds
// another image.
func TestSimulateBuildFollowsRecipe(t *testing.T) {
	runtime := inspectImage(t, configure(t, buildImage(t, amazonLinux(t, "al2023"),
		[]fixture.File{{Path: "opt/runtime.txt", Data: []byte("runtime\n")}}), func(cf *v1.ConfigFile) {
		cf.Config.Env = []string{"PATH=/usr/bin"}
	}))
	nodejs := inspectImage(t, buildImage(t, amazonLinux(t, "al2023"),
		append(nodeFiles(t, "node20", "libssl.so.3"), fixture.File{Path: "opt/nodejs.txt", Data: []byte("nodejs\n")})))
	r := &recipe.Recipe{
		Copies: []recipe.Copy{{From: recipe.NodeJS, Src: "/var/lang", Dst: "/usr/local/node"}},
		Env:    []recipe.Env{{Name: "PATH", Value: "${PATH}:/usr/local/node/bin"}, {Name: "EXTRA", Value: "1"}},
	}
	b, err := simulateBuild(r, map[recipe.Role]*inspect.Image{recipe.Runtime: runtime, recipe.NodeJS: nodejs})
	if err != nil {
		t.Fatalf("simulateBuild(custom recipe): %v", err)
	}
	for p, want := range map[string]bool{
		"/usr/local/node/bin/node": true,
		"/var/lang/bin/node":       false,
		"/opt/nodejs.txt":          false,
		"/opt/runtime.txt":         true,
	} {
		n, ok := b.Tree.Lookup(p)
		if ok != want {
			t.Errorf("simulateBuild(custom recipe): %s present = %v, want %v", p, ok, want)
		}
		if ok && b.FromNodeJS(n) != strings.HasPrefix(p, "/usr/local/node") {
			t.Errorf("simulateBuild(custom recipe): FromNodeJS(%s) = %v", p, b.FromNodeJS(n))
		}
	}
	if n, ok := b.Tree.Lookup("/usr/local/node/bin/node"); ok {
		if img, layer := b.Origin(n); img != nodejs.Ref.String() || layer == "" {
			t.Errorf("Origin(/usr/local/node/bin/node) = %q, %q, want the Node.js image and its layer", img, layer)
		}
	}
	if got := b.Env["PATH"]; got != "/usr/bin:/usr/local/node/bin" {
		t.Errorf("simulateBuild(custom recipe).Env[PATH] = %q, want /usr/bin:/usr/local/node/bin", got)
	}
	if got := b.Env["EXTRA"]; got != "1" {
		t.Errorf("simulateBuild(custom recipe).Env[EXTRA] = %q, want 1", got)
	}
}

// simulate builds a pair by the default recipe.
func simulate(runtime, nodejs *inspect.Image) (*Built, error) {
	return simulateBuild(recipe.Default, map[recipe.Role]*inspect.Image{recipe.Runtime: runtime, recipe.NodeJS: nodejs})
}

// The plugin image's binary (a file) and scripts (a directory) are copied
// in after the Node.js image's trees, and keep their origin.
func TestSimulateBuildPlugin(t *testing.T) {
	runtime, nodejs := inspectImage(t, al2023Runtime(t)), inspectImage(t, node20Image(t))
	plugin := inspectImage(t, pluginImage(t, fixture.PluginStatic))
	b, err := simulateBuild(recipe.Default, map[recipe.Role]*inspect.Image{recipe.Runtime: runtime, recipe.NodeJS: nodejs, recipe.Plugin: plugin})
	if err != nil {
		t.Fatalf("simulateBuild(...): %v", err)
	}
	for _, p := range []string{recipe.PluginBinary, recipe.Entrypoint} {
		n, ok := b.Tree.Lookup(p)
		if !ok {
			t.Errorf("built image has no %s", p)
			continue
		}
		if b.Role(n) != recipe.Plugin {
			t.Errorf("Role(%s) = %s, want %s", p, b.Role(n), recipe.Plugin)
		}
		if img, layer := b.Origin(n); img != plugin.Ref.String() || layer != plugin.Layers[1].Digest.String() {
			t.Errorf("Origin(%s) = %s, %s, want %s, %s", p, img, layer, plugin.Ref, plugin.Layers[1].Digest)
		}
	}
	if n, ok := b.Tree.Lookup(recipe.NodePath); !ok || b.Role(n) != recipe.NodeJS {
		t.Errorf("built image lost node from the Node.js image")
	}
	if len(b.Missing) != 0 || len(b.Replaced) != 0 {
		t.Errorf("simulateBuild(...) Missing %+v, Replaced %+v, want none", b.Missing, b.Replaced)
	}

	// A plugin image without its scripts: the copy is missing, the binary is there.
	scriptless := inspectImage(t, buildImage(t, []fixture.File{elfFile(t, "plugin-static/harness-serverless-plugin", fixture.PluginBinaryPath)}))
	b, err = simulateBuild(recipe.Default, map[recipe.Role]*inspect.Image{recipe.Runtime: runtime, recipe.NodeJS: nodejs, recipe.Plugin: scriptless})
	if err != nil {
		t.Fatalf("simulateBuild(...): %v", err)
	}
	if got, want := b.MissingFrom(recipe.Plugin), []string{recipe.PluginScripts}; !slices.Equal(got, want) || len(b.MissingFrom(recipe.NodeJS)) != 0 {
		t.Errorf("simulateBuild(plugin without scripts).Missing = %+v, want only the plugin's %q", b.Missing, want)
	}
	if _, ok := b.Tree.Lookup(recipe.PluginBinary); !ok {
		t.Errorf("simulateBuild(plugin without scripts): no %s", recipe.PluginBinary)
	}
}
