package matrix

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var yamlBreaks = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u0085", "\n", "\u2028", "\n", "\u2029", "\n")

// FuzzParse feeds arbitrary bytes to the parser: it must not panic, and
// every finding must carry a position inside the file.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{"../matrix.yaml", "../testdata/demo/matrix.yaml"} {
		if data, err := os.ReadFile(seed); err == nil {
			f.Add(data)
		}
	}
	scripts, _ := filepath.Glob("../testdata/script/lint_*.txtar")
	for _, s := range scripts {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("version: 1\nplugin:\n\tversion: 1\n"))
	f.Add([]byte("pairs: [{runtime: oci:x, nodejs: oci:y, id: a}, {runtime: oci:x, id: a}]\npolicy: {a: b}\n"))
	f.Add([]byte("version: &a 1\nplugin: *a\nharness: {max-concurrency: 0}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, fs := Parse("m.yaml", data)
		if file == nil {
			t.Fatal("Parse returned no file")
		}
		// YAML breaks lines at CR, LF and CRLF, and yaml.v3 also at NEL,
		// LS and PS.
		lines := 1 + strings.Count(yamlBreaks.Replace(string(data)), "\n")
		for _, fd := range fs {
			if fd.Pos.File != "m.yaml" || fd.Pos.Line < 1 || fd.Pos.Col < 1 || fd.Pos.Line > lines+1 {
				t.Errorf("finding %q has position %v, want one inside the file (%d lines)", fd.Message, fd.Pos, lines)
			}
			if fd.Rule == "" || fd.Message == "" {
				t.Errorf("finding %v has no id or no message", fd)
			}
		}
		if !HasSchemaErrors(fs) {
			_ = Lint(file)
		}
	})
}
