package recipe

import (
	"slices"
	"testing"
)

func TestTrees(t *testing.T) {
	for _, tt := range []struct {
		name   string
		copies []Copy
		want   []string
	}{
		{"default", Default.Copies, []string{"/var/lang", "/opt"}},
		{"nested after its parent", []Copy{{NodeJS, "/a", "/x"}, {Plugin, "/b", "/x/y/"}}, []string{"/x"}},
		{"sibling prefix is no parent", []Copy{{NodeJS, "/a", "/opt"}, {Plugin, "/b", "/optional"}}, []string{"/opt", "/optional"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := (&Recipe{Copies: tt.copies}).Trees(); !slices.Equal(got, tt.want) {
				t.Errorf("Trees() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestApply(t *testing.T) {
	env := map[string]string{"PATH": "/usr/bin:/bin", "HOME": "/root"}
	got := Default.Apply(env)
	want := map[string]string{
		"PATH":                       "/var/lang/bin:/opt/bin:/usr/bin:/bin",
		"HOME":                       "/root",
		"HARNESS_GO_PLUGIN_VERSION":  DefaultGoTemplateVersion,
		"INSTALL_GO_TEMPLATE_BINARY": "true",
		"UNIFIED_PIPELINE":           "false",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("Default.Apply(...)[%s] = %q, want %q", k, got[k], v)
		}
	}
	if env["PATH"] != "/usr/bin:/bin" {
		t.Errorf("Apply changed its argument: PATH = %q", env["PATH"])
	}
	if got := New(Options{GoTemplateVersion: "v0.5.0"}).Apply(nil)["HARNESS_GO_PLUGIN_VERSION"]; got != "v0.5.0" {
		t.Errorf("New(GoTemplateVersion v0.5.0).Apply(nil)[HARNESS_GO_PLUGIN_VERSION] = %q, want v0.5.0", got)
	}
	if got := (&Recipe{Env: []Env{{"A", "${UNSET}x${B"}}}).Apply(nil)["A"]; got != "x${B" {
		t.Errorf("Apply(A=${UNSET}x${B)[A] = %q, want x${B", got)
	}
}

func TestCopiesFrom(t *testing.T) {
	var srcs []string
	for _, c := range Default.CopiesFrom(Plugin) {
		srcs = append(srcs, c.Src)
	}
	if want := []string{PluginBinary, PluginScripts}; !slices.Equal(srcs, want) {
		t.Errorf("Default.CopiesFrom(Plugin) sources = %q, want %q", srcs, want)
	}
}
