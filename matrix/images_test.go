package matrix

import (
	"bytes"
	"context"
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/sammatrix/sammatrix/inspect"
	"github.com/sammatrix/sammatrix/inspect/fixture"
	"github.com/sammatrix/sammatrix/inspect/imageref"
	"github.com/sammatrix/sammatrix/inspect/reader"
)

// The rule tests build small images from the committed ELF inputs (see
// testdata/fixtures/expect.json for what each file defines and needs),
// write them as OCI layouts next to a matrix file and validate it.

// elfInputs is the directory of the committed ELF inputs.
var elfInputs = filepath.Join("..", "testdata", "fixtures", "elf")

// elfFile returns a layer entry at dst holding the ELF input src, e.g.
// "node20/libssl.so.3".
func elfFile(t *testing.T, src, dst string) fixture.File {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(elfInputs, filepath.FromSlash(src)))
	if err != nil {
		t.Fatal(err)
	}
	return fixture.File{Path: dst, Mode: 0o755, Data: b}
}

// osReleases are the os-release files of the two Amazon Linux releases.
var osReleases = map[string]string{
	"al2":    "ID=\"amzn\"\nVERSION_ID=\"2\"\nPRETTY_NAME=\"Amazon Linux 2\"\n",
	"al2023": "ID=\"amzn\"\nVERSION_ID=\"2023\"\nPRETTY_NAME=\"Amazon Linux 2023.5.20240624\"\n",
}

// libstdcxxOf is the libstdc++ file version of each OS input set.
var libstdcxxOf = map[string]string{"al2": "6.0.24", "al2023": "6.0.29"}

// amazonLinux returns the files of an OS layer of set ("al2" or "al2023"):
// its C and C++ libraries in /usr/lib64, /lib64 a link to it, the
// os-release and an empty /opt. It has no OpenSSL (see systemSSL).
func amazonLinux(t *testing.T, set string) []fixture.File {
	t.Helper()
	stdcxx := "libstdc++.so." + libstdcxxOf[set]
	files := []fixture.File{
		{Path: "lib64", Type: fixture.Symlink, Link: "usr/lib64"},
		{Path: "etc/os-release", Data: []byte(osReleases[set])},
		{Path: "opt", Type: fixture.Dir},
		{Path: "usr/lib64/libstdc++.so.6", Type: fixture.Symlink, Link: stdcxx},
	}
	for _, lib := range []string{"libc.so.6", "libm.so.6", "libgcc_s.so.1", stdcxx} {
		files = append(files, elfFile(t, set+"/"+lib, "usr/lib64/"+lib))
	}
	return files
}

// systemSSL returns the AL2023 system OpenSSL (OPENSSL_3.0.0 only), as
// /usr/lib64/lib{ssl,crypto}.so.3 links to the 3.0.8 files.
func systemSSL(t *testing.T) []fixture.File {
	t.Helper()
	var files []fixture.File
	for _, lib := range []string{"libssl", "libcrypto"} {
		files = append(files,
			elfFile(t, "al2023/"+lib+".so.3", "usr/lib64/"+lib+".so.3.0.8"),
			fixture.File{Path: "usr/lib64/" + lib + ".so.3", Type: fixture.Symlink, Link: lib + ".so.3.0.8"})
	}
	return files
}

// nodeFiles returns /var/lang/bin/node of the input set (node18, node20 or
// node22) and the named libraries of the same set in /var/lang/lib.
func nodeFiles(t *testing.T, set string, libs ...string) []fixture.File {
	t.Helper()
	files := []fixture.File{elfFile(t, set+"/node", "var/lang/bin/node")}
	for _, lib := range libs {
		files = append(files, elfFile(t, set+"/"+lib, "var/lang/lib/"+lib))
	}
	return files
}

// without returns files less those at the paths given.
func without(files []fixture.File, paths ...string) []fixture.File {
	return slices.DeleteFunc(slices.Clone(files), func(f fixture.File) bool { return slices.Contains(paths, f.Path) })
}

