package matrix

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/sammatrix/sammatrix/inspect/fixture"
	"github.com/sammatrix/sammatrix/matrix/recipe"
)

// pluginBinary is where the plugin binary lands in the built image.
const pluginBinary = recipe.PluginBinary

// The plugin binary is copied into every built image and must load there
// like node: one built with cgo on a new distribution needs GLIBC_2.34,
// which Amazon Linux 2 (glibc 2.26) lacks; a static one runs anywhere.
func TestPluginABI(t *testing.T) {
	al2Pair := func(t *testing.T) (v1.Image, v1.Image) {
		return buildImage(t, amazonLinux(t, "al2")), buildImage(t, amazonLinux(t, "al2"), nodeFiles(t, "node18"))
	}
	al2023Pair := func(t *testing.T) (v1.Image, v1.Image) { return al2023Runtime(t), node20Image(t) }
	tests := []struct {
		name   string
		plugin string
		pair   func(*testing.T) (v1.Image, v1.Image)
		// want is the one abi-version-missing message; "" for a
		// compatible pair.
		want     string
		wantHave string // Found of the evidence
	}{
		{"cgo plugin on Amazon Linux 2", fixture.PluginGLIBC234, al2Pair,
			"the plugin's /opt/harness/bin/harness-serverless-plugin needs GLIBC_2.34 from libc.so.6; the runtime image's /usr/lib64/libc.so.6 defines up to GLIBC_2.26", "GLIBC_2.26"},
		{"cgo plugin on Amazon Linux 2023", fixture.PluginGLIBC234, al2023Pair, "", ""},
		{"static plugin on Amazon Linux 2", fixture.PluginStatic, al2Pair, "", ""},
		{"static plugin on Amazon Linux 2023", fixture.PluginStatic, al2023Pair, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMatrix(t)
			m.Plugin = m.plugin(pluginImage(t, tt.plugin))
			runtime, nodejs := tt.pair(t)
			m.pair("p", m.image(runtime), m.image(nodejs))
			p := m.validate(ValidateOptions{}).Pairs[0]
			if tt.want == "" {
				if p.Verdict != Compatible || len(p.Findings) != 0 {
					t.Errorf("Validate(%s) = %v with\n%s want compatible without findings", tt.name, p.Verdict, messages(p.Findings))
				}
				return
			}
			got := ruleFindings(p, RuleABIVersionMissing)
			if len(got) != 1 || got[0].Message != tt.want {
				t.Fatalf("Validate(%s) %s =\n%s want exactly\n%s", tt.name, RuleABIVersionMissing, messages(got), tt.want)
			}
			if slices.ContainsFunc(p.Findings, func(f Finding) bool { return f.Rule != RuleABIVersionMissing }) {
				t.Errorf("Validate(%s) findings =\n%s want only the plugin's %s", tt.name, messages(p.Findings), RuleABIVersionMissing)
			}
			f := got[0]
			if p.Verdict != Incompatible || f.Severity != Error || f.Pos != p.Pair.Pos {
				t.Errorf("Validate(%s) = %v, finding %s at %v, want incompatible, an error at the pair's %v", tt.name, p.Verdict, f.Severity, f.Pos, p.Pair.Pos)
			}
			e := f.Evidence
			if e == nil || e.Path != "/usr/lib64/libc.so.6" || e.Layer == "" || e.Found != tt.wantHave ||
				!strings.Contains(e.Expected, "GLIBC_2.34") || !strings.Contains(e.Expected, "libc.so.6") || !strings.Contains(e.Expected, pluginBinary) {
				t.Errorf("Validate(%s) evidence = %+v, want the runtime's libc.so.6 and its layer, expected naming GLIBC_2.34, libc.so.6 and %s, found %s", tt.name, e, pluginBinary, tt.wantHave)
			}
		})
	}
}

