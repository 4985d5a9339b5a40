package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sammatrix/sammatrix/inspect/fixture"
)

// goldenDir holds the expected `inspect -o json` output of every fixture
// image of the demo, relative to the module root.
const goldenDir = "testdata/inspect"

// TestInspectGolden runs `sammatrix inspect -o json` on every image of the
// demo (testdata/demo), from the module root, without a cache, with a cold
// one and with a warm one, and compares the output byte for byte with
// testdata/inspect/<fixture name>.json. UPDATE_GOLDEN=1 rewrites the files.
func TestInspectGolden(t *testing.T) {
	t.Chdir(filepath.Join("..", "..", "..", ".."))
	update := os.Getenv("UPDATE_GOLDEN") != ""
	cacheDir := t.TempDir()
	var want []string
	for _, s := range fixture.Specs() {
		name := s.Name + ".json"
		want = append(want, name)
		t.Run(s.Name, func(t *testing.T) {
			ref := "oci:testdata/demo/" + s.Repository + ":" + s.Tag
			golden := filepath.Join(goldenDir, name)
			var first []byte
			for _, cache := range []string{"--no-cache", "--cache-dir=" + cacheDir, "--cache-dir=" + cacheDir} {
				args := []string{"inspect", "--no-progress", cache, "-o", "json", ref}
				var stdout, stderr bytes.Buffer
				if code := run(args, &stdout, &stderr); code != ExitOK || stderr.Len() != 0 {
					t.Fatalf("sammatrix %s: exit code %d, stderr %q, want 0 and nothing", strings.Join(args, " "), code, stderr.String())
				}
				if first == nil {
					first = stdout.Bytes()
				} else if !bytes.Equal(stdout.Bytes(), first) {
					t.Errorf("sammatrix %s =\n%s\nwant the output without a cache:\n%s", strings.Join(args, " "), stdout.Bytes(), first)
				}
			}
			if update {
				if err := os.MkdirAll(goldenDir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, first, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			wantOut, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("reading golden file: %v (UPDATE_GOLDEN=1 writes it)", err)
			}
			if !bytes.Equal(first, wantOut) {
				t.Errorf("sammatrix inspect -o json %s differs from %s (UPDATE_GOLDEN=1 rewrites it):\n%s", ref, golden, lineDiff(string(wantOut), string(first)))
			}
		})
	}
	// A golden file of no fixture is stale.
	ents, err := os.ReadDir(goldenDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if !slices.Contains(want, e.Name()) {
			t.Errorf("%s/%s belongs to no fixture image; remove it", goldenDir, e.Name())
		}
	}
}

// lineDiff lists the first lines where got differs from want.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 10; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			shown++
			b.WriteString("line " + strconv.Itoa(i+1) + ":\n  want " + wl + "\n  got  " + gl + "\n")
		}
	}
	return b.String()
}