// buildImage returns an image with one layer per list of files (parents
// added), the Lambda config Env of fixture.Env.
func buildImage(t *testing.T, layers ...[]fixture.File) v1.Image {
	t.Helper()
	var ls []v1.Layer
	for _, files := range layers {
		l, err := fixture.Layer(fixture.WithParents(files)...)
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
	}
	img, err := fixture.Image(ls...)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// configure returns img with its config changed by edit.
func configure(t *testing.T, img v1.Image, edit func(*v1.ConfigFile)) v1.Image {
	t.Helper()
	out, err := fixture.Configure(img, edit)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The images most tests pair.
func al2023Runtime(t *testing.T) v1.Image {
	return buildImage(t, amazonLinux(t, "al2023"), systemSSL(t))
}

func node20Image(t *testing.T) v1.Image {
	return buildImage(t, amazonLinux(t, "al2023"), nodeFiles(t, "node20", "libssl.so.3", "libcrypto.so.3"))
}

// layoutTag is the tag of every image the tests write to a layout: a
// complete SAM tag, so that ref-incomplete has nothing to say.
const layoutTag = "1.120.0-20240626164131-x86_64"

// fixtureInputs is the directory of the committed fixture inputs.
var fixtureInputs = filepath.Join("..", "testdata", "fixtures")

// pluginImage returns the plugin fixture image name (fixture.PluginStatic
// or fixture.PluginGLIBC234).
func pluginImage(t *testing.T, name string, opts ...fixture.Option) v1.Image {
	t.Helper()
	s, ok := fixture.LookupPlugin(name)
	if !ok {
		t.Fatalf("no plugin fixture %q", name)
	}
	img, err := fixture.BuildPlugin(fixtureInputs, s, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// testMatrix is a matrix file in a temporary directory, its images OCI
// layouts next to it.
type testMatrix struct {
	t      *testing.T
	dir    string
	images int
	pairs  strings.Builder
	// Plugin is plugin.base-image: by default the static fixture plugin,
	// an OCI layout next to the file, so that no test reads Docker Hub.
	Plugin string
	// Serverless and Policy are written as they are, after the pairs.
	Serverless string
	Policy     string
}

func newMatrix(t *testing.T) *testMatrix {
	m := &testMatrix{t: t, dir: t.TempDir(), Serverless: `["3.39.0"]`}
	m.Plugin = m.plugin(pluginImage(t, fixture.PluginStatic))
	return m
}

// pluginTag is the tag of the plugin images the tests write to a layout.
const pluginTag = "1.1.0-beta-base-image"

// plugin writes img as an OCI layout of its own and returns its reference.
func (m *testMatrix) plugin(img v1.Image) string {
	m.t.Helper()
	m.images++
	name := fmt.Sprintf("plugin%d", m.images)
	if err := fixture.WriteLayout(filepath.Join(m.dir, name), map[string]v1.Image{pluginTag: img}); err != nil {
		m.t.Fatal(err)
	}
	return "oci:" + name + ":" + pluginTag
}

// image writes img as an OCI layout of its own and returns its reference.
func (m *testMatrix) image(img v1.Image) string {
	m.t.Helper()
	m.images++
	name := fmt.Sprintf("image%d", m.images)
	if err := fixture.WriteLayout(filepath.Join(m.dir, name), map[string]v1.Image{layoutTag: img}); err != nil {
		m.t.Fatal(err)
	}
	return "oci:" + name + ":" + layoutTag
}

// pair adds a pair of two references.
func (m *testMatrix) pair(id, runtime, nodejs string) {
	fmt.Fprintf(&m.pairs, "  - id: %s\n    runtime: %s\n    nodejs: %s\n", id, runtime, nodejs)
}

// text returns the matrix file.
func (m *testMatrix) text() string {
	s := "version: 1\nplugin:\n  version: 1.1.2\n  base-image: " + m.Plugin + "\n" +
		"target-repo: 127.0.0.1:5000/acme/serverless-plugin\nserverless: " + m.Serverless + "\npairs:\n" + m.pairs.String()
	if m.Policy != "" {
		s += "policy:\n" + m.Policy
	}
	return s
}

// write writes the matrix file and returns its path.
func (m *testMatrix) write() string {
	m.t.Helper()
	p := filepath.Join(m.dir, DefaultFile)
	if err := os.WriteFile(p, []byte(m.text()), 0o644); err != nil {
		m.t.Fatal(err)
	}
	return p
}

// validate writes and validates the matrix with opts.
func (m *testMatrix) validate(opts ValidateOptions) *Report {
	m.t.Helper()
	path := m.write()
	f, fs, err := Load(path)
	if err != nil || HasSchemaErrors(fs) {
		m.t.Fatalf("Load(%q) = %v, %v\n%s", path, fs, err, m.text())
	}
	in, err := reader.New(reader.Options{})
	if err != nil {
		m.t.Fatal(err)
	}
	r, err := Validate(context.Background(), f, in, opts)
	if err != nil {
		m.t.Fatalf("Validate(%q): %v", path, err)
	}
	return r
}

// posOf returns the position of the first occurrence of value in the text
// of the matrix, as the loader reports it.
func (m *testMatrix) posOf(value string) (line, col int) {
	m.t.Helper()
	for i, l := range strings.Split(m.text(), "\n") {
		if c := strings.Index(l, value); c >= 0 {
			return i + 1, c + 1
		}
	}
	m.t.Fatalf("the matrix has no %q", value)
	return 0, 0
}

// validatePair validates one pair of two images, named "p", and returns
// its result.
func validatePair(t *testing.T, runtime, nodejs v1.Image) PairResult {
	t.Helper()
	m := newMatrix(t)
	m.pair("p", m.image(runtime), m.image(nodejs))
	return m.validate(ValidateOptions{}).Pairs[0]
}

// ruleFindings returns the findings of a rule.
func ruleFindings(p PairResult, rule string) []Finding {
	var out []Finding
	for _, f := range p.Findings {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	return out
}

// messages joins the messages of findings, one a line.
func messages(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.Message + "\n")
	}
	return b.String()
}

// inspectImage writes img as an OCI layout and inspects it.
func inspectImage(t *testing.T, img v1.Image) *inspect.Image {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "layout")
	if err := fixture.WriteLayout(dir, map[string]v1.Image{layoutTag: img}); err != nil {
		t.Fatal(err)
	}
	ref, err := imageref.Parse("oci:" + dir + ":" + layoutTag)
	if err != nil {
		t.Fatal(err)
	}
	in, err := reader.New(reader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := in.Inspect(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// weakNeed returns a copy of the ELF file b whose version need name is
// marked VER_FLG_WEAK, as a link editor marks a need the program can do
// without. It fails when b does not need that version.
func weakNeed(t *testing.T, b []byte, name string) []byte {
	t.Helper()
	ef, err := elf.NewFile(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	vn := ef.SectionByType(elf.SHT_GNU_VERNEED)
	if vn == nil {
		t.Fatal("the ELF file has no version needs")
	}
	d, err := vn.Data()
	if err != nil {
		t.Fatal(err)
	}
	str, err := ef.Sections[vn.Link].Data()
	if err != nil {
		t.Fatal(err)
	}
	out := slices.Clone(b)
	bo := ef.ByteOrder
	// Elf64_Verneed: vn_cnt at 2, vn_aux at 8, vn_next at 12; Elf64_Vernaux:
	// vna_flags at 4, vna_name at 8, vna_next at 12.
	for i := 0; ; {
		cnt, aux, next := bo.Uint16(d[i+2:]), bo.Uint32(d[i+8:]), bo.Uint32(d[i+12:])
		for j, c := i+int(aux), 0; c < int(cnt); c++ {
			off := bo.Uint32(d[j+8:])
			if end := bytes.IndexByte(str[off:], 0); string(str[off:int(off)+end]) == name {
				bo.PutUint16(out[int(vn.Offset)+j+4:], uint16(elf.VER_FLG_WEAK))
				return out
			}
			j += int(bo.Uint32(d[j+12:]))
		}
		if next == 0 {
			break
		}
		i += int(next)
	}
	t.Fatalf("the ELF file needs no version %s", name)
	return nil
}

// checkPair inspects two images and returns what the rules see of them as
// a pair "p" of a file with the default policy.
func checkPair(t *testing.T, runtime, nodejs v1.Image) *check {
	t.Helper()
	rt, nj := inspectImage(t, runtime), inspectImage(t, nodejs)
	b, err := simulate(rt, nj)
	if err != nil {
		t.Fatalf("simulateBuild(...): %v", err)
	}
	image := func(img *inspect.Image) Image {
		return Image{Value: Value[string]{V: img.Ref.String(), Set: true}, Ref: img.Ref}
	}
	p := Pair{ID: Value[string]{V: "p", Set: true}, Runtime: image(rt), NodeJS: image(nj)}
	f := &File{Path: DefaultFile, Pairs: []Pair{p}, Policy: map[string]Value[Severity]{}}
	return &check{file: f, pair: p, runtime: rt, nodejs: nj, built: b, engines: map[string]string{}, errs: map[string]error{}}
}

// textFiles returns files at paths, each holding content.
func textFiles(content string, paths ...string) []fixture.File {
	var files []fixture.File
	for _, p := range paths {
		files = append(files, fixture.File{Path: p, Data: []byte(content)})
	}
	return files
}