// Every pair copies from the plugin image: one that cannot be read is a
// finding of every pair, at plugin.base-image's line, and the pairs are
// still judged on the rest.
func TestPluginImageUnreadable(t *testing.T) {
	tests := []struct {
		name   string
		plugin func(m *testMatrix) string
		rule   string
		want   string
	}{
		{"does not resolve", func(m *testMatrix) string { return "oci:no-such-plugin:" + pluginTag }, RuleImageNotFound,
			`image "oci:no-such-plugin:1.1.0-beta-base-image" does not resolve`},
		{"arm64", func(m *testMatrix) string {
			return m.plugin(pluginImage(m.t, fixture.PluginStatic, fixture.WithArchitecture("arm64")))
		}, RuleArchNotAMD64, "is linux/arm64; the plugin images are linux/amd64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMatrix(t)
			m.Plugin = tt.plugin(m)
			runtime := m.image(al2023Runtime(t))
			m.pair("python", runtime, m.image(node20Image(t)))
			m.pair("mismatch", runtime, m.image(buildImage(t, amazonLinux(t, "al2"), nodeFiles(t, "node18"))))
			r := m.validate(ValidateOptions{})
			line, col := m.posOf(m.Plugin)
			for _, p := range r.Pairs {
				got := ruleFindings(p, tt.rule)
				if len(got) != 1 || p.Verdict != Incompatible {
					t.Fatalf("Validate(...) pair %q = %v with\n%s want one %s", p.Pair.ID.V, p.Verdict, messages(p.Findings), tt.rule)
				}
				f := got[0]
				if f.Pos.Line != line || f.Pos.Col != col || f.Pair != p.Pair.ID.V || f.Severity != Error {
					t.Errorf("pair %q: %s at %v of pair %q (%s), want an error at plugin.base-image's %d:%d of pair %q", p.Pair.ID.V, tt.rule, f.Pos, f.Pair, f.Severity, line, col, p.Pair.ID.V)
				}
				if !strings.Contains(f.Message, tt.want) || f.Evidence == nil || f.Evidence.Image != m.Plugin {
					t.Errorf("pair %q: %s %q with evidence %+v, want it to say %q of %s", p.Pair.ID.V, tt.rule, f.Message, f.Evidence, tt.want, m.Plugin)
				}
			}
			if got := ruleFindings(pairByID(t, r, "mismatch"), RuleLibstdcxxMismatch); len(got) != 1 {
				t.Errorf("Validate(...) pair %q %s = %q, want one: the pair is judged all the same", "mismatch", RuleLibstdcxxMismatch, messages(got))
			}
		})
	}
}

// A plugin image without the plugin binary leaves its needs unknown: the
// pair is not called compatible.
func TestPluginBinaryMissing(t *testing.T) {
	m := newMatrix(t)
	m.Plugin = m.plugin(buildImage(t, []fixture.File{{Path: fixture.PluginScriptPath, Mode: 0o755, Data: []byte("#!/bin/sh\n")}}))
	m.pair("p", m.image(al2023Runtime(t)), m.image(node20Image(t)))
	p := m.validate(ValidateOptions{}).Pairs[0]
	got := ruleFindings(p, RuleABINeedsUnknown)
	if len(got) != 1 || p.Verdict != Incompatible {
		t.Fatalf("Validate(...) = %v with\n%s want one %s", p.Verdict, messages(p.Findings), RuleABINeedsUnknown)
	}
	want := "the plugin's " + pluginBinary + " is not in the built image: image \"" + m.Plugin + "\" has no " + pluginBinary
	if !strings.HasPrefix(got[0].Message, want) || got[0].Evidence == nil || got[0].Evidence.Path != pluginBinary {
		t.Errorf("Validate(...) %s = %q, evidence %+v, want it to start %q and name the binary", RuleABINeedsUnknown, got[0].Message, got[0].Evidence, want)
	}
}

// staticPluginBinary is the statically linked plugin binary, at its place
// in the plugin image.
func staticPluginBinary(t *testing.T) fixture.File {
	t.Helper()
	s, ok := fixture.LookupPlugin(fixture.PluginStatic)
	if !ok {
		t.Fatalf("no plugin fixture %q", fixture.PluginStatic)
	}
	return elfFile(t, s.Binary+"/harness-serverless-plugin", fixture.PluginBinaryPath)
}

// The build copies the plugin binary and the scripts directory from the
// plugin image, then makes the entry point executable: a plugin image
// without one of them fails the build, so no pair is compatible with it.
func TestPluginImageIncomplete(t *testing.T) {
	script := func(p string) fixture.File { return fixture.File{Path: p, Mode: 0o755, Data: []byte("#!/bin/sh\n")} }
	tests := []struct {
		name  string
		files func(t *testing.T) []fixture.File
		// want is the one not-plugin-image message, after the plugin
		// image's reference; path, expected and found its evidence.
		want, path, expected, found string
	}{
		{"no scripts directory", func(t *testing.T) []fixture.File {
			return []fixture.File{staticPluginBinary(t)}
		}, "has no directory /opt/harness/scripts/; COPY --from of it would fail", recipe.PluginScripts, "a directory", "nothing"},
		{"scripts is a file", func(t *testing.T) []fixture.File {
			return []fixture.File{staticPluginBinary(t), script("opt/harness/scripts")}
		}, "has no directory /opt/harness/scripts/; COPY --from of it would fail", recipe.PluginScripts, "a directory", "a file"},
		{"no plugin binary", func(t *testing.T) []fixture.File {
			return []fixture.File{script(fixture.PluginScriptPath)}
		}, "has no file " + pluginBinary + "; COPY --from of it would fail", pluginBinary, "a file", "nothing"},
		{"no entry point", func(t *testing.T) []fixture.File {
			return []fixture.File{staticPluginBinary(t), script("opt/harness/scripts/other.sh")}
		}, "'s /opt/harness/scripts/ lacks it, and the build's chmod of it would fail", recipe.Entrypoint, "a file", "nothing"},
		{"entry point is a directory", func(t *testing.T) []fixture.File {
			return []fixture.File{staticPluginBinary(t), script(fixture.PluginScriptPath + "/run.sh")}
		}, "'s /opt/harness/scripts/ lacks it, and the build's chmod of it would fail", recipe.Entrypoint, "a file", "a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMatrix(t)
			m.Plugin = m.plugin(buildImage(t, tt.files(t)))
			m.pair("python", m.image(al2023Runtime(t)), m.image(node20Image(t)))
			m.pair("java", m.image(buildImage(t, amazonLinux(t, "al2023"))), m.image(node20Image(t)))
			r := m.validate(ValidateOptions{})
			line, col := m.posOf(m.Plugin)
			for _, p := range r.Pairs {
				got := ruleFindings(p, RuleNotPluginImage)
				if len(got) != 1 || p.Verdict != Incompatible {
					t.Fatalf("Validate(...) pair %q = %v with\n%s want one %s", p.Pair.ID.V, p.Verdict, messages(p.Findings), RuleNotPluginImage)
				}
				f := got[0]
				if f.Pos.Line != line || f.Pos.Col != col || f.Pair != p.Pair.ID.V || f.Severity != Error {
					t.Errorf("pair %q: %s at %v of pair %q (%s), want an error at plugin.base-image's %d:%d", p.Pair.ID.V, RuleNotPluginImage, f.Pos, f.Pair, f.Severity, line, col)
				}
				if !strings.Contains(f.Message, strconv.Quote(m.Plugin)+tt.want) && !strings.Contains(f.Message, strconv.Quote(m.Plugin)+" "+tt.want) {
					t.Errorf("pair %q: %s %q, want it to say %q of %s", p.Pair.ID.V, RuleNotPluginImage, f.Message, tt.want, m.Plugin)
				}
				if e := f.Evidence; e == nil || e.Image != m.Plugin || e.Path != tt.path || e.Expected != tt.expected || e.Found != tt.found {
					t.Errorf("pair %q: evidence %+v, want image %s, path %s, expected %q, found %q", p.Pair.ID.V, f.Evidence, m.Plugin, tt.path, tt.expected, tt.found)
				}
			}
		})
	}
}

// A plugin image without the binary and without the entry point fails the
// build twice over: both are said.
func TestPluginImageNoBinaryNoEntryPoint(t *testing.T) {
	m := newMatrix(t)
	m.Plugin = m.plugin(buildImage(t, []fixture.File{{Path: "opt/harness/scripts/other.sh", Mode: 0o755, Data: []byte("#!/bin/sh\n")}}))
	m.pair("p", m.image(al2023Runtime(t)), m.image(node20Image(t)))
	p := m.validate(ValidateOptions{}).Pairs[0]
	got := ruleFindings(p, RuleNotPluginImage)
	if len(got) != 2 || p.Verdict != Incompatible {
		t.Fatalf("Validate(...) = %v with\n%s want two %s", p.Verdict, messages(p.Findings), RuleNotPluginImage)
	}
	for i, path := range []string{pluginBinary, recipe.Entrypoint} {
		if e := got[i].Evidence; e == nil || e.Path != path || e.Found != "nothing" {
			t.Errorf("finding %d %q: evidence %+v, want %s not found", i, got[i].Message, got[i].Evidence, path)
		}
	}
}
